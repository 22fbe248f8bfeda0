"""The `kim` parser: the global options and every command, in the order `kim --help` lists
them. Each command module adds its own commands; none of them imports the store or Textual at
module level, so building the parser stays fast.
"""

from __future__ import annotations

import argparse
from typing import cast

from kim_tui.cli import (
    clients,
    coordinator,
    dataprotection,
    demo,
    handover,
    privacy,
    stand_in,
    sync,
    team,
    vault,
)
from kim_tui.cli.common import SubParsers
from kim_tui.cli.kim_parser import KimArgumentParser
from kim_tui.cli.tui import cmd_tui
from kim_tui.i18n import tr


def build_parser() -> argparse.ArgumentParser:
    """The parser of the `kim` command; each parsed command carries its function in `func`.
    Help texts are in the current UI language (`kim.cli.main` sets it from `--lang` first)."""
    parser = KimArgumentParser(
        prog="kim",
        description=tr(
            "KIM Coach: Fallbegleitung im Kommunalen Integrationsmanagement NRW, "
            "offline und verschlüsselt.",
            "KIM Coach: case management in the municipal integration management of NRW, "
            "offline and encrypted.",
        ),
    )
    parser.add_argument("--vault", metavar="DIR", help=tr("Tresor-Verzeichnis", "vault directory"))
    parser.add_argument(
        "--lang", choices=["de", "en"], help=tr("Sprache der Oberfläche", "language of the UI")
    )
    parser.set_defaults(func=cmd_tui)
    # Typed as the plain parser's: each command module adds to it and needs no more.
    sub = cast(
        "SubParsers",
        parser.add_subparsers(title=tr("Befehle", "commands"), metavar=tr("BEFEHL", "COMMAND")),
    )
    for add in (
        vault.add_init,
        demo.add_demo,
        vault.add_passwd,
        vault.add_recover,
        vault.add_backup,
        vault.add_restore,
        vault.add_check,
        clients.add_import_clients,
        privacy.add_clients,
        privacy.add_retention,
        privacy.add_erase,
        sync.add_identity,
        sync.add_connect,
        sync.add_export,
        team.add_colleague,
        handover.add_handover,
        handover.add_receive,
        stand_in.add_stand_in,
        coordinator.add_coordinator,
        dataprotection.add_subject_access,
        dataprotection.add_processing_record,
    ):
        add(sub)
    return parser
