"""The coordinator's commands: ``kim coordinator init|enroll|import|held|passwd|recover|ui|report``.

The coordinator's store, importer and report are imported inside the commands, so `kim --help`
stays fast. Store errors are worded for the coordinator's "Ablage" instead of the coach's
"Tresor".
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kim_tui.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Command,
    SubParsers,
    add_allow_weak,
    add_command,
    check_recovery_target,
    print_recovery,
    read_new_passphrase,
    read_passphrase,
    read_recovery_key,
    shown,
    sync_errors,
)
from kim_tui.cli.coordinator_enroll import cmd_coordinator_enroll
from kim_tui.i18n import tr

if TYPE_CHECKING:
    from kim_tui.coordinator.forks import HeldView, SupersededRecords


def _coord_dir(args: argparse.Namespace) -> Path:
    return Path(args.dir).expanduser()


@contextmanager
def _coordinator_wording(directory: Path) -> Iterator[None]:
    """The store's errors name the coach's vault ("Tresor", "kim init"); say "Ablage" and name
    the coordinator's commands instead."""
    from kim_tui.store.errors import VaultLocked, VaultNotFound, WrongPassphrase

    try:
        yield
    except VaultNotFound:
        raise CliError(
            tr(
                f"Keine Koordinierungs-Ablage in {shown(directory)} "
                "(keine Schlüsseldatei gefunden). "
                f"Mit `kim coordinator init --dir {shown(directory)}` anlegen.",
                f"No coordinator store in {shown(directory)} (no key file found). "
                f"Create one with `kim coordinator init --dir {shown(directory)}`.",
            )
        ) from None
    except VaultLocked:
        raise CliError(
            tr(
                f"Die Ablage {shown(directory)} ist bereits in einem anderen kim-Prozess geöffnet. "
                "Bitte dort schließen (oder sperren und beenden) und erneut versuchen.",
                f"The store {shown(directory)} is already open in another kim process. "
                "Please close it there (or lock and quit) and try again.",
            )
        ) from None
    except WrongPassphrase:
        raise CliError(
            tr(
                "Passwort ist falsch. Die Ablage wurde nicht verändert.",
                "Wrong passphrase. The store was not changed.",
            )
        ) from None


def cmd_coordinator_init(args: argparse.Namespace) -> int:
    """Create the coordinator's encrypted store and its key pairs; write coordinator.pub."""
    from kim_tui.coordinator.store import PUB_FILE, CoordinatorStore
    from kim_tui.sync.identity import display_fingerprint, label_problem

    problem = label_problem(args.name, "--name") if args.name else None
    if problem:
        raise CliError(problem)
    directory = _coord_dir(args)
    check_recovery_target(args.recovery_key_file)
    passphrase = read_new_passphrase(
        args,
        prompt=tr("Neues Passwort: ", "New passphrase: "),
        user_inputs=(directory.name, args.name or ""),
    )
    store, recovery = CoordinatorStore.create(directory, passphrase, name=args.name or "")
    try:
        fingerprint = store.public().fingerprint
    finally:
        store.close()
    print(tr("Koordinierungs-Ablage angelegt: ", "Coordinator store created: ") + shown(directory))
    print(
        tr("Öffentlicher Schlüssel für die Coaches: ", "Public key for the coaches: ")
        + shown(directory / PUB_FILE)
    )
    print(tr("  Fingerabdruck: ", "  Fingerprint: ") + display_fingerprint(fingerprint))
    print_recovery(recovery, args.recovery_key_file)
    return EXIT_OK


def cmd_coordinator_import(args: argparse.Namespace) -> int:
    """Import bundle files; one result line per file (UI language), then open gaps and forks."""
    from kim_tui.coordinator.importer import HELD, REJECTED, gaps, import_files
    from kim_tui.coordinator.store import CoordinatorStore

    passphrase = read_passphrase(args)
    with CoordinatorStore.open(_coord_dir(args), passphrase) as store:
        outcomes = import_files(store, [Path(f).expanduser() for f in args.files])
        missing = gaps(store)
    for outcome in outcomes:
        print(shown(outcome.line), file=sys.stderr if outcome.status == REJECTED else sys.stdout)
    for line in missing:
        print(tr("Hinweis: ", "Note: ") + shown(line))
    bad = any(o.status in (REJECTED, HELD) for o in outcomes)
    return EXIT_ERROR if bad else EXIT_OK


def cmd_coordinator_held(args: argparse.Namespace) -> int:
    """List held-back forks and the records only a superseded history had, or decide: --release
    ID merges a bundle, --discard ID sets it aside, --drop-superseded drops those records."""
    from kim_tui.coordinator.forks import (
        discard,
        drop_superseded,
        held_bundles,
        release,
        superseded_records,
    )
    from kim_tui.coordinator.store import CoordinatorStore

    if args.discard and args.drop_superseded:
        raise CliError(
            tr(
                "--drop-superseded geht allein oder mit --release, nicht mit --discard.",
                "--drop-superseded works alone or with --release, not with --discard.",
            )
        )
    passphrase = read_passphrase(args)
    with CoordinatorStore.open(_coord_dir(args), passphrase) as store:
        try:
            if args.release:
                decision = release(store, args.release, drop_superseded=args.drop_superseded)
            elif args.discard:
                decision = discard(store, args.discard)
            elif args.drop_superseded:
                _print_dropped(drop_superseded(store))
                return EXIT_OK
            else:
                _print_held(held_bundles(store))
                _print_superseded(superseded_records(store))
                return EXIT_OK
        except sync_errors() as exc:
            raise CliError(str(exc)) from None
        left = [] if args.discard or args.drop_superseded else superseded_records(store)
    for line in decision.lines:
        print(shown(line))
    if decision.dropped:
        _print_dropped(decision.dropped)
    elif left:
        total = sum(r.total for r in left)
        print(
            tr(
                f"{total} Datensätze gibt es nur im abgelösten Stand (der wiederhergestellte "
                "Tresor hat sie nicht); `kim coordinator held` zeigt sie, --drop-superseded "
                "entfernt sie.",
                f"{total} records exist only in the superseded history (the restored vault "
                "does not have them); `kim coordinator held` lists them, --drop-superseded "
                "removes them.",
            )
        )
    return EXIT_OK


def _per_table(counts: dict[str, int]) -> str:
    """ "client 1, case 1, contact 2": the tables as named in the bundle format."""
    return ", ".join(f"{shown(table)} {n}" for table, n in counts.items())


def _print_superseded(records: Sequence[SupersededRecords]) -> None:
    """Per coach, the records only a superseded history had (after a released fork)."""
    for r in records:
        print(
            tr(
                f"Nur im abgelösten Stand von Coach {shown(r.label)}: {r.total} Datensätze "
                f"({_per_table(r.counts)}); entfernen mit --drop-superseded",
                f"Only in the superseded history of coach {shown(r.label)}: {r.total} records "
                f"({_per_table(r.counts)}); remove them with --drop-superseded",
            )
        )


def _print_dropped(counts: dict[str, int]) -> None:
    if not counts:
        print(
            tr(
                "Keine Datensätze nur eines abgelösten Stands.",
                "No records of a superseded history only.",
            )
        )
        return
    total = sum(counts.values())
    print(
        tr(
            f"{total} Datensätze des abgelösten Stands entfernt ({_per_table(counts)}); "
            "der Bericht zählt jetzt, was der wiederhergestellte Tresor hat.",
            f"{total} records of the superseded history removed ({_per_table(counts)}); "
            "the report now counts what the restored vault holds.",
        )
    )


def _print_held(held: Sequence[HeldView]) -> None:
    """The held-back bundles, each with what releasing it would do, and how to decide."""
    pad = " " * 12
    if not held:
        print(tr("Keine zurückgehaltenen Pakete.", "No bundles held back."))
        return
    for h in held:
        print(
            tr(
                f"{h.id}  Paket {h.seq} ({h.week}) von Coach {shown(h.coach)}, "
                f"Datei {shown(h.file_name)}, eingegangen {h.received_at:%d.%m.%Y}",
                f"{h.id}  bundle {h.seq} ({h.week}) from coach {shown(h.coach)}, "
                f"file {shown(h.file_name)}, received {h.received_at:%Y-%m-%d}",
            )
        )
        print(f"{pad}{shown(h.reason)}")
        if h.leaves:
            seqs = ", ".join(map(str, h.leaves))
            print(
                pad
                + tr(
                    f"übernehmen nimmt Paket(e) {seqs} des anderen Stands",
                    f"releasing drops bundle(s) {seqs} of the other history",
                )
            )
        if h.orphans:
            print(
                pad
                + tr(
                    f"danach gibt es nur im anderen Stand: {_per_table(h.orphans)} "
                    "(--release ID --drop-superseded entfernt sie gleich mit)",
                    f"afterwards only in the other history: {_per_table(h.orphans)} "
                    "(--release ID --drop-superseded removes them as well)",
                )
            )
        if h.brings:
            seqs = ", ".join(map(str, h.brings))
            print(
                pad
                + tr(
                    f"übernehmen bringt Paket(e) {seqs} dieses Stands mit",
                    f"releasing brings bundle(s) {seqs} of this history along",
                )
            )
    print(
        tr(
            "Entscheiden mit --release ID (übernehmen: dieser Stand gilt ab diesem "
            "Paket) oder --discard ID (verwerfen).",
            "Decide with --release ID (this history applies from this bundle on) "
            "or --discard ID (drop it).",
        )
    )


def cmd_coordinator_passwd(args: argparse.Namespace) -> int:
    """Change the coordinator store's passphrase (rewraps the key, data untouched)."""
    old = read_passphrase(args, prompt=tr("Bisheriges Passwort: ", "Current passphrase: "))
    new = read_new_passphrase(
        args,
        attr="new_passphrase_file",
        prompt=tr("Neues Passwort: ", "New passphrase: "),
    )
    from kim_tui.coordinator.store import CoordinatorStore

    CoordinatorStore.change_passphrase_of(_coord_dir(args), old, new)
    print(
        tr(
            "Passwort geändert. Die Daten wurden nicht neu verschlüsselt; der alte "
            "Wiederherstellungsschlüssel gilt weiter.",
            "Passphrase changed. The data was not re-encrypted; the old recovery key stays valid.",
        )
    )
    return EXIT_OK


def cmd_coordinator_recover(args: argparse.Namespace) -> int:
    """Set a new passphrase on the coordinator store with its recovery key."""
    from kim_tui.coordinator.store import CoordinatorStore
    from kim_tui.store.errors import WrongPassphrase

    recovery = read_recovery_key(args)
    new = read_new_passphrase(
        args,
        attr="new_passphrase_file",
        prompt=tr("Neues Passwort: ", "New passphrase: "),
    )
    try:
        CoordinatorStore.recover(_coord_dir(args), recovery, new)
    except WrongPassphrase:
        raise CliError(
            tr(
                "Wiederherstellungsschlüssel ist falsch. Die Ablage wurde nicht verändert.",
                "Wrong recovery key. The store was not changed.",
            )
        ) from None
    print(
        tr(
            "Neues Passwort gesetzt. Der Wiederherstellungsschlüssel gilt weiter.",
            "New passphrase set. The recovery key stays valid.",
        )
    )
    return EXIT_OK


def cmd_coordinator_ui(args: argparse.Namespace) -> int:
    """Open the coordinator's screens (import with progress, report with chart)."""
    from kim_tui.coordinator_app import run_coordinator_app

    return run_coordinator_app(_coord_dir(args), language=getattr(args, "lang", None))


def cmd_coordinator_report(args: argparse.Namespace) -> int:
    """Print the indicators per coach, organisation and in total, small cells masked."""
    from kim_tui.coordinator.report import run_report

    passphrase = read_passphrase(args)
    skipped: list[str] = []
    try:
        text = run_report(
            _coord_dir(args),
            passphrase,
            date_from=args.date_from,
            date_to=args.date_to,
            fmt=args.format,
            threshold=args.threshold,
            csv_delimiter=args.csv_delimiter,
            skipped=skipped,
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None
    for line in skipped:
        print(shown(line), file=sys.stderr)
    text = _terminal_safe_report(text, args.format)
    buffer = getattr(sys.stdout, "buffer", None)
    if args.format == "csv" and buffer is not None:
        # Bytes, so the BOM and umlauts reach the file as UTF-8 whatever the console's encoding.
        sys.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _terminal_safe_report(text: str, fmt: str) -> str:
    """The report with nothing in it that could steer a terminal: names and codes come from
    the coaches' bundles. A clean report is returned unchanged. Table and CSV are cleaned line
    by line (a CR, tab or C1 control inside a line shows as ``\\x0d`` …; CSV keeps its CRLF
    line ends); JSON stays valid JSON with the same content (such characters become JSON
    ``\\u`` escapes)."""
    if fmt == "json":
        if shown(text, keep_newlines=True) == text:
            return text
        return json.dumps(json.loads(text), ensure_ascii=True, indent=2) + "\n"
    end = "\r\n" if fmt == "csv" else "\n"
    # The CSV's byte-order mark is kim's own (for Excel), not untrusted text: keep it.
    bom = "\ufeff" if fmt == "csv" and text.startswith("\ufeff") else ""
    return bom + end.join(shown(line) for line in text[len(bom) :].split(end))


def _in_coordinator_wording(func: Command) -> Command:
    """Run a coordinator command with its store errors worded for the coordinator."""

    def run(args: argparse.Namespace) -> int:
        with _coordinator_wording(_coord_dir(args)):
            return func(args)

    run.__doc__ = func.__doc__
    return run


def _group_help(args: argparse.Namespace) -> int:
    print(
        tr("Bitte einen Befehl angeben: ", "Please name a command: ")
        + "kim coordinator {init,enroll,import,held,report,ui,passwd,recover} --help",
        file=sys.stderr,
    )
    return EXIT_USAGE


# -- parser ------------------------------------------------------------------------------------


def add_coordinator(sub: SubParsers) -> None:
    """Add the `kim coordinator …` group and its commands."""
    group = add_command(
        sub,
        "coordinator",
        _group_help,
        tr("Befehle der Koordinierung", "The coordination's commands"),
        vault=False,
    )
    csub = group.add_subparsers(title=tr("Befehle", "commands"), metavar=tr("BEFEHL", "COMMAND"))

    def coord(
        name: str, func: Command, help_text: str, *, passphrase: str | None = "F"
    ) -> argparse.ArgumentParser:
        c = csub.add_parser(name, help=help_text, description=help_text)
        c.add_argument(
            "--dir",
            metavar="D",
            required=True,
            help=tr("Verzeichnis der Ablage", "the store's directory"),
        )
        if passphrase:
            c.add_argument("--passphrase-file", metavar=passphrase)
        c.set_defaults(func=_in_coordinator_wording(func))
        return c

    c = coord(
        "init",
        cmd_coordinator_init,
        tr(
            "Ablage und Schlüssel der Koordinierung anlegen",
            "Create the coordination's store and keys",
        ),
    )
    c.add_argument(
        "--name", metavar="N", help=tr("Name der Koordinierung", "name of the coordination")
    )
    c.add_argument("--recovery-key-file", metavar="OUT")
    add_allow_weak(c)

    c = coord(
        "enroll",
        cmd_coordinator_enroll,
        tr("Coach einschreiben (oder widerrufen)", "Enrol a coach (or revoke one)"),
    )
    c.add_argument("file", metavar="coach.pub")
    c.add_argument("--revoke", action="store_true", help=tr("Coach widerrufen", "revoke the coach"))

    c = coord(
        "import", cmd_coordinator_import, tr("Wochenpakete einlesen", "Import weekly bundles")
    )
    c.add_argument("files", metavar="FILE", nargs="+")

    c = coord(
        "held",
        cmd_coordinator_held,
        tr(
            "Zurückgehaltene Pakete (Gabelungen) zeigen und entscheiden",
            "Show held-back bundles (forks) and decide",
        ),
    )
    decide = c.add_mutually_exclusive_group()
    decide.add_argument(
        "--release",
        metavar="ID",
        help=tr(
            "Paket übernehmen (dieser Stand gilt ab dem Paket)",
            "take the bundle over (this state holds from the bundle on)",
        ),
    )
    decide.add_argument("--discard", metavar="ID", help=tr("Paket verwerfen", "discard the bundle"))
    c.add_argument(
        "--drop-superseded",
        action="store_true",
        help=tr(
            "Datensätze entfernen, die es nur in einem abgelösten Stand gibt (allein oder "
            "mit --release)",
            "remove records that exist only in a superseded state (alone or with --release)",
        ),
    )

    c = coord(
        "passwd",
        cmd_coordinator_passwd,
        tr("Passwort der Ablage ändern", "Change the store's passphrase"),
        passphrase="OLD",
    )
    c.add_argument("--new-passphrase-file", metavar="NEW")
    add_allow_weak(c)

    c = coord(
        "recover",
        cmd_coordinator_recover,
        tr(
            "Mit dem Wiederherstellungsschlüssel ein neues Passwort für die Ablage setzen",
            "Set a new passphrase for the store with the recovery key",
        ),
        passphrase=None,
    )
    c.add_argument("--recovery-key-file", metavar="RK")
    c.add_argument("--new-passphrase-file", metavar="NEW")
    add_allow_weak(c)

    coord(
        "ui",
        cmd_coordinator_ui,
        tr(
            "Oberfläche der Koordinierung öffnen (Import und Bericht)",
            "Open the coordination's UI (import and report)",
        ),
        passphrase=None,  # the app asks on its unlock screen (and again after a lock)
    )

    c = coord(
        "report",
        cmd_coordinator_report,
        tr(
            "Kennzahlen ausgeben (kleine Zellen maskiert)",
            "Print the key figures (small cells masked)",
        ),
    )
    c.add_argument("--from", dest="date_from", metavar="DATE")
    c.add_argument("--to", dest="date_to", metavar="DATE")
    c.add_argument("--format", choices=["table", "csv", "json"], default="table")
    c.add_argument(
        "--threshold",
        type=int,
        default=5,
        metavar="N",
        help=tr(
            "Zellen unter N werden maskiert (Standard 5, mindestens 3)",
            "cells below N are masked (default 5, at least 3)",
        ),
    )
    c.add_argument(
        "--csv-delimiter",
        choices=[";", ","],
        default=";",
        help=tr(
            "Trennzeichen für --format csv (Standard ; für deutsches Excel)",
            "delimiter for --format csv (default ; for German Excel)",
        ),
    )
