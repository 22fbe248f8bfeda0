"""Working days in North Rhine-Westphalia and the due-date arithmetic built on them.

Every due date in the app (steps, referral feedback, reviews, residence reminders, manual
Wiedervorlagen) that lands on a weekend or an NRW public holiday moves to the next working day.
24.12 and 31.12 are not public holidays and stay working days.
"""

from __future__ import annotations

import calendar as _calendar
import functools
from datetime import date, timedelta
from enum import StrEnum

import holidays

DEFAULT_RESIDENCE_REMINDER_WEEKS = 8
"""How many weeks before a residence permit expires the reminder is due."""

_MAX_SEARCH_DAYS = 31
"""Upper bound for the working-day search (no real calendar has this many days off in a row)."""


@functools.cache
def _state_holidays(subdiv: str, year: int) -> holidays.HolidayBase:
    """One year's public holidays of a German state; shared by every calendar (read-only)."""
    return holidays.country_holidays("DE", subdiv=subdiv, years=year, expand=False, language="de")


class WorkingDays:
    """Working-day calendar for one German state (default: NW), caching holidays per year."""

    def __init__(self, subdiv: str = "NW") -> None:
        """Create a calendar for the German state ``subdiv`` (ISO 3166-2 code without ``DE-``)."""
        self.subdiv = subdiv

    def _holidays(self, year: int) -> holidays.HolidayBase:
        return _state_holidays(self.subdiv, year)

    def holiday_name(self, d: date) -> str | None:
        """Return the German name of the public holiday on ``d``, or None."""
        name = self._holidays(d.year).get(d)
        return None if name is None else str(name)

    def is_working_day(self, d: date) -> bool:
        """Return True for Monday to Friday that is not a public holiday in the state."""
        return d.weekday() < 5 and d not in self._holidays(d.year)

    def next_working_day(self, d: date) -> date:
        """Return ``d`` itself if it is a working day, else the next working day after it."""
        candidate = d
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {d.isoformat()}")

    def previous_working_day(self, d: date) -> date:
        """Return ``d`` itself if it is a working day, else the last working day before it."""
        candidate = d
        for _ in range(_MAX_SEARCH_DAYS):
            if self.is_working_day(candidate):
                return candidate
            candidate -= timedelta(days=1)
        raise ValueError(f"no working day within {_MAX_SEARCH_DAYS} days of {d.isoformat()}")


def effective_due(d: date, calendar: WorkingDays) -> date:
    """Return the effective due date: ``d`` moved to the next working day if needed."""
    return calendar.next_working_day(d)


def add_months(d: date, months: int) -> date:
    """Add (or, if negative, subtract) calendar months, clamping the day to the month's end.

    31.01.2026 + 1 month is 28.02.2026; 31.01.2028 + 1 month is 29.02.2028.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last_day = _calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


class SnoozeOption(StrEnum):
    """How far a coach can push a Wiedervorlage."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


def snooze_target(option: SnoozeOption, today: date, calendar: WorkingDays) -> date:
    """Return the new due date when snoozing by ``option``, counted from today.

    Snoozing counts from today, not from the old due date: a coach snoozes an overdue item
    to "tomorrow", not to the day after the original date.
    """
    if option is SnoozeOption.DAY:
        raw = today + timedelta(days=1)
    elif option is SnoozeOption.WEEK:
        raw = today + timedelta(days=7)
    else:
        raw = add_months(today, 1)
    return calendar.next_working_day(raw)


def residence_reminder_date(
    valid_until: date,
    weeks_before: int = DEFAULT_RESIDENCE_REMINDER_WEEKS,
    calendar: WorkingDays | None = None,
) -> date:
    """Return the due date of the reminder ``weeks_before`` weeks before a permit expires.

    Like every due date it moves to the next working day when it lands on a weekend or an
    NRW public holiday, unless that day is after the expiry (a short lead time before an
    expiry on a weekend or holiday): then it moves to the working day before. An extension
    applied for after the expiry keeps no stay lawful (§ 81 Abs. 4 AufenthG), so the reminder
    never comes later than the expiry. ``calendar`` defaults to a fresh NW calendar.
    """
    cal = calendar if calendar is not None else WorkingDays()
    target = valid_until - timedelta(weeks=weeks_before)
    due = cal.next_working_day(target)
    return due if due <= valid_until else cal.previous_working_day(target)
