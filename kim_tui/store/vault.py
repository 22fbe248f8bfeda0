"""The vault: a directory with the SQLCipher database, its key file and a lock file.

vault.key    key file (JSON, mode 0600): wrapped data key, KDF parameters; nothing personal
vault.db     SQLCipher 4 database (+ -wal, -shm while open); every page encrypted
vault.lock   empty; held with flock by the one process that has the vault open
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from kim_tui.domain.model import CheckReport
from kim_tui.store import migrate, wal_log
from kim_tui.store.atomic import fsync_dir, write_atomic
from kim_tui.store.engine import open_engine
from kim_tui.store.errors import (
    CorruptFile,
    MigrationFailed,
    UnsupportedVersion,
    VaultError,
    VaultExists,
    VaultNotFound,
)
from kim_tui.store.keyfile import KeyFile
from kim_tui.store.layout import DB_FILE, KEY_FILE, LOCK_FILE
from kim_tui.store.lock import VaultLock
from kim_tui.store.models import TABLES

BACKUP_MAGIC = "kim-vault-backup"
BACKUP_VERSION = 1


def _now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _prepare_new_dir(directory: Path) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise VaultExists(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)


class Vault:
    """An unlocked vault: holds the lock, the data key (only in memory) and the engine."""

    def __init__(
        self,
        directory: Path,
        keyfile: KeyFile,
        dek: bytes,
        lock: VaultLock,
        *,
        owns_lock: bool = True,
    ) -> None:
        refuse_damaged_log(directory)
        self.directory = directory
        self.keyfile = keyfile
        self._dek: bytearray | None = bytearray(dek)
        self._lock = lock
        self._owns_lock = owns_lock
        self._engine: Engine | None = open_engine(directory / DB_FILE, dek)

    # -- opening -----------------------------------------------------------------------------

    @staticmethod
    def create(
        directory: Path, passphrase: str, *, kdf_memory_kib: int | None = None
    ) -> tuple[Vault, str]:
        """Create a new vault in an empty or missing directory; return it and the recovery key."""
        directory = Path(directory)
        _check_passphrase_strength(passphrase)
        _prepare_new_dir(directory)
        keyfile, dek, recovery = KeyFile.create(
            passphrase, kdf_memory_kib=kdf_memory_kib, created_at=_now_iso()
        )
        lock = VaultLock(directory / LOCK_FILE)
        lock.acquire()
        try:
            keyfile.write(directory / KEY_FILE)
            # Create the database file 0600 first: SQLite gives -wal/-shm the same mode.
            os.close(os.open(directory / DB_FILE, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            vault = Vault(directory, keyfile, dek, lock)
            vault._migrate_or_close()
        except BaseException:
            lock.release()
            raise
        return vault, recovery

    @staticmethod
    def read_keyfile(directory: Path) -> KeyFile:
        directory = Path(directory)
        if not (directory / KEY_FILE).exists():
            raise VaultNotFound(directory)
        return KeyFile.read(directory / KEY_FILE)

    @staticmethod
    def open(directory: Path, passphrase: str, *, migrate_schema: bool = True) -> Vault:
        """Lock, unwrap the data key, open and migrate. Wrong passphrase: nothing is written."""
        return Vault._open(directory, lambda kf: kf.unlock(passphrase), migrate_schema)

    @staticmethod
    def open_with_recovery(directory: Path, recovery_key: str) -> Vault:
        return Vault._open(directory, lambda kf: kf.unlock_with_recovery(recovery_key), True)

    @staticmethod
    def open_with_dek(
        directory: Path, keyfile: KeyFile, dek: bytes, *, lock: VaultLock | None = None
    ) -> Vault:
        """Open with an already unwrapped key. With `lock` (held by the caller, e.g. the app
        for its whole lifetime, locked or not) the vault uses it and leaves it held on close."""
        if lock is None:
            return Vault._open(directory, lambda _kf: dek, True, keyfile=keyfile)
        directory = Path(directory)
        if not (directory / DB_FILE).is_file():
            raise CorruptFile(directory / DB_FILE, "Datei fehlt")
        vault = Vault(directory, keyfile, dek, lock, owns_lock=False)
        vault._migrate_or_close()
        return vault

    @staticmethod
    def _open(
        directory: Path,
        unwrap: Callable[[KeyFile], bytes],
        migrate_schema: bool,
        keyfile: KeyFile | None = None,
    ) -> Vault:
        directory = Path(directory)
        kf = keyfile or Vault.read_keyfile(directory)
        if not (directory / DB_FILE).is_file():
            raise CorruptFile(directory / DB_FILE, "Datei fehlt")
        lock = VaultLock(directory / LOCK_FILE)
        lock.acquire()
        try:
            dek: bytes = unwrap(kf)
            vault = Vault(directory, kf, dek, lock)
            if migrate_schema:
                vault._migrate_or_close()
        except BaseException:
            lock.release()
            raise
        return vault

    # -- state -------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise VaultError("Der Tresor ist gesperrt.")
        return self._engine

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    def migrate(self) -> None:
        stored = migrate.current_revision(self.engine)
        head = migrate.head_revision()
        if stored == head:
            return  # the common case at every unlock: no Alembic command machinery needed
        if stored is not None and not migrate.is_known(stored):
            raise UnsupportedVersion(self.directory / DB_FILE, stored, head)
        try:
            migrate.upgrade(self.engine)
        except SQLAlchemyError as exc:
            # The statement is schema DDL (no values), but only the kind of error is shown.
            kind = type(exc).__name__
            raise MigrationFailed(self.directory / DB_FILE, stored, head, kind) from None

    def _migrate_or_close(self) -> None:
        """Migrate; on any failure close the engine and forget the key before re-raising."""
        try:
            self.migrate()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Close every connection, forget the data key, release the lock."""
        if self._engine is not None:
            try:
                # Keeps the planner's statistics current for the list queries (cheap after
                # the first time); a read-only or damaged vault just skips it.
                with self._engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA optimize")
            except Exception:  # noqa: BLE001 - closing must not fail over statistics
                pass
            self._engine.dispose()
            self._engine = None
        if self._dek is not None:
            # Best effort: Python may hold other copies, but not through us.
            for i in range(len(self._dek)):
                self._dek[i] = 0
            self._dek = None
        if self._owns_lock:
            self._lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- key management ----------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str) -> None:
        """Rewrap the data key under a new passphrase; the data is not re-encrypted."""
        _check_passphrase_strength(new_passphrase)
        assert self._dek is not None
        self.keyfile = self.keyfile.with_passphrase(bytes(self._dek), new_passphrase)
        self.keyfile.write(self.directory / KEY_FILE)

    # -- integrity ---------------------------------------------------------------------------

    def check(self) -> CheckReport:
        """SQLCipher HMAC check of every page, SQLite integrity, schema version, row counts."""
        problems: list[str] = []
        counts: dict[str, int] = {}
        schema: str | None = None
        try:
            with self.engine.connect() as conn:
                for (row,) in conn.execute(text("PRAGMA cipher_integrity_check")):
                    problems.append(f"Verschlüsselung: {row}")
                rows = [r for (r,) in conn.execute(text("PRAGMA integrity_check"))]
                if rows != ["ok"]:
                    problems.extend(f"Datenbank: {r}" for r in rows)
                fk = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
                if fk:
                    problems.append(f"{len(fk)} verwaiste Verweise")
                for table in TABLES:
                    name = table.__tablename__
                    counts[str(name)] = int(
                        conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one()
                    )
            schema = migrate.current_revision(self.engine)
            if schema != migrate.head_revision():
                problems.append(f"Schema-Version {schema}, erwartet {migrate.head_revision()}")
        except VaultError:
            raise
        except Exception as exc:  # a damaged page surfaces as a DatabaseError on read
            problems.append(f"Lesefehler: {type(exc).__name__}: {exc}")
        return CheckReport(
            ok=not problems, schema_version=schema, problems=tuple(problems), counts=counts
        )

    # -- backup ------------------------------------------------------------------------------

    def backup_to(self, out: Path) -> None:
        """Write a consistent single-file backup (still encrypted) atomically to `out`."""
        backup_vault_dir(self.directory, self.engine, self.keyfile, out)


def refuse_damaged_log(directory: Path, db_file: str = DB_FILE) -> None:
    """Before SQLite replays the write-ahead log: refuse a log with damage in its middle (SQLite
    would drop the later committed transactions without a word). Called with the vault lock
    held, so no writer is appending meanwhile; nothing is changed on disk."""
    wal = directory / f"{db_file}-wal"
    damage = wal_log.find_damage(wal)
    if damage is None:
        return
    where = "Kopf" if damage.frame < 0 else f"Abschnitt {damage.frame + 1} von {damage.frames}"
    raise CorruptFile(
        wal,
        f"{where} ist beschädigt, danach folgen {damage.dropped_valid_frames} gültige "
        "Abschnitte gespeicherter Änderungen, die beim Öffnen verloren gingen. Es wurde nichts "
        "verändert. Bitte die letzte Sicherung einspielen (kim restore); siehe README, "
        "„Beschädigte Änderungsdatei“.",
    )


def backup_open_vault(directory: Path, passphrase: str, out: Path) -> None:
    """Back up a vault that another kim process may have open (no lock taken: read only)."""
    directory = Path(directory)
    kf = Vault.read_keyfile(directory)
    dek = kf.unlock(passphrase)
    if not (directory / DB_FILE).is_file():
        raise CorruptFile(directory / DB_FILE, "Datei fehlt")
    # Without the lock a writer may be appending; only a committed transaction after damage
    # counts as damage, so an open one cannot cause a false alarm here.
    refuse_damaged_log(directory)
    engine = open_engine(directory / DB_FILE, dek)
    try:
        backup_vault_dir(directory, engine, kf, out)
    finally:
        engine.dispose()


def backup_vault_dir(directory: Path, engine: Engine, keyfile: KeyFile, out: Path) -> None:
    out = Path(out)
    if out.exists():
        raise VaultExists(out)
    with tempfile.TemporaryDirectory(prefix=".kim-backup-", dir=out.parent) as tmp:
        snapshot = Path(tmp) / DB_FILE
        # VACUUM INTO takes a consistent snapshot, keyed with the same data key (SQLCipher).
        with engine.connect() as conn:
            conn.exec_driver_sql(f"VACUUM INTO '{_sql_quote(str(snapshot))}'")
        manifest = {
            "format": BACKUP_MAGIC,
            "version": BACKUP_VERSION,
            "vault_id": keyfile.vault_id,
            "created_at": _now_iso(),
        }
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for name, data in (
                ("manifest.json", json.dumps(manifest).encode()),
                (KEY_FILE, keyfile.to_json()),
                (DB_FILE, snapshot.read_bytes()),
            ):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mode = 0o600
                tar.addfile(info, io.BytesIO(data))
        write_atomic(out, buf.getvalue(), mode=0o600)


def restore_backup(backup: Path, directory: Path) -> None:
    """Unpack a backup into a new vault directory; never overwrites an existing one."""
    backup, directory = Path(backup), Path(directory)
    if not backup.is_file():
        raise CorruptFile(backup, "Datei fehlt")
    try:
        with tarfile.open(backup, mode="r:") as tar:
            members = {m.name: m for m in tar.getmembers()}
            if set(members) != {"manifest.json", KEY_FILE, DB_FILE}:
                raise CorruptFile(backup, "keine kim-Sicherung")
            files = {}
            for name, member in members.items():
                fh = tar.extractfile(member)
                if fh is None:
                    raise CorruptFile(backup, f"{name} ist keine Datei")
                files[name] = fh.read()
    except tarfile.TarError:
        raise CorruptFile(backup, "keine kim-Sicherung (abgeschnitten oder fremde Datei)") from None
    try:
        manifest = json.loads(files["manifest.json"])
    except ValueError:
        raise CorruptFile(backup, "Inhaltsverzeichnis unlesbar") from None
    if not isinstance(manifest, dict) or manifest.get("format") != BACKUP_MAGIC:
        raise CorruptFile(backup, "keine kim-Sicherung")
    if manifest.get("version") != BACKUP_VERSION:
        raise UnsupportedVersion(backup, manifest.get("version"), BACKUP_VERSION)
    KeyFile.from_json(files[KEY_FILE], backup)  # validate before writing anything
    _prepare_new_dir(directory)
    try:
        write_atomic(directory / KEY_FILE, files[KEY_FILE], mode=0o600)
        write_atomic(directory / DB_FILE, files[DB_FILE], mode=0o600)
        fsync_dir(directory)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _sql_quote(value: str) -> str:
    return value.replace("'", "''")


MIN_PASSPHRASE_LENGTH = 10


def _check_passphrase_strength(passphrase: str) -> None:
    from kim_tui.store.errors import ValidationError

    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            {"passphrase": f"Das Passwort muss mindestens {MIN_PASSPHRASE_LENGTH} Zeichen haben."}
        )
