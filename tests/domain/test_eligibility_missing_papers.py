"""Issue 15 § 1: when the date of entry is recorded and the first paper on file starts years
later, the stay conditions say that earlier papers are missing and show both dates, instead of
silently counting from the first paper."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kim_tui.domain.eligibility import (
    ConditionResult,
    ConditionState,
    Hint,
    HintStatus,
    ResidenceFacts,
    StatusPeriod,
    evaluate,
)
from tests.domain.coach_facts import coach_facts

ON = date(2026, 12, 2)


def hint(facts: ResidenceFacts, rule_id: str) -> Hint:
    found = [h for h in evaluate(facts, ON) if h.rule_id == rule_id]
    assert len(found) == 1, rule_id
    return found[0]


def stay_conditions(h: Hint) -> list[ConditionResult]:
    return [c for c in h.conditions if "ersten erfassten Papier" in c.detail_de]


# rule, current status, first paper on file, entry, by-papers date, by-entry date, months text
CASES = [
    # The case from the issue: entered 15.08.2021, has children, one Duldung from 03.10.2026.
    ("ae_25b", "duldung", date(2026, 10, 3), date(2021, 8, 15), "03.10.2030", "15.08.2025"),
    ("ae_25a", "duldung", date(2025, 6, 1), date(2020, 1, 1), "01.06.2028", "01.01.2023"),
    (
        "beschaeftigungsduldung",
        "duldung",
        date(2026, 6, 1),
        date(2019, 1, 1),
        "01.06.2027",
        "01.01.2020",
    ),
    (
        "ausbildungsduldung",
        "duldung",
        date(2026, 11, 1),
        date(2020, 1, 1),
        "01.02.2027",
        "01.04.2020",
    ),
    ("ne_26_3", "ae_25_2_gfk", date(2024, 1, 1), date(2019, 6, 1), "01.01.2029", "01.06.2024"),
    ("ne_26_3_c1", "ae_25_2_gfk", date(2025, 1, 1), date(2019, 6, 1), "01.01.2028", "01.06.2022"),
    ("ne_26_4", "ae_25_2_subs", date(2024, 1, 1), date(2019, 6, 1), "01.01.2029", "01.06.2024"),
    ("ne_9", "ae_other", date(2024, 1, 1), date(2019, 6, 1), "01.01.2029", "01.06.2024"),
    (
        "einbuergerung_10",
        "ae_25_2_gfk",
        date(2024, 1, 1),
        date(2018, 6, 1),
        "01.01.2029",
        "01.06.2023",
    ),
]


@pytest.mark.parametrize(("rule_id", "status", "first", "entry", "by_papers", "by_entry"), CASES)
def test_first_paper_years_after_entry_says_papers_are_missing(
    rule_id: str, status: str, first: date, entry: date, by_papers: str, by_entry: str
) -> None:
    facts = coach_facts(
        current_status=status,
        periods=(StatusPeriod(status, first),),
        date_of_entry=entry,
        birth_date=date(2006, 1, 1) if rule_id == "ae_25a" else date(1990, 6, 15),
        in_school_or_training=rule_id == "ae_25a",
        minor_children_in_household=rule_id == "ae_25b",
    )
    h = hint(facts, rule_id)
    (condition,) = stay_conditions(h)
    assert condition.state is ConditionState.UNKNOWN
    assert "Zeit vor dem ersten erfassten Papier" in condition.detail_de
    assert "Bitte frühere Papiere nachtragen." in condition.detail_de
    assert by_papers in condition.detail_de and by_entry in condition.detail_de
    assert f"Einreise am {entry:%d.%m.%Y}" in condition.detail_de
    assert "earlier papers" in condition.detail_en
    # Never a silently late date: the hint is open, not "possible later from <late date>".
    assert h.status in (HintStatus.UNCLEAR, HintStatus.NOT_YET)


@pytest.mark.parametrize(("rule_id", "status", "first", "entry", "by_papers", "by_entry"), CASES)
def test_papers_from_entry_on_give_no_missing_papers_note(
    rule_id: str, status: str, first: date, entry: date, by_papers: str, by_entry: str
) -> None:
    """Negative case: the first paper starts at entry (or within a month), nothing is missing."""
    start = entry + timedelta(days=10)
    if status.startswith("ae_"):
        periods: tuple[StatusPeriod, ...] = (
            StatusPeriod("gestattung", start, first - timedelta(days=1)),
            StatusPeriod(status, first),
        )
    else:
        periods = (StatusPeriod(status, start),)
    facts = coach_facts(
        current_status=status,
        periods=periods,
        date_of_entry=entry,
        birth_date=date(2006, 1, 1) if rule_id == "ae_25a" else date(1990, 6, 15),
        in_school_or_training=rule_id == "ae_25a",
        minor_children_in_household=rule_id == "ae_25b",
    )
    h = hint(facts, rule_id)
    assert stay_conditions(h) == []


def test_issue_case_shows_both_dates_in_words() -> None:
    facts = coach_facts(
        current_status="duldung",
        periods=(StatusPeriod("duldung", date(2026, 10, 3)),),
        date_of_entry=date(2021, 8, 15),
        minor_children_in_household=True,
    )
    (condition,) = stay_conditions(hint(facts, "ae_25b"))
    assert condition.detail_de.startswith(
        "Zeit vor dem ersten erfassten Papier (03.10.2026) fehlt – ab Einreise am 15.08.2021"
        " wären es schon 4 Jahre am 15.08.2025"
    )
    assert "nach den erfassten Papieren erst am 03.10.2030" in condition.detail_de
    assert condition.earliest_date == date(2025, 8, 15)


def test_no_entry_date_counts_from_the_papers_as_before() -> None:
    facts = coach_facts(
        current_status="duldung",
        periods=(StatusPeriod("duldung", date(2026, 10, 3)),),
        minor_children_in_household=True,
    )
    h = hint(facts, "ae_25b")
    assert stay_conditions(h) == []
    assert h.status is HintStatus.POSSIBLE_LATER and h.earliest_date == date(2030, 10, 3)
