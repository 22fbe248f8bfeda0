"""An encrypted store: a directory with a SQLCipher database, its key file and a lock file.

The coach's vault (`store/vault.py`) and the coordinator's store (`coordinator/store.py`) are the
same thing with different tables and file names. This module is the one implementation of what
they share: create, open (passphrase, recovery key or an unwrapped key), the process lock, the
check of the write-ahead log before SQLite replays it, Alembic migrations, passphrase change and
recovery, `PRAGMA optimize` and forgetting the data key on close.

Key material: the data key lives in one `bytearray` while the store is open (a passphrase change
rewraps it without asking for the old passphrase again) and is overwritten with zeros on close;
the engine's connect listener keys each new connection from that same buffer (no copy, no hex
string) and so holds only zeros after close. Failed unlocks are counted beside the key file
(`failed_unlocks.py`) and reported at the next successful unlock.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar, Self

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from kim_tui.i18n import tr
from kim_tui.store import failed_unlocks, wal_log
from kim_tui.store.engine import open_engine
from kim_tui.store.errors import (
    CorruptFile,
    MigrationFailed,
    UnsupportedVersion,
    ValidationError,
    VaultError,
    VaultExists,
    VaultNotFound,
    WrongPassphrase,
)
from kim_tui.store.failed_unlocks import FailedUnlocks
from kim_tui.store.keyfile import KeyFile, Unwrapped
from kim_tui.store.lock import VaultLock
from kim_tui.store.migrate import Migrations, report_upgrade
from kim_tui.store.secret import Passphrase, wipe

MIN_PASSPHRASE_LENGTH = 10


@dataclass(frozen=True)
class StoreLayout:
    """The file names of one kind of store, its migrations and how it is named when closed."""

    key_file: str
    db_file: str
    lock_file: str
    migrations: Migrations
    closed_message: tuple[str, str]
    """The error shown when the store is used after it was closed or locked, (German, English):
    worded when raised, as the UI language can change while the program runs."""

    def closed_error(self) -> VaultError:
        """The error for using the store after it was closed, in the current UI language."""
        return VaultError(tr(*self.closed_message))

    @property
    def failures_file(self) -> str:
        """The counter of failed unlocks beside the key file (`store/failed_unlocks.py`)."""
        return Path(self.key_file).stem + ".failed-unlocks"


def now_iso() -> str:
    """Now in UTC, to the second, as ISO 8601 (key file time stamps)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def check_passphrase_strength(passphrase: Passphrase) -> None:
    """Refuse a passphrase shorter than `MIN_PASSPHRASE_LENGTH` characters (the floor; the
    strength estimate is the commands' (`kim_tui.domain.passphrase`), which may be overridden)."""
    length = (
        len(passphrase.decode("utf-8", "replace"))
        if isinstance(passphrase, bytearray) and not passphrase.isascii()
        else len(passphrase)
    )
    if length < MIN_PASSPHRASE_LENGTH:
        raise ValidationError(
            {
                "passphrase": tr(
                    f"Das Passwort muss mindestens {MIN_PASSPHRASE_LENGTH} Zeichen haben.",
                    f"The passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters.",
                )
            }
        )


def prepare_new_dir(directory: Path) -> None:
    """Make `directory` (mode 0700) for a new store; refuse one that exists and is not empty."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise VaultExists(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)


def refuse_damaged_log(directory: Path, db_file: str) -> None:
    """Before SQLite replays the write-ahead log: refuse a log with damage in its middle (SQLite
    would drop the later committed transactions without a word). Called with the store's lock
    held, so no writer is appending meanwhile; nothing is changed on disk."""
    wal = directory / f"{db_file}-wal"
    damage = wal_log.find_damage(wal)
    if damage is None:
        return
    where = (
        tr("Kopf", "The header")
        if damage.frame < 0
        else tr(
            f"Abschnitt {damage.frame + 1} von {damage.frames}",
            f"Section {damage.frame + 1} of {damage.frames}",
        )
    )
    raise CorruptFile(
        wal,
        tr(
            f"{where} ist beschädigt, danach folgen {damage.dropped_valid_frames} gültige "
            "Abschnitte gespeicherter Änderungen, die beim Öffnen verloren gingen. Es wurde "
            "nichts verändert. Bitte die letzte Sicherung einspielen (kim restore); siehe README, "
            "„Beschädigte Änderungsdatei“.",
            f"{where} is damaged; the {damage.dropped_valid_frames} valid sections of saved "
            "changes after it would be lost on opening. Nothing was changed. Please restore the "
            "latest backup (kim restore); see the README, “Beschädigte Änderungsdatei (damaged "
            "write-ahead log)”.",
        ),
    )


class EncryptedStore:
    """An open encrypted store: holds the lock, the data key (only in memory) and the engine.

    Subclasses set `layout` and may override `_initialise` (first contents of a new store) and
    `_adopt_unversioned_schema` (a schema an older kim made without Alembic)."""

    layout: ClassVar[StoreLayout]

    def __init__(
        self,
        directory: Path,
        keyfile: KeyFile,
        dek: bytearray,
        lock: VaultLock,
        *,
        owns_lock: bool = True,
    ) -> None:
        """Open with the unwrapped data key `dek`; the store takes the buffer over (it is zeroed
        on close, and on a failure here)."""
        self._dek: bytearray | None = dek
        try:
            refuse_damaged_log(directory, self.layout.db_file)
            self._engine: Engine | None = open_engine(
                directory / self.layout.db_file, dek, self.layout.closed_error
            )
        except BaseException:
            wipe(dek)
            self._dek = None
            raise
        self.directory = directory
        self.keyfile = keyfile
        self._lock = lock
        self._owns_lock = owns_lock
        self.failed_unlocks: FailedUnlocks | None = None
        """The failed unlocks this unlock found (already reported, audited and reset)."""

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def _create(
        cls,
        directory: Path,
        passphrase: Passphrase,
        *,
        kdf_memory_kib: int | None = None,
        initialise: Callable[[Self], None] | None = None,
    ) -> tuple[Self, str]:
        """Create a new store in an empty or missing directory; return it and the recovery key.
        `initialise` writes its first contents (after the schema is made); on any failure the
        store is closed and its lock released."""
        directory = Path(directory)
        check_passphrase_strength(passphrase)
        prepare_new_dir(directory)
        keyfile, dek, recovery = KeyFile.create(
            passphrase, kdf_memory_kib=kdf_memory_kib, created_at=now_iso()
        )
        lock = VaultLock(directory / cls.layout.lock_file)
        lock.acquire()
        try:
            keyfile.write(directory / cls.layout.key_file)
            # Create the database file 0600 first: SQLite gives -wal/-shm the same mode.
            db = directory / cls.layout.db_file
            os.close(os.open(db, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            store = cls(directory, keyfile, dek, lock)
        except BaseException:
            wipe(dek)
            lock.release()
            raise
        try:
            store.migrate()
            if initialise is not None:
                initialise(store)
        except BaseException:
            store.close()
            raise
        return store, recovery

    @classmethod
    def read_keyfile(cls, directory: Path) -> KeyFile:
        """The store's key file (VaultNotFound when there is none)."""
        directory = Path(directory)
        if not (directory / cls.layout.key_file).exists():
            raise VaultNotFound(directory)
        return KeyFile.read(directory / cls.layout.key_file)

    @classmethod
    def open(
        cls,
        directory: Path,
        passphrase: Passphrase,
        *,
        migrate_schema: bool = True,
        lock: VaultLock | None = None,
    ) -> Self:
        """Lock, unwrap the data key, open and migrate. Wrong passphrase: the database is not
        touched; the failure is counted beside the key file. With `lock` (held by the caller,
        e.g. an app for its whole run, locked or not) the store uses it and leaves it held on
        close."""
        directory = Path(directory)

        def unwrap(kf: KeyFile) -> Unwrapped:
            return cls.unwrap_passphrase(directory, kf, passphrase)

        return cls._open(directory, unwrap, migrate_schema, lock=lock)

    @classmethod
    def unwrap_passphrase(
        cls, directory: Path, keyfile: KeyFile, passphrase: Passphrase
    ) -> Unwrapped:
        """Run the key derivation and unwrap the data key (see `KeyFile.unwrap`); a wrong
        passphrase is counted (`failed_unlocks`) and raises WrongPassphrase."""
        try:
            return keyfile.unwrap(passphrase)
        except WrongPassphrase:
            failed_unlocks.record(Path(directory) / cls.layout.failures_file)
            raise

    @classmethod
    def open_with_recovery(
        cls, directory: Path, recovery_key: str, *, migrate_schema: bool = True
    ) -> Self:
        """As `open`, with the recovery key shown at creation instead of the passphrase."""
        directory = Path(directory)

        def unwrap(kf: KeyFile) -> Unwrapped:
            try:
                return Unwrapped(kf.unlock_with_recovery(recovery_key))
            except WrongPassphrase:
                failed_unlocks.record(directory / cls.layout.failures_file)
                raise

        return cls._open(directory, unwrap, migrate_schema)

    @classmethod
    def open_with_dek(
        cls,
        directory: Path,
        keyfile: KeyFile,
        dek: bytearray | Unwrapped,
        *,
        lock: VaultLock | None = None,
    ) -> Self:
        """Open with an already unwrapped key (the caller ran `unwrap_passphrase`), as `open`.
        The store takes the key buffer over."""
        unwrapped = dek if isinstance(dek, Unwrapped) else Unwrapped(dek)
        return cls._open(directory, lambda _kf: unwrapped, True, keyfile=keyfile, lock=lock)

    @classmethod
    def _open(
        cls,
        directory: Path,
        unwrap: Callable[[KeyFile], Unwrapped],
        migrate_schema: bool,
        *,
        keyfile: KeyFile | None = None,
        lock: VaultLock | None = None,
    ) -> Self:
        directory = Path(directory)
        kf = keyfile or cls.read_keyfile(directory)
        if not (directory / cls.layout.db_file).is_file():
            raise CorruptFile(directory / cls.layout.db_file, tr("Datei fehlt", "file missing"))
        owns = lock is None
        held = lock or VaultLock(directory / cls.layout.lock_file)
        if owns:
            held.acquire()
        try:
            unwrapped = unwrap(kf)
            store = cls(directory, kf, unwrapped.dek, held, owns_lock=owns)
        except BaseException:
            if owns:
                held.release()
            raise
        try:
            if migrate_schema:
                store.migrate()
            store._after_unlock(unwrapped)
        except BaseException:
            store.close()  # closes the engine, forgets the key, releases an owned lock
            raise
        return store

    def _after_unlock(self, unwrapped: Unwrapped) -> None:
        """Once open: write a key file rewrapped under the NFC passphrase (a key file from
        before normalisation), then report, audit and reset the failed unlocks."""
        if unwrapped.renewed is not None:
            unwrapped.renewed.write(self.directory / self.layout.key_file)
            self.keyfile = unwrapped.renewed
            with contextlib.suppress(Exception):  # the rewrap stands; only its record is lost
                self._audit_key_event("vault.passphrase_normalised", "")
        path = self.directory / self.layout.failures_file
        failures = failed_unlocks.read(path)
        if failures is None:
            return
        self.failed_unlocks = failures
        failed_unlocks.report(failures)
        since = failures.since.isoformat() if failures.since else "?"
        try:
            self._audit_key_event("vault.failed_unlocks", f"{failures.count} seit {since}")
        except Exception:  # noqa: BLE001 - unlocking must not fail over the audit of a signal
            return  # the counter stays and is reported again next time
        failed_unlocks.clear(path)

    def _audit_key_event(self, action: str, detail: str) -> None:
        """Record a key event in the store's audit trail (the coach vault has one; the
        coordinator store has none, so by default nothing is recorded)."""

    # -- state -------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The keyed engine (raises VaultError once closed)."""
        if self._engine is None:
            raise self.layout.closed_error()
        return self._engine

    @property
    def is_open(self) -> bool:
        """False once closed."""
        return self._engine is not None

    def migrate(self) -> None:
        """Bring the schema to this kim's head; a newer schema is refused, nothing changed."""
        migrations = self.layout.migrations
        stored = migrations.current_revision(self.engine)
        if stored is None:
            stored = self._adopt_unversioned_schema()
        head = migrations.head
        if stored == head:
            return  # the common case at every unlock: no Alembic command machinery needed
        db = self.directory / self.layout.db_file
        if stored is not None and not migrations.is_known(stored):
            raise UnsupportedVersion(db, stored, head)
        if stored is not None:  # an existing store (a new one is quick to build)
            report_upgrade(db)
        try:
            migrations.upgrade(self.engine)
        except SQLAlchemyError as exc:
            # The statement is schema DDL (no values), but only the kind of error is shown.
            raise MigrationFailed(db, stored, head, type(exc).__name__) from None

    def _adopt_unversioned_schema(self) -> str | None:
        """For a database without a stored revision: stamp a schema an older kim made without
        Alembic and return its revision, or None (an empty database, migrated from scratch)."""
        return None

    def _forget_cached_keys(self) -> None:
        """Drop key material a subclass derived from the store (called on close)."""

    def close(self) -> None:
        """Close every connection, forget the data key, release the lock (if owned)."""
        self._forget_cached_keys()
        if self._engine is not None:
            try:
                # Keeps the planner's statistics current for the list queries (cheap after
                # the first time); a read-only or damaged store just skips it.
                with self._engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA optimize")
            except Exception:  # noqa: BLE001 - closing must not fail over statistics
                pass
            self._engine.dispose()
            self._engine = None
        if self._dek is not None:
            # The engine's listener and every copy we made share this buffer; what Python or
            # a C library may hold beyond it: README, "Schlüssel im Speicher".
            wipe(self._dek)
            self._dek = None
        if self._owns_lock:
            self._lock.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- key management ----------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: Passphrase) -> None:
        """Rewrap the data key under a new passphrase (its NFC form); the data is not
        re-encrypted and the recovery key stays valid. The key file is replaced atomically."""
        check_passphrase_strength(new_passphrase)
        if self._dek is None:
            raise self.layout.closed_error()
        self.keyfile = self.keyfile.with_passphrase(self._dek, new_passphrase)
        self.keyfile.write(self.directory / self.layout.key_file)

    @classmethod
    def change_passphrase_of(cls, directory: Path, old: Passphrase, new: Passphrase) -> None:
        """Set a new passphrase on a closed store with its current one. The new one is checked
        first; a wrong old passphrase raises WrongPassphrase before anything is written."""
        check_passphrase_strength(new)
        with cls.open(directory, old, migrate_schema=False) as store:
            store.change_passphrase(new)

    @classmethod
    def recover(cls, directory: Path, recovery_key: str, new: Passphrase) -> None:
        """Set a new passphrase on a closed store with its recovery key (as
        `change_passphrase_of`; a wrong recovery key raises WrongPassphrase)."""
        check_passphrase_strength(new)
        with cls.open_with_recovery(directory, recovery_key, migrate_schema=False) as store:
            store.change_passphrase(new)
