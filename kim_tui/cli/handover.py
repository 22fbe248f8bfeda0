"""Handover commands (issue 14): `kim handover` (make a handover file, or `--confirm` a
colleague's receipt) and `kim receive` (take a handover file in and write the receipt).

Every name from outside (a colleague's name, a client's name in a duplicate candidate) goes
through the one sanitiser (`shown`). The store is imported inside the commands, so `kim --help`
stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
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
    from kim_tui.domain.handover import HandoverPreview
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault
    from kim_tui.sync.identity import CoachPublic


def _t(de: str, en: str) -> str:
    return tr(de, en)


def _refusal(exc: Exception) -> CliError:
    """A refused handover or file as one line (`HandoverRefused` speaks the chosen language)."""
    return CliError(shown(str(exc)))


def _normalised(text: str) -> str:
    return "".join(ch for ch in text if ch not in " \t:-").upper()


def match_colleague(colleagues: Sequence[CoachPublic], wanted: str) -> CoachPublic:
    """The stored colleague `wanted` names: by name (case-insensitive; a unique part of a name
    is enough) or by a fingerprint prefix of at least 4 characters (read-out or hex form).
    `CliError` listing the candidates with fingerprints when none or several match."""
    from kim_tui.sync.identity import display_fingerprint

    text = " ".join(wanted.casefold().split())
    typed = _normalised(wanted)
    exact = [c for c in colleagues if " ".join(c.name.casefold().split()) == text]
    found = exact or [c for c in colleagues if text and text in c.name.casefold()]
    if not found and len(typed) >= 4:
        found = [
            c
            for c in colleagues
            if display_fingerprint(c.fingerprint).replace("-", "").startswith(typed)
            or c.fingerprint.upper().startswith(typed)
        ]
    if len(found) == 1:
        return found[0]
    listing = "\n".join(
        f"  {shown(c.name) or _t('(ohne Namen)', '(no name)')}"
        f"{', ' + shown(c.organisation) if c.organisation else ''}"
        f"  {display_fingerprint(c.fingerprint)}"
        for c in (found or colleagues)
    )
    if not colleagues:
        raise CliError(
            _t(
                "Noch keine Kolleg*innen gespeichert: zuerst `kim colleague add coach.pub`.",
                "No colleagues stored yet: first `kim colleague add coach.pub`.",
            )
        )
    if found:
        raise CliError(
            _t(
                f"„{shown(wanted)}“ passt zu mehreren Kolleg*innen; bitte den Fingerabdruck "
                f"angeben (--to ABCD-EFGH):\n{listing}",
                f"“{shown(wanted)}” matches several colleagues; please give the fingerprint "
                f"(--to ABCD-EFGH):\n{listing}",
            )
        )
    raise CliError(
        _t(
            f"Keine gespeicherte Kolleg*in „{shown(wanted)}“. Gespeichert sind:\n{listing}",
            f"No stored colleague “{shown(wanted)}”. Stored are:\n{listing}",
        )
    )


def _open(args: argparse.Namespace) -> tuple[Vault, Workspace]:
    from kim_tui.store.vault import Vault

    passphrase = read_passphrase(args)
    vault = Vault.open(vault_dir(args), passphrase)
    return vault, unlocked_workspace(vault)


def cmd_handover(args: argparse.Namespace) -> int:
    """Make a handover file (`--client`, `--to`, `--out`) or confirm a receipt (`--confirm`)."""
    if args.confirm:
        if args.client or args.to or args.out or args.override_reason:
            raise CliError(
                _t(
                    "--confirm steht allein (mit --vault und --passphrase-file).",
                    "--confirm stands alone (with --vault and --passphrase-file).",
                )
            )
        return _confirm(args)
    missing = [
        o for o, v in (("--client", args.client), ("--to", args.to), ("--out", args.out)) if not v
    ]
    if missing:
        raise CliError(
            _t(
                f"Bitte {', '.join(missing)} angeben (oder --confirm QUITTUNG).",
                f"Please give {', '.join(missing)} (or --confirm RECEIPT).",
            )
        )
    from kim_tui.service.handover import HandoverRefused

    vault, workspace = _open(args)
    with vault:
        colleague = match_colleague(workspace.colleagues(), args.to)
        matches = [c for c in workspace.clients() if c.client_id == args.client]
        if not matches:
            if args.client in workspace.erased_ids():
                raise CliError(_t("Diese Klient*in ist gelöscht.", "This client was erased."))
            raise CliError(
                _t(
                    f"Keine Klient*in mit der ID {shown(args.client)} (`kim clients` zeigt sie).",
                    f"No client with the id {shown(args.client)} (`kim clients` lists them).",
                )
            )
        try:
            made = workspace.hand_over(
                args.client, colleague.fingerprint, args.out, args.override_reason or ""
            )
        except HandoverRefused as exc:
            raise _refusal(exc) from None
    from kim_tui.sync.identity import display_fingerprint

    who = shown(made.colleague_name) or display_fingerprint(made.colleague_fingerprint)
    print(
        _t(
            f"Übergabedatei geschrieben: {shown(made.path)}",
            f"Handover file written: {shown(made.path)}",
        )
    )
    print(
        _t(
            f"Für: {who} ({display_fingerprint(made.colleague_fingerprint)}). Der Fall ist als "
            "„übergeben“ abgeschlossen; die Daten bleiben hier, bis die Empfangsbestätigung mit "
            "`kim handover --confirm QUITTUNG` eingelesen ist.",
            f"For: {who} ({display_fingerprint(made.colleague_fingerprint)}). The case is closed "
            "as handed over; the data stays here until the receipt is imported with "
            "`kim handover --confirm RECEIPT`.",
        )
    )
    if made.with_override:
        print(
            _t(
                "Ohne Einwilligung übergeben: die Begründung ist protokolliert.",
                "Handed over without consent: the reason is recorded in the audit trail.",
            )
        )
    return EXIT_OK


def _confirm(args: argparse.Namespace) -> int:
    from kim_tui.service.handover import HandoverRefused

    vault, workspace = _open(args)
    with vault:
        try:
            done = workspace.confirm_handover(args.confirm)
        except HandoverRefused as exc:
            raise _refusal(exc) from None
    print(
        _t(
            f"Übergabe an {shown(done.colleague_name)} bestätigt. Die Daten der Klient*in sind "
            f"hier gelöscht ({done.records_removed} Datensätze); die Übergabe selbst bleibt "
            "vermerkt und geht mit dem nächsten Wochenpaket an die Koordinierung.",
            f"Handover to {shown(done.colleague_name)} confirmed. The client's data is erased "
            f"here ({done.records_removed} records); the handover itself stays on record and "
            "goes to the coordinator with the next weekly bundle.",
        )
    )
    return EXIT_OK


def _print_candidates(preview: HandoverPreview) -> None:
    from kim_tui.domain.dates import format_birth_date
    from kim_tui.domain.duplicates import reason_text
    from kim_tui.i18n import language

    print(
        _t(
            "Mögliche Dubletten in diesem Tresor:",
            "Possible duplicates in this vault:",
        )
    )
    for c in preview.candidates:
        print(
            f"  {c.client_id}  {shown(c.display_name)}  "
            f"{format_birth_date(c.birth_date, c.birth_precision)}  "
            f"({shown(reason_text(c.reasons, language()) if c.reasons else c.reason)})"
        )


def cmd_receive(args: argparse.Namespace) -> int:
    """Take a handover file in (new file or merge) and write the receipt for the sender."""
    from kim_tui.domain.dates import format_birth_date, format_date
    from kim_tui.service.handover import HandoverRefused
    from kim_tui.sync.identity import display_fingerprint

    if args.new and args.merge_into:
        raise CliError(
            _t(
                "Entweder --new oder --merge-into, nicht beides.",
                "Either --new or --merge-into, not both.",
            )
        )
    receipt_out = args.receipt_out or str(Path(args.file).expanduser().parent)
    vault, workspace = _open(args)
    with vault:
        try:
            if args.receipt_again:
                again = workspace.receive_handover(args.file, receipt_out, again=True)
                print(
                    _t(
                        f"Empfangsbestätigung erneut geschrieben: {shown(again.receipt_path)}",
                        f"Receipt written again: {shown(again.receipt_path)}",
                    )
                )
                return EXIT_OK
            preview = workspace.inspect_handover(args.file)
            print(
                _t(
                    f"Übergabe von {shown(preview.sender_name)} "
                    f"({display_fingerprint(preview.sender_fingerprint)}) vom "
                    f"{format_date(preview.handed_over_on)}: {shown(preview.display_name)}, "
                    f"geboren {format_birth_date(preview.birth_date, preview.birth_precision)}",
                    f"Handover from {shown(preview.sender_name)} "
                    f"({display_fingerprint(preview.sender_fingerprint)}) of "
                    f"{format_date(preview.handed_over_on)}: {shown(preview.display_name)}, "
                    f"born {format_birth_date(preview.birth_date, preview.birth_precision)}",
                )
            )
            if preview.candidates and not (args.new or args.merge_into):
                _print_candidates(preview)
                raise CliError(
                    _t(
                        "Es gibt mögliche Dubletten: bitte --new (neue Akte) oder --merge-into "
                        "ID (in diese Akte zusammenführen) angeben. Nichts wurde geändert.",
                        "There are possible duplicates: please give --new (a new file) or "
                        "--merge-into ID (merge into that file). Nothing was changed.",
                    )
                )
            if args.merge_into and args.merge_into not in {
                c.client_id for c in workspace.clients()
            }:
                raise CliError(
                    _t(
                        f"Keine Klient*in mit der ID {shown(args.merge_into)}. "
                        "Nichts wurde geändert.",
                        f"No client with the id {shown(args.merge_into)}. Nothing was changed.",
                    )
                )
            got = workspace.receive_handover(args.file, receipt_out, args.merge_into)
        except HandoverRefused as exc:
            raise _refusal(exc) from None
    if got.merged:
        print(
            _t(
                f"In die Akte {got.client_id} zusammengeführt.",
                f"Merged into the file {got.client_id}.",
            )
        )
    else:
        print(
            _t(
                f"Als neue Akte übernommen: {got.client_id}",
                f"Taken in as a new file: {got.client_id}",
            )
        )
    print(
        _t(
            f"Empfangsbestätigung für {shown(got.sender_name)} geschrieben: "
            f"{shown(got.receipt_path)} – bitte an die Kolleg*in schicken.",
            f"Receipt for {shown(got.sender_name)} written: {shown(got.receipt_path)} – "
            "please send it to your colleague.",
        )
    )
    return EXIT_OK


def add_handover(sub: SubParsers) -> None:
    """Add `kim handover`."""
    p = add_command(
        sub,
        "handover",
        cmd_handover,
        tr("Klient*in an eine Kolleg*in übergeben", "Hand a client over to a colleague"),
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--client", metavar="ID", help=tr("ID aus `kim clients`", "ID from `kim clients`")
    )
    p.add_argument(
        "--to",
        metavar="NAME",
        help=tr("Kolleg*in: Name oder Fingerabdruck", "colleague: name or fingerprint"),
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help=tr("Übergabedatei (oder ein Verzeichnis)", "handover file (or a directory)"),
    )
    p.add_argument(
        "--override-reason",
        metavar="TEXT",
        help=tr(
            "Begründung, wenn keine Einwilligung vorliegt (mindestens 20 Zeichen; protokolliert)",
            "reason when there is no consent (at least 20 characters; recorded)",
        ),
    )
    p.add_argument(
        "--confirm",
        metavar="RECEIPT",
        help=tr(
            "Empfangsbestätigung der Kolleg*in einlesen: die Daten werden hier gelöscht",
            "import the colleague's receipt: the data is erased here",
        ),
    )


def add_receive(sub: SubParsers) -> None:
    """Add `kim receive`."""
    p = add_command(
        sub,
        "receive",
        cmd_receive,
        tr("Übergabe einer Kolleg*in empfangen", "Receive a handover from a colleague"),
    )
    p.add_argument(
        "file", metavar="FILE", help=tr("Übergabedatei (.kimh)", "handover file (.kimh)")
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--receipt-out",
        metavar="FILE",
        help=tr(
            "Empfangsbestätigung hierhin (Datei oder Verzeichnis; Standard: neben FILE)",
            "write the receipt here (file or directory; default: next to FILE)",
        ),
    )
    choice = p.add_mutually_exclusive_group()
    choice.add_argument(
        "--new", action="store_true", help=tr("als neue Akte übernehmen", "take over as a new file")
    )
    choice.add_argument(
        "--merge-into",
        metavar="ID",
        help=tr("in diese Akte zusammenführen", "merge into this client's file"),
    )
    p.add_argument(
        "--receipt-again",
        action="store_true",
        help=tr(
            "Empfangsbestätigung einer schon empfangenen Übergabe erneut schreiben",
            "write the receipt of a handover already received again",
        ),
    )


__all__ = ["add_handover", "add_receive", "match_colleague"]
