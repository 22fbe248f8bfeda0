"""The Wiedervorlagen list: grouping by due date and the due items derived from case data.

Every due date in a case (steps, referral feedback, goal-agreement reviews, residence-permit
expiries, manual Wiedervorlagen) becomes a follow-up. The functions here compute, from plain
inputs, what the follow-up for one source record should be (or None when there is none), so the
service can keep its FollowUp table in sync. All due dates are moved to the next working day.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType

from kim_tui.domain.catalogs import Lang, catalog
from kim_tui.domain.dates import format_date
from kim_tui.domain.eligibility import load_rules
from kim_tui.domain.model import DueGroup, FollowUpSource, ResidenceView
from kim_tui.domain.residence import current_paper
from kim_tui.domain.scheduling import WorkingDays, effective_due, residence_reminder_date
from kim_tui.domain.stage import FINAL_GOAL_STATUSES

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
    """The follow-up a source record (step, referral, review, residence permit) calls for.

    The reason is kept as a code with parameters (`stored_reason`), so the list shows it in the
    UI language at read time; `reason` and `reason_en` are its two renderings."""

    source: FollowUpSource
    source_id: str
    due_on: date
    """The effective due date (moved to a working day)."""
    original_due_on: date
    code: str
    """What the reason says (a key of `_RENDERERS`)."""
    params: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """The reason's parameters: ISO dates, catalog codes, the step's text."""

    @property
    def stored_reason(self) -> str:
        """The text kept in the follow-up row: the code and parameters as JSON."""
        return encode_reason(self.code, self.params)

    @property
    def reason(self) -> str:
        """The German reason shown in the list."""
        return render_reason(self.stored_reason, "de")

    @property
    def reason_en(self) -> str:
        """The English reason shown in the list."""
        return render_reason(self.stored_reason, "en")


def encode_reason(code: str, params: Mapping[str, str]) -> str:
    """The stored form of a derived reason: ``{"code": …, <params>}`` as JSON.

    Derived rows only (manual reasons are the coach's own text and stored as typed)."""
    return json.dumps({"code": code, **params}, ensure_ascii=False, sort_keys=True)


def _iso(value: str) -> str:
    return format_date(date.fromisoformat(value))


def _label(catalog_name: str, code: str, lang: Lang) -> str:
    entries = catalog(catalog_name)
    return entries.label(code, lang) if code in entries else code


def _residence(p: Mapping[str, str], lang: Lang) -> str:
    # The paper and its date lead, so a narrow list still shows both.
    label = _label("residence_statuses", p["status"], lang) if p.get("status") else ""
    if lang == "en":
        return f"Expires {_iso(p['valid_until'])}" + (f": {label}" if label else "")
    return f"Ablauf {_iso(p['valid_until'])}" + (f": {label}" if label else "")


def _transition_104c(p: Mapping[str, str], lang: Lang) -> str:
    deadline = _iso(p["deadline"])
    if lang == "en":
        expiry = (
            f" before the permit expires on {_iso(p['valid_until'])}" if "valid_until" in p else ""
        )
        return (
            f"§ 104c permit: apply for § 25a / § 25b{expiry}, by {deadline} "
            "at the latest – only that application keeps the stay lawful (Fiktionswirkung)"
        )
    expiry = f" vor Ablauf am {_iso(p['valid_until'])}" if "valid_until" in p else ""
    return (
        f"AE § 104c: AE § 25a / § 25b{expiry} beantragen, spätestens bis {deadline} – nur "
        "dieser Antrag hält den Aufenthalt erlaubt (Fiktionswirkung)"
    )


def _retention_due(p: Mapping[str, str], lang: Lang) -> str:
    ended = _iso(p["ended"])
    if lang == "en":
        return f"Erasure due: retention ended on {ended}"
    return f"Löschung fällig: Aufbewahrung endete am {ended}"


_RENDERERS = {
    "step": lambda p, lang: f"Step: {p['text']}" if lang == "en" else f"Schritt: {p['text']}",
    "referral_feedback": lambda p, lang: (
        f"Feedback expected: {_label('agencies', p['agency'], lang)}"
        if lang == "en"
        else f"Rückmeldung erwartet: {_label('agencies', p['agency'], lang)}"
    ),
    "review": lambda p, lang: (
        "Goal agreement review" if lang == "en" else "Überprüfung Zielvereinbarung"
    ),
    "residence_expiry": _residence,
    "transition_104c": _transition_104c,
    "retention_due": _retention_due,
}


def render_reason(stored: str, lang: Lang) -> str:
    """The reason of a follow-up row in ``lang``.

    Rows written before reasons were stored as codes hold German text: shown as it is. So is
    anything that does not parse (never an error in the list)."""
    if not stored.startswith("{"):
        return stored
    try:
        data = json.loads(stored)
        code = data.pop("code")
        return str(_RENDERERS[code](data, lang))
    except (ValueError, KeyError, TypeError, AttributeError):
        return stored


def due_for_step(
    step_id: str,
    text: str,
    due_on: date | None,
    done_on: date | None,
    calendar: WorkingDays,
    goal_status: str = "",
) -> DerivedDue | None:
    """Follow-up for a goal-agreement step; None if it has no due date, is done, or its goal
    has its result (`goal_status` achieved, not achieved or dropped: the step is moot)."""
    if due_on is None or done_on is not None or goal_status in FINAL_GOAL_STATUSES:
        return None
    return DerivedDue(
        source=FollowUpSource.STEP,
        source_id=step_id,
        due_on=effective_due(due_on, calendar),
        original_due_on=due_on,
        code="step",
        params={"text": text},
    )


def due_for_referral(
    referral_id: str,
    agency: str,
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
        code="referral_feedback",
        params={"agency": agency},
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
        code="review",
    )


def due_for_residence(
    record_id: str,
    status: str,
    valid_until: date | None,
    weeks_before: int,
    calendar: WorkingDays,
) -> DerivedDue | None:
    """Reminder ``weeks_before`` weeks before a residence permit expires; None without expiry.

    ``original_due_on`` is the reminder date before moving to a working day (not the expiry).
    The reason reads e.g. "Ablauf 24.11.2026: Duldung" (the status code, ``status``, may be
    empty).
    """
    if valid_until is None:
        return None
    original = valid_until - timedelta(weeks=weeks_before)
    return DerivedDue(
        source=FollowUpSource.RESIDENCE,
        source_id=record_id,
        due_on=residence_reminder_date(valid_until, weeks_before, calendar),
        original_due_on=original,
        code="residence_expiry",
        params={"valid_until": valid_until.isoformat(), "status": status},
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
    params = {"deadline": deadline.isoformat()}
    if valid_until is not None:
        params["valid_until"] = valid_until.isoformat()
    return DerivedDue(
        source=FollowUpSource.RESIDENCE,
        source_id=record_id,
        due_on=residence_reminder_date(last, weeks_before, calendar),
        original_due_on=original,
        code="transition_104c",
        params=params,
    )


def due_for_residence_record(
    record_id: str,
    status: str,
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
    return due_for_residence(record_id, status, valid_until, weeks_before, calendar)


def due_for_manual(due_on: date, calendar: WorkingDays) -> date:
    """Effective due date of a manual Wiedervorlage."""
    return effective_due(due_on, calendar)


def reminding_paper(
    papers: Iterable[ResidenceView], today: date, weeks: int, calendar: WorkingDays
) -> tuple[str | None, DerivedDue | None]:
    """The one rule of which paper reminds: the paper current on `today`
    (`domain.residence.current_paper`; its id, or None without any paper) and its expiry
    reminder (None when it has no expiry). Every other paper's reminder is retired."""
    current = current_paper(papers, today)
    if current is None:
        return None, None
    record = current.record
    return record.id, due_for_residence_record(
        record.id, record.status, record.valid_until, weeks, calendar
    )
