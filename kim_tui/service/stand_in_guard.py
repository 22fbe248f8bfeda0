"""What a colleague may change on a client they stand in for (Vertretung).

The copy is the original coach's file, lent for a time: the colleague records contacts and
completes or adds follow-ups, which go back in the return file. Anything else (master data,
goals, referrals, consents, closing the case) would be lost at the end of the stand-in or
contradict the original file, so a guard on every write transaction refuses it with a clear
message, as the Art. 18 restriction does (`service.privacy`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import event, inspect
from sqlalchemy.orm import UOWTransaction
from sqlmodel import Session, col, select

from kim_tui.i18n import tr
from kim_tui.service.privacy import client_of
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import (
    AuditEvent,
    Case,
    ContactNote,
    ErasedClient,
    FollowUp,
    Record,
    RecordChange,
    StandIn,
    Step,
)
from kim_tui.store.unit_of_work import StampingSession
from kim_tui.sync.stand_in_scope import IN

ALLOW_STAND_IN = "standin.allow"
"""Session flag: this write may change a stand-in copy as a whole (receiving, erasing it)."""

ACTIVE = "active"
EXPIRED = "expired"

STAND_IN_MESSAGE = (
    "Vertretung: für diese Klient*in können nur Kontakte erfasst und Wiedervorlagen erledigt "
    "oder angelegt werden. Alles andere bitte der zuständigen Kolleg*in nach der Rückkehr "
    "überlassen.",
    "Stand-in: for this client only contacts can be recorded and follow-ups completed or "
    "added. Please leave everything else to the colleague in charge after their return.",
)
"""Shown when a colleague tries any other change on a stand-in client (German, English)."""

_BOOKKEEPING = (AuditEvent, RecordChange, ErasedClient, StandIn, FollowUp)
_DERIVED = frozenset({"stage", "next_due_on", "revision", "updated_at"})


def active_stand_ins(session: Session) -> dict[str, StandIn]:
    """The active incoming stand-in rows of this vault, by client id."""
    rows = session.exec(
        select(StandIn).where(col(StandIn.direction) == IN, col(StandIn.state) == ACTIVE)
    ).all()
    return {r.client_ref: r for r in rows}


def stand_in_until(session: Session, client_ids: Iterable[str]) -> dict[str, date]:
    """For the clients among `client_ids` this vault stands in for: the stand-in's end date."""
    wanted = set(client_ids)
    if not wanted:
        return {}
    return {cid: row.until for cid, row in active_stand_ins(session).items() if cid in wanted}


def _changed(obj: Record) -> set[str]:
    state = inspect(obj)
    return {a.key for a in state.attrs if a.history.has_changes()}


def _old_revision(obj: Record) -> int:
    history = inspect(obj).attrs["revision"].history
    old = history.deleted[0] if history.deleted else obj.revision
    return int(old or 0)


def _allowed(obj: Record, is_new: bool, row: StandIn) -> bool:
    if isinstance(obj, ContactNote):
        # The colleague's own contacts can be corrected; the copied ones are the original's.
        return is_new or _old_revision(obj) > row.received_revision
    if is_new:
        return False
    changed = _changed(obj) - _DERIVED
    if isinstance(obj, Case):
        return not changed
    if isinstance(obj, Step):
        return changed <= {"done_on"}  # completing a step's follow-up completes the step
    return False


@event.listens_for(StampingSession, "before_flush")
def _refuse_other_edits(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    if session.info.get("revision") is None or session.info.get(ALLOW_STAND_IN):
        return
    candidates = [
        obj
        for obj in list(session.new) + list(session.dirty)
        if isinstance(obj, Record) and not isinstance(obj, _BOOKKEEPING)
    ]
    if not candidates:
        return
    with session.no_autoflush:
        active = active_stand_ins(session)
        if not active:
            return
        for obj in candidates:
            client_id = client_of(session, obj)
            row = active.get(client_id) if client_id else None
            if row is not None and not _allowed(obj, obj in session.new, row):
                raise ValidationError({"client": tr(*STAND_IN_MESSAGE)})
