"""The Wiedervorlagen list: grouping by due date and the due items derived from case data.

Every due date in a case (steps, referral feedback, goal-agreement reviews, residence-permit
expiries, manual Wiedervorlagen) becomes a follow-up. The functions here compute, from plain
inputs, what the follow-up for one source record should be (or None when there is none), so the
service can keep its FollowUp table in sync. All due dates are moved to the next working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.eligibility import load_rules
from kim_tui.domain.model import DueGroup, FollowUpSource
from kim_tui.domain.scheduling import WorkingDays, effective_due, residence_reminder_date

OPEN_REFERRAL_STATUSES = frozenset(
    entry.code for entry in catalog("referral_statuses") if entry.extra.get("open") == "yes"
)
"""Referral statuses for which feedback is still expected (``open = "yes"`` in the catalog)."""


def _sunday_of(today: date) -> date:
    """Return the Sunday that ends the ISO week of ``today``."""
    return today + timedelta(days=6 - today.weekday())


def due_group(due_on: date, today: date) -> DueGroup:
    """Return the list group of an item due on ``due_on``, seen from ``today``.

    overdue: before today; today: today; this_week: after today up to and including the Sunday
    of today's ISO week; later: after that. On a Sunday "diese Woche" is therefore empty.
    """
    if due_on < today:
        return DueGroup.OVERDUE
    if due_on == today:
        return DueGroup.TODAY
    if due_on <= _sunday_of(today):
        return DueGroup.THIS_WEEK
    return DueGroup.LATER


def group_bounds(today: date) -> dict[DueGroup, tuple[date | None, date | None]]:
    """Return the inclusive date range ``(first, last)`` of each group, for filtering in SQL.

    None stands for an open end. The ranges partition all dates without gap or overlap. On a
    Sunday THIS_WEEK is empty and is returned as the empty range ``(today + 1, today)`` (first
    after last), which matches no date in a ``first <= due_on <= last`` filter; callers may also
    skip a group whose first date is after its last.
    """
    sunday = _sunday_of(today)
    tomorrow = today + timedelta(days=1)
    return {
        DueGroup.OVERDUE: (None, today - timedelta(days=1)),
        DueGroup.TODAY: (today, today),
        DueGroup.THIS_WEEK: (tomorrow, sunday),
        DueGroup.LATER: (sunday + timedelta(days=1), None),
    }


@dataclass(frozen=True)
class DerivedDue:
    """The follow-up a source record (step, referral, review, residence permit) calls for."""

    source: FollowUpSource
    source_id: str
    due_on: date
    """The effective due date (moved to a working day)."""
    original_due_on: date
    reason: str
    """Short German text shown in the list."""
    reason_en: str = ""
    """The English wording of ``reason`` where one is defined (the list stores the German)."""


def due_for_step(
    step_id: str,
    text: str,
    due_on: date | None,
    done_on: date | None,
    calendar: WorkingDays,
) -> DerivedDue | None:
    """Follow-up for a goal-agreement step; None if it has no due date or is done."""
    if due_on is None or done_on is not None:
        return None
    return DerivedDue(
        source=FollowUpSource.STEP,
        source_id=step_id,
        due_on=effective_due(due_on, calendar),
        original_due_on=due_on,
        reason=f"Schritt: {text}",
    )


def due_for_referral(
    referral_id: str,
    agency_label: str,
    feedback_due_on: date | None,
    status: str,
    calendar: WorkingDays,
) -> DerivedDue | None:
    """Follow-up for expected referral feedback; only while the referral is open or accepted."""
    if feedback_due_on is None or status not in OPEN_REFERRAL_STATUSES:
        return None
    return DerivedDue(
        source=FollowUpSource.REFERRAL,
        source_id=referral_id,
        due_on=effective_due(feedback_due_on, calendar),
        original_due_on=feedback_due_on,
        reason=f"Rückmeldung erwartet: {agency_label}",
    )


def due_for_review(
    agreement_id: str,
    review_on: date | None,
    calendar: WorkingDays,
) -> DerivedDue | None:
    """Follow-up for the review date of a goal agreement; None without a review date."""
    if review_on is None:
        return None
    return DerivedDue(
        source=FollowUpSource.REVIEW,
        source_id=agreement_id,
        due_on=effective_due(review_on, calendar),
        original_due_on=review_on,
        reason="Überprüfung Zielvereinbarung",
    )


def due_for_residence(
    record_id: str,
    status_label: str,
    valid_until: date | None,
    weeks_before: int,
    calendar: WorkingDays,
) -> DerivedDue | None:
    """Reminder ``weeks_before`` weeks before a residence permit expires; None without expiry.

    ``original_due_on`` is the reminder date before moving to a working day (not the expiry).
    The reason reads e.g. "Aufenthaltsdokument läuft ab am 24.11.2026 (Duldung)".
    """
    if valid_until is None:
        return None
    original = valid_until - timedelta(weeks=weeks_before)
    suffix = f" ({status_label})" if status_label else ""
    return DerivedDue(
        source=FollowUpSource.RESIDENCE,
        source_id=record_id,
        due_on=residence_reminder_date(valid_until, weeks_before, calendar),
        original_due_on=original,
        reason=f"Aufenthaltsdokument läuft ab am {format_date(valid_until)}{suffix}",
    )


TRANSITION_104C_RULE = "ae_104c_uebergang"
"""The rule whose ``valid_until`` is the last day to apply for § 25a / § 25b from § 104c."""

STATUS_104C = "ae_104c"
"""Residence status code of the § 104c permit (Chancen-Aufenthaltsrecht)."""


def transition_104c_deadline() -> date | None:
    """Last day § 104c holders can apply for § 25a / § 25b (from the rules data), or None."""
    rule = load_rules().get(TRANSITION_104C_RULE)
    return rule.valid_until if rule is not None else None


def due_for_104c(
    record_id: str,
    valid_until: date | None,
    weeks_before: int,
    calendar: WorkingDays,
    deadline: date,
) -> DerivedDue:
    """Reminder for a § 104c holder to apply for § 25a / § 25b in time.

    Due ``weeks_before`` weeks before the earlier of the permit's expiry and the application
    ``deadline`` (30.06.2027 in the rules data), moved to a working day. The reason says what to
    do: apply before the permit expires (only that application keeps the stay lawful,
    Fiktionswirkung) and by the deadline at the latest.
    """
    last = deadline if valid_until is None else min(valid_until, deadline)
    original = last - timedelta(weeks=weeks_before)
    if valid_until is None:
        expiry_de = ""
        expiry_en = ""
    else:
        expiry_de = f" vor Ablauf am {format_date(valid_until)}"
        expiry_en = f" before the permit expires on {format_date(valid_until)}"
    return DerivedDue(
        source=FollowUpSource.RESIDENCE,
        source_id=record_id,
        due_on=residence_reminder_date(last, weeks_before, calendar),
        original_due_on=original,
        reason=(
            f"AE § 104c: AE § 25a / § 25b{expiry_de} beantragen, spätestens bis "
            f"{format_date(deadline)} – nur dieser Antrag hält den Aufenthalt erlaubt "
            "(Fiktionswirkung)"
        ),
        reason_en=(
            f"§ 104c permit: apply for § 25a / § 25b{expiry_en}, by {format_date(deadline)} "
            "at the latest – only that application keeps the stay lawful (Fiktionswirkung)"
        ),
    )


def due_for_residence_record(
    record_id: str,
    status: str,
    status_label: str,
    valid_until: date | None,
    weeks_before: int,
    calendar: WorkingDays,
) -> DerivedDue | None:
    """The follow-up of a residence record: the § 104c transition reminder for a § 104c permit
    while the rules data has its application deadline, otherwise the expiry reminder."""
    if status == STATUS_104C:
        deadline = transition_104c_deadline()
        if deadline is not None:
            return due_for_104c(record_id, valid_until, weeks_before, calendar, deadline)
    return due_for_residence(record_id, status_label, valid_until, weeks_before, calendar)


def due_for_manual(due_on: date, calendar: WorkingDays) -> date:
    """Effective due date of a manual Wiedervorlage."""
    return effective_due(due_on, calendar)
