"""The one owner of every write to a coach's vault.

Every write is one transaction that takes the next vault-wide revision (stamped on every row it
adds or changes) and records exactly one audit event without personal content. Reads, prints,
exports and the sync setup are audited too, but take no revision: they change no record that
travels in a bundle, so they must not make the next bundle look non-empty.

`UnitOfWork.batch()` runs many writes as one transaction and one revision (CSV import, demo
seeding), still one audit event per write; deferred work (the case refresh) runs once per batch,
at commit. No other code opens a write transaction on the vault.

Corrections keep their history here too (Art. 16 DSGVO, DP-8): the flush listener compares every
changed row of a write with its state before the transaction and records each changed field (and
each deletion, with a snapshot of the entry) as a `RecordChange`. Doing it in the listener rather
than in each service method means no write can forget it, whatever the service changes and
however it changes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, inspect
from sqlalchemy.orm import UOWTransaction, sessionmaker
from sqlmodel import Session

from kim_tui.store.engine import storage_error
from kim_tui.store.models import (
    Assessment,
    AuditEvent,
    Case,
    Client,
    FollowUp,
    Goal,
    GoalAgreement,
    Record,
    RecordChange,
    VaultSetting,
    utcnow,
)

REVISION_SETTING = "revision"
"""VaultSetting key of the vault-wide revision counter (written here only; sync reads it)."""

AUTHOR_SETTING = "sync.coach_name"
"""VaultSetting key of the coach's name (`sync.coach_state.COACH_NAME`): the `by` of a change."""

_BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "revision", "deleted_at"})
_DERIVED: dict[str, frozenset[str]] = {
    # Copies and derivations the service keeps in step with their source: not corrections.
    "client": frozenset({"search_key", "sort_key"}),
    "case": frozenset({"stage", "next_due_on"}),
    "followup": frozenset(
        {
            "open",
            "sort_key",
            "client_name",
            "search_key",
            "due_on",
            "client_id",
            "case_id",
            "source",
            "source_id",
        }
    ),
}
_DERIVED_FOLLOW_UP = frozenset({"reason", "original_due_on"})
"""A derived follow-up's reason and date follow its source row (corrected there)."""
_PARENTS: tuple[tuple[str, type[Record]], ...] = (
    ("assessment_id", Assessment),
    ("goal_id", Goal),
    ("agreement_id", GoalAgreement),
)

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
    created: set[int] = session.info.setdefault("created", set())
    for obj in list(session.dirty):
        if (
            isinstance(obj, Record)
            and not isinstance(obj, (AuditEvent, RecordChange))
            and id(obj) not in created
            and session.is_modified(obj)
        ):
            _record_changes(session, obj, revision)
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, AuditEvent):
            obj.revision = revision
        elif isinstance(obj, Record):
            if obj in session.new:
                # A row born in this write has no history yet: later flushes of the same write
                # are not corrections of it.
                created.add(id(obj))
            obj.revision = revision
            obj.updated_at = now


def _text(value: object) -> str:
    """A column value as history text: ISO dates, trimmed code lists, '' for None."""
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _owner(session: Session, obj: Record) -> tuple[str, str | None]:
    """(client id, case id) of a row, found through its parents."""
    if isinstance(obj, Client):
        return obj.id, None
    row: Record | None = obj
    for attribute, parent in _PARENTS:
        key = getattr(row, attribute, None)
        if key is not None:
            row = session.get(parent, key)
    case_id = getattr(row, "case_id", None)
    client_id = getattr(obj, "client_id", None) or getattr(row, "client_id", None)
    if client_id is None and case_id is not None:
        case = session.get(Case, case_id)
        client_id = case.client_id if case is not None else None
    return str(client_id or ""), case_id


def _record_changes(session: Session, obj: Record, revision: int) -> None:
    table = type(obj).__tablename__
    state = inspect(obj)
    skip = _BOOKKEEPING | _DERIVED.get(str(table), frozenset())
    derived_follow_up = isinstance(obj, FollowUp) and obj.source != "manual"
    if derived_follow_up:
        skip = skip | _DERIVED_FOLLOW_UP
    changes: list[tuple[str, str, str]] = []
    deleted = False
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if attr.key == "deleted_at":
            deleted = old is None and new is not None
        elif attr.key not in skip and _text(old) != _text(new):
            changes.append((attr.key, _text(old), _text(new)))
    if deleted and derived_follow_up:
        return  # a retired reminder: its source row says why
    if not changes and not deleted:
        return
    client_id, case_id = _owner(session, obj)
    common: dict[str, Any] = {
        "entity": str(table),
        "entity_id": obj.id,
        "client_id": client_id,
        "case_id": case_id,
        "reason": str(session.info.get("change_reason", "")),
        "by": str(session.info.get("author", "")),
        "revision": revision,
    }
    if deleted:
        snapshot = {
            a.key: _text(getattr(obj, a.key))
            for a in state.mapper.column_attrs
            if a.key not in skip
        }
        session.add(
            RecordChange(
                kind="deleted",
                old_value=json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
                **common,
            )
        )
        return
    for name, old_text, new_text in changes:
        session.add(RecordChange(field=name, old_value=old_text, new_value=new_text, **common))


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

    def correcting(self, reason: str) -> None:
        """Give the changes of this write a reason (a deletion's, or a correction's note); the
        flush listener writes it into every `RecordChange` it records from here on."""
        self.session.info["change_reason"] = reason

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

    def record_handover_override(self, handover_id: str, case_id: str | None) -> None:
        """The same exception for a handover made without a consent for the colleague's
        organisation (issue 14): its own event, so an override is found in the audit trail;
        the reason text stays in the encrypted handover row."""
        self._extra_events.append(
            AuditEvent(
                action="handover.consent_override",
                entity="handover",
                entity_id=handover_id,
                case_id=case_id,
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
            batch.session.info.pop("change_reason", None)  # a reason is one write's only
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
        author = session.get(VaultSetting, AUTHOR_SETTING)
        session.info["author"] = author.value if author is not None else ""
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
    "AUTHOR_SETTING",
    "REVISION_SETTING",
    "StampingSession",
    "Transaction",
    "UnitOfWork",
    "current_revision",
]
