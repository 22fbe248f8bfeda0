"""The vault's own commands: init, passwd, recover, backup, restore and check.

The store is imported inside each command, so `kim --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kim_tui.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    CliError,
    SubParsers,
    add_allow_weak,
    add_command,
    check_recovery_target,
    is_database_error,
    print_recovery,
    read_new_passphrase,
    read_passphrase,
    read_recovery_key,
    shown,
    vault_dir,
)
from kim_tui.cli.privacy_setup import (
    add_erasures_from_option,
    add_regime_option,
    choose_regime,
    reapply_erasures,
    restore_warning,
    set_vault_regime,
)
from kim_tui.i18n import tr


def cmd_init(args: argparse.Namespace) -> int:
    """Create a new vault and hand over its recovery key."""
    from kim_tui.store.vault import Vault

    directory = vault_dir(args)
    check_recovery_target(args.recovery_key_file)
    code = choose_regime(args.regime)
    passphrase = read_new_passphrase(args, user_inputs=(directory.name,))
    vault, recovery = Vault.create(directory, passphrase)
    try:
        set_vault_regime(vault, code)
    finally:
        vault.close()
    print(tr(f"Tresor angelegt: {shown(directory)}", f"Vault created: {shown(directory)}"))
    print_recovery(recovery, args.recovery_key_file)
    return EXIT_OK


def cmd_passwd(args: argparse.Namespace) -> int:
    """Change the vault's passphrase (rewraps the key, data untouched)."""
    from kim_tui.store.vault import Vault

    old = read_passphrase(args, prompt=tr("Bisheriges Passwort: ", "Current passphrase: "))
    new = read_new_passphrase(args, attr="new_passphrase_file")
    with Vault.open(vault_dir(args), old, migrate_schema=False) as vault:
        vault.change_passphrase(new)
    print(
        tr(
            "Passwort geändert. Die Daten wurden nicht neu verschlüsselt; der alte "
            "Wiederherstellungsschlüssel gilt weiter.",
            "Passphrase changed. The data was not re-encrypted; the old recovery key stays valid.",
        )
    )
    return EXIT_OK


def cmd_recover(args: argparse.Namespace) -> int:
    """Set a new passphrase with the recovery key."""
    from kim_tui.store.vault import Vault

    recovery = read_recovery_key(args)
    new = read_new_passphrase(args, attr="new_passphrase_file")
    with Vault.open_with_recovery(vault_dir(args), recovery) as vault:
        vault.change_passphrase(new)
    print(
        tr(
            "Neues Passwort gesetzt. Der Wiederherstellungsschlüssel gilt weiter.",
            "New passphrase set. The recovery key stays valid.",
        )
    )
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    """Write an encrypted backup of the (possibly open) vault to one file."""
    from kim_tui.store.engine import storage_error
    from kim_tui.store.vault import backup_open_vault

    passphrase = read_passphrase(args)
    out = Path(args.out).expanduser()
    if not out.parent.exists():
        # A new folder for the backups (on a USB stick, per month) is made, as `kim export`
        # makes its target; otherwise the error would name the hidden work file beside it.
        out.parent.mkdir(mode=0o700, parents=True)
        print(tr("Ordner angelegt: ", "Folder created: ") + shown(str(out.parent)))
    try:
        backup_open_vault(vault_dir(args), passphrase, out)
    except Exception as exc:
        # The snapshot is written next to the target: a full or read-only disk there is the
        # target's problem, not the vault's.
        problem = storage_error(exc, out) if is_database_error(exc) else None
        if problem is None:
            raise
        raise problem from None
    print(
        tr(
            f"Sicherung geschrieben: {shown(out)} (verschlüsselt; öffnet mit Passwort oder "
            "Wiederherstellungsschlüssel)",
            f"Backup written: {shown(out)} (encrypted; opens with the passphrase or the "
            "recovery key)",
        )
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a backup into a new vault directory (never over an existing vault)."""
    from kim_tui.store.vault import restore_backup

    if not getattr(args, "vault", None):
        raise CliError(
            tr(
                "Bitte mit --vault ein neues Zielverzeichnis angeben.",
                "Please give a new target directory with --vault.",
            )
        )
    passphrase = read_passphrase(args) if args.erasures_from else None
    made = restore_backup(Path(args.file).expanduser(), vault_dir(args))
    target = shown(vault_dir(args))
    print(
        tr(
            f"Sicherung wiederhergestellt nach {target}. Mit dem Passwort der "
            "Sicherung öffnen; `kim check` prüft sie.",
            f"Backup restored to {target}. Open it with the backup's passphrase; "
            "`kim check` checks it.",
        )
    )
    if passphrase is not None:
        count = reapply_erasures(Path(args.erasures_from).expanduser(), vault_dir(args), passphrase)
        print(
            tr(
                f"Löschregister abgeglichen: {count} Klient*in(nen) erneut gelöscht.",
                f"Erasure register applied: {count} client(s) erased again.",
            )
        )
    else:
        print(restore_warning(made))
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Check encryption, integrity and schema; print the row counts."""
    from kim_tui.store.vault import Vault

    passphrase = read_passphrase(args)
    with Vault.open(vault_dir(args), passphrase, migrate_schema=False) as vault:
        report = vault.check()
    print(tr("Tresor: ", "Vault: ") + shown(vault_dir(args)))
    print(tr("Schema-Version: ", "Schema version: ") + str(report.schema_version))
    width = max((len(table) for table in report.counts), default=0)
    for table, count in report.counts.items():
        print(f"  {table:<{width}} {count:>8}")
    if report.ok:
        print(
            tr(
                "Prüfung: in Ordnung (Verschlüsselung, Integrität, Schema).",
                "Check: fine (encryption, integrity, schema).",
            )
        )
        return EXIT_OK
    print(tr("Prüfung: FEHLER", "Check: FAILED"), file=sys.stderr)
    for problem in report.problems:
        print(f"  - {problem}", file=sys.stderr)
    return EXIT_ERROR


# -- parser ------------------------------------------------------------------------------------


def add_init(sub: SubParsers) -> None:
    """Add `kim init`."""
    p = add_command(sub, "init", cmd_init, tr("Neuen Tresor anlegen", "Create a new vault"))
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument(
        "--recovery-key-file",
        metavar="OUT",
        help=tr(
            "Wiederherstellungsschlüssel in diese Datei schreiben (Modus 0600)",
            "write the recovery key to this file (mode 0600)",
        ),
    )
    add_allow_weak(p)
    add_regime_option(p)


def add_passwd(sub: SubParsers) -> None:
    """Add `kim passwd`."""
    p = add_command(sub, "passwd", cmd_passwd, tr("Passwort ändern", "Change the passphrase"))
    p.add_argument("--passphrase-file", metavar="OLD")
    p.add_argument("--new-passphrase-file", metavar="NEW")
    add_allow_weak(p)


def add_recover(sub: SubParsers) -> None:
    """Add `kim recover`."""
    p = add_command(
        sub,
        "recover",
        cmd_recover,
        tr(
            "Mit dem Wiederherstellungsschlüssel ein neues Passwort setzen",
            "Set a new passphrase with the recovery key",
        ),
    )
    p.add_argument("--recovery-key-file", metavar="RK")
    p.add_argument("--new-passphrase-file", metavar="NEW")
    add_allow_weak(p)


def add_backup(sub: SubParsers) -> None:
    """Add `kim backup`."""
    p = add_command(
        sub,
        "backup",
        cmd_backup,
        tr(
            "Verschlüsselte Sicherung in eine Datei schreiben",
            "Write an encrypted backup to a file",
        ),
    )
    p.add_argument("--passphrase-file", metavar="F")
    p.add_argument("--out", metavar="FILE", required=True)


def add_restore(sub: SubParsers) -> None:
    """Add `kim restore`."""
    p = add_command(
        sub,
        "restore",
        cmd_restore,
        tr(
            "Sicherung in ein neues Tresor-Verzeichnis zurückspielen",
            "Restore a backup into a new vault directory",
        ),
    )
    p.add_argument("file", metavar="FILE")
    add_erasures_from_option(p)


def add_check(sub: SubParsers) -> None:
    """Add `kim check`."""
    p = add_command(
        sub,
        "check",
        cmd_check,
        tr(
            "Tresor prüfen (Verschlüsselung, Integrität, Schema)",
            "Check the vault (encryption, integrity, schema)",
        ),
    )
    p.add_argument("--passphrase-file", metavar="F")
