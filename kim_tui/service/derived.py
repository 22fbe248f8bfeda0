"""What the service derives from case data, in the same transaction as its source.

Follow-ups of steps, referrals, review dates and residence expiries are kept in sync with their
source row, so the Wiedervorlagen list is one indexed query; a case's stage and next due date
are re-derived once per transaction (once per batch in a bulk load) by `refresh_case`; the phase
by replaying the case's records (`phase_events`, `domain.stage.derive_phase`).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from sqlmodel import Session, col, func, select

from kim_tui.domain import followups as fu
from kim_tui.domain.model import CaseStage, FollowUpSource
from kim_tui.domain.scheduling import DEFAULT_RESIDENCE_REMINDER_WEEKS, WorkingDays
from kim_tui.domain.stage import (
    FINAL_GOAL_STATUSES,
    NEGATIVE_REFERRAL_STATUSES,
    POSITIVE_REFERRAL_STATUSES,
    PhaseEvent,
    PhaseEventKind,
    derive_phase,
    effective_phase,
)
from kim_tui.service.converters import display_name, residence_view
from kim_tui.store.models import (
    Assessment,
    Case,
    Client,
    FollowUp,
    Goal,
    GoalAgreement,
    Referral,
    ResidenceRecord,
    VaultSetting,
    utcnow,
)
from kim_tui.store.unit_of_work import Transaction

REMINDER_WEEKS_SETTING = "residence_reminder_weeks"
"""VaultSetting key of the lead time of residence expiry reminders."""


def residence_reminder_weeks(session: Session) -> int:
    """Weeks before a residence document expires that its reminder falls due."""
    setting = session.get(VaultSetting, REMINDER_WEEKS_SETTING)
    return int(setting.value) if setting else DEFAULT_RESIDENCE_REMINDER_WEEKS


def sync_follow_up(
    tx: Transaction,
    case: Case,
    client: Client,
    derived: fu.DerivedDue | None,
    *,
    source: FollowUpSource | None = None,
    source_id: str | None = None,
    reopen_done: bool = True,
) -> None:
    """Make the derived follow-up of one source row match `derived` (None: retire it). A new
    source date reopens a reminder marked done; a new lead time alone (an expiry reminder whose
    expiry stayed the same) does not, nor anything when `reopen_done` is False."""
    source = derived.source if derived else source
    source_id = derived.source_id if derived else source_id
    if source is None or source_id is None:
        return
    row = tx.session.exec(
        select(FollowUp).where(
            col(FollowUp.source) == source.value,
            col(FollowUp.source_id) == source_id,
            col(FollowUp.case_id) == case.id,
        )
    ).first()
    if derived is None:
        if row is not None and row.open:
            row.open = 0
            row.deleted_at = utcnow()
            tx.session.add(row)
        return
    if row is None:
        row = FollowUp(
            case_id=case.id,
            client_id=client.id,
            source=source.value,
            source_id=source_id,
            original_due_on=derived.original_due_on,
            due_on=derived.due_on,
        )
    elif row.original_due_on != derived.original_due_on:
        # The source date changed: a new due date, so the reminder is open again. For an
        # expiry reminder the expiry is in its reason: the same reason means only the lead
        # time differs (this vault's setting, or a received file's), nothing new to act on.
        only_lead_time = source is FollowUpSource.RESIDENCE and row.reason == derived.stored_reason
        row.original_due_on = derived.original_due_on
        row.due_on = derived.due_on
        if reopen_done and not only_lead_time:
            row.done_on = None
    row.reason = derived.stored_reason
    row.search_key = client.search_key
    row.client_name = display_name(client.given_name, client.family_name)
    row.sort_key = client.sort_key
    row.deleted_at = None
    row.open = 0 if (row.done_on is not None or case.closed_on is not None) else 1
    tx.session.add(row)


def sync_current_residence(
    tx: Transaction,
    case: Case,
    client: Client,
    weeks: int,
    calendar: WorkingDays,
    today: date,
    *,
    reopen_done: bool = True,
) -> None:
    """Only the client's current paper (`domain.residence.current_paper`) reminds: its reminder
    is kept in sync, those of every other paper retired. An expired current paper keeps its
    (overdue) reminder until the coach marks it done or records the next paper.
    `reopen_done`: see `sync_follow_up`."""
    rows = tx.session.exec(
        select(ResidenceRecord)
        .where(
            col(ResidenceRecord.client_id) == client.id,
            col(ResidenceRecord.deleted_at).is_(None),
        )
        .order_by(col(ResidenceRecord.created_at), col(ResidenceRecord.id))
    ).all()
    current_id, derived = fu.reminding_paper(
        [residence_view(r) for r in rows], today, weeks, calendar
    )
    if current_id is not None:
        sync_follow_up(
            tx,
            case,
            client,
            derived,
            source=FollowUpSource.RESIDENCE,
            source_id=current_id,
            reopen_done=reopen_done,
        )
    # Also papers deleted since: whatever residence reminder is not the current paper's goes.
    stale = tx.session.exec(
        select(FollowUp).where(
            col(FollowUp.case_id) == case.id,
            col(FollowUp.source) == FollowUpSource.RESIDENCE.value,
            col(FollowUp.deleted_at).is_(None),
        )
    ).all()
    for follow_up in stale:
        if follow_up.source_id != current_id:
            follow_up.deleted_at = utcnow()
            follow_up.open = 0
            tx.session.add(follow_up)


def sync_referral(
    tx: Transaction, case: Case, client: Client, row: Referral, calendar: WorkingDays
) -> None:
    """The feedback reminder of a referral (only while feedback is expected)."""
    derived = fu.due_for_referral(row.id, row.agency, row.feedback_due_on, row.status, calendar)
    sync_follow_up(tx, case, client, derived, source=FollowUpSource.REFERRAL, source_id=row.id)


class StepLike(Protocol):
    """A step as stored (`Step`) or as shown (`StepView`)."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def done_on(self) -> date | None: ...


def sync_step(
    tx: Transaction,
    case: Case,
    client: Client,
    step: StepLike,
    goal_status: str,
    calendar: WorkingDays,
) -> None:
    """The due-date reminder of a step (retired once the step is done or its goal, whose
    status is `goal_status`, has its result)."""
    derived = fu.due_for_step(step.id, step.text, step.due_on, step.done_on, calendar, goal_status)
    sync_follow_up(tx, case, client, derived, source=FollowUpSource.STEP, source_id=step.id)


def refresh_case(tx: Transaction, case: Case) -> None:
    """Re-derive the case's stage and next due date before the transaction commits (once per
    case and transaction, so a bulk load does it once per case and batch)."""
    tx.defer(("refresh_case", case.id), lambda: _refresh_now(tx.session, case))


def _refresh_now(s: Session, case: Case) -> None:
    s.flush()
    derived = derive_phase(phase_events(s, case.id), closed=case.closed_on is not None)
    by_hand = CaseStage(case.stage_by_hand) if case.stage_by_hand else None
    stage = effective_phase(derived, by_hand, closed=case.closed_on is not None)
    next_due = s.exec(
        select(func.min(FollowUp.due_on)).where(
            col(FollowUp.case_id) == case.id, col(FollowUp.open) == 1
        )
    ).one()
    if case.stage != stage.value or case.next_due_on != next_due:
        case.stage = stage.value
        case.next_due_on = next_due
        s.add(case)


def phase_events(s: Session, case_id: str) -> list[PhaseEvent]:
    """The events of a case that move its phase (`domain.stage`), from its live records."""
    events: list[PhaseEvent] = []
    for assessment in s.exec(
        select(Assessment).where(
            col(Assessment.case_id) == case_id, col(Assessment.deleted_at).is_(None)
        )
    ).all():
        events.append(
            PhaseEvent(assessment.assessed_on, assessment.created_at, PhaseEventKind.ASSESSMENT)
        )
    agreements = s.exec(
        select(GoalAgreement).where(
            col(GoalAgreement.case_id) == case_id, col(GoalAgreement.deleted_at).is_(None)
        )
    ).all()
    for agreement in agreements:
        events.append(
            PhaseEvent(
                agreement.agreed_on,
                agreement.created_at,
                PhaseEventKind.GOAL_AGREEMENT,
                agreement.id,
            )
        )
    if agreements:
        newest = max(agreements, key=lambda a: (a.agreed_on, a.created_at))
        goals = s.exec(
            select(Goal).where(col(Goal.agreement_id) == newest.id, col(Goal.deleted_at).is_(None))
        ).all()
        if goals and all(g.status in FINAL_GOAL_STATUSES for g in goals):
            # Evaluated when the last goal got its result; never before the agreement itself.
            at = max(g.updated_at for g in goals)
            on = max(at.date(), newest.agreed_on)
            events.append(PhaseEvent(on, at, PhaseEventKind.GOALS_EVALUATED, newest.id))
    for referral in s.exec(
        select(Referral).where(col(Referral.case_id) == case_id, col(Referral.deleted_at).is_(None))
    ).all():
        events.append(
            PhaseEvent(
                referral.sent_on, referral.created_at, PhaseEventKind.REFERRAL_SENT, referral.id
            )
        )
        if referral.status in POSITIVE_REFERRAL_STATUSES | NEGATIVE_REFERRAL_STATUSES:
            kind = (
                PhaseEventKind.REFERRAL_LINKED
                if referral.status in POSITIVE_REFERRAL_STATUSES
                else PhaseEventKind.REFERRAL_NOT_LINKED
            )
            on = max(referral.outcome_on or referral.updated_at.date(), referral.sent_on)
            events.append(PhaseEvent(on, referral.updated_at, kind, referral.id))
    return events
