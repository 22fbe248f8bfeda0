"""Working days in NRW, month arithmetic, snoozing and residence reminders."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kim_tui.domain.scheduling import (
    DEFAULT_RESIDENCE_REMINDER_WEEKS,
    SnoozeOption,
    WorkingDays,
    add_months,
    effective_due,
    residence_reminder_date,
    snooze_target,
)


@pytest.fixture(scope="module")
def cal() -> WorkingDays:
    return WorkingDays()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2026, 11, 21), date(2026, 11, 23)),  # Saturday -> Monday
        (date(2026, 11, 22), date(2026, 11, 23)),  # Sunday -> Monday
        (date(2026, 11, 24), date(2026, 11, 24)),  # Tuesday stays
        (date(2026, 4, 3), date(2026, 4, 7)),  # Karfreitag -> weekend -> Ostermontag -> Tue
        (date(2026, 4, 6), date(2026, 4, 7)),  # Ostermontag -> Tuesday
        (date(2026, 6, 4), date(2026, 6, 5)),  # Fronleichnam (NRW) -> Friday
        (date(2026, 11, 1), date(2026, 11, 2)),  # Allerheiligen on a Sunday -> Monday
        (date(2026, 12, 25), date(2026, 12, 28)),  # Friday holiday + weekend -> Monday
        (date(2026, 12, 24), date(2026, 12, 24)),  # Heiligabend is a working day
        (date(2026, 12, 31), date(2026, 12, 31)),  # Silvester is a working day
        (date(2026, 10, 3), date(2026, 10, 5)),  # Tag der Deutschen Einheit (Saturday)
        (date(2025, 10, 3), date(2025, 10, 6)),  # Tag der Deutschen Einheit (Friday)
        (date(2026, 5, 1), date(2026, 5, 4)),  # Erster Mai (Friday)
        (date(2026, 1, 1), date(2026, 1, 2)),  # Neujahr
    ],
)
def test_effective_due(cal: WorkingDays, raw: date, expected: date) -> None:
    assert effective_due(raw, cal) == expected
    assert cal.next_working_day(raw) == expected


def test_is_working_day(cal: WorkingDays) -> None:
    assert cal.is_working_day(date(2026, 12, 24))
    assert cal.is_working_day(date(2026, 12, 31))
    assert not cal.is_working_day(date(2026, 6, 4))
    assert not cal.is_working_day(date(2026, 10, 3))
    assert not cal.is_working_day(date(2026, 11, 21))
    # Across the year boundary: 31.12.2027 is a Friday, 01.01.2028 a Saturday.
    assert cal.next_working_day(date(2028, 1, 1)) == date(2028, 1, 3)


def test_holiday_names_are_german(cal: WorkingDays) -> None:
    assert cal.holiday_name(date(2026, 4, 3)) == "Karfreitag"
    assert cal.holiday_name(date(2026, 6, 4)) == "Fronleichnam"
    assert cal.holiday_name(date(2026, 11, 1)) == "Allerheiligen"
    assert cal.holiday_name(date(2026, 10, 3)) == "Tag der Deutschen Einheit"
    assert cal.holiday_name(date(2026, 12, 24)) is None
    assert cal.holiday_name(date(2026, 11, 24)) is None


def test_other_state_has_no_fronleichnam() -> None:
    berlin = WorkingDays(subdiv="BE")
    assert berlin.is_working_day(date(2026, 6, 4))
    assert not berlin.is_working_day(date(2027, 3, 8))  # Frauentag (Monday)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2028, 3, 31), -1, date(2028, 2, 29)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2026, 1, 15), -1, date(2025, 12, 15)),
        (date(2026, 5, 31), 12, date(2027, 5, 31)),
        (date(2026, 5, 31), 0, date(2026, 5, 31)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_snooze_from_friday(cal: WorkingDays) -> None:
    friday = date(2026, 11, 20)
    # +1 day is Saturday -> Monday.
    assert snooze_target(SnoozeOption.DAY, friday, cal) == date(2026, 11, 23)
    assert snooze_target(SnoozeOption.WEEK, friday, cal) == date(2026, 11, 27)
    # 20.12.2026 is a Sunday -> Monday 21.12.
    assert snooze_target(SnoozeOption.MONTH, friday, cal) == date(2026, 12, 21)


def test_snooze_over_holidays(cal: WorkingDays) -> None:
    # Thursday 24.12.2026 + 1 day = Christmas Friday -> Monday 28.12.
    assert snooze_target(SnoozeOption.DAY, date(2026, 12, 24), cal) == date(2026, 12, 28)
    # 31.01.2026 + 1 month = 28.02.2026 (Saturday) -> Monday 02.03.
    assert snooze_target(SnoozeOption.MONTH, date(2026, 1, 31), cal) == date(2026, 3, 2)
    assert SnoozeOption("week") is SnoozeOption.WEEK


def test_residence_reminder(cal: WorkingDays) -> None:
    assert DEFAULT_RESIDENCE_REMINDER_WEEKS == 8
    # 8 weeks before Tue 24.11.2026 is Tue 29.09.2026.
    assert residence_reminder_date(date(2026, 11, 24), 8, cal) == date(2026, 9, 29)
    assert residence_reminder_date(date(2026, 11, 24), calendar=cal) == date(2026, 9, 29)
    # 8 weeks before Sat 28.11.2026 is Sat 03.10.2026 (also a holiday) -> Monday 05.10.
    assert residence_reminder_date(date(2026, 11, 28), 8, cal) == date(2026, 10, 5)
    # 8 weeks before 30.07.2026 is Fronleichnam 04.06.2026 -> Friday 05.06.
    assert residence_reminder_date(date(2026, 7, 30), 8, cal) == date(2026, 6, 5)
    assert residence_reminder_date(date(2026, 11, 24), 4, cal) == date(2026, 10, 27)


def test_a_residence_reminder_never_falls_after_the_expiry(cal: WorkingDays) -> None:
    """With no lead time, an expiry on a weekend or holiday reminds on the working day before
    it, not the one after (an extension applied for after the expiry keeps no stay lawful)."""
    # Saturday 26.12.2026 (2nd Christmas Day): Thursday 24.12. (Friday the 25th is a holiday).
    assert residence_reminder_date(date(2026, 12, 26), 0, cal) == date(2026, 12, 24)
    # Sunday 31.01.2027: Friday 29.01.
    assert residence_reminder_date(date(2027, 1, 31), 0, cal) == date(2027, 1, 29)
    # A working day expiry reminds on the day itself; a week ahead still moves forward.
    assert residence_reminder_date(date(2027, 2, 1), 0, cal) == date(2027, 2, 1)
    assert residence_reminder_date(date(2027, 1, 2), 1, cal) == date(2026, 12, 28)
    for day in range(365):
        expiry = date(2026, 1, 1) + timedelta(days=day)
        for weeks in (0, 1, 8):
            due = residence_reminder_date(expiry, weeks, cal)
            assert due <= expiry and cal.is_working_day(due)
