"""Residence papers as a timeline and the lead time of their expiry reminders."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, func, select

from kim_tui.domain import followups as fu
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.model import FollowUpSource, ResidenceDraft, ResidenceView
from kim_tui.domain.residence import same_paper
from kim_tui.domain.scheduling import WorkingDays
from kim_tui.domain.validation import validate_reminder_weeks, validate_residence
from kim_tui.i18n import language, tr
from kim_tui.service.context import ServiceContext, cases_of, live, require_valid
from kim_tui.service.converters import residence_row, residence_view
from kim_tui.service.derived import (
    REMINDER_WEEKS_SETTING,
    refresh_case,
    residence_reminder_weeks,
    sync_current_residence,
)
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import Case, Client, FollowUp, ResidenceRecord, VaultSetting


class ResidenceService:
    """Residence papers (current one by `domain.residence.current_paper`) and their reminders."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add_residence_record(self, client_id: str, draft: ResidenceDraft) -> str:
        """Record a paper, current or earlier (a past one needs both dates). The expiry
        reminder follows the current paper; the same paper twice is refused."""
        today = self._ctx.today()
        require_valid(validate_residence(draft, today))
        with self._ctx.uow.write("residence.add", "residencerecord", detail=draft.status) as tx:
            client = live(tx.session, Client, client_id)
            repeated = same_paper(residence_views(tx.session, client.id), draft)
            if repeated is not None:
                raise ValidationError({"residence": same_paper_message(repeated)})
            record = residence_row(client.id, draft)
            tx.session.add(record)
            tx.session.flush()
            tx.entity_id = record.id
            weeks = residence_reminder_weeks(tx.session)
            for case in cases_of(tx.session, client.id):
                sync_current_residence(tx, case, client, weeks, self._ctx.calendar, today)
                refresh_case(tx, case)
            return record.id

    def residence_reminder_weeks(self) -> int:
        """Weeks before a residence document expires that its reminder falls due."""
        with self._ctx.uow.read() as s:
            return residence_reminder_weeks(s)

    def set_residence_reminder_weeks(self, weeks: int) -> None:
        """Change the lead time of expiry reminders and re-derive every one: open reminders get
        the new due date, those marked done stay done (the expiry itself did not change)."""
        require_valid(validate_reminder_weeks(weeks))
        today = self._ctx.today()
        with self._ctx.uow.write("settings.reminder_weeks", "setting", detail=str(weeks)) as tx:
            tx.session.merge(VaultSetting(key=REMINDER_WEEKS_SETTING, value=str(weeks)))
            clients = tx.session.exec(
                select(Client)
                .join(ResidenceRecord, col(Client.id) == col(ResidenceRecord.client_id))
                .where(col(ResidenceRecord.deleted_at).is_(None))
                .distinct()
            ).all()
            for client in clients:
                for case in cases_of(tx.session, client.id):
                    sync_current_residence(
                        tx, case, client, weeks, self._ctx.calendar, today, reopen_done=False
                    )
                    refresh_case(tx, case)

    def follow_current_papers(self) -> int:
        """The unlock's duty: a paper recorded ahead (a permit starting next month) becomes
        the current one on its day, and the expiry reminder has to move to it then; and a
        reminder an older release stored after the expiry moves before it
        (`reminders_after_expiry`). One write (one audit event) only when some reminder
        moves; returns for how many clients."""
        today = self._ctx.today()
        calendar = self._ctx.calendar
        with self._ctx.uow.read() as s:
            weeks = residence_reminder_weeks(s)
            moved = clients_whose_reminder_moved(s, today, weeks, calendar)
            late = reminders_after_expiry(s, weeks, calendar)
        clients = set(moved) | {client_id for client_id, _day in late.values()}
        if not clients:
            return 0
        with self._ctx.uow.write(
            "residence.current_paper", "followup", detail=str(len(clients))
        ) as tx:
            weeks = residence_reminder_weeks(tx.session)
            for follow_up_id, (_client_id, day) in late.items():
                row = live(tx.session, FollowUp, follow_up_id)
                row.due_on = day
                tx.session.add(row)
            for client_id in sorted(clients):
                client = live(tx.session, Client, client_id)
                for case in cases_of(tx.session, client_id):
                    if client_id in moved:
                        sync_current_residence(tx, case, client, weeks, calendar, today)
                    refresh_case(tx, case)
        return len(clients)


def clients_whose_reminder_moved(
    session: Session, today: date, weeks: int, calendar: WorkingDays
) -> list[str]:
    """Clients with an open case whose residence reminders are not (only) their current
    paper's on `today`: only clients with two or more papers can be such a client."""
    # Cheap first (the index on client_id; 1 ms at 2,000 clients): clients with several
    # papers. Only for those, in chunks (SQLite's limit on parameters), the open cases,
    # papers and reminders are read.
    several = list(
        session.exec(
            select(ResidenceRecord.client_id)
            .where(col(ResidenceRecord.deleted_at).is_(None))
            .group_by(col(ResidenceRecord.client_id))
            .having(func.count() > 1)
        ).all()
    )
    moved: list[str] = []
    for start in range(0, len(several), _CHUNK):
        moved += _moved_among(session, several[start : start + _CHUNK], today, weeks, calendar)
    return moved


def reminders_after_expiry(
    session: Session, weeks: int, calendar: WorkingDays
) -> dict[str, tuple[str, date]]:
    """Open expiry reminders an older release stored after the expiry: follow-up id →
    (client id, the day today's rule gives). Those releases moved a reminder that fell on a
    weekend or holiday to the next working day even past the expiry (lead time 0). Only a
    reminder still on that day is moved, not one the coach snoozed to a later day on purpose.
    One query over the list's index; no rows in a vault without such a reminder."""
    found: dict[str, tuple[str, date]] = {}
    for row, record in session.exec(
        select(FollowUp, ResidenceRecord)
        .join(ResidenceRecord, col(ResidenceRecord.id) == col(FollowUp.source_id))
        .where(
            col(FollowUp.open) == 1,  # not done, in an open case: the list's index
            col(FollowUp.source) == FollowUpSource.RESIDENCE.value,
            col(FollowUp.deleted_at).is_(None),
            col(ResidenceRecord.valid_until).is_not(None),
            col(FollowUp.due_on) > col(ResidenceRecord.valid_until),
        )
    ).all():
        derived = fu.due_for_residence_record(
            record.id, record.status, record.valid_until, weeks, calendar
        )
        as_stored_then = calendar.next_working_day(row.original_due_on)
        if (
            derived is not None
            and derived.original_due_on == row.original_due_on
            and row.due_on == as_stored_then
            and derived.due_on != row.due_on
        ):
            found[row.id] = (row.client_id, derived.due_on)
    return found


_CHUNK = 500


def _moved_among(
    session: Session, clients: list[str], today: date, weeks: int, calendar: WorkingDays
) -> list[str]:
    open_cases = dict(
        session.exec(
            select(Case.id, Case.client_id).where(
                col(Case.client_id).in_(clients),
                col(Case.closed_on).is_(None),
                col(Case.deleted_at).is_(None),
            )
        ).all()
    )
    if not open_cases:
        return []
    papers: dict[str, list[ResidenceView]] = {}
    for row in session.exec(
        select(ResidenceRecord)
        .where(
            col(ResidenceRecord.client_id).in_(sorted(set(open_cases.values()))),
            col(ResidenceRecord.deleted_at).is_(None),
        )
        .order_by(col(ResidenceRecord.created_at), col(ResidenceRecord.id))
    ).all():
        papers.setdefault(row.client_id, []).append(residence_view(row))
    reminding: dict[str, set[str]] = {client_id: set() for client_id in papers}
    still_open: set[str] = set()
    for client_id, source_id, done_on in session.exec(
        select(col(FollowUp.client_id), col(FollowUp.source_id), col(FollowUp.done_on)).where(
            col(FollowUp.case_id).in_(list(open_cases)),
            col(FollowUp.source) == FollowUpSource.RESIDENCE.value,
            col(FollowUp.deleted_at).is_(None),
        )
    ).all():
        if source_id is not None and client_id in reminding:
            reminding[client_id].add(source_id)
            if done_on is None:
                still_open.add(source_id)
    # What `sync_current_residence` leaves: no reminder but the current paper's; that one
    # while the paper has an expiry, or marked done (a done one is kept, an open one retired,
    # when the paper lost its expiry). Anything else is a client whose reminder has to move.
    moved = []
    for client_id, records in papers.items():
        current_id, derived = fu.reminding_paper(records, today, weeks, calendar)
        reminds = reminding[client_id]
        if (
            reminds - {current_id}
            or (derived and current_id not in reminds)
            or (not derived and current_id in still_open)
        ):
            moved.append(client_id)
    return moved


def residence_views(session: Session, client_id: str) -> list[ResidenceView]:
    """The client's live papers in the order they were recorded, oldest first."""
    rows = session.exec(
        select(ResidenceRecord)
        .where(
            col(ResidenceRecord.client_id) == client_id,
            col(ResidenceRecord.deleted_at).is_(None),
        )
        .order_by(col(ResidenceRecord.created_at), col(ResidenceRecord.id))
    ).all()
    return [residence_view(r) for r in rows]


def same_paper_message(paper: ResidenceView) -> str:
    """Why a repeated paper is refused, naming the one already recorded."""
    label = catalog("residence_statuses").label(paper.status, language())
    dates = " – ".join(
        format_date(d) if d is not None else tr("offen", "open")
        for d in (paper.valid_from, paper.valid_until)
    )
    return tr(
        f"Dieses Papier ist schon erfasst: {label}, {dates}. Nichts wurde doppelt gespeichert.",
        f"This paper is recorded already: {label}, {dates}. Nothing was saved twice.",
    )
