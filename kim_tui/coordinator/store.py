"""The coordinator's store: an encrypted directory like a coach's vault, with its own tables.

    coordinator.key   key file (same format and handling as a coach's vault.key)
    coordinator.db    SQLCipher database, keyed with the data key
    coordinator.lock  one process at a time
    coordinator.pub   the public identity handed to coaches (not secret)

It is an `EncryptedStore` (opening, lock, log check, key handling, migrations are shared with
the coach's vault). Its tables live in their own SQLAlchemy registry/MetaData, never on
``SQLModel.metadata`` (which the coach vault's migrations own), and its Alembic migrations in
`kim_tui/coordinator/migrations/` with their own version table. Stores made before Alembic
(tables made by ``create_all``, a ``schema_version`` row of 1 in ``coord_setting``) are stamped
with the first migration, which is exactly that schema, when they are first opened.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column as SAColumn
from sqlalchemy import (
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    Table,
    Text,
    inspect,
    text,
)
from sqlalchemy.orm import registry
from sqlmodel import Column, Field, Session, SQLModel, select

from kim_tui.i18n import tr
from kim_tui.store.encrypted_store import EncryptedStore, StoreLayout
from kim_tui.store.errors import CorruptFile, UnsupportedVersion
from kim_tui.store.migrate import Migrations
from kim_tui.sync import identity

KEY_FILE = "coordinator.key"
DB_FILE = "coordinator.db"
LOCK_FILE = "coordinator.lock"
PUB_FILE = "coordinator.pub"
LEGACY_SCHEMA_VERSION = 1
"""The ``schema_version`` row of a store made before Alembic (it had only this one)."""
MIGRATIONS = Migrations(
    Path(__file__).with_name("migrations"),
    version_table="coord_alembic_version",
)

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
    """Key/value settings: private keys and the name (a store made before Alembic also had
    its schema version here)."""

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
    checked: bool = False
    """True once the document was checked against the bundle schema (at import; rows of an
    older store at the first report after the upgrade)."""
    problem: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    """Why a checked document breaks the schema (German), None if it keeps it."""
    first_seq: int = 0
    """The sequence number of the bundle that first brought the record (0: unknown, a record
    merged before this was kept). Releasing a fork at sequence n tells by it which records came
    only from the other history's bundles n, n+1, … (see `forks`)."""
    superseded_only: bool = False
    """Every bundle that brought the record left the chain when a fork was released, and no
    bundle of the chain has brought it since: it exists only in the superseded history. The
    coordinator sees these in `kim coordinator held` and can drop them."""


class CoordinatorStore(EncryptedStore):
    """An unlocked coordinator store: lock held, engine keyed, keys readable."""

    layout = StoreLayout(
        key_file=KEY_FILE,
        db_file=DB_FILE,
        lock_file=LOCK_FILE,
        migrations=MIGRATIONS,
        closed_message=(
            "Die Koordinierungs-Ablage ist geschlossen.",
            "The coordinator store is closed.",
        ),
    )
    # Keys never change during a store's life; reading (and deriving) them once per import
    # run instead of once per bundle saves three queries and an X-Wing key derivation each.
    _kem_private: bytes | None = None
    _public: identity.CoordinatorPublic | None = None

    def session(self) -> Session:
        """A new session on the store."""
        return Session(self.engine, expire_on_commit=False)

    def _forget_cached_keys(self) -> None:
        self._kem_private = self._public = None

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        directory: Path,
        passphrase: str,
        *,
        name: str = "",
        kdf_memory_kib: int | None = None,
    ) -> tuple[CoordinatorStore, str]:
        """Create a new store with fresh keys, write coordinator.pub; return the store and the
        recovery key."""

        def initialise(store: CoordinatorStore) -> None:
            with store.session() as s:
                s.add(CoordSetting(key=_KEM_KEY, value=identity.new_kem_key().hex()))
                s.add(CoordSetting(key=_SIGN_KEY, value=identity.new_signing_key().hex()))
                s.add(CoordSetting(key=_NAME, value=name.strip()))
                s.commit()
            identity.write_public_file(store.directory / PUB_FILE, store.public().to_json())

        return cls._create(
            directory, passphrase, kdf_memory_kib=kdf_memory_kib, initialise=initialise
        )

    def _adopt_unversioned_schema(self) -> str | None:
        """A store made before Alembic has the first migration's tables and a schema_version
        row instead of a version table: stamp it (in one transaction with dropping the row)."""
        with self.engine.begin() as conn:
            if not inspect(conn).has_table(CoordSetting.__tablename__):
                return None  # a new, empty database
            row = conn.execute(
                text("SELECT value FROM coord_setting WHERE key = :key"), {"key": _SCHEMA}
            ).scalar_one_or_none()
            if row is not None and int(row) > LEGACY_SCHEMA_VERSION:
                raise UnsupportedVersion(
                    self.directory / DB_FILE, row, str(self.layout.migrations.head)
                )
            first = "0001"
            self.layout.migrations.stamp(conn, first)
            conn.execute(text("DELETE FROM coord_setting WHERE key = :key"), {"key": _SCHEMA})
        return first

    # -- keys --------------------------------------------------------------------------------

    def _setting(self, key: str) -> str:
        with self.session() as s:
            row = s.get(CoordSetting, key)
            if row is None:
                raise CorruptFile(
                    self.directory / DB_FILE,
                    tr(f"Einstellung {key} fehlt", f"setting {key} is missing"),
                )
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


UNCHECKED_INDEX = Index(
    "ix_coord_record_unchecked",
    CoordinatorBase.metadata.tables[SyncRecord.__tablename__].c.deleted,
    sqlite_where=text("checked = 0 OR problem IS NOT NULL"),
)
"""Rows still to check or found bad: the few a report reads from ``coord_record`` itself."""


REPORT_FIELDS: dict[str, tuple[tuple[str, type[Integer] | type[Text]], ...]] = {
    "client": (
        ("gender", Text),
        ("nationality", Text),
        ("birth_year", Integer),
        ("household", Text),
    ),
    "case": (
        ("client_id", Text),
        ("first_contact_on", Text),
        ("closed_on", Text),
        ("closure_reason", Text),
        ("target_groups", Text),
        ("themes", Text),
    ),
    "residencerecord": (("client_id", Text), ("status", Text)),
    "assessment": (("case_id", Text), ("assessed_on", Text)),
    "arearating": (("assessment_id", Text), ("area", Text), ("level", Integer)),
    "goalagreement": (("case_id", Text),),
    "goal": (("agreement_id", Text), ("area", Text), ("status", Text)),
    "referral": (
        ("case_id", Text),
        ("sent_on", Text),
        ("agency", Text),
        ("legal_domain", Text),
        ("status", Text),
    ),
    "contactnote": (("case_id", Text), ("on", Text), ("kind", Text), ("minutes", Integer)),
    "handover": (("direction", Text), ("client", Text), ("date", Text), ("counterpart", Text)),
}
"""The report's projection (coordinator migration 0004): per table the fields the indicators
read, as typed columns of ``coord_report_<table>``, equal to the live, schema-checked records:
the importer writes the rows of the records it inserts (`kim_tui.coordinator.projection`,
migration 0005), triggers on ``coord_record`` everything else. ``seq`` is the record's rowid
(the reference's tie order); lists (target groups, themes) stay JSON text."""


REPORT_KEYS: dict[str, tuple[str, ...]] = {
    "contactnote": ("coach", "kind", "on", "id"),
    "arearating": ("coach", "area", "level", "id"),
    "goal": ("coach", "area", "status", "id"),
    "referral": ("coach", "legal_domain", "status", "agency", "id"),
}
"""Contacts (most of the records), area ratings, goals and referrals are kept in the order they
are grouped in (migrations 0004, 0006), so the report reads them without sorting; the rest by
id. Every key field is one the bundle schema requires."""
REPORT_WATCHED = ("client", "case", "assessment", "goalagreement")
"""Tables whose ids other records refer to: ids two coaches share there are noted in
``coord_report_shared`` (see `kim_tui.coordinator.report_sql`)."""


def _report_table(table: str, fields: tuple[tuple[str, type[Integer] | type[Text]], ...]) -> Table:
    key = REPORT_KEYS.get(table, ("id", "coach"))
    return Table(
        f"coord_report_{table}",
        CoordinatorBase.metadata,
        SAColumn("id", Text, nullable=False),
        SAColumn("coach", Integer, nullable=False),  # the number in coord_report_coach
        SAColumn("revision", Integer, nullable=False),
        SAColumn("seq", Integer, nullable=False),
        *(SAColumn(name, kind(), nullable=name not in key) for name, kind in fields),
        PrimaryKeyConstraint(*key),
        sqlite_with_rowid=False,
    )


REPORT_TABLES = {table: _report_table(table, fields) for table, fields in REPORT_FIELDS.items()}
REPORT_COACH = Table(
    "coord_report_coach",
    CoordinatorBase.metadata,
    SAColumn("number", Integer, primary_key=True),
    SAColumn("fingerprint", Text, nullable=False, unique=True),
)
"""Each coach whose records are projected has a number here (coordinator migration 0006),
assigned once and never changed; the projection's ``coach`` column holds it instead of the
64-hex fingerprint (narrower rows: fewer pages to decrypt when the report reads them)."""
REPORT_SHARED = Table(
    "coord_report_shared",
    CoordinatorBase.metadata,
    SAColumn("table", Text, primary_key=True),
    SAColumn("id", Text, primary_key=True),
    sqlite_with_rowid=False,
)
"""Record ids that two coaches' live records had at some point (kept by the triggers and the
importer; the report checks whether they still do)."""

IMPORT_PROJECTING = Table(
    "coord_import_projecting",
    CoordinatorBase.metadata,
    SAColumn("importing", Integer, primary_key=True),
)
"""Holds a row only while the importer writes rows of ``coord_record`` whose projection it
writes itself (coordinator migration 0005): the insert triggers skip those rows. Never
committed with a row in it."""
