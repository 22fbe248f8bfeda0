"""What the operating system refuses is one clear line, never a traceback (issue #13, §5).

Disk full (ENOSPC), read-only file system (EROFS), no permission (EACCES), a directory where a
file belongs (EISDIR) and a name too long (ENAMETOOLONG): each command names the file and says
what to do, and exits 1. Where the machine cannot give the real error (a full disk, a read-only
mount, permissions for root) it is injected at the point where the command writes.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlcipher3
from sqlalchemy.exc import OperationalError

from kim_tui.cli import main
from kim_tui.store import engine as engine_module
from kim_tui.store.errors import StorageError
from kim_tui.store.vault import Vault
from tests.conftest import FAST_KDF_KIB, PASSPHRASE

CSV = "Nachname;Vorname;Geburtsdatum\nMüller;Jürgen;03.07.1971\n"


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from kim_tui.store import keyfile

    monkeypatch.setitem(keyfile.DEFAULT_KDF, "memory_kib", FAST_KDF_KIB)


def _os_error(code: int, path: Path) -> OSError:
    return OSError(code, os.strerror(code), str(path))


def _sqlite_error(message: str) -> OperationalError:
    return OperationalError("INSERT", {}, sqlcipher3.dbapi2.OperationalError(message))


def _raiser(exc: BaseException) -> Callable[..., None]:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise exc

    return fail


def _one_clear_line(code: int, err: str, path: Path, *words: str) -> None:
    assert code == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"kim: {path}")
    for word in words:
        assert word in lines[0]


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "vault"
    Vault.create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)[0].close()
    return directory


# -- real errors -------------------------------------------------------------------------------


def test_a_directory_given_to_import_clients(
    tmp_path: Path, vault_dir: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "liste.csv"
    folder.mkdir()
    code = main(["import-clients", str(folder), "--vault", str(vault_dir)])
    _one_clear_line(code, capsys.readouterr().err, folder, "ist ein Verzeichnis", "Datei hin")


def test_a_template_into_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "fehlt" / "vorlage.csv"
    code = main(["import-clients", "--template", str(target)])
    _one_clear_line(code, capsys.readouterr().err, target, "gibt es nicht", "Ordner")


def test_a_file_name_too_long(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / ("x" * 300 + ".csv")
    code = main(["import-clients", "--template", str(target)])
    _one_clear_line(code, capsys.readouterr().err, target, "Name ist zu lang", "kürzeren")


def test_identity_out_pointing_at_a_directory(
    tmp_path: Path, vault_dir: Path, passphrase_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["identity", "--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    assert main([*argv, "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"kim: {tmp_path} ist ein Verzeichnis; bitte einen Dateinamen angeben" in err


# -- injected errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, ("kein Platz mehr", "Platz schaffen")),
        (errno.EROFS, ("schreibgeschützt", "beschreibbares Verzeichnis")),
        (errno.EACCES, ("keine Berechtigung", "Rechte prüfen")),
    ],
)
def test_backup_on_a_full_read_only_or_forbidden_target(
    tmp_path: Path,
    vault_dir: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    words: tuple[str, ...],
) -> None:
    from kim_tui.store import vault as vault_module

    out = tmp_path / "sicherung.kimbackup"
    # The archive is built in a hidden work folder: the error names that, the message the target.
    work_file = tmp_path / ".kim-backup-x" / "backup.tar"
    monkeypatch.setattr(vault_module, "_write_backup", _raiser(_os_error(code, work_file)))
    argv = ["backup", "--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    result = main([*argv, "--out", str(out)])
    _one_clear_line(result, capsys.readouterr().err, out, *words)
    assert not out.exists()


def test_backup_snapshot_on_a_full_disk_names_the_target(
    tmp_path: Path,
    vault_dir: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kim_tui.store import vault as vault_module

    out = tmp_path / "sicherung.kimbackup"
    # SQLite's VACUUM INTO writes the snapshot next to the target and reports a full disk.
    monkeypatch.setattr(
        vault_module, "_sql_quote", _raiser(_sqlite_error("database or disk is full"))
    )
    argv = ["backup", "--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    result = main([*argv, "--out", str(out)])
    _one_clear_line(result, capsys.readouterr().err, out, "kein Platz mehr")


def test_import_clients_on_a_full_disk(
    tmp_path: Path,
    vault_dir: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kim_tui.service.workspace import Workspace

    csv = tmp_path / "liste.csv"
    csv.write_text(CSV, encoding="utf-8")
    monkeypatch.setattr(
        Workspace, "import_intakes", _raiser(_sqlite_error("database or disk is full"))
    )
    argv = ["import-clients", str(csv), "--vault", str(vault_dir)]
    result = main([*argv, "--passphrase-file", str(passphrase_file)])
    _one_clear_line(result, capsys.readouterr().err, vault_dir, "kein Platz mehr")


def test_export_on_a_full_disk(
    tmp_path: Path,
    vault_dir: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kim_tui.sync import exporter
    from kim_tui.sync.identity import display_fingerprint

    pw = ["--passphrase-file", str(passphrase_file)]
    coord = tmp_path / "coord"
    rk = ["--recovery-key-file", str(tmp_path / "rk")]
    assert main(["coordinator", "init", "--dir", str(coord), *pw, *rk]) == 0
    pub = coord / "coordinator.pub"
    from kim_tui.sync.identity import CoordinatorPublic

    fp = display_fingerprint(CoordinatorPublic.from_json(pub.read_bytes()).fingerprint)
    vault = ["--vault", str(vault_dir), *pw]
    assert main(["identity", *vault, "--out", str(tmp_path / "coach.pub")]) == 0
    assert main(["connect", str(pub), *vault, "--fingerprint", fp]) == 0
    capsys.readouterr()
    out = tmp_path / "outbox"
    out.mkdir()
    target = out / "paket.kim"
    monkeypatch.setattr(exporter, "write_atomic", _raiser(_os_error(errno.ENOSPC, target)))
    result = main(["export", *vault, "--out", str(out)])
    _one_clear_line(result, capsys.readouterr().err, target, "kein Platz mehr")


def test_init_on_a_read_only_file_system(
    tmp_path: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kim_tui.store import encrypted_store

    directory = tmp_path / "neu"
    error = _os_error(errno.EROFS, directory)
    monkeypatch.setattr(encrypted_store, "prepare_new_dir", _raiser(error))
    argv = ["init", "--vault", str(directory), "--passphrase-file", str(passphrase_file)]
    result = main([*argv, "--recovery-key-file", str(tmp_path / "rk")])
    _one_clear_line(result, capsys.readouterr().err, directory, "schreibgeschützt")


def test_restore_without_permission(
    tmp_path: Path,
    vault_dir: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kim_tui.store import vault as vault_module

    backup = tmp_path / "b.kimbackup"
    argv = ["backup", "--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    assert main([*argv, "--out", str(backup)]) == 0
    target = tmp_path / "neu"
    monkeypatch.setattr(
        vault_module, "write_atomic", _raiser(_os_error(errno.EACCES, target / "vault.key"))
    )
    result = main(["restore", str(backup), "--vault", str(target)])
    _one_clear_line(result, capsys.readouterr().err, target / "vault.key", "keine Berechtigung")
    assert not target.exists()


@pytest.mark.parametrize(
    ("message", "read_only_fs", "words"),
    [
        ("database or disk is full", False, "kein Platz mehr"),
        ("attempt to write a readonly database", True, "schreibgeschützt"),
        ("attempt to write a readonly database", False, "keine Berechtigung"),
        ("unable to open database file", False, "keine Berechtigung"),
        ("disk I/O error", False, "Lese- oder Schreibfehler"),
    ],
)
def test_sqlite_disk_errors_are_not_called_damage(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    message: str,
    read_only_fs: bool,
    words: str,
) -> None:
    monkeypatch.setattr(engine_module, "_on_read_only_fs", lambda _path: read_only_fs)
    problem = engine_module.storage_error(_sqlite_error(message), tmp_path / "vault.db")
    assert isinstance(problem, StorageError)
    assert words in str(problem) and "beschädigt" not in str(problem)
    assert engine_module.storage_error(_sqlite_error("file is not a database"), tmp_path) is None


def test_opening_a_vault_whose_database_cannot_be_opened_is_not_called_damaged(
    vault_dir: Path,
    passphrase_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise sqlcipher3.dbapi2.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(engine_module, "_pragmas", refuse)
    monkeypatch.setattr(engine_module, "_on_read_only_fs", lambda _path: True)
    argv = ["check", "--vault", str(vault_dir), "--passphrase-file", str(passphrase_file)]
    result = main(argv)
    err = capsys.readouterr().err
    _one_clear_line(result, err, vault_dir / "vault.db", "schreibgeschützt")
    assert "beschädigt" not in err
