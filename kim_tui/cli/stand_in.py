"""`kim stand-in`: lend clients to a colleague for an absence (Vertretung), take a stand-in
over, write its return, import the return.

The store and the sync modules are imported inside the command, so `kim --help` stays fast.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from kim_tui.service.workspace import Workspace


def _send(ws: Workspace, args: argparse.Namespace) -> None:
    from kim_tui.domain.dates import format_date, parse_date

    if not args.to or not args.until or not args.out:
        raise CliError(
            tr(
                "Vertretung schicken: --to NAME --until TT.MM.JJJJ --out DATEI angeben.",
                "Sending a stand-in: give --to NAME --until DD.MM.YYYY --out FILE.",
            )
        )
    try:
        until = parse_date(args.until)
    except ValueError:
        raise CliError(
            tr(
                f"--until: ungültiges Datum {args.until!r}, bitte TT.MM.JJJJ.",
                f"--until: invalid date {args.until!r}, please use DD.MM.YYYY.",
            )
        ) from None
    sent = ws.send_stand_in(args.to, until, args.client or None, args.out)
    who, last_day, path = shown(sent.colleague), format_date(sent.until), shown(sent.path)
    print(
        tr(
            f"Vertretung für {who} bis {last_day}: {sent.clients} Klient*innen in {path} "
            "(verschlüsselt für die Kolleg*in). Ihre eigenen Einträge bleiben unverändert.",
            f"Stand-in for {who} until {last_day}: {sent.clients} clients in {path} (encrypted "
            "for your colleague). Your own records stay as they are.",
        )
    )


def _receive(ws: Workspace, path: str) -> None:
    from kim_tui.domain.dates import format_date

    got = ws.receive_stand_in(path)
    who, until = shown(got.colleague), format_date(got.until)
    names = ", ".join(shown(n) for n in got.client_names)
    print(
        tr(
            f"Vertretung von {who} übernommen, bis {until}: {names}",
            f"Standing in for {who} until {until}: {names}",
        )
    )
    print(
        tr(
            "Sie können Kontakte erfassen und Wiedervorlagen erledigen oder anlegen; zurück mit "
            "`kim stand-in --return --out DATEI`. Nach dem Enddatum wird die Kopie gelöscht.",
            "You can record contacts and complete or add follow-ups; send them back with "
            "`kim stand-in --return --out FILE`. After the end date the copy is erased.",
        )
    )


def _return(ws: Workspace, args: argparse.Namespace) -> None:
    if not args.out:
        raise CliError(
            tr("Rückgabe schreiben: --out DATEI angeben.", "Writing a return: give --out FILE.")
        )
    written = ws.write_stand_in_return(args.out, args.to)
    who, path = shown(written.colleague), shown(written.path)
    print(
        tr(
            f"Rückgabe für {who}: {written.contacts} Kontakte, {written.follow_ups} "
            f"Wiedervorlagen in {path}.",
            f"Return for {who}: {written.contacts} contacts, {written.follow_ups} follow-ups "
            f"in {path}.",
        )
    )


def _import_return(ws: Workspace, path: str) -> None:
    done = ws.import_stand_in_return(path)
    who = shown(done.colleague)
    print(
        tr(
            f"Rückgabe von {who} eingelesen: {done.contacts_added} Kontakte, "
            f"{done.follow_ups_completed} Wiedervorlagen erledigt, {done.follow_ups_added} neu"
            + (f", {done.follow_ups_snoozed} verschoben" if done.follow_ups_snoozed else "")
            + (
                f", {done.skipped} übersprungen (schon eingelesen, oder die Akte ist hier gelöscht)"
                if done.skipped
                else ""
            )
            + ".",
            f"Return from {who} imported: {done.contacts_added} contacts, "
            f"{done.follow_ups_completed} follow-ups completed, {done.follow_ups_added} new"
            + (f", {done.follow_ups_snoozed} snoozed" if done.follow_ups_snoozed else "")
            + (
                f", {done.skipped} skipped (imported before, or the file was erased here)"
                if done.skipped
                else ""
            )
            + ".",
        )
    )


def cmd_stand_in(args: argparse.Namespace) -> int:
    """Send, receive, return or import a stand-in (one mode per call)."""
    from kim_tui.store.vault import Vault

    modes = [bool(args.receive), bool(args.write_return), bool(args.import_return)]
    if sum(modes) > 1:
        raise CliError(
            tr(
                "Bitte nur eins: schicken, --receive, --return oder --import-return.",
                "Only one at a time: send, --receive, --return or --import-return.",
            )
        )
    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase) as vault:
        ws = unlocked_workspace(vault)
        if args.receive:
            _receive(ws, args.receive)
        elif args.write_return:
            _return(ws, args)
        elif args.import_return:
            _import_return(ws, args.import_return)
        else:
            _send(ws, args)
    return EXIT_OK


def add_stand_in(sub: SubParsers) -> None:
    """Add `kim stand-in`."""
    p = add_command(
        sub,
        "stand-in",
        cmd_stand_in,
        tr(
            "Vertretung: Klient*innen befristet einer Kolleg*in überlassen, übernehmen, "
            "zurückgeben",
            "Standing in: leave clients to a colleague for a time, take them over, return them",
        ),
    )
    p.description = tr(
        "Schicken (ohne Modus): eine befristete KOPIE der Stammdaten, offenen Fälle, offenen "
        "Wiedervorlagen, Ziele und der Kontakte der letzten 90 Tage, verschlüsselt für eine "
        "gespeicherte Kolleg*in. Ohne --client alle Klient*innen mit offenem Fall. Ihre "
        "Einträge bleiben unverändert. --receive: bei der Kolleg*in übernehmen. --return: "
        "Rückgabe der dort erfassten Kontakte und Wiedervorlagen schreiben. --import-return: "
        "die Rückgabe beim zuständigen Coach einlesen. Nach dem Enddatum löscht das erste "
        "Entsperren die Kopie bei der Kolleg*in.",
        "Send (no mode): a time-limited COPY of the master data, open cases, open follow-ups, "
        "goals and the contacts of the last 90 days, encrypted for a stored colleague. "
        "Without --client every client with an open case. Your entries stay unchanged. "
        "--receive: take it over at the colleague's. --return: write the return of the "
        "contacts and follow-ups recorded there. --import-return: import the return at the "
        "responsible coach's. After the end date the first unlock erases the colleague's copy.",
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--to",
        metavar="NAME",
        help=tr(
            "Kolleg*in (Name aus `kim colleague list`)",
            "colleague (name from `kim colleague list`)",
        ),
    )
    p.add_argument(
        "--until",
        metavar="DATE",
        help=tr("letzter Tag der Vertretung (TT.MM.JJJJ)", "last day of standing in (DD.MM.YYYY)"),
    )
    p.add_argument(
        "--client",
        metavar="ID",
        nargs="+",
        action="extend",
        help=tr(
            "IDs aus `kim clients`; ohne: alle Klient*innen mit offenem Fall",
            "IDs from `kim clients`; without: every client with an open case",
        ),
    )
    p.add_argument(
        "--out", metavar="FILE", help=tr("zu schreibende Datei (.kimh)", "file to write (.kimh)")
    )
    p.add_argument(
        "--receive",
        metavar="FILE",
        help=tr("Vertretungsdatei übernehmen", "take over a stand-in file"),
    )
    p.add_argument(
        "--return",
        dest="write_return",
        action="store_true",
        help=tr(
            "Rückgabe schreiben (mit --out; bei mehreren Vertretungen --to NAME)",
            "write the return (with --out; with several stand-ins --to NAME)",
        ),
    )
    p.add_argument(
        "--import-return",
        metavar="FILE",
        help=tr("Rückgabedatei einlesen", "import a return file"),
    )
