"""The residence history as a timeline: which paper is current, where papers leave gaps, and
whether a paper is already recorded. Pure functions over `ResidenceView`s (no store, no UI), so
the header, the caseload, the reminders and the hints all agree on one rule.

The rule for the current paper (also in the README, "Aufenthalt: Zeitleiste"):

1. A paper is *valid on* a day when the day lies between its dates; a missing "gültig ab" or
   "gültig bis" leaves that side open. A paper with neither date is *undated* and valid on no
   day.
2. Of the papers valid today that have an end date, the one with the latest "gültig ab" wins
   (a paper without "gültig ab", as intake records it, ranks below one with it; among
   those, the one recorded last).
3. A paper valid today without an end date (a Gestattung, a Niederlassungserlaubnis) replaces
   that paper only when it provably started later: its "gültig ab" lies after the other's
   "gültig ab" or, when that is unknown, after the day the other was recorded (the coach had
   it in hand then, so it had started by that day). An older Gestattung whose end nobody wrote
   down therefore never displaces a Duldung valid today.
4. When no paper is valid today, the current one is the paper that ended last, marked as
   expired ("abgelaufen"); when none has ended either (only papers that start in the future),
   the one that starts first; with only undated papers, the one recorded last.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kim_tui.domain.model import ResidenceDraft, ResidenceView


@dataclass(frozen=True)
class CurrentPaper:
    """The paper that counts today, and whether it has already expired."""

    record: ResidenceView
    expired: bool
    """True when no paper is valid today and this is the one that ended last."""


@dataclass(frozen=True)
class ResidenceGap:
    """Days between two recorded papers that no paper covers."""

    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        """How many days the gap lasts (both ends included)."""
        return (self.last_day - self.first_day).days + 1


def is_dated(record: ResidenceView) -> bool:
    """True when the paper has a start or an end date."""
    return record.valid_from is not None or record.valid_until is not None


def valid_on(record: ResidenceView, day: date) -> bool:
    """Whether the paper is valid on `day` (an unknown start or end leaves that side open)."""
    if not is_dated(record):
        return False
    if record.valid_from is not None and day < record.valid_from:
        return False
    return record.valid_until is None or day <= record.valid_until


def current_paper(records: Iterable[ResidenceView], today: date) -> CurrentPaper | None:
    """The paper that counts on `today` (see the module's rule), or None without any paper.

    `records` in the order they were recorded, oldest first (the last one wins a full tie).
    """
    ordered = list(records)
    if not ordered:
        return None
    valid = [(i, r) for i, r in enumerate(ordered) if valid_on(r, today)]
    ending = [(i, r) for i, r in valid if r.valid_until is not None]
    open_ended = [(i, r) for i, r in valid if r.valid_until is None]
    best_ending = (
        max(ending, key=lambda it: (it[1].valid_from or date.min, it[0]))[1] if ending else None
    )
    best_open = (
        max(open_ended, key=lambda it: (it[1].valid_from or date.min, it[0]))[1]
        if open_ended
        else None
    )
    if best_ending is not None and best_open is not None:
        started_by = best_ending.valid_from or best_ending.recorded_on
        later = started_by is not None and (best_open.valid_from or date.min) > started_by
        return CurrentPaper(best_open if later else best_ending, expired=False)
    chosen = best_ending if best_ending is not None else best_open
    if chosen is not None:
        return CurrentPaper(chosen, expired=False)
    ended = [
        (i, r) for i, r in enumerate(ordered) if r.valid_until is not None and r.valid_until < today
    ]
    if ended:
        _, last = max(ended, key=lambda item: (item[1].valid_until or date.min, item[0]))
        return CurrentPaper(last, expired=True)
    future = [r for r in ordered if r.valid_from is not None and r.valid_from > today]
    if future:
        return CurrentPaper(min(future, key=lambda r: r.valid_from or date.max), expired=False)
    return CurrentPaper(ordered[-1], expired=False)


def residence_gaps(records: Iterable[ResidenceView]) -> tuple[ResidenceGap, ...]:
    """The gaps between papers with both dates or a start: days after one paper ends and before
    the next one starts that no recorded paper covers. Papers without a start are left out
    (where they begin is unknown), so they neither make nor close a gap."""
    spans = sorted(
        ((r.valid_from, r.valid_until) for r in records if r.valid_from is not None),
        key=lambda span: span[0],
    )
    gaps: list[ResidenceGap] = []
    covered_until: date | None = None
    open_ended = False
    for start, until in spans:
        if (
            covered_until is not None
            and not open_ended
            and start > covered_until + timedelta(days=1)
        ):
            gaps.append(ResidenceGap(covered_until + timedelta(days=1), start - timedelta(days=1)))
        if until is None:
            open_ended = True
        elif covered_until is None or until > covered_until:
            covered_until = until
        if covered_until is None:
            covered_until = start
    return tuple(gaps)


def same_paper(existing: Sequence[ResidenceView], draft: ResidenceDraft) -> ResidenceView | None:
    """The recorded paper `draft` repeats (same status, same dates), or None."""
    return next(
        (
            r
            for r in existing
            if r.status == draft.status
            and r.valid_from == draft.valid_from
            and r.valid_until == draft.valid_until
        ),
        None,
    )
