"""The coordinator's store: an encrypted directory like a coach's vault, with its own tables.

    coordinator.key   key file (same format and handling as a coach's vault.key)
    coordinator.db    SQLCipher database, keyed with the data key
    coordinator.lock  one process at a time
    coordinator.pub   the public identity handed to coaches (not secret)

Its tables live in their own SQLAlchemy registry/MetaData, never on ``SQLModel.metadata`` (which
the coach vault's Alembic migrations own). The schema is created with ``metadata.create_all``
and its version is a row ``schema_version`` in ``coord_setting``: the store keeps generic
records as JSON documents (report definitions work on those), so its schema is small and stable;
a second Alembic environment and version table would add machinery without a migration to run.
A future version adds an upgrade step keyed by that row; a newer store is refused.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, LargeBinary, Text
from sqlalchemy.orm import registry
from sqlmodel import Column, Field, Session, SQLModel, select

from kim_tui.store.engine import open_engine
from kim_tui.store.errors import (
    CorruptFile,
    UnsupportedVersion,
    ValidationError,
    VaultError,
    VaultExists,
    VaultNotFound,
)
from kim_tui.store.keyfile import KeyFile
from kim_tui.store.lock import VaultLock
from kim_tui.store.vault import MIN_PASSPHRASE_LENGTH, refuse_damaged_log
from kim_tui.sync import identity

KEY_FILE = "coordinator.key"
DB_FILE = "coordinator.db"
LOCK_FILE = "coordinator.lock"
PUB_FILE = "coordinator.pub"
SCHEMA_VERSION = 1

_KEM_KEY = "kem_key"
_SIGN_KEY = "sign_key"
_NAME = "name"
_SCHEMA = "schema_version"


def utcnow() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


class CoordinatorBase(SQLModel, registry=registry()):
    """Base of the coordinator tables: a registry (and MetaData) of their own."""


class CoordSetting(CoordinatorBase, table=True):
    """Key/value settings: private keys, name, schema version."""

    __tablename__ = "coord_setting"
    key: str = Field(primary_key=True)
    value: str


class EnrolledCoach(CoordinatorBase, table=True):
    """A coach whose bundles are accepted (until revoked)."""

    __tablename__ = "coord_coach"
    fingerprint: str = Field(primary_key=True)
    name: str = ""
    organisation: str = ""
    sign_key: str
    enrolled_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class ImportedBundle(CoordinatorBase, table=True):
    """One merged bundle: its place in the coach's chain."""

    __tablename__ = "coord_bundle"
    coach: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    link: str
    prev: str | None = None
    rev_after: int
    rev_upto: int
    week: str
    created_at: str
    imported_at: datetime = Field(default_factory=utcnow)
    counts: str = "{}"


class HeldBundle(CoordinatorBase, table=True):
    """A bundle that forks the coach's chain: kept, not merged, until the coordinator decides."""

    __tablename__ = "coord_held"
    link: str = Field(primary_key=True)
    coach: str = Field(index=True)
    seq: int
    reason: str
    file_name: str
    received_at: datetime = Field(default_factory=utcnow)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ForkDecision(CoordinatorBase, table=True):
    """What the coordinator decided about a bundle of a forked chain, so importing the same file
    again repeats the decision instead of holding it back a second time."""

    __tablename__ = "coord_decision"
    link: str = Field(primary_key=True)
    coach: str = Field(index=True)
    seq: int
    decision: str
    """released (merged despite the fork), discarded, superseded (the other branch's bundle,
    dropped from the chain when a held one was released)."""
    file_name: str = ""
    decided_at: datetime = Field(default_factory=utcnow)


class SyncRecord(CoordinatorBase, table=True):
    """The newest known state of one coach's record (a tombstone keeps only its revision)."""

    __tablename__ = "coord_record"
    coach: str = Field(primary_key=True)
    table: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    revision: int
    deleted: bool = False
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    bundle_seq: int = 0


class CoordinatorStore:
    """An unlocked coordinator store: lock held, engine keyed, keys readable."""

    def __init__(
        self,
        directory: Path,
        keyfile: KeyFile,
        dek: bytes,
        lock: VaultLock,
        *,
        owns_lock: bool = True,
    ) -> None:
        self.directory = directory
        self.keyfile = keyfile
        self._lock = lock
        self._owns_lock = owns_lock
        self._engine: Engine | None = open_engine(directory / DB_FILE, dek)
        # Keys never change during a store's life; reading (and deriving) them once per import
        # run instead of once per bundle saves three queries and an X-Wing key derivation each.
        self._kem_private: bytes | None = None
        self._public: identity.CoordinatorPublic | None = None

    @property
    def engine(self) -> Engine:
        """The keyed engine (raises when closed)."""
        if self._engine is None:
            raise VaultError("Die Koordinierungs-Ablage ist geschlossen.")
        return self._engine

    def session(self) -> Session:
        """A new session on the store."""
        return Session(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Close connections, forget the cached keys and release the lock."""
        self._kem_private = self._public = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        if self._owns_lock:
            self._lock.release()

    def __enter__(self) -> CoordinatorStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- opening -----------------------------------------------------------------------------

    @staticmethod
    def create(
        directory: Path, passphrase: str, *, name: str = "", kdf_memory_kib: int | None = None
    ) -> tuple[CoordinatorStore, str]:
        """Create a new store with fresh keys; return it and the recovery key."""
        directory = Path(directory)
        if len(passphrase) < MIN_PASSPHRASE_LENGTH:
            raise ValidationError(
                {
                    "passphrase": f"Das Passwort muss mindestens "
                    f"{MIN_PASSPHRASE_LENGTH} Zeichen haben."
                }
            )
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise VaultExists(directory)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(directory, 0o700)
        keyfile, dek, recovery = KeyFile.create(
            passphrase,
            kdf_memory_kib=kdf_memory_kib,
            created_at=utcnow().replace(microsecond=0).isoformat(),
        )
        lock = VaultLock(directory / LOCK_FILE)
        lock.acquire()
        try:
            keyfile.write(directory / KEY_FILE)
            os.close(os.open(directory / DB_FILE, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            store = CoordinatorStore(directory, keyfile, dek, lock)
            store._prepare_schema()
            with store.session() as s:
                s.add(CoordSetting(key=_KEM_KEY, value=identity.new_kem_key().hex()))
                s.add(CoordSetting(key=_SIGN_KEY, value=identity.new_signing_key().hex()))
                s.add(CoordSetting(key=_NAME, value=name.strip()))
                s.commit()
            identity.write_public_file(directory / PUB_FILE, store.public().to_json())
        except BaseException:
            lock.release()
            raise
        return store, recovery

    @staticmethod
    def open(
        directory: Path, passphrase: str, *, lock: VaultLock | None = None
    ) -> CoordinatorStore:
        """Lock, unwrap the data key, open. Wrong passphrase: nothing is written. With `lock`
        (held by the caller, e.g. the coordinator app for its whole run) the store uses it and
        leaves it held on close."""
        directory = Path(directory)
        if not (directory / KEY_FILE).is_file():
            raise VaultNotFound(directory)
        keyfile = KeyFile.read(directory / KEY_FILE)
        if not (directory / DB_FILE).is_file():
            raise CorruptFile(directory / DB_FILE, "Datei fehlt")
        owns = lock is None
        held = lock or VaultLock(directory / LOCK_FILE)
        if owns:
            held.acquire()
        try:
            refuse_damaged_log(directory, DB_FILE)
            dek = keyfile.unlock(passphrase)
            store = CoordinatorStore(directory, keyfile, dek, held, owns_lock=owns)
            store._prepare_schema()
        except BaseException:
            if owns:
                held.release()
            raise
        return store

    def _prepare_schema(self) -> None:
        CoordinatorBase.metadata.create_all(self.engine)
        with self.session() as s:
            row = s.get(CoordSetting, _SCHEMA)
            if row is None:
                s.add(CoordSetting(key=_SCHEMA, value=str(SCHEMA_VERSION)))
                s.commit()
            elif int(row.value) > SCHEMA_VERSION:
                raise UnsupportedVersion(self.directory / DB_FILE, row.value, SCHEMA_VERSION)

    # -- keys --------------------------------------------------------------------------------

    def _setting(self, key: str) -> str:
        with self.session() as s:
            row = s.get(CoordSetting, key)
            if row is None:
                raise CorruptFile(self.directory / DB_FILE, f"Einstellung {key} fehlt")
            return row.value

    def kem_private(self) -> bytes:
        """The HPKE recipient private key (raw, see `identity.new_kem_key`)."""
        if self._kem_private is None:
            self._kem_private = bytes.fromhex(self._setting(_KEM_KEY))
        return self._kem_private

    def public(self) -> identity.CoordinatorPublic:
        """The public identity (as in coordinator.pub)."""
        if self._public is None:
            self._public = identity.CoordinatorPublic(
                self._setting(_NAME),
                identity.kem_public_bytes(self.kem_private()),
                identity.signing_public(bytes.fromhex(self._setting(_SIGN_KEY))),
            )
        return self._public

    # -- coaches -----------------------------------------------------------------------------

    def enroll(self, coach: identity.CoachPublic) -> EnrolledCoach:
        """Register (or re-admit) a coach's signing key."""
        with self.session() as s:
            row = s.get(EnrolledCoach, coach.fingerprint) or EnrolledCoach(
                fingerprint=coach.fingerprint, sign_key=coach.sign_key.hex()
            )
            row.name, row.organisation, row.revoked_at = coach.name, coach.organisation, None
            s.add(row)
            s.commit()
            return row

    def revoke(self, fingerprint: str) -> EnrolledCoach | None:
        """Stop accepting a coach's bundles (their data already merged stays)."""
        with self.session() as s:
            row = s.get(EnrolledCoach, fingerprint)
            if row is None:
                return None
            row.revoked_at = utcnow()
            s.add(row)
            s.commit()
            return row

    def coaches(self) -> list[EnrolledCoach]:
        """Every enrolled coach, revoked ones included."""
        with self.session() as s:
            return list(s.exec(select(EnrolledCoach)).all())
