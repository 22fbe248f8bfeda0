"""Team commands: colleagues a coach can hand cases over to (`kim colleague add|list`).

The store and the sync modules are imported inside the commands, so `kim --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kim_tui.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    SubParsers,
    add_command,
    read_passphrase,
    shown,
    sync_errors,
    unlocked_workspace,
    vault_dir,
)
from kim_tui.cli.sync import fingerprint_compared
from kim_tui.i18n import tr


def cmd_colleague_add(args: argparse.Namespace) -> int:
    """Store a colleague's coach.pub after the fingerprint was compared (an audited write)."""
    from kim_tui.store.vault import Vault
    from kim_tui.sync.identity import CoachPublic, read_public_file

    source = Path(args.file).expanduser()
    try:
        pub = CoachPublic.from_json(read_public_file(source), source)
    except sync_errors() as exc:
        raise CliError(shown(exc)) from None
    organisation = f", {shown(pub.organisation)}" if pub.organisation else ""
    unnamed = tr("(ohne Namen)", "(no name)")
    print(tr("Kolleg*in: ", "Colleague: ") + f"{shown(pub.name) or unnamed}{organisation}")
    if not fingerprint_compared(
        args.fingerprint,
        pub.fingerprint,
        (
            "Bitte persönlich oder telefonisch mit der Kolleg*in vergleichen.",
            "Please compare it with your colleague in person or by phone.",
        ),
    ):
        return EXIT_ERROR
    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase) as vault:
        new = unlocked_workspace(vault).add_colleague(
            pub
        )  # a ValidationError is one line on stderr
    if new:
        print(tr("Kolleg*in gespeichert.", "Colleague stored."))
    else:
        print(tr("Kolleg*in aktualisiert.", "Colleague updated."))
    return EXIT_OK


def cmd_colleague_list(args: argparse.Namespace) -> int:
    """List the stored colleagues with their fingerprints."""
    from kim_tui.store.vault import Vault
    from kim_tui.sync.identity import display_fingerprint

    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase) as vault:
        found = unlocked_workspace(vault).colleagues()
    if not found:
        print(
            tr(
                "Noch keine Kolleg*innen gespeichert (`kim colleague add coach.pub`).",
                "No colleagues stored yet (`kim colleague add coach.pub`).",
            )
        )
    for pub in found:
        organisation = f", {shown(pub.organisation)}" if pub.organisation else ""
        name = shown(pub.name) or tr("(ohne Namen)", "(no name)")
        print(f"{name}{organisation}  {display_fingerprint(pub.fingerprint)}")
    return EXIT_OK


def _group_help(_args: argparse.Namespace) -> int:
    print(
        tr(
            "Bitte einen Befehl angeben: kim colleague {add,list} --help",
            "Please give a command: kim colleague {add,list} --help",
        ),
        file=sys.stderr,
    )
    return EXIT_USAGE


def add_colleague(sub: SubParsers) -> None:
    """Add the `kim colleague …` group."""
    group = add_command(
        sub,
        "colleague",
        _group_help,
        tr("Kolleg*innen für Übergaben verwalten", "Manage colleagues for handovers"),
        vault=False,
    )
    csub = group.add_subparsers(title=tr("Befehle", "commands"), metavar=tr("BEFEHL", "COMMAND"))

    add = csub.add_parser(
        "add",
        help=tr("coach.pub einer Kolleg*in speichern", "store a colleague's coach.pub"),
        description=tr("coach.pub speichern", "Store coach.pub"),
    )
    add.add_argument("file", metavar="colleague.pub")
    add.add_argument(
        "--vault", metavar="DIR", default=argparse.SUPPRESS, help=tr("Tresor", "vault")
    )
    add.add_argument("--passphrase-file", metavar="F")
    add.add_argument(
        "--fingerprint",
        metavar="FP",
        help=tr(
            "erwarteter Fingerabdruck (statt Rückfrage): ABCD-EFGH-… oder die 64 Hex-Ziffern",
            "expected fingerprint (instead of asking): ABCD-EFGH-… or the 64 hex digits",
        ),
    )
    add.set_defaults(func=cmd_colleague_add)

    listing = csub.add_parser(
        "list",
        help=tr("gespeicherte Kolleg*innen zeigen", "show the stored colleagues"),
        description=tr("Kolleg*innen zeigen", "Show colleagues"),
    )
    listing.add_argument(
        "--vault", metavar="DIR", default=argparse.SUPPRESS, help=tr("Tresor", "vault")
    )
    listing.add_argument("--passphrase-file", metavar="F")
    listing.set_defaults(func=cmd_colleague_list)
