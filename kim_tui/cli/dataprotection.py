"""Data-protection documents: `kim subject-access` (the Art. 15 copy of one client) and
`kim processing-record` (the record of processing activities and TOMs, no personal data).

`regime` is the vault's data-protection regime; until the vault stores one, "dsgvo".
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from kim_tui.cli.common import (
    EXIT_OK,
    CliError,
    SubParsers,
    add_command,
    read_passphrase,
    shown,
    unlocked_workspace,
    vault_dir,
)


def cmd_subject_access(args: argparse.Namespace) -> int:
    """Write the copy of everything stored about one client as PDF and JSON."""
    from kim_tui.config import load_config
    from kim_tui.store.vault import Vault

    out = Path(args.out).expanduser()
    if not out.is_dir():
        raise CliError(f"Zielverzeichnis {shown(out)} gibt es nicht.")
    organisation = load_config().organisation
    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase) as vault:
        workspace = unlocked_workspace(vault)
        pdf, data = workspace.write_subject_access(args.client, str(out), organisation=organisation)
    print(f"Auskunft geschrieben: {shown(pdf)}")
    print(f"Maschinenlesbar:      {shown(data)}")
    print(
        "Achtung: beide Dateien enthalten personenbezogene Daten unverschlüsselt. "
        "Nach der Übergabe löschen."
    )
    return EXIT_OK


def cmd_processing_record(args: argparse.Namespace) -> int:
    """Write the record of processing activities as Markdown (.md) or PDF (.pdf)."""
    from kim_tui.documents.pdf_base import write_new_file
    from kim_tui.documents.processing_record_pdf import render_processing_record_pdf
    from kim_tui.domain.processing_record import processing_record_markdown
    from kim_tui.store.vault import Vault

    target = Path(args.out).expanduser()
    suffix = target.suffix.lower()
    if suffix not in (".md", ".pdf"):
        raise CliError("Bitte eine Datei mit der Endung .md (Markdown) oder .pdf angeben.")
    if target.exists():
        raise CliError(f"{shown(target)} existiert bereits; es wird nichts überschrieben.")
    if not target.parent.is_dir():
        raise CliError(f"Verzeichnis {shown(target.parent)} gibt es nicht.")
    passphrase = read_passphrase(args)
    # The vault is opened for its regime (and to show the DPO's copy comes from this vault).
    with Vault.open(vault_dir(args), passphrase) as vault:
        workspace = unlocked_workspace(vault)
        regime_code = workspace.regime().code
        years = workspace.retention_rule().years
    if suffix == ".md":
        data = processing_record_markdown(regime_code, years).encode("utf-8")
    else:
        data = render_processing_record_pdf(regime_code, date.today(), years)
    write_new_file(data, target)
    print(f"Verzeichnis von Verarbeitungstätigkeiten geschrieben: {shown(target)}")
    return EXIT_OK


def add_subject_access(sub: SubParsers) -> None:
    """Add `kim subject-access`."""
    p = add_command(
        sub,
        "subject-access",
        cmd_subject_access,
        "Auskunft nach Art. 15 DSGVO: alle Daten einer Klient*in als PDF und JSON",
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--client", metavar="ID", required=True, help="Kennung der Klient*in")
    p.add_argument("--out", metavar="DIR", required=True, help="Zielverzeichnis")


def add_processing_record(sub: SubParsers) -> None:
    """Add `kim processing-record`."""
    p = add_command(
        sub,
        "processing-record",
        cmd_processing_record,
        "Verzeichnis von Verarbeitungstätigkeiten und TOM (Markdown oder PDF), ohne "
        "personenbezogene Daten",
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--out", metavar="FILE", required=True, help="Datei .md oder .pdf")
