"""The Wiedervorlagen list: windows, counts per due group, and manual follow-ups."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, func
from sqlalchemy import case as sql_case
from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from kim_tui.domain import followups as fu
from kim_tui.domain.model import (
    PAGE_SIZE,
    DueGroup,
    FollowUpCounts,
    FollowUpDraft,
    FollowUpPage,
    FollowUpSource,
    FollowUpView,
)
from kim_tui.domain.text import fold
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, like_pattern, live
from kim_tui.service.converters import display_name
from kim_tui.service.derived import refresh_case
from kim_tui.service.privacy import RESTRICTED_MESSAGE
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import Case, Client, FollowUp, Step


class FollowUpService:
    """Open follow-ups by due date; add, complete and snooze them."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def follow_ups(
        self,
        query: str = "",
        *,
        offset: int = 0,
        limit: int = PAGE_SIZE,
        with_counts: bool = True,
    ) -> FollowUpPage:
        """A window of open follow-ups by due date, filtered by name (SQL does the filtering);
        with the counts per group unless `with_counts` is false (then see `follow_up_counts`)."""
        today = self._ctx.today()
        with self._ctx.uow.read() as s:
            where = _filter(query)
            # Core statement on the session's connection: the list needs tuples, not ORM rows.
            # One row more than the window says whether another window follows.
            rows = (
                s.connection()
                .execute(
                    sql_select(
                        col(FollowUp.id),
                        col(FollowUp.case_id),
                        col(FollowUp.client_id),
                        col(FollowUp.client_name),
                        col(FollowUp.source),
                        col(FollowUp.reason),
                        col(FollowUp.due_on),
                        col(FollowUp.original_due_on),
                    )
                    .where(*where)
                    .order_by(col(FollowUp.due_on), col(FollowUp.sort_key), col(FollowUp.id))
                    .offset(offset)
                    .limit(limit + 1)
                )
                .all()
            )
            counts = _counts(s, where, today) if with_counts else None
        items = tuple(
            FollowUpView(
                id=fid,
                case_id=case_id,
                client_id=client_id,
                client_name=name,
                source=FollowUpSource(source),
                reason=fu.render_reason(reason, "de"),
                due_on=due,
                original_due_on=original,
                group=fu.due_group(due, today),
                reason_en=fu.render_reason(reason, "en"),
            )
            for fid, case_id, client_id, name, source, reason, due, original in rows[:limit]
        )
        return FollowUpPage(
            items=items,
            counts=counts,
            total=None if counts is None else sum(counts.values()),
            offset=offset,
            has_more=len(rows) > limit,
        )

    def follow_up_counts(self, query: str = "") -> FollowUpCounts:
        """The number of open follow-ups per group under the name filter."""
        with self._ctx.uow.read() as s:
            return FollowUpCounts(_counts(s, _filter(query), self._ctx.today()))

    def add_follow_up(self, draft: FollowUpDraft) -> str:
        """A manual Wiedervorlage; a weekend or holiday date moves to the next working day."""
        reason = draft.reason.strip()
        if not reason:
            raise ValidationError(
                {"reason": tr("Bitte einen Anlass angeben.", "Please give a reason.")}
            )
        with self._ctx.uow.write("followup.add", "followup", case_id=draft.case_id) as tx:
            case = live(tx.session, Case, draft.case_id)
            if case.closed_on is not None:
                raise ValidationError(
                    {"case": tr("Der Fall ist abgeschlossen.", "The case is closed.")}
                )
            client = live(tx.session, Client, case.client_id)
            _refuse_if_restricted(client)
            row = FollowUp(
                case_id=case.id,
                client_id=client.id,
                source=FollowUpSource.MANUAL.value,
                reason=reason,
                original_due_on=draft.due_on,
                due_on=fu.due_for_manual(draft.due_on, self._ctx.calendar),
                search_key=client.search_key,
                client_name=display_name(client.given_name, client.family_name),
                sort_key=client.sort_key,
            )
            tx.session.add(row)
            tx.entity_id = row.id
            tx.session.flush()
            refresh_case(tx, case)
            return row.id

    def complete_follow_up(self, follow_up_id: str, note: str = "") -> None:
        """Mark done (a step's follow-up also completes the step)."""
        with self._ctx.uow.write("followup.done", "followup", entity_id=follow_up_id) as tx:
            row = live(tx.session, FollowUp, follow_up_id)
            row.done_on = tx.today
            row.done_note = note.strip()
            row.open = 0
            tx.session.add(row)
            if row.source == FollowUpSource.STEP.value and row.source_id:
                step = tx.session.get(Step, row.source_id)
                if step is not None and step.done_on is None:
                    step.done_on = tx.today
                    tx.session.add(step)
            case = live(tx.session, Case, row.case_id)
            tx.case_id = case.id
            refresh_case(tx, case)

    def snooze_follow_up(self, follow_up_id: str, until: date) -> date:
        """Move a follow-up to `until` (next working day); returns the effective date."""
        if until < self._ctx.today():
            raise ValidationError(
                {"until": tr("Das Datum liegt in der Vergangenheit.", "The date is in the past.")}
            )
        effective = self._ctx.calendar.next_working_day(until)
        with self._ctx.uow.write(
            "followup.snooze", "followup", entity_id=follow_up_id, detail=until.isoformat()
        ) as tx:
            row = live(tx.session, FollowUp, follow_up_id)
            _refuse_if_restricted(live(tx.session, Client, row.client_id))
            row.due_on = effective
            tx.session.add(row)
            case = live(tx.session, Case, row.case_id)
            tx.case_id = case.id
            refresh_case(tx, case)
        return effective


def _refuse_if_restricted(client: Client) -> None:
    """A new or moved Wiedervorlage is the coach's own work on the client (its reason is free
    text about the person), not bookkeeping: refused while processing is restricted (Art. 18).
    Reminders the service derives still follow their source (the unit of work's guard)."""
    if client.restricted_on is not None:
        raise ValidationError({"client": tr(*RESTRICTED_MESSAGE)})


def _filter(query: str) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [col(FollowUp.open) == 1]
    needle = fold(query)
    if needle:
        where.append(col(FollowUp.search_key).like(like_pattern(needle), escape="\\"))
    return where


def _counts(s: Session, where: list[ColumnElement[bool]], today: date) -> dict[DueGroup, int]:
    bounds = fu.group_bounds(today)
    # One pass over the covering index counts every group at once.
    sums = []
    for lo, hi in bounds.values():
        cond = []
        if lo is not None:
            cond.append(col(FollowUp.due_on) >= lo)
        if hi is not None:
            cond.append(col(FollowUp.due_on) <= hi)
        sums.append(func.coalesce(func.sum(sql_case((and_(*cond), 1), else_=0)), 0))
    row = s.exec(select(*sums).where(*where)).one()
    return {group: int(n) for group, n in zip(bounds, row, strict=True)}
