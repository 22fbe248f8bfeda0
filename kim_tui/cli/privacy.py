"""Data-protection commands: `kim clients`, `kim retention` and `kim erase`.

Every name and code printed goes through the one sanitiser (`shown`); JSON output carries the
same fields. The store is imported inside each command, so `kim --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

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
from kim_tui.domain.erasure_notice import erasure_notices
from kim_tui.i18n import language, tr

if TYPE_CHECKING:
    from kim_tui.domain.model import ClientListing


def _status_label(code: str) -> str:
    from kim_tui.domain.catalogs import catalog

    if code == "closed":
        return tr("abgeschlossen", "closed")
    if code == "none":
        return tr("kein Fall", "no case")
    try:
        return catalog("case_stages").label(code, language())
    except KeyError:
        return code


def _as_json(rows: Sequence[ClientListing]) -> str:
    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None

    doc: list[dict[str, Any]] = [
        {
            "id": r.client_id,
            "name": r.display_name,
            "birth_date": iso(r.birth_date),
            "case_status": r.case_status,
            "closed_on": iso(r.closed_on),
            "retention_end": iso(r.retention_end),
            "restricted_on": iso(r.restricted_on),
        }
        for r in rows
    ]
    # ensure_ascii keeps every control or bidi character of a name as a visible \\u escape.
    return json.dumps(doc, ensure_ascii=True, indent=2)


def _print_table(rows: Sequence[ClientListing]) -> None:
    from kim_tui.domain.dates import format_birth_date, format_date

    born, case, kept = (
        tr("Geburt", "Born"),
        tr("Fall", "Case"),
        tr("Aufbewahrung bis", "Keep until"),
    )
    print(f"{'ID':<36}  {'Name':<28}  {born:<10}  {case:<16}  {kept:<16}")
    restricted = tr(" (eingeschränkt)", " (restricted)")
    for r in rows:
        flag = restricted if r.restricted_on else ""
        print(
            f"{r.client_id:<36}  {shown(r.display_name):<28}  "
            f"{format_birth_date(r.birth_date, r.birth_precision):<10}  "
            f"{_status_label(r.case_status):<16}  {format_date(r.retention_end):<16}{flag}"
        )
    print(
        tr(
            f"{len(rows)} Klient*in(nen)",
            f"{len(rows)} {'client' if len(rows) == 1 else 'clients'}",
        )
    )


def cmd_clients(args: argparse.Namespace) -> int:
    """List the vault's clients with birth date, case status and retention end."""
    from kim_tui.store.vault import Vault

    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase) as vault:
        rows = unlocked_workspace(vault).clients(args.search or "")
    if args.format == "json":
        print(_as_json(rows))
    else:
        _print_table(rows)
    return EXIT_OK


def cmd_retention(args: argparse.Namespace) -> int:
    """List the clients whose retention has ended (their erasure is due)."""
    from kim_tui.domain.dates import format_date, parse_date
    from kim_tui.store.vault import Vault

    try:
        as_of = parse_date(args.as_of) if args.as_of else date.today()
    except ValueError as exc:
        raise CliError(f"--as-of: {exc}") from None
    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase) as vault:
        workspace = unlocked_workspace(vault)
        rule = workspace.retention_rule()
        law = workspace.regime()
        rows = workspace.retention_due(as_of)
    if args.format == "json":
        print(_as_json(rows))
        return EXIT_OK
    lang = language()
    print(
        tr(
            f"Regel: {rule.label()} ({rule.source('de', law.cite('erasure', 'de'))}). "
            f"Stichtag: {format_date(as_of)}",
            f"Rule: {rule.label(lang)} ({rule.source(lang, law.cite('erasure', lang))}). "
            f"As of: {format_date(as_of)}",
        )
    )
    _print_table(rows)
    if rows:
        print(
            tr(
                "Löschen mit: kim erase --vault DIR --client ID",
                "Erase with: kim erase --vault DIR --client ID",
            )
        )
    return EXIT_OK


def cmd_erase(args: argparse.Namespace) -> int:
    """Erase one client and every dependent record for good."""
    from kim_tui.store.vault import Vault

    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase) as vault:
        workspace = unlocked_workspace(vault)
        matches = [c for c in workspace.clients() if c.client_id == args.client]
        if not matches:
            if args.client in workspace.erased_ids():
                raise CliError(
                    tr("Diese Klient*in ist bereits gelöscht.", "This client is already erased.")
                )
            raise CliError(
                tr(
                    f"Keine Klient*in mit der ID {shown(args.client)}.",
                    f"No client with the ID {shown(args.client)}.",
                )
            )
        target = matches[0]
        law = workspace.regime().cite("erasure", language())
        if not args.reason and target.case_status not in ("closed", "none"):
            # Said before the confirmation is asked for, not after the name was typed.
            raise CliError(
                tr(
                    "Der Fall ist noch offen: löschen nur mit Begründung (--reason, z. B. "
                    "Antrag der Klient*in).",
                    "The case is still open: erase only with a reason (--reason, e.g. the "
                    "client's request).",
                )
            )
        if not args.yes:
            if not sys.stdin.isatty():
                raise CliError(
                    tr(
                        "Löschen ist endgültig: im Terminal bestätigen oder --yes angeben.",
                        "Erasing is final: confirm at a terminal or give --yes.",
                    )
                )
            name = shown(target.display_name)
            answer = input(
                tr(
                    f"{name} endgültig löschen ({law})? "
                    "Das lässt sich nicht rückgängig machen. Zum Bestätigen den Nachnamen "
                    "eingeben: ",
                    f"Erase {name} for good ({law})? "
                    "This cannot be undone. Type the family name to confirm: ",
                )
            )
            family = target.display_name.split(",", 1)[0].strip()
            if answer.strip() != family:
                print(tr("Nicht gelöscht.", "Not erased."), file=sys.stderr)
                return EXIT_ERROR
        result = workspace.erase_client(args.client, args.reason or "")
    removed = result.records_removed
    print(
        tr(
            f"Gelöscht ({law}): {removed} Datensätze. Die ID steht im "
            "Löschregister; das nächste Wochenpaket meldet die Löschung an die Koordinierung.",
            f"Erased ({law}): {removed} records. The ID is in the erasure register; the next "
            "weekly bundle reports the erasure to the coordination.",
        )
    )
    for notice in erasure_notices(result):
        print(shown(notice))
    return EXIT_OK


def _add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["table", "json"], default="table")


def add_clients(sub: SubParsers) -> None:
    """Add `kim clients`."""
    p = add_command(
        sub,
        "clients",
        cmd_clients,
        tr(
            "Klient*innen auflisten (ID, Name, Geburt, Fall, Aufbewahrung)",
            "List the clients (ID, name, birth, case, retention)",
        ),
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--search", metavar="TEXT", help=tr("nach Namen suchen", "search by name"))
    _add_format(p)


def add_retention(sub: SubParsers) -> None:
    """Add `kim retention`."""
    p = add_command(
        sub,
        "retention",
        cmd_retention,
        tr(
            "Fällige Löschungen (Aufbewahrung abgelaufen)",
            "Erasures due (retention period over)",
        ),
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--as-of",
        metavar="DATE",
        help=tr("Stichtag (TT.MM.JJJJ), Standard heute", "as of (DD.MM.YYYY), default today"),
    )
    _add_format(p)


def add_erase(sub: SubParsers) -> None:
    """Add `kim erase`."""
    p = add_command(
        sub, "erase", cmd_erase, tr("Eine Klient*in endgültig löschen", "Erase one client for good")
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--client",
        metavar="ID",
        required=True,
        help=tr("ID aus `kim clients`", "ID from `kim clients`"),
    )
    p.add_argument(
        "--reason",
        metavar="TEXT",
        help=tr(
            "Begründung (Pflicht bei offenem Fall, z. B. Antrag der Klient*in); wird nicht "
            "gespeichert, nur dass es ein Antrag war",
            "reason (required for an open case, e.g. the client's request); not stored, only "
            "that it was a request",
        ),
    )
    p.add_argument(
        "--yes", action="store_true", help=tr("ohne Rückfrage löschen", "erase without asking")
    )
