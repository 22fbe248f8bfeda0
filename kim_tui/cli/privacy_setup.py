"""Data protection in the vault commands: the regime at `kim init` (from `--regime`, asked at a
terminal, or DSGVO), and the erasure register when a backup is restored."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kim_tui.cli.common import CliError, unlocked_workspace
from kim_tui.i18n import language, tr

if TYPE_CHECKING:
    from kim_tui.store.vault import Vault

REGIME_CHOICES = ("dsgvo", "dsgvo-nrw", "kdg", "dsg-ekd")
"""The codes of `domain/data/regimes.toml` (a test keeps both in step)."""


def add_regime_option(p: argparse.ArgumentParser) -> None:
    """Add `--regime` to a command."""
    p.add_argument(
        "--regime",
        choices=REGIME_CHOICES,
        help=tr(
            "Datenschutzrecht des Trägers (dsgvo, dsgvo-nrw für öffentliche Stellen, kdg für "
            "Caritas, dsg-ekd für Diakonie); ohne Angabe im Terminal gefragt, sonst dsgvo",
            "the provider's data-protection law (dsgvo, dsgvo-nrw for public bodies, kdg for "
            "Caritas, dsg-ekd for Diakonie); asked at a terminal if not given, else dsgvo",
        ),
    )


def choose_regime(given: str | None) -> str:
    """The regime code: `given`, else asked at a terminal, else the default (and said so)."""
    from kim_tui.domain.regime import DEFAULT_REGIME, regimes

    if given:
        return given
    if not sys.stdin.isatty():
        print(
            tr(
                f"Datenschutzrecht: {DEFAULT_REGIME} (Standard; mit --regime wählen, später in "
                "den Einstellungen änderbar).",
                f"Data-protection law: {DEFAULT_REGIME} (default; choose with --regime, can be "
                "changed later in the settings).",
            )
        )
        return DEFAULT_REGIME
    options = regimes()
    print(
        tr(
            "Nach welchem Datenschutzrecht arbeitet Ihr Träger?",
            "Which data-protection law does your provider work under?",
        )
    )
    for number, each in enumerate(options, start=1):
        print(f"  {number}  {each.label(language())}")
    answer = input(tr("Nummer [1]: ", "Number [1]: ")).strip() or "1"
    if not answer.isdigit() or not 1 <= int(answer) <= len(options):
        raise CliError(
            tr(
                f"Bitte eine Nummer von 1 bis {len(options)}. Es wurde nichts angelegt.",
                f"Please give a number from 1 to {len(options)}. Nothing was created.",
            )
        )
    return options[int(answer) - 1].code


def set_vault_regime(vault: Vault, code: str) -> None:
    """Store the regime in a new vault (audited like any settings change)."""
    from kim_tui.service.workspace import Workspace

    Workspace(vault).set_regime(code)


def add_erasures_from_option(p: argparse.ArgumentParser) -> None:
    """Add `--erasures-from` (and the passphrase file it needs) to `kim restore`."""
    p.add_argument(
        "--erasures-from",
        metavar="DIR",
        help=tr(
            "Löschregister dieses Tresors (z. B. des bisherigen) auf die Sicherung anwenden: "
            "wer dort gelöscht ist, wird in der Sicherung erneut gelöscht (ein Passwort für "
            "beide)",
            "apply this vault's erasure register (e.g. the previous one's) to the backup: "
            "whoever was erased there is erased in the backup again (one passphrase for both)",
        ),
    )
    p.add_argument("--passphrase-file", metavar="F")


def reapply_erasures(source: Path, restored: Path, passphrase: str) -> int:
    """Erase again in `restored` every client that `source`'s register lists; how many."""
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault

    with Vault.open(source, passphrase) as other:
        erased = Workspace(other).erased_ids()
    with Vault.open(restored, passphrase) as vault:
        # Opened like any command's vault: an ended stand-in's copy in the backup goes too.
        return unlocked_workspace(vault).re_erase(erased)


def restore_warning(made: str) -> str:
    """What a coach must know after restoring: later erasures are not in an older backup."""
    from datetime import datetime

    from kim_tui.domain.dates import format_date

    try:
        when = format_date(datetime.fromisoformat(made).date())
    except ValueError:
        when = tr("unbekannt", "unknown")
    return tr(
        f"Achtung: Die Sicherung ist vom {when}. Wer danach gelöscht wurde, ist in ihr wieder "
        "enthalten. Mit --erasures-from DIR das Löschregister des bisherigen Tresors anwenden, "
        "oder `kim clients` mit den Löschungen seit diesem Tag abgleichen; die Koordinierung "
        "behält gelöschte Klient*innen ohnehin ohne Personendaten und meldet sie.",
        f"Note: the backup is from {when}. Whoever was erased after that is in it again. "
        "Apply the previous vault's erasure register with --erasures-from DIR, or compare "
        "`kim clients` with the erasures since that day; the coordination keeps erased "
        "clients without personal data anyway and reports them.",
    )
