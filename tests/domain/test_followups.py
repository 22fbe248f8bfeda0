"""Wiedervorlagen grouping and derived due items."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kim_tui.domain.followups import (
    DerivedDue,
    due_for_manual,
    due_for_referral,
    due_for_residence,
    due_for_review,
    due_for_step,
    due_group,
    group_bounds,
)
from kim_tui.domain.model import DueGroup, FollowUpSource
from kim_tui.domain.scheduling import WorkingDays

CAL = WorkingDays()
WEDNESDAY = date(2026, 11, 25)
SUNDAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (date(2026, 11, 24), DueGroup.OVERDUE),
        (date(2025, 1, 1), DueGroup.OVERDUE),
        (WEDNESDAY, DueGroup.TODAY),
        (date(2026, 11, 26), DueGroup.THIS_WEEK),
        (date(2026, 11, 29), DueGroup.THIS_WEEK),  # Sunday still this week
        (date(2026, 11, 30), DueGroup.LATER),  # next Monday
        (date(2027, 1, 1), DueGroup.LATER),
    ],
)
def test_due_group_midweek(due: date, expected: DueGroup) -> None:
    assert due_group(due, WEDNESDAY) is expected


def test_due_group_on_sunday_has_empty_week() -> None:
    assert due_group(date(2026, 11, 28), SUNDAY) is DueGroup.OVERDUE
    assert due_group(SUNDAY, SUNDAY) is DueGroup.TODAY
    assert due_group(date(2026, 11, 30), SUNDAY) is DueGroup.LATER
    first, last = group_bounds(SUNDAY)[DueGroup.THIS_WEEK]
    assert first is not None and last is not None and first > last


def test_due_group_on_monday() -> None:
    monday = date(2026, 11, 23)
    assert due_group(date(2026, 11, 29), monday) is DueGroup.THIS_WEEK
    assert due_group(date(2026, 11, 30), monday) is DueGroup.LATER
    assert group_bounds(monday) == {
        DueGroup.OVERDUE: (None, date(2026, 11, 22)),
        DueGroup.TODAY: (monday, monday),
        DueGroup.THIS_WEEK: (date(2026, 11, 24), date(2026, 11, 29)),
        DueGroup.LATER: (date(2026, 11, 30), None),
    }


def _in_range(d: date, bounds: tuple[date | None, date | None]) -> bool:
    first, last = bounds
    return (first is None or first <= d) and (last is None or d <= last)


_dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@given(today=_dates, due=_dates)
def test_group_bounds_partition(today: date, due: date) -> None:
    bounds = group_bounds(today)
    assert list(bounds) == list(DueGroup)
    groups = [group for group, rng in bounds.items() if _in_range(due, rng)]
    assert groups == [due_group(due, today)]


@given(today=_dates, offset=st.integers(min_value=-10, max_value=10))
def test_group_bounds_partition_near_today(today: date, offset: int) -> None:
    due = today + timedelta(days=offset)
    groups = [group for group, rng in group_bounds(today).items() if _in_range(due, rng)]
    assert groups == [due_group(due, today)]


def test_due_for_step() -> None:
    item = due_for_step("s1", "Anmeldung Sprachkurs", date(2026, 6, 4), None, CAL)
    assert item == DerivedDue(
        source=FollowUpSource.STEP,
        source_id="s1",
        due_on=date(2026, 6, 5),
        original_due_on=date(2026, 6, 4),
        code="step",
        params={"text": "Anmeldung Sprachkurs"},
    )
    assert item is not None and item.reason == "Schritt: Anmeldung Sprachkurs"
    assert item.reason_en == "Step: Anmeldung Sprachkurs"
    assert due_for_step("s1", "x", None, None, CAL) is None
    assert due_for_step("s1", "x", date(2026, 6, 4), date(2026, 6, 1), CAL) is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", True),
        ("accepted", True),
        ("rejected", False),
        ("done", False),
        ("withdrawn", False),
    ],
)
def test_due_for_referral_status(status: str, expected: bool) -> None:
    item = due_for_referral("r1", "jobcenter", date(2026, 12, 25), status, CAL)
    assert (item is not None) is expected
    if item is not None:
        assert item.source is FollowUpSource.REFERRAL
        assert item.due_on == date(2026, 12, 28)
        assert item.original_due_on == date(2026, 12, 25)
        assert item.reason == "Rückmeldung erwartet: Jobcenter"
        assert item.reason_en.startswith("Feedback expected: ")


def test_due_for_referral_without_date() -> None:
    assert due_for_referral("r1", "jobcenter", None, "open", CAL) is None


def test_due_for_review() -> None:
    item = due_for_review("a1", date(2026, 11, 1), CAL)
    assert item is not None
    assert item.source is FollowUpSource.REVIEW
    assert item.due_on == date(2026, 11, 2)
    assert item.reason == "Überprüfung Zielvereinbarung"
    assert item.reason_en == "Goal agreement review"
    assert due_for_review("a1", None, CAL) is None


def test_due_for_residence() -> None:
    item = due_for_residence("p1", "duldung", date(2026, 11, 28), 8, CAL)
    assert item is not None
    assert item.source is FollowUpSource.RESIDENCE
    assert item.source_id == "p1"
    assert item.original_due_on == date(2026, 10, 3)
    assert item.due_on == date(2026, 10, 5)
    # The paper's date and name lead, so a narrow list (80 columns) still shows both.
    assert item.reason == "Ablauf 28.11.2026: Duldung"
    assert item.reason_en == "Expires 28.11.2026: toleration"
    bare = due_for_residence("p1", "", date(2026, 11, 24), 8, CAL)
    assert bare is not None and bare.reason == "Ablauf 24.11.2026"
    assert due_for_residence("p1", "duldung", None, 8, CAL) is None


def test_reasons_are_stored_as_codes_and_old_german_rows_stay_readable() -> None:
    from kim_tui.domain.followups import render_reason

    item = due_for_residence("p1", "duldung", date(2026, 11, 28), 8, CAL)
    assert item is not None
    stored = item.stored_reason
    assert "Ablauf" not in stored and "duldung" in stored
    assert render_reason(stored, "de") == "Ablauf 28.11.2026: Duldung"
    assert render_reason(stored, "en") == "Expires 28.11.2026: toleration"
    # A row written before codes (German text) and a manual reason are shown as they are.
    old = "Aufenthaltsdokument läuft ab am 28.11.2026 (Duldung)"
    assert render_reason(old, "en") == old
    assert render_reason("{kaputt", "de") == "{kaputt"
    assert render_reason('{"code": "unbekannt"}', "de") == '{"code": "unbekannt"}'


def test_due_for_manual() -> None:
    assert due_for_manual(date(2026, 12, 26), CAL) == date(2026, 12, 28)
    assert due_for_manual(date(2026, 12, 24), CAL) == date(2026, 12, 24)


# --- § 104c transition reminder (issue 15 § 2) ---------------------------------------------


def test_104c_deadline_comes_from_the_rules_data() -> None:
    from kim_tui.domain.eligibility import load_rules
    from kim_tui.domain.followups import TRANSITION_104C_RULE, transition_104c_deadline

    rule = load_rules().get(TRANSITION_104C_RULE)
    assert rule is not None
    assert transition_104c_deadline() == rule.valid_until == date(2027, 6, 30)


def test_104c_reminder_before_expiry_says_what_to_do() -> None:
    from kim_tui.domain.followups import due_for_104c

    # Expiry Sunday 14.03.2027, 8 weeks before = Sunday 17.01.2027 -> Monday 18.01.2027.
    item = due_for_104c("r1", date(2027, 3, 14), 8, CAL, date(2027, 6, 30))
    assert item.source is FollowUpSource.RESIDENCE
    assert item.source_id == "r1"
    assert item.original_due_on == date(2027, 1, 17)
    assert item.due_on == date(2027, 1, 18)
    assert "§ 25a / § 25b" in item.reason
    assert "vor Ablauf am 14.03.2027" in item.reason
    assert "spätestens bis 30.06.2027" in item.reason
    assert "Fiktionswirkung" in item.reason
    assert not item.reason.startswith("Ablauf")
    assert "apply for § 25a / § 25b" in item.reason_en
    assert "30.06.2027 at the latest" in item.reason_en


def test_104c_reminder_uses_the_application_deadline_when_it_is_earlier() -> None:
    from kim_tui.domain.followups import due_for_104c

    item = due_for_104c("r1", date(2027, 12, 31), 8, CAL, date(2027, 6, 30))
    assert item.original_due_on == date(2027, 5, 5)  # 30.06.2027 - 8 weeks, a Wednesday
    assert item.due_on == date(2027, 5, 5)
    assert "31.12.2027" in item.reason and "30.06.2027" in item.reason


def test_104c_reminder_without_expiry_uses_the_deadline() -> None:
    from kim_tui.domain.followups import due_for_104c

    item = due_for_104c("r1", None, 6, CAL, date(2027, 6, 30))
    assert item.original_due_on == date(2027, 5, 19)
    assert "vor Ablauf" not in item.reason
    assert "30.06.2027" in item.reason


def test_residence_record_picks_the_104c_reminder_only_for_104c() -> None:
    from kim_tui.domain.followups import due_for_residence_record

    special = due_for_residence_record("r1", "ae_104c", date(2027, 3, 14), 8, CAL)
    assert special is not None and "§ 25a / § 25b" in special.reason
    general = due_for_residence_record("r2", "duldung", date(2027, 3, 14), 8, CAL)
    assert general == due_for_residence("r2", "duldung", date(2027, 3, 14), 8, CAL)
    assert due_for_residence_record("r3", "duldung", None, 8, CAL) is None
