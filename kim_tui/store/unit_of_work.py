"""The one owner of every write to a coach's vault.

Every write is one transaction that takes the next vault-wide revision (stamped on every row it
adds or changes) and records exactly one audit event without personal content. Reads, prints,
exports and the sync setup are audited too, but take no revision: they change no record that
travels in a bundle, so they must not make the next bundle look non-empty.

`UnitOfWork.batch()` runs many writes as one transaction and one revision (CSV import, demo
seeding), still one audit event per write; deferred work (the case refresh) runs once per batch,
at commit. No other code opens a write transaction on the vault.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.orm import UOWTransaction, sessionmaker
from sqlmodel import Session

from kim_tui.store.engine import storage_error
from kim_tui.store.models import AuditEvent, Record, VaultSetting, utcnow

REVISION_SETTING = "revision"
"""VaultSetting key of the vault-wide revision counter (written here only; sync reads it)."""

Work = Callable[[], None]


def current_revision(session: Session) -> int:
    """The vault-wide revision of the last committed write (0 for a new vault)."""
    row = session.get(VaultSetting, REVISION_SETTING)
    return int(row.value) if row is not None else 0


class StampingSession(Session):
    """The session class of the unit of work: rows flushed in a write get its revision.

    The stamping listener is attached to this class only, never to SQLAlchemy's global
    `Session`, so sessions of other stores (the coordinator's) are left alone.
    """


@event.listens_for(StampingSession, "before_flush")
def _stamp_revision(session: StampingSession, _flush: UOWTransaction, _instances: object) -> None:
    revision = session.info.get("revision")
    if revision is None:
        return
    now = utcnow()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, AuditEvent):
            obj.revision = revision
        elif isinstance(obj, Record):
            obj.revision = revision
            obj.updated_at = now


@dataclass
class Transaction:
    """One write (or one audited read) in progress: its session and what its audit event says.

    The service fills in `entity_id`, `case_id` and `detail` once it knows them (a new row's id
    exists only after it is added); they go into the one audit event at commit.
    """

    session: Session
    revision: int | None
    """The revision this write stamps; None for an audited read, print or export."""
    today: date
    action: str
    entity: str
    entity_id: str | None = None
    case_id: str | None = None
    detail: str = ""
    _deferred: dict[object, Work] = field(default_factory=dict, repr=False)
    _extra_events: list[AuditEvent] = field(default_factory=list, repr=False)

    def defer(self, key: object, work: Work) -> None:
        """Run `work` once before the commit (once per batch for the same key)."""
        self._deferred[key] = work

    def record_consent_override(self, referral_id: str, case_id: str, agency: str) -> None:
        """The one documented exception to "one audit event per write".

        A referral that passes identifying data without a sharing consent is recorded with a
        second event of its own (DP-3: who, when, which referral, which agency), so an override
        can be found in the audit trail without reading referral rows. The reason text stays in
        the encrypted referral row, never in the audit log.
        """
        self._extra_events.append(
            AuditEvent(
                action="referral.consent_override",
                entity="referral",
                entity_id=referral_id,
                case_id=case_id,
                detail=agency,
            )
        )

    def _event(self) -> AuditEvent:
        return AuditEvent(
            action=self.action,
            entity=self.entity,
            entity_id=self.entity_id,
            case_id=self.case_id,
            detail=self.detail,
        )


class UnitOfWork:
    """Opens the vault's transactions: writes, batches and audited reads."""

    def __init__(self, engine: Engine, *, today: Callable[[], date] = date.today) -> None:
        self._sessions = sessionmaker(engine, class_=StampingSession, expire_on_commit=False)
        self._db_path = Path(engine.url.database or ".")
        self._today = today
        self._batch: Transaction | None = None

    def read(self) -> Session:
        """A session for reading (its changes are never committed)."""
        return self._sessions()

    @contextmanager
    def write(
        self,
        action: str,
        entity: str,
        entity_id: str | None = None,
        case_id: str | None = None,
        detail: str = "",
    ) -> Iterator[Transaction]:
        """One write: one transaction, the next revision, one audit event.

        Inside `batch()` the write joins the batch's transaction and revision.
        """
        batch = self._batch
        if batch is not None:
            tx = Transaction(
                batch.session,
                batch.revision,
                batch.today,
                action,
                entity,
                entity_id,
                case_id,
                detail,
                _deferred=batch._deferred,
                _extra_events=batch._extra_events,
            )
            yield tx
            batch.session.add(tx._event())
            return
        with self._sessions() as session:
            tx = self._begin(session, action, entity, entity_id, case_id, detail)
            yield tx
            self._commit(tx, tx._event())

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Run many writes as one transaction and one revision (bulk import, demo seeding)."""
        if self._batch is not None:
            raise RuntimeError("batch() does not nest")
        with self._sessions() as session:
            self._batch = self._begin(session, "batch", "batch")
            try:
                yield
                batch, self._batch = self._batch, None
                self._commit(batch, None)
            finally:
                self._batch = None

    @contextmanager
    def audited(
        self,
        action: str,
        entity: str,
        entity_id: str | None = None,
        case_id: str | None = None,
        detail: str = "",
    ) -> Iterator[Transaction]:
        """A transaction with one audit event and no revision: a read, print, export or a sync
        setting that travels in no bundle (identity, coordinator, bundle bookkeeping)."""
        with self._sessions() as session:
            tx = Transaction(
                session, None, self._today(), action, entity, entity_id, case_id, detail
            )
            yield tx
            self._commit(tx, tx._event())

    @contextmanager
    def bookkeeping(self) -> Iterator[Session]:
        """A transaction without revision and without audit event, for the second half of an
        operation already audited: the export notes that its file reached the disk. Nothing
        personal and nothing that travels may be written here."""
        with self._sessions() as session:
            yield session
            self._commit(Transaction(session, None, self._today(), "", ""), None)

    def audit_only(
        self,
        action: str,
        entity: str,
        entity_id: str | None = None,
        case_id: str | None = None,
        detail: str = "",
    ) -> None:
        """Record one audit event for something that changes no synced record."""
        with self.audited(action, entity, entity_id, case_id, detail):
            pass

    def revision(self) -> int:
        """The vault-wide revision of the last committed write."""
        with self.read() as session:
            return current_revision(session)

    def _begin(
        self,
        session: Session,
        action: str,
        entity: str,
        entity_id: str | None = None,
        case_id: str | None = None,
        detail: str = "",
    ) -> Transaction:
        revision = current_revision(session) + 1
        session.merge(VaultSetting(key=REVISION_SETTING, value=str(revision)))
        session.info["revision"] = revision
        return Transaction(
            session, revision, self._today(), action, entity, entity_id, case_id, detail
        )

    def _commit(self, tx: Transaction, audit: AuditEvent | None) -> None:
        # Deferred work may defer more (a refresh touching another case): run until none is left.
        while tx._deferred:
            work = tx._deferred.pop(next(iter(tx._deferred)))
            work()
        if audit is not None:
            tx.session.add(audit)
        tx.session.add_all(tx._extra_events)
        try:
            tx.session.commit()
        except Exception as exc:
            # A full or read-only disk is the coach's to fix, not a crash: one `StorageError`
            # (a VaultError every screen and command shows as a message). Nothing was written.
            problem = storage_error(exc, self._db_path)
            if problem is None:
                raise
            tx.session.rollback()
            raise problem from None


__all__ = [
    "REVISION_SETTING",
    "StampingSession",
    "Transaction",
    "UnitOfWork",
    "current_revision",
]
