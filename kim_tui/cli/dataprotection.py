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
from kim_tui.i18n import tr


def cmd_subject_access(args: argparse.Namespace) -> int:
    """Write the copy of everything stored about one client as PDF and JSON."""
    from kim_tui.config import load_config
    from kim_tui.store.vault import Vault

    out = Path(args.out).expanduser()
    if not out.is_dir():
        raise CliError(
            tr(
                f"Zielverzeichnis {shown(out)} gibt es nicht.",
                f"Target directory {shown(out)} does not exist.",
            )
        )
    organisation = load_config().organisation
    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase) as vault:
        workspace = unlocked_workspace(vault)
        pdf, data = workspace.write_subject_access(args.client, str(out), organisation=organisation)
    print(tr("Auskunft geschrieben: ", "Copy written:     ") + shown(pdf))
    print(tr("Maschinenlesbar:      ", "Machine-readable: ") + shown(data))
    print(
        tr(
            "Achtung: beide Dateien enthalten personenbezogene Daten unverschlüsselt. "
            "Nach der Übergabe löschen.",
            "Note: both files hold personal data unencrypted. Delete them once handed over.",
        )
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
        raise CliError(
            tr(
                "Bitte eine Datei mit der Endung .md (Markdown) oder .pdf angeben.",
                "Please name a file ending in .md (Markdown) or .pdf.",
            )
        )
    if target.exists():
        raise CliError(
            tr(
                f"{shown(target)} existiert bereits; es wird nichts überschrieben.",
                f"{shown(target)} already exists; nothing is overwritten.",
            )
        )
    if not target.parent.is_dir():
        raise CliError(
            tr(
                f"Verzeichnis {shown(target.parent)} gibt es nicht.",
                f"Directory {shown(target.parent)} does not exist.",
            )
        )
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
    where = shown(target)
    print(
        tr(
            f"Verzeichnis von Verarbeitungstätigkeiten geschrieben: {where}",
            f"Record of processing activities written: {where} (in German, for the "
            "data-protection officer and the supervisory authority)",
        )
    )
    return EXIT_OK


def add_subject_access(sub: SubParsers) -> None:
    """Add `kim subject-access`."""
    p = add_command(
        sub,
        "subject-access",
        cmd_subject_access,
        tr(
            "Auskunft nach Art. 15 DSGVO: alle Daten einer Klient*in als PDF und JSON",
            "Subject access (Art. 15 GDPR): everything about one client as PDF and JSON",
        ),
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--client", metavar="ID", required=True, help=tr("Kennung der Klient*in", "the client's ID")
    )
    p.add_argument(
        "--out", metavar="DIR", required=True, help=tr("Zielverzeichnis", "target directory")
    )


def add_processing_record(sub: SubParsers) -> None:
    """Add `kim processing-record`."""
    p = add_command(
        sub,
        "processing-record",
        cmd_processing_record,
        tr(
            "Verzeichnis von Verarbeitungstätigkeiten und TOM (Markdown oder PDF), ohne "
            "personenbezogene Daten",
            "Record of processing activities and technical and organisational measures "
            "(Markdown or PDF), no personal data",
        ),
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--out", metavar="FILE", required=True, help=tr("Datei .md oder .pdf", "file .md or .pdf")
    )
