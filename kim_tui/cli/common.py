"""What every `kim` command shares: exit codes, the user-facing error, passphrases and recovery
keys from a TTY prompt or a file, terminal-safe printing, and how a command is added to the
parser and run.

Passphrases come from a TTY prompt or a file, never from argv or the environment. This module
stays light (no store, no Textual): `kim --help` imports it.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from kim_tui.domain.text import safe_text
from kim_tui.i18n import tr
from kim_tui.locations import default_vault_dir

if TYPE_CHECKING:
    from kim_tui.domain.stand_in import StandInExpiry
    from kim_tui.service.workspace import Workspace
    from kim_tui.store.failed_unlocks import FailedUnlocks
    from kim_tui.store.vault import Vault

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Command: TypeAlias = Callable[[argparse.Namespace], int]
"""A command function: parsed arguments in, exit code out."""

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What `ArgumentParser.add_subparsers` returns; commands are added to it."""


class CliError(Exception):
    """A problem the user can fix; printed without a traceback."""


# -- adding and running commands ---------------------------------------------------------------


def add_command(
    sub: SubParsers, name: str, func: Command, help_text: str, *, vault: bool = True
) -> argparse.ArgumentParser:
    """Add the top-level command `name` running `func`; with `vault`, it takes `--vault DIR`."""
    parser = sub.add_parser(name, help=help_text, description=help_text, allow_abbrev=False)
    if vault:
        parser.add_argument(
            "--vault",
            metavar="DIR",
            default=argparse.SUPPRESS,
            help=tr("Tresor-Verzeichnis", "vault directory"),
        )
    parser.set_defaults(func=func)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Run the command chosen by `args` and map what it raises to an exit code: a problem the
    user can fix (`CliError`, any `VaultError`, a broken settings file) is one line on stderr
    and exit 1, Ctrl-C is 130.
    What the operating system refuses (disk full, read-only, no permission, a directory where a
    file belongs, a name too long …), also when SQLite reports it, is one line naming the file
    and what to do. Anything else is a bug and keeps its traceback."""
    from kim_tui.config import ConfigError
    from kim_tui.service import stand_in_expiry
    from kim_tui.store import failed_unlocks, migrate
    from kim_tui.store.errors import StorageError, VaultError

    func: Command = args.func
    # Every command that unlocks a store says so when earlier unlocks had failed.
    failed_unlocks.set_reporter(_print_failed_unlocks)
    stand_in_expiry.set_reporter(_print_stand_in_expiries)
    migrate.set_upgrade_reporter(_print_upgrade)
    try:
        return func(args)
    except (CliError, VaultError, ConfigError) as exc:
        return _fail(exc)
    except OSError as exc:
        return _fail(StorageError.from_os_error(exc))
    except KeyboardInterrupt:
        print("\nkim: " + tr("abgebrochen.", "cancelled."), file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        problem = _database_storage_problem(exc, args)
        if problem is None:
            raise
        return _fail(problem)
    finally:
        failed_unlocks.set_reporter(None)
        stand_in_expiry.set_reporter(None)
        migrate.set_upgrade_reporter(None)


def unlocked_workspace(vault: Vault) -> Workspace:
    """The service façade of a vault a command has just opened, after the unlock's duty: stand-in
    copies whose end date has passed are erased (and told on stderr, `run_command`)."""
    from kim_tui.service.workspace import Workspace

    workspace = Workspace(vault)
    workspace.expire_stand_ins()
    return workspace


def _print_failed_unlocks(failures: FailedUnlocks) -> None:
    from kim_tui.i18n import language

    print(
        "kim: "
        + tr("Achtung: ", "Note: ")
        + failures.message(language())
        + tr(
            " (jetzt zurückgesetzt; waren das nicht Sie, bitte das Passwort ändern).",
            " (now reset; if that was not you, please change the passphrase).",
        ),
        file=sys.stderr,
    )


def _print_upgrade(db: Path) -> None:
    """Before a store is brought to this kim's schema: a long pause is not a hang."""
    print(
        "kim: "
        + tr(
            f"{shown(db)} wird auf diese kim-Version umgestellt (einmalig; bei großen "
            "Datenbeständen bis zu einer Minute) …",
            f"bringing {shown(db)} up to this kim version (once; up to a minute for a large "
            "store) …",
        ),
        file=sys.stderr,
        flush=True,
    )


def _print_stand_in_expiries(expiries: tuple[StandInExpiry, ...]) -> None:
    """Tell the coach on stderr which stand-in copies the unlock erased (their end had passed)."""
    from kim_tui.domain.dates import format_date

    for e in expiries:
        if e.returned_on:
            on = format_date(e.returned_on)
            returned = tr(f"Rückgabe geschrieben am {on}", f"return written on {on}")
        else:
            returned = tr(
                "keine Rückgabe geschrieben: was Sie erfasst haben, ist mit gelöscht",
                "no return written: what you recorded was erased with it",
            )
        names = ", ".join(shown(n) for n in e.client_names) or "–"
        who, until, count = shown(e.colleague), format_date(e.until), len(e.client_names)
        print(
            "kim: "
            + tr(
                f"Vertretung für {who or 'Kolleg*in'} endete am {until}; die Kopie ist "
                f"gelöscht ({count} Klient*innen: {names}). {returned}.",
                f"Standing in for {who or 'a colleague'} ended on {until}; the copy was "
                f"erased ({count} clients: {names}). {returned[0].upper()}{returned[1:]}.",
            ),
            file=sys.stderr,
        )


def _fail(exc: Exception) -> int:
    # Messages name files and quote what was read: nothing in them may steer the terminal.
    print(f"kim: {shown(exc, keep_newlines=True)}", file=sys.stderr)
    return EXIT_ERROR


def is_database_error(exc: BaseException) -> bool:
    """Whether `exc` comes from SQLAlchemy or the SQLCipher driver (without importing them)."""
    return type(exc).__module__.startswith(("sqlalchemy", "sqlcipher3"))


def _database_storage_problem(exc: Exception, args: argparse.Namespace) -> Exception | None:
    """A database error caused by the disk (full, read-only, I/O) as a `StorageError` naming
    the store's directory; None for anything else."""
    if not is_database_error(exc):
        return None
    from kim_tui.store.engine import storage_error

    directory = Path(args.dir).expanduser() if getattr(args, "dir", None) else vault_dir(args)
    return storage_error(exc, directory)


def sync_errors() -> tuple[type[Exception], ...]:
    """The sync layer's errors a user can fix (setup, identity files, bundles); the commands
    turn them into `CliError`."""
    from kim_tui.sync.bundle_format import BundleError
    from kim_tui.sync.coach_state import SyncSetupError
    from kim_tui.sync.identity import IdentityError

    return (SyncSetupError, IdentityError, BundleError)


# -- where and with what -----------------------------------------------------------------------


def vault_dir(args: argparse.Namespace) -> Path:
    """The vault directory from `--vault`, or the default one under the user data directory."""
    value = getattr(args, "vault", None)
    return Path(value).expanduser() if value else default_vault_dir()


def read_secret_file(path: str, what: str | None = None) -> str:
    """The first line of a secret file (a trailing newline is not part of the secret). A
    directory, FIFO or device in its place, or a file over 64 KiB, is refused without waiting.
    `what` names the file in messages (default: the passphrase file, in the UI language)."""
    from kim_tui.store.small_file import UnsuitableFile, read_small_file

    what = what or tr("Passwortdatei", "Passphrase file")
    p = Path(path).expanduser()
    warn_if_others_can_read(p, what)
    try:
        raw = read_small_file(p)
    except FileNotFoundError:
        raise CliError(tr(f"{what} {p} gibt es nicht.", f"{what} {p} does not exist.")) from None
    except UnsuitableFile as exc:
        raise CliError(tr(f"{what} {p} {exc.why}.", f"{what} {p}: {exc.why}.")) from None
    except PermissionError:
        raise CliError(
            tr(f"{what} {p} ist nicht lesbar (Rechte).", f"{what} {p} is not readable (mode).")
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CliError(
            tr(f"{what} {p} ist nicht UTF-8-kodiert.", f"{what} {p} is not UTF-8 encoded.")
        ) from None
    secret = text.split("\n", 1)[0].rstrip("\r")
    if not secret:
        raise CliError(tr(f"{what} {p} ist leer.", f"{what} {p} is empty."))
    return secret


def warn_if_others_can_read(path: Path, what: str | None = None) -> None:
    """Warn on stderr when group or others may read a secret file (it is still used: the
    person may have reasons, and refusing would break their scripts mid-way)."""
    if os.name != "posix":
        # Windows grants access by ACL, not by mode bits; st_mode says nothing useful there.
        return
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # reading reports a missing or unreadable file
    if mode & 0o077:
        what = what or tr("Passwortdatei", "Passphrase file")
        print(
            "kim: "
            + tr(
                f"Warnung: {what} {shown(path)} ist auch für andere lesbar "
                f"(Rechte {mode & 0o777:03o}). Bitte `chmod 600 {shown(path)}`.",
                f"Warning: {shown(path)} can be read by others too (mode {mode & 0o777:03o}). "
                f"Please `chmod 600 {shown(path)}`.",
            ),
            file=sys.stderr,
        )


def add_allow_weak(parser: argparse.ArgumentParser) -> None:
    """Add `--allow-weak` to a command that sets a new passphrase."""
    parser.add_argument(
        "--allow-weak",
        action="store_true",
        help=tr(
            "ein leicht zu erratendes Passwort trotzdem setzen (mit Warnung)",
            "set an easily guessed passphrase anyway (with a warning)",
        ),
    )


def read_new_passphrase(
    args: argparse.Namespace,
    *,
    attr: str = "passphrase_file",
    prompt: str | None = None,
    user_inputs: tuple[str, ...] = (),
) -> str:
    """A new passphrase (typed twice, or from the file in `args.<attr>`) that passes the
    strength estimate (`kim_tui.domain.passphrase`). A weak one is refused with the reason;
    `--allow-weak` sets it anyway with a warning. Nothing is written before this passes."""
    from kim_tui.domain.passphrase import assess
    from kim_tui.i18n import language

    prompt = prompt or tr("Neues Passwort: ", "New passphrase: ")
    passphrase = read_passphrase(args, attr=attr, confirm=True, prompt=prompt)
    strength = assess(passphrase, user_inputs)
    if strength.acceptable:
        return passphrase
    message = strength.message(language())
    if strength.too_short or not getattr(args, "allow_weak", False):
        hint = (
            ""
            if strength.too_short
            else tr(
                " Mit --allow-weak trotzdem setzen. Es wurde nichts verändert.",
                " Use --allow-weak to set it anyway. Nothing was changed.",
            )
        )
        raise CliError(message + hint)
    print(
        "kim: "
        + tr("Warnung (--allow-weak): ", "Warning (--allow-weak): ")
        + message
        + tr(
            " Das Passwort wird trotzdem gesetzt.",
            " The passphrase is set anyway.",
        ),
        file=sys.stderr,
    )
    return passphrase


def read_passphrase(
    args: argparse.Namespace,
    *,
    attr: str = "passphrase_file",
    confirm: bool = False,
    prompt: str | None = None,
) -> str:
    """The passphrase from the file named by `args.<attr>`, or typed at a TTY prompt (twice with
    `confirm`). Without a file and without a terminal it fails at once instead of hanging."""
    path = getattr(args, attr, None)
    if path:
        return read_secret_file(path)
    if not sys.stdin.isatty():
        flag = "--" + attr.replace("_", "-")
        raise CliError(
            tr(
                f"Kein Passwort: {flag} angeben oder im Terminal ausführen.",
                f"No passphrase: give {flag} or run this at a terminal.",
            )
        )
    first = getpass.getpass(prompt or tr("Passwort: ", "Passphrase: "))
    if not first:
        raise CliError(tr("Leeres Passwort.", "Empty passphrase."))
    if confirm and getpass.getpass(tr("Passwort wiederholen: ", "Repeat passphrase: ")) != first:
        raise CliError(tr("Die beiden Eingaben stimmen nicht überein.", "The two entries differ."))
    return first


def read_recovery_key(args: argparse.Namespace) -> str:
    """The recovery key from --recovery-key-file, or typed at a TTY prompt."""
    if args.recovery_key_file:
        return read_secret_file(args.recovery_key_file, tr("Schlüsseldatei", "Key file"))
    if sys.stdin.isatty():
        return getpass.getpass(tr("Wiederherstellungsschlüssel: ", "Recovery key: "))
    raise CliError(
        tr(
            "Kein Wiederherstellungsschlüssel: --recovery-key-file angeben.",
            "No recovery key: give --recovery-key-file.",
        )
    )


def confirm(question: str) -> bool:
    """Ask a yes/no question at the terminal (default no); without a terminal, yes."""
    if not sys.stdin.isatty():
        return True
    answer = input(f"{question} {tr('[j/N]', '[y/N]')} ").strip().lower()
    return answer in ("j", "ja", "y", "yes")


# -- output ------------------------------------------------------------------------------------


def shown(text: object, *, keep_newlines: bool = False) -> str:
    """`text` from outside (a name in a public-key file, a payload code, a file name) made safe
    to print: escape sequences (CSI, OSC), other C0/C1 control characters, bidi controls and
    zero-width or other invisible characters become visible escapes such as ``\\u202e``
    instead of steering the terminal or hiding in a name. Ordinary text is returned unchanged.
    The one sanitiser for every untrusted string the CLI prints (built on `safe_text`, which the
    TUI shares); with `keep_newlines`, line breaks and tabs of a multi-line text stay."""
    return safe_text(str(text), keep_newlines=keep_newlines)


def write_secret_file(path: Path, text: str) -> None:
    """Write `text` to a new file readable only by the user (0600); never overwrite one."""
    if path.exists():
        raise CliError(
            tr(
                f"{path} existiert bereits; es wird nichts überschrieben.",
                f"{path} already exists; nothing is overwritten.",
            )
        )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(text + "\n")


def check_recovery_target(out: str | None) -> None:
    """Before a store is created: the file for its recovery key, shown only once, can be made.

    Checked first so that a missing folder or an existing file refuses the whole command
    instead of creating a store whose recovery key then has nowhere to go."""
    if not out:
        return
    path = Path(out).expanduser()
    if path.exists() or path.is_symlink():
        raise CliError(
            tr(
                f"{shown(out)} existiert bereits; es wird nichts überschrieben.",
                f"{shown(out)} already exists; nothing is overwritten.",
            )
        )
    folder = shown(path.parent)
    if not path.parent.is_dir():
        raise CliError(
            tr(
                f"Der Ordner {folder} für den Wiederherstellungsschlüssel fehlt; "
                "bitte vorher anlegen. Es wurde nichts angelegt.",
                f"The folder {folder} for the recovery key is missing; please create it "
                "first. Nothing was created.",
            )
        )
    if not os.access(path.parent, os.W_OK):
        raise CliError(
            tr(
                f"In {folder} darf kim nicht schreiben; bitte einen anderen Ordner für "
                "den Wiederherstellungsschlüssel wählen. Es wurde nichts angelegt.",
                f"kim may not write in {folder}; please choose another folder for the "
                "recovery key. Nothing was created.",
            )
        )


def print_recovery(recovery: str, out: str | None) -> None:
    """Hand over a new recovery key: into the file `out` (0600), or shown once on stdout.

    The store exists already: if the file cannot be written after all, the key is shown on
    stdout instead of being lost."""
    if out:
        try:
            write_secret_file(Path(out).expanduser(), recovery)
        except (OSError, CliError):
            print(
                tr(
                    f"{shown(out)} ließ sich nicht schreiben; "
                    "der Schlüssel wird deshalb hier angezeigt.",
                    f"{shown(out)} could not be written; the key is therefore shown here.",
                ),
                file=sys.stderr,
            )
        else:
            print(
                tr(
                    f"Wiederherstellungsschlüssel in {shown(out)} gespeichert "
                    "(nur für Sie lesbar).",
                    f"Recovery key stored in {shown(out)} (readable only by you).",
                )
            )
            return
    print()
    print(
        tr(
            "  Wiederherstellungsschlüssel (wird nur jetzt angezeigt):",
            "  Recovery key (shown only now):",
        )
    )
    print(f"    {recovery}")
    print(
        tr(
            "  Bitte ausdrucken oder abschreiben und getrennt vom Laptop verwahren.",
            "  Please print it or write it down and keep it apart from the laptop.",
        )
    )
    print(
        tr(
            "  Ohne Passwort und ohne diesen Schlüssel sind die Daten nicht mehr lesbar.",
            "  Without the passphrase and without this key the data can no longer be read.",
        )
    )
    print()
