"""The `kim` command. Heavy modules (store, Textual) are imported inside the commands that need
them, so `kim --help` and the first paint of the unlock screen stay fast.

Passphrases come from a TTY prompt or a file, never from argv or the environment.
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from kim_tui.locations import default_vault_dir

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


def _vault_dir(args: argparse.Namespace) -> Path:
    value = getattr(args, "vault", None)
    return Path(value).expanduser() if value else default_vault_dir()


def read_secret_file(path: str, what: str = "Passwortdatei") -> str:
    """The first line of a secret file (a trailing newline is not part of the secret)."""
    p = Path(path).expanduser()
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise CliError(f"{what} {p} gibt es nicht.") from None
    except IsADirectoryError:
        raise CliError(f"{what} {p} ist ein Verzeichnis.") from None
    except PermissionError:
        raise CliError(f"{what} {p} ist nicht lesbar (Rechte).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{what} {p} ist nicht UTF-8-kodiert.") from None
    secret = text.split("\n", 1)[0].rstrip("\r")
    if not secret:
        raise CliError(f"{what} {p} ist leer.")
    return secret


def _passphrase(
    args: argparse.Namespace,
    *,
    attr: str = "passphrase_file",
    confirm: bool = False,
    prompt: str = "Passwort: ",
) -> str:
    path = getattr(args, attr, None)
    if path:
        return read_secret_file(path)
    if not sys.stdin.isatty():
        flag = "--" + attr.replace("_", "-")
        raise CliError(f"Kein Passwort: {flag} angeben oder im Terminal ausführen.")
    first = getpass.getpass(prompt)
    if not first:
        raise CliError("Leeres Passwort.")
    if confirm and getpass.getpass("Passwort wiederholen: ") != first:
        raise CliError("Die beiden Eingaben stimmen nicht überein.")
    return first


def _write_secret_file(path: Path, text: str) -> None:
    if path.exists():
        raise CliError(f"{path} existiert bereits; es wird nichts überschrieben.")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text + "\n")


def _print_recovery(recovery: str, out: str | None) -> None:
    if out:
        _write_secret_file(Path(out).expanduser(), recovery)
        print(f"Wiederherstellungsschlüssel in {out} gespeichert (nur für Sie lesbar).")
        return
    print()
    print("  Wiederherstellungsschlüssel (wird nur jetzt angezeigt):")
    print(f"    {recovery}")
    print("  Bitte ausdrucken oder abschreiben und getrennt vom Laptop verwahren.")
    print("  Ohne Passwort und ohne diesen Schlüssel sind die Daten nicht mehr lesbar.")
    print()


# -- commands ----------------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from kim_tui.store.vault import Vault

    directory = _vault_dir(args)
    if args.recovery_key_file and Path(args.recovery_key_file).expanduser().exists():
        # Checked first: the recovery key is shown only once and must not get lost.
        raise CliError(f"{args.recovery_key_file} existiert bereits; es wird nichts überschrieben.")
    passphrase = _passphrase(args, confirm=True, prompt="Neues Passwort: ")
    vault, recovery = Vault.create(directory, passphrase)
    vault.close()
    print(f"Tresor angelegt: {directory}")
    _print_recovery(recovery, args.recovery_key_file)
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace) -> int:
    from kim_tui.store.vault import Vault

    old = _passphrase(args, prompt="Bisheriges Passwort: ")
    new = _passphrase(args, attr="new_passphrase_file", confirm=True, prompt="Neues Passwort: ")
    with Vault.open(_vault_dir(args), old, migrate_schema=False) as vault:
        vault.change_passphrase(new)
    print(
        "Passwort geändert. Die Daten wurden nicht neu verschlüsselt; der alte "
        "Wiederherstellungsschlüssel gilt weiter."
    )
    return EXIT_OK


def _recovery_key(args: argparse.Namespace) -> str:
    """The recovery key from --recovery-key-file, or typed at a TTY prompt."""
    if args.recovery_key_file:
        return read_secret_file(args.recovery_key_file, "Schlüsseldatei")
    if sys.stdin.isatty():
        return getpass.getpass("Wiederherstellungsschlüssel: ")
    raise CliError("Kein Wiederherstellungsschlüssel: --recovery-key-file angeben.")


def cmd_recover(args: argparse.Namespace) -> int:
    from kim_tui.store.vault import Vault

    recovery = _recovery_key(args)
    new = _passphrase(args, attr="new_passphrase_file", confirm=True, prompt="Neues Passwort: ")
    with Vault.open_with_recovery(_vault_dir(args), recovery) as vault:
        vault.change_passphrase(new)
    print("Neues Passwort gesetzt. Der Wiederherstellungsschlüssel gilt weiter.")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    from kim_tui.store.vault import backup_open_vault

    passphrase = _passphrase(args)
    out = Path(args.out).expanduser()
    backup_open_vault(_vault_dir(args), passphrase, out)
    print(
        f"Sicherung geschrieben: {out} (verschlüsselt; öffnet mit Passwort oder "
        "Wiederherstellungsschlüssel)"
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from kim_tui.store.vault import restore_backup

    if not getattr(args, "vault", None):
        raise CliError("Bitte mit --vault ein neues Zielverzeichnis angeben.")
    restore_backup(Path(args.file).expanduser(), _vault_dir(args))
    print(
        f"Sicherung wiederhergestellt nach {_vault_dir(args)}. Mit dem Passwort der "
        "Sicherung öffnen; `kim check` prüft sie."
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from kim_tui.store.vault import Vault

    passphrase = _passphrase(args)
    with Vault.open(_vault_dir(args), passphrase, migrate_schema=False) as vault:
        report = vault.check()
    print(f"Tresor: {_vault_dir(args)}")
    print(f"Schema-Version: {report.schema_version}")
    for table, count in report.counts.items():
        print(f"  {table:<16} {count:>8}")
    if report.ok:
        print("Prüfung: in Ordnung (Verschlüsselung, Integrität, Schema).")
        return EXIT_OK
    print("Prüfung: FEHLER", file=sys.stderr)
    for problem in report.problems:
        print(f"  - {problem}", file=sys.stderr)
    return EXIT_ERROR


def cmd_demo(args: argparse.Namespace) -> int:
    from kim_tui.domain.demo import DEMO_PASSPHRASE
    from kim_tui.service.demo_seed import seed_demo
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault

    if args.clients < 0:
        raise CliError("--clients muss 0 oder größer sein.")
    throwaway = not args.vault
    directory = (
        Path(tempfile.mkdtemp(prefix="kim-demo-")) / "vault" if throwaway else _vault_dir(args)
    )
    passphrase = read_secret_file(args.passphrase_file) if args.passphrase_file else DEMO_PASSPHRASE
    try:
        vault, _recovery = Vault.create(directory, passphrase)
        workspace = Workspace(vault)
        print(f"Demo-Tresor: {directory}")
        seed_demo(workspace, count=args.clients, seed=args.seed, progress=_progress_printer())
        workspace.close()
        if not args.passphrase_file:
            print(f"Demo-Passwort: {DEMO_PASSPHRASE}")
        if args.no_ui:
            return EXIT_OK
        return _launch(directory, args)
    finally:
        if throwaway and not args.no_ui:
            shutil.rmtree(directory.parent, ignore_errors=True)


def _progress_printer() -> Callable[[int, int], None]:
    interactive = sys.stderr.isatty()

    def report(done: int, total: int) -> None:
        if interactive:
            print(f"\r  {done}/{total} Klient*innen angelegt", end="", file=sys.stderr)
            if done == total:
                print(file=sys.stderr)
        elif done == total:
            print(f"  {done} Klient*innen angelegt", file=sys.stderr)

    return report


def cmd_import_clients(args: argparse.Namespace) -> int:
    from kim_tui.domain.csv_import import CsvFormatError, parse_clients_csv, template_csv

    if args.template:
        target = Path(args.template).expanduser()
        if target.exists():
            raise CliError(f"{target} existiert bereits; es wird nichts überschrieben.")
        target.write_bytes(template_csv())
        print(f"Vorlage geschrieben: {target}")
        return EXIT_OK
    if not args.file:
        raise CliError("Bitte eine CSV-Datei angeben (oder --template DATEI).")
    source = Path(args.file).expanduser()
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        raise CliError(f"Datei {source} gibt es nicht.") from None
    try:
        result = parse_clients_csv(data, date.today())
    except CsvFormatError as exc:
        raise CliError(f"{source}: {exc}") from None
    if not result.ok:
        print(f"{source}: {len(result.errors)} Fehler, nichts importiert:", file=sys.stderr)
        for error in result.errors:
            print(f"  {error.message}", file=sys.stderr)
        return EXIT_ERROR
    if args.dry_run:
        print(
            f"{source}: {len(result.drafts)} Zeile(n) geprüft, alle in Ordnung "
            f"(Kodierung {result.encoding}, Trennzeichen {result.delimiter!r}). "
            "Probelauf: nichts importiert."
        )
        return EXIT_OK
    from kim_tui.domain.dates import format_date
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.vault import Vault

    passphrase = _passphrase(args)
    with Vault.open(_vault_dir(args), passphrase) as vault:
        workspace = Workspace(vault)
        # Importing the same list twice must not double the caseload: likely duplicates of
        # people already in the vault stop the import unless the coach says otherwise.
        duplicates = []
        for line, draft in zip(result.draft_lines, result.drafts, strict=True):
            for match in workspace.find_duplicates(draft.client):
                duplicates.append(
                    f"  Zeile {line}: vermutlich schon im Tresor: {match.display_name}, "
                    f"{format_date(match.birth_date)} ({match.reason})"
                )
        if duplicates and not args.allow_duplicates:
            print(
                f"{source}: {len(duplicates)} mögliche Dublette(n), nichts importiert:",
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
        count = workspace.import_intakes(result.drafts)
    print(f"{source}: {count} {'Klient*in' if count == 1 else 'Klient*innen'} importiert.")
    return EXIT_OK


def cmd_tui(args: argparse.Namespace) -> int:
    from kim_tui.store.layout import is_vault

    directory = _vault_dir(args)
    if not is_vault(directory):
        raise CliError(
            f"Kein Tresor in {directory}. Neu anlegen mit `kim init`"
            + (f" --vault {directory}" if getattr(args, "vault", None) else "")
            + ", oder `kim demo` zum Ausprobieren."
        )
    return _launch(directory, args)


def _launch(directory: Path, args: argparse.Namespace) -> int:
    from kim_tui.app import run_app

    return run_app(directory, language=getattr(args, "lang", None))


# -- parser ------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kim",
        description="KIM Coach: Fallbegleitung im Kommunalen Integrationsmanagement NRW, "
        "offline und verschlüsselt.",
    )
    parser.add_argument("--vault", metavar="DIR", help="Tresor-Verzeichnis")
    parser.add_argument("--lang", choices=["de", "en"], help="Sprache der Oberfläche")
    parser.set_defaults(func=cmd_tui)
    sub = parser.add_subparsers(title="Befehle", metavar="BEFEHL")

    def command(
        name: str, func: Callable[[argparse.Namespace], int], help_text: str, *, vault: bool = True
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, allow_abbrev=False)
        if vault:
            p.add_argument(
                "--vault", metavar="DIR", default=argparse.SUPPRESS, help="Tresor-Verzeichnis"
            )
        p.set_defaults(func=func)
        return p

    p = command("init", cmd_init, "Neuen Tresor anlegen")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--recovery-key-file",
        metavar="OUT",
        help="Wiederherstellungsschlüssel in diese Datei schreiben (Modus 0600)",
    )

    p = command("demo", cmd_demo, "Demo-Tresor mit synthetischen Fällen anlegen und öffnen")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--clients", type=int, default=60, metavar="N")
    p.add_argument("--seed", type=int, default=1, metavar="S")
    p.add_argument("--no-ui", action="store_true", help="nur anlegen, nicht öffnen")
    p.add_argument("--lang", choices=["de", "en"], default=argparse.SUPPRESS)

    p = command("passwd", cmd_passwd, "Passwort ändern")
    p.add_argument("--passphrase-file", metavar="OLD")
    p.add_argument("--new-passphrase-file", metavar="NEW")

    p = command(
        "recover", cmd_recover, "Mit dem Wiederherstellungsschlüssel ein neues Passwort setzen"
    )
    p.add_argument("--recovery-key-file", metavar="RK")
    p.add_argument("--new-passphrase-file", metavar="NEW")

    p = command("backup", cmd_backup, "Verschlüsselte Sicherung in eine Datei schreiben")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--out", metavar="FILE", required=True)

    p = command("restore", cmd_restore, "Sicherung in ein neues Tresor-Verzeichnis zurückspielen")
    p.add_argument("file", metavar="FILE")

    p = command("check", cmd_check, "Tresor prüfen (Verschlüsselung, Integrität, Schema)")
    p.add_argument("--passphrase-file", metavar="F")

    p = command("import-clients", cmd_import_clients, "Klient*innen aus einer CSV-Liste übernehmen")
    p.add_argument("file", metavar="FILE.csv", nargs="?")
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts importieren")
    p.add_argument(
        "--allow-duplicates",
        action="store_true",
        help="auch Zeilen importieren, die vermutlich schon im Tresor sind",
    )
    p.add_argument("--template", metavar="FILE", help="leere Vorlage schreiben")

    from kim_tui.sync.cli_commands import register_sync_commands

    register_sync_commands(sub, command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from kim_tui.store.errors import VaultError

    try:
        result: int = args.func(args)
        return result
    except (CliError, VaultError) as exc:
        print(f"kim: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("\nkim: abgebrochen.", file=sys.stderr)
        return 130
