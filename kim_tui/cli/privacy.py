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

if TYPE_CHECKING:
    from kim_tui.domain.model import ClientListing


def _status_label(code: str) -> str:
    from kim_tui.domain.catalogs import catalog

    if code == "closed":
        return "abgeschlossen"
    if code == "none":
        return "kein Fall"
    try:
        return catalog("case_stages").label(code)
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
    from kim_tui.domain.dates import format_date

    print(f"{'ID':<36}  {'Name':<28}  {'Geburt':<10}  {'Fall':<16}  {'Aufbewahrung bis':<16}")
    for r in rows:
        flag = " (eingeschränkt)" if r.restricted_on else ""
        print(
            f"{r.client_id:<36}  {shown(r.display_name):<28}  {format_date(r.birth_date):<10}  "
            f"{_status_label(r.case_status):<16}  {format_date(r.retention_end):<16}{flag}"
        )
    print(f"{len(rows)} Klient*in(nen)")


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
        rows = workspace.retention_due(as_of)
    if args.format == "json":
        print(_as_json(rows))
        return EXIT_OK
    print(f"Regel: {rule.label()} ({rule.source()}). Stichtag: {format_date(as_of)}")
    _print_table(rows)
    if rows:
        print("Löschen mit: kim erase --vault DIR --client ID")
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
                raise CliError("Diese Klient*in ist bereits gelöscht.")
            raise CliError(f"Keine Klient*in mit der ID {shown(args.client)}.")
        target = matches[0]
        law = workspace.regime().cite("erasure")
        if not args.yes:
            if not sys.stdin.isatty():
                raise CliError("Löschen ist endgültig: im Terminal bestätigen oder --yes angeben.")
            answer = input(
                f"{shown(target.display_name)} endgültig löschen ({law})? "
                "Das lässt sich nicht rückgängig machen. Zum Bestätigen den Nachnamen "
                "eingeben: "
            )
            family = target.display_name.split(",", 1)[0].strip()
            if answer.strip() != family:
                print("Nicht gelöscht.", file=sys.stderr)
                return EXIT_ERROR
        result = workspace.erase_client(args.client, args.reason or "")
    print(
        f"Gelöscht ({law}): {result.records_removed} Datensätze. Die ID steht im "
        "Löschregister; das nächste Wochenpaket meldet die Löschung an die Koordinierung."
    )
    return EXIT_OK


def _add_format(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["table", "json"], default="table")


def add_clients(sub: SubParsers) -> None:
    """Add `kim clients`."""
    p = add_command(
        sub, "clients", cmd_clients, "Klient*innen auflisten (ID, Name, Geburt, Fall, Aufbewahrung)"
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--search", metavar="TEXT", help="nach Namen suchen")
    _add_format(p)


def add_retention(sub: SubParsers) -> None:
    """Add `kim retention`."""
    p = add_command(sub, "retention", cmd_retention, "Fällige Löschungen (Aufbewahrung abgelaufen)")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--as-of", metavar="DATE", help="Stichtag (TT.MM.JJJJ), Standard heute")
    _add_format(p)


def add_erase(sub: SubParsers) -> None:
    """Add `kim erase`."""
    p = add_command(sub, "erase", cmd_erase, "Eine Klient*in endgültig löschen")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--client", metavar="ID", required=True, help="ID aus `kim clients`")
    p.add_argument(
        "--reason",
        metavar="TEXT",
        help="Begründung (Pflicht bei offenem Fall, z. B. Antrag der Klient*in); wird nicht "
        "gespeichert, nur dass es ein Antrag war",
    )
    p.add_argument("--yes", action="store_true", help="ohne Rückfrage löschen")
