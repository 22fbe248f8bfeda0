"""The sync subcommands of ``kim``: identity, connect, export and ``coordinator …``.

Registered from ``kim_tui.cli.build_parser`` via `register_sync_commands`. Heavy modules are
imported inside the commands, as in the rest of the CLI.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

Command = Callable[..., argparse.ArgumentParser]

EXIT_OK = 0
EXIT_ERROR = 1


def _cli() -> Any:
    import kim_tui.cli as cli

    return cli


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return True
    answer = input(f"{question} [j/N] ").strip().lower()
    return answer in ("j", "ja", "y", "yes")


def _errors() -> tuple[type[Exception], ...]:
    from kim_tui.sync.bundle_format import BundleError
    from kim_tui.sync.coach_state import SyncSetupError
    from kim_tui.sync.identity import IdentityError

    return (SyncSetupError, IdentityError, BundleError)


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty() and total:
        end = "\n" if done == total else ""
        print(f"\r  {done}/{total} Datensätze", end=end, file=sys.stderr)


# -- coach side --------------------------------------------------------------------------------


def cmd_identity(args: argparse.Namespace) -> int:
    """Create (once) the coach's signing identity and write coach.pub."""
    from sqlmodel import Session

    from kim_tui.store.vault import Vault
    from kim_tui.sync import coach_state
    from kim_tui.sync.identity import display_fingerprint, write_public_file

    cli = _cli()
    passphrase = cli._passphrase(args)
    out = Path(args.out).expanduser()
    try:
        with Vault.open(cli._vault_dir(args), passphrase) as vault, Session(vault.engine) as s:
            pub = coach_state.ensure_identity(s, args.name, args.organisation)
            s.commit()
        write_public_file(out, pub.to_json())
    except _errors() as exc:
        raise cli.CliError(str(exc)) from None
    print(f"Identität geschrieben: {out}")
    print(
        f"  Coach: {pub.name or '(ohne Namen)'}"
        + (f", {pub.organisation}" if pub.organisation else "")
    )
    print(f"  Fingerabdruck: {display_fingerprint(pub.fingerprint)}")
    if not pub.name:
        print(
            "  Hinweis: mit --name und --organisation benennen, damit die Koordinierung "
            "Sie erkennt."
        )
    return EXIT_OK


def cmd_connect(args: argparse.Namespace) -> int:
    """Store the coordinator's public key in the vault after showing its fingerprint."""
    from sqlmodel import Session

    from kim_tui.store.vault import Vault
    from kim_tui.sync import coach_state
    from kim_tui.sync.identity import (
        CoordinatorPublic,
        display_fingerprint,
        read_public_file,
    )

    cli = _cli()
    source = Path(args.file).expanduser()
    try:
        pub = CoordinatorPublic.from_json(read_public_file(source), source)
    except _errors() as exc:
        raise cli.CliError(str(exc)) from None
    shown = display_fingerprint(pub.fingerprint)
    print(f"Koordinierung: {pub.name or '(ohne Namen)'}")
    print(f"  Fingerabdruck: {shown}")
    if args.fingerprint and args.fingerprint.strip().upper() != shown:
        raise cli.CliError("Der Fingerabdruck stimmt nicht überein; nichts gespeichert.")
    if args.fingerprint:
        print("  Stimmt mit dem angegebenen Fingerabdruck überein.")
    else:
        print("  Bitte telefonisch mit der Koordinierung vergleichen.")
    if not args.fingerprint and not _confirm("Stimmt der Fingerabdruck?"):
        print("Nichts gespeichert.")
        return EXIT_ERROR
    passphrase = cli._passphrase(args)
    with Vault.open(cli._vault_dir(args), passphrase) as vault, Session(vault.engine) as s:
        coach_state.connect(s, pub)
        s.commit()
    print("Koordinierung gespeichert; `kim export` verschlüsselt ab jetzt an diesen Schlüssel.")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write the next weekly bundle (or re-create an earlier one with --resend)."""
    from kim_tui.store.vault import Vault
    from kim_tui.sync.exporter import export_bundle

    cli = _cli()
    passphrase = cli._passphrase(args)
    out = Path(args.out).expanduser()
    try:
        with Vault.open(cli._vault_dir(args), passphrase) as vault:
            result = export_bundle(
                vault, out, week=args.week, resend=args.resend, progress=_progress
            )
    except _errors() as exc:
        raise cli.CliError(str(exc)) from None
    h = result.header
    total = sum(h.counts.values())
    verb = "erneut erstellt" if result.resent else "erstellt"
    print(f"Paket {h.seq} ({h.week}) {verb}: {result.path}")
    if h.rev_upto > h.rev_after:
        print(f"  {total} Datensätze, Revisionen {h.rev_after + 1}–{h.rev_upto}")
    else:
        print("  keine Änderungen seit dem letzten Paket")
    return EXIT_OK


# -- coordinator side --------------------------------------------------------------------------


def _coord_dir(args: argparse.Namespace) -> Path:
    return Path(args.dir).expanduser()


@contextmanager
def _coordinator_wording(directory: Path) -> Iterator[None]:
    """The store's errors name the coach's vault ("Tresor", "kim init"); say "Ablage" and name
    the coordinator's commands instead."""
    from kim_tui.store.errors import VaultLocked, VaultNotFound, WrongPassphrase

    cli = _cli()
    try:
        yield
    except VaultNotFound:
        raise cli.CliError(
            f"Keine Koordinierungs-Ablage in {directory} (keine Schlüsseldatei gefunden). "
            f"Mit `kim coordinator init --dir {directory}` anlegen."
        ) from None
    except VaultLocked:
        raise cli.CliError(
            f"Die Ablage {directory} ist bereits in einem anderen kim-Prozess geöffnet. "
            "Bitte dort schließen (oder sperren und beenden) und erneut versuchen."
        ) from None
    except WrongPassphrase:
        raise cli.CliError("Passwort ist falsch. Die Ablage wurde nicht verändert.") from None


def cmd_coordinator_passwd(args: argparse.Namespace) -> int:
    """Change the coordinator store's passphrase (rewraps the key, data untouched)."""
    cli = _cli()
    old = cli._passphrase(args, prompt="Bisheriges Passwort: ")
    new = cli._passphrase(args, attr="new_passphrase_file", confirm=True, prompt="Neues Passwort: ")
    from kim_tui.coordinator.store import CoordinatorStore

    CoordinatorStore.change_passphrase_of(_coord_dir(args), old, new)
    print(
        "Passwort geändert. Die Daten wurden nicht neu verschlüsselt; der alte "
        "Wiederherstellungsschlüssel gilt weiter."
    )
    return EXIT_OK


def cmd_coordinator_recover(args: argparse.Namespace) -> int:
    """Set a new passphrase on the coordinator store with its recovery key."""
    from kim_tui.coordinator.store import CoordinatorStore
    from kim_tui.store.errors import WrongPassphrase

    cli = _cli()
    recovery = cli._recovery_key(args)
    new = cli._passphrase(args, attr="new_passphrase_file", confirm=True, prompt="Neues Passwort: ")
    try:
        CoordinatorStore.recover(_coord_dir(args), recovery, new)
    except WrongPassphrase:
        raise cli.CliError(
            "Wiederherstellungsschlüssel ist falsch. Die Ablage wurde nicht verändert."
        ) from None
    print("Neues Passwort gesetzt. Der Wiederherstellungsschlüssel gilt weiter.")
    return EXIT_OK


def cmd_coordinator_init(args: argparse.Namespace) -> int:
    """Create the coordinator's encrypted store and its key pairs; write coordinator.pub."""
    from kim_tui.coordinator.store import PUB_FILE, CoordinatorStore
    from kim_tui.sync.identity import display_fingerprint

    cli = _cli()
    directory = _coord_dir(args)
    passphrase = cli._passphrase(args, confirm=True, prompt="Neues Passwort: ")
    store, recovery = CoordinatorStore.create(directory, passphrase, name=args.name or "")
    try:
        fingerprint = store.public().fingerprint
    finally:
        store.close()
    print(f"Koordinierungs-Ablage angelegt: {directory}")
    print(f"Öffentlicher Schlüssel für die Coaches: {directory / PUB_FILE}")
    print(f"  Fingerabdruck: {display_fingerprint(fingerprint)}")
    cli._print_recovery(recovery, args.recovery_key_file)
    return EXIT_OK


def cmd_coordinator_enroll(args: argparse.Namespace) -> int:
    """Register a coach's public key (or revoke it with --revoke)."""
    from kim_tui.coordinator.store import CoordinatorStore
    from kim_tui.sync.identity import CoachPublic, display_fingerprint, read_public_file

    cli = _cli()
    source = Path(args.file).expanduser()
    try:
        pub = CoachPublic.from_json(read_public_file(source), source)
    except _errors() as exc:
        raise cli.CliError(str(exc)) from None
    passphrase = cli._passphrase(args)
    label = f"{pub.name or '(ohne Namen)'}" + (f", {pub.organisation}" if pub.organisation else "")
    with CoordinatorStore.open(_coord_dir(args), passphrase) as store:
        if args.revoke:
            if store.revoke(pub.fingerprint) is None:
                raise cli.CliError(f"Coach {label} ist nicht eingeschrieben.")
            print(f"Coach {label} widerrufen: weitere Pakete werden abgelehnt.")
            return EXIT_OK
        store.enroll(pub)
    print(f"Coach eingeschrieben: {label}")
    print(
        f"  Fingerabdruck: {display_fingerprint(pub.fingerprint)} (bitte mit dem Coach vergleichen)"
    )
    return EXIT_OK


def cmd_coordinator_import(args: argparse.Namespace) -> int:
    """Import bundle files; one German result line per file, then open gaps and forks."""
    from kim_tui.coordinator.importer import HELD, REJECTED, gaps, import_files
    from kim_tui.coordinator.store import CoordinatorStore

    cli = _cli()
    passphrase = cli._passphrase(args)
    with CoordinatorStore.open(_coord_dir(args), passphrase) as store:
        outcomes = import_files(store, [Path(f).expanduser() for f in args.files])
        missing = gaps(store)
    for outcome in outcomes:
        print(outcome.line, file=sys.stderr if outcome.status == REJECTED else sys.stdout)
    for line in missing:
        print(f"Hinweis: {line}")
    bad = any(o.status in (REJECTED, HELD) for o in outcomes)
    return EXIT_ERROR if bad else EXIT_OK


def cmd_coordinator_held(args: argparse.Namespace) -> int:
    """List held-back forks, or decide one: --release ID merges it, --discard ID drops it."""
    from kim_tui.coordinator.forks import discard, held_bundles, release
    from kim_tui.coordinator.store import CoordinatorStore

    cli = _cli()
    passphrase = cli._passphrase(args)
    with CoordinatorStore.open(_coord_dir(args), passphrase) as store:
        try:
            if args.release:
                decision = release(store, args.release)
            elif args.discard:
                decision = discard(store, args.discard)
            else:
                held = held_bundles(store)
                if not held:
                    print("Keine zurückgehaltenen Pakete.")
                for h in held:
                    print(
                        f"{h.id}  Paket {h.seq} ({h.week}) von Coach {h.coach}, "
                        f"Datei {h.file_name}, eingegangen {h.received_at:%d.%m.%Y}"
                    )
                    print(f"            {h.reason}")
                    if h.leaves:
                        seqs = ", ".join(map(str, h.leaves))
                        print(f"            übernehmen nimmt Paket(e) {seqs} des anderen Stands")
                    if h.brings:
                        seqs = ", ".join(map(str, h.brings))
                        print(f"            übernehmen bringt Paket(e) {seqs} dieses Stands mit")
                if held:
                    print(
                        "Entscheiden mit --release ID (übernehmen: dieser Stand gilt ab diesem "
                        "Paket) oder --discard ID (verwerfen)."
                    )
                return EXIT_OK
        except _errors() as exc:
            raise cli.CliError(str(exc)) from None
    for line in decision.lines:
        print(line)
    return EXIT_OK


def cmd_coordinator_report(args: argparse.Namespace) -> int:
    """Print the indicators per coach, organisation and in total, small cells masked."""
    from kim_tui.coordinator.report import run_report

    cli = _cli()
    passphrase = cli._passphrase(args)
    try:
        text = run_report(
            _coord_dir(args),
            passphrase,
            date_from=args.date_from,
            date_to=args.date_to,
            fmt=args.format,
            threshold=args.threshold,
        )
    except ValueError as exc:
        raise cli.CliError(str(exc)) from None
    sys.stdout.write(text)
    return EXIT_OK


def register_sync_commands(sub: Any, command: Command) -> None:
    """Add identity, connect, export and the ``coordinator`` group to the ``kim`` parser."""
    p = command("identity", cmd_identity, "Eigene Identität für die Wochenpakete ausgeben")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--out", metavar="coach.pub", required=True)
    p.add_argument("--name", metavar="N", help="Name der Coach")
    p.add_argument("--organisation", metavar="O", help="Träger / Organisation")

    p = command("connect", cmd_connect, "Koordinierung (coordinator.pub) verbinden")
    p.add_argument("file", metavar="coordinator.pub")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--fingerprint", metavar="FP", help="erwarteter Fingerabdruck (statt Rückfrage)")

    p = command("export", cmd_export, "Wochenpaket für die Koordinierung schreiben")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--out", metavar="OUTDIR", required=True)
    p.add_argument("--week", metavar="2026-W48", help="Kalenderwoche (Standard: aktuelle)")
    p.add_argument("--resend", metavar="SEQ", type=int, help="früheres Paket neu erstellen")

    group = command("coordinator", _group_help, "Befehle der Koordinierung", vault=False)
    csub = group.add_subparsers(title="Befehle", metavar="BEFEHL")

    def coord(
        name: str,
        func: Callable[[argparse.Namespace], int],
        help_text: str,
        *,
        passphrase: str | None = "F",
    ) -> argparse.ArgumentParser:
        c: argparse.ArgumentParser = csub.add_parser(name, help=help_text, description=help_text)
        c.add_argument("--dir", metavar="D", required=True, help="Verzeichnis der Ablage")
        if passphrase:
            c.add_argument("--passphrase-file", metavar=passphrase)
        c.set_defaults(func=_in_coordinator_wording(func))
        return c

    c = coord("init", cmd_coordinator_init, "Ablage und Schlüssel der Koordinierung anlegen")
    c.add_argument("--name", metavar="N", help="Name der Koordinierung")
    c.add_argument("--recovery-key-file", metavar="OUT")

    c = coord("enroll", cmd_coordinator_enroll, "Coach einschreiben (oder widerrufen)")
    c.add_argument("file", metavar="coach.pub")
    c.add_argument("--revoke", action="store_true", help="Coach widerrufen")

    c = coord("import", cmd_coordinator_import, "Wochenpakete einlesen")
    c.add_argument("files", metavar="FILE", nargs="+")

    c = coord(
        "held", cmd_coordinator_held, "Zurückgehaltene Pakete (Gabelungen) zeigen und entscheiden"
    )
    decide = c.add_mutually_exclusive_group()
    decide.add_argument(
        "--release", metavar="ID", help="Paket übernehmen (dieser Stand gilt ab dem Paket)"
    )
    decide.add_argument("--discard", metavar="ID", help="Paket verwerfen")

    c = coord("passwd", cmd_coordinator_passwd, "Passwort der Ablage ändern", passphrase="OLD")
    c.add_argument("--new-passphrase-file", metavar="NEW")

    c = coord(
        "recover",
        cmd_coordinator_recover,
        "Mit dem Wiederherstellungsschlüssel ein neues Passwort für die Ablage setzen",
        passphrase=None,
    )
    c.add_argument("--recovery-key-file", metavar="RK")
    c.add_argument("--new-passphrase-file", metavar="NEW")

    coord("ui", cmd_coordinator_ui, "Oberfläche der Koordinierung öffnen (Import und Bericht)")

    c = coord("report", cmd_coordinator_report, "Kennzahlen ausgeben (kleine Zellen maskiert)")
    c.add_argument("--from", dest="date_from", metavar="DATE")
    c.add_argument("--to", dest="date_to", metavar="DATE")
    c.add_argument("--format", choices=["table", "csv", "json"], default="table")
    c.add_argument(
        "--threshold",
        type=int,
        default=5,
        metavar="N",
        help="Zellen unter N werden maskiert (Standard 5)",
    )


def cmd_coordinator_ui(args: argparse.Namespace) -> int:
    """Open the coordinator's screens (import with progress, report with chart)."""
    from kim_tui.coordinator_app import run_coordinator_app

    return run_coordinator_app(_coord_dir(args), language=getattr(args, "lang", None))


def _in_coordinator_wording(
    func: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Run a coordinator command with its store errors worded for the coordinator."""

    def run(args: argparse.Namespace) -> int:
        with _coordinator_wording(_coord_dir(args)):
            return func(args)

    run.__doc__ = func.__doc__
    return run


def _group_help(args: argparse.Namespace) -> int:
    print(
        "Bitte einen Befehl angeben: kim coordinator "
        "{init,enroll,import,held,report,ui,passwd,recover} --help",
        file=sys.stderr,
    )
    return 2
