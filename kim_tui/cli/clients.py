"""`kim import-clients`: take over a caseload from a CSV list (or write an empty template)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from kim_tui.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    SubParsers,
    add_command,
    read_passphrase,
    shown,
    unlocked_workspace,
    vault_dir,
)

MAX_CSV_BYTES = 64 * 1024 * 1024
"""Largest client CSV `import-clients` reads (a whole city's caseload is a few MiB)."""


def cmd_import_clients(args: argparse.Namespace) -> int:
    """Check a CSV list and import its clients; nothing is imported if one row is wrong or a
    likely duplicate (unless --allow-duplicates)."""
    from kim_tui.domain.csv_import import CsvFormatError, parse_clients_csv, template_csv

    if args.template:
        target = Path(args.template).expanduser()
        if target.exists():
            raise CliError(f"{shown(target)} existiert bereits; es wird nichts überschrieben.")
        target.write_bytes(template_csv(args.csv_delimiter))
        print(f"Vorlage geschrieben: {shown(target)}")
        return EXIT_OK
    if not args.file:
        raise CliError("Bitte eine CSV-Datei angeben (oder --template DATEI).")
    source = Path(args.file).expanduser()
    from kim_tui.store.small_file import UnsuitableFile, read_small_file

    try:
        # A FIFO or device would block or never end; a CSV of clients is far below the cap.
        data = read_small_file(source, MAX_CSV_BYTES)
    except FileNotFoundError:
        raise CliError(f"Datei {shown(source)} gibt es nicht.") from None
    except UnsuitableFile as exc:
        raise CliError(
            f"{shown(source)} {exc.why}. Hier gehört eine Datei hin; bitte den Pfad prüfen."
        ) from None
    try:
        result = parse_clients_csv(data, date.today())
    except CsvFormatError as exc:
        raise CliError(f"{shown(source)}: {exc}") from None
    if not result.ok:
        print(f"{shown(source)}: {len(result.errors)} Fehler, nichts importiert:", file=sys.stderr)
        for error in result.errors:
            print(f"  {shown(error.message)}", file=sys.stderr)
        return EXIT_ERROR
    if args.dry_run:
        print(
            f"{shown(source)}: {len(result.drafts)} Zeile(n) geprüft, alle in Ordnung "
            f"(Kodierung {result.encoding}, Trennzeichen {result.delimiter!r}). "
            "Probelauf: nichts importiert."
        )
        return EXIT_OK
    from kim_tui.domain.dates import format_date
    from kim_tui.store.vault import Vault

    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase) as vault:
        workspace = unlocked_workspace(vault)
        # Importing the same list twice must not double the caseload: likely duplicates of
        # people already in the vault stop the import unless the coach says otherwise.
        duplicates = []
        found = workspace.find_duplicates_many([draft.client for draft in result.drafts])
        for line, matches in zip(result.draft_lines, found, strict=True):
            for match in matches:
                duplicates.append(
                    f"  Zeile {line}: vermutlich schon im Tresor: {shown(match.display_name)}, "
                    f"{format_date(match.birth_date)} ({shown(match.reason)})"
                )
        if duplicates and not args.allow_duplicates:
            print(
                f"{shown(source)}: {len(duplicates)} mögliche Dublette(n), nichts importiert:",
                file=sys.stderr,
            )
            for message in duplicates:
                print(message, file=sys.stderr)
            print(
                "  Prüfen und die Zeilen entfernen, oder mit --allow-duplicates trotzdem "
                "importieren.",
                file=sys.stderr,
            )
            return EXIT_ERROR
        count = workspace.import_intakes(result.drafts, result.households)
    print(f"{shown(source)}: {count} {'Klient*in' if count == 1 else 'Klient*innen'} importiert.")
    sizes = Counter(label for label, _ in result.households if label)
    linked = sum(1 for size in sizes.values() if size > 1)
    if linked:
        print(f"  {linked} {'Haushalt' if linked == 1 else 'Haushalte'} verknüpft.")
    return EXIT_OK


def add_import_clients(sub: SubParsers) -> None:
    """Add `kim import-clients`."""
    p = add_command(
        sub, "import-clients", cmd_import_clients, "Klient*innen aus einer CSV-Liste übernehmen"
    )
    p.add_argument("file", metavar="FILE.csv", nargs="?")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts importieren")
    p.add_argument(
        "--allow-duplicates",
        action="store_true",
        help="auch Zeilen importieren, die vermutlich schon im Tresor sind",
    )
    p.add_argument("--template", metavar="FILE", help="leere Vorlage schreiben")
    p.add_argument(
        "--csv-delimiter",
        choices=[";", ","],
        default=";",
        help="Trennzeichen der Vorlage (Standard ; für deutsches Excel)",
    )
