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
from kim_tui.i18n import language, tr

MAX_CSV_BYTES = 64 * 1024 * 1024
"""Largest client CSV `import-clients` reads (a whole city's caseload is a few MiB)."""


def cmd_import_clients(args: argparse.Namespace) -> int:
    """Check a CSV list and import its clients; nothing is imported if one row is wrong or a
    likely duplicate (unless --allow-duplicates)."""
    from kim_tui.domain.csv_import import CsvFormatError, parse_clients_csv, template_csv

    if args.template:
        target = Path(args.template).expanduser()
        if target.exists():
            raise CliError(
                tr(
                    f"{shown(target)} existiert bereits; es wird nichts überschrieben.",
                    f"{shown(target)} already exists; nothing is overwritten.",
                )
            )
        target.write_bytes(template_csv(args.csv_delimiter))
        print(tr(f"Vorlage geschrieben: {shown(target)}", f"Template written: {shown(target)}"))
        return EXIT_OK
    if not args.file:
        raise CliError(
            tr(
                "Bitte eine CSV-Datei angeben (oder --template DATEI).",
                "Please name a CSV file (or --template FILE).",
            )
        )
    source = Path(args.file).expanduser()
    from kim_tui.store.small_file import UnsuitableFile, read_small_file

    try:
        # A FIFO or device would block or never end; a CSV of clients is far below the cap.
        data = read_small_file(source, MAX_CSV_BYTES)
    except FileNotFoundError:
        raise CliError(
            tr(f"Datei {shown(source)} gibt es nicht.", f"File {shown(source)} does not exist.")
        ) from None
    except UnsuitableFile as exc:
        raise CliError(
            tr(
                f"{shown(source)} {exc.why}. Hier gehört eine Datei hin; bitte den Pfad prüfen.",
                f"{shown(source)}: {exc.why}. A file belongs here; please check the path.",
            )
        ) from None
    try:
        result = parse_clients_csv(data, date.today())
    except CsvFormatError as exc:
        raise CliError(f"{shown(source)}: {exc}") from None
    if not result.ok:
        errors = len(result.errors)
        print(
            tr(
                f"{shown(source)}: {errors} Fehler, nichts importiert:",
                f"{shown(source)}: {errors} {'error' if errors == 1 else 'errors'}, "
                "nothing imported:",
            ),
            file=sys.stderr,
        )
        for error in result.errors:
            print(f"  {shown(error.message)}", file=sys.stderr)
        return EXIT_ERROR
    if args.dry_run:
        rows = len(result.drafts)
        print(
            tr(
                f"{shown(source)}: {rows} Zeile(n) geprüft, alle in Ordnung "
                f"(Kodierung {result.encoding}, Trennzeichen {result.delimiter!r}). "
                "Probelauf: nichts importiert.",
                f"{shown(source)}: {rows} row(s) checked, all fine "
                f"(encoding {result.encoding}, delimiter {result.delimiter!r}). "
                "Dry run: nothing imported.",
            )
        )
        return EXIT_OK
    from kim_tui.domain.dates import format_birth_date
    from kim_tui.domain.duplicates import reason_text
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
                name = shown(match.display_name)
                born = format_birth_date(match.birth_date, match.birth_precision)
                why = shown(
                    reason_text(match.reasons, language()) if match.reasons else match.reason
                )
                duplicates.append(
                    tr(
                        f"  Zeile {line}: vermutlich schon im Tresor: {name}, {born} ({why})",
                        f"  Row {line}: probably already in the vault: {name}, {born} ({why})",
                    )
                )
        if duplicates and not args.allow_duplicates:
            print(
                tr(
                    f"{shown(source)}: {len(duplicates)} mögliche Dublette(n), nichts importiert:",
                    f"{shown(source)}: {len(duplicates)} possible duplicate(s), nothing imported:",
                ),
                file=sys.stderr,
            )
            for message in duplicates:
                print(message, file=sys.stderr)
            print(
                tr(
                    "  Prüfen und die Zeilen entfernen, oder mit --allow-duplicates trotzdem "
                    "importieren.",
                    "  Check and remove those rows, or import them anyway with --allow-duplicates.",
                ),
                file=sys.stderr,
            )
            return EXIT_ERROR
        count = workspace.import_intakes(result.drafts, result.households)
    print(
        tr(
            f"{shown(source)}: {count} {'Klient*in' if count == 1 else 'Klient*innen'} importiert.",
            f"{shown(source)}: {count} {'client' if count == 1 else 'clients'} imported.",
        )
    )
    sizes = Counter(label for label, _ in result.households if label)
    linked = sum(1 for size in sizes.values() if size > 1)
    if linked:
        print(
            tr(
                f"  {linked} {'Haushalt' if linked == 1 else 'Haushalte'} verknüpft.",
                f"  {linked} {'household' if linked == 1 else 'households'} linked.",
            )
        )
    return EXIT_OK


def add_import_clients(sub: SubParsers) -> None:
    """Add `kim import-clients`."""
    p = add_command(
        sub,
        "import-clients",
        cmd_import_clients,
        tr("Klient*innen aus einer CSV-Liste übernehmen", "Take over clients from a CSV list"),
    )
    p.add_argument("file", metavar="FILE.csv", nargs="?")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help=tr("nur prüfen, nichts importieren", "only check, import nothing"),
    )
    p.add_argument(
        "--allow-duplicates",
        action="store_true",
        help=tr(
            "auch Zeilen importieren, die vermutlich schon im Tresor sind",
            "also import rows that are probably in the vault already",
        ),
    )
    p.add_argument(
        "--template", metavar="FILE", help=tr("leere Vorlage schreiben", "write an empty template")
    )
    p.add_argument(
        "--csv-delimiter",
        choices=[";", ","],
        default=";",
        help=tr(
            "Trennzeichen der Vorlage (Standard ; für deutsches Excel)",
            "the template's delimiter (default ; for German Excel)",
        ),
    )
