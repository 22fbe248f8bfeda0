"""The residence timeline: which paper is current, the gaps between papers, repeated papers."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.model import ResidenceDraft, ResidenceView
from kim_tui.domain.residence import ResidenceGap, current_paper, residence_gaps, same_paper
from kim_tui.domain.validation import validate_residence

D = date
TODAY = D(2026, 11, 24)
RECORDED = D(2026, 10, 1)


def paper(
    rid: str,
    status: str,
    start: date | None,
    until: date | None,
    recorded: date | None = RECORDED,
) -> ResidenceView:
    return ResidenceView(rid, status, "", start, until, recorded_on=recorded)


def current_id(*records: ResidenceView) -> tuple[str, bool] | None:
    found = current_paper(records, TODAY)
    return None if found is None else (found.record.id, found.expired)


def test_no_paper_no_current() -> None:
    assert current_paper([], TODAY) is None


def test_the_paper_valid_today_is_current_whatever_was_recorded_last() -> None:
    duldung = paper("duldung", "duldung", D(2026, 1, 1), D(2026, 12, 31))
    older = paper("gestattung", "gestattung", D(2019, 3, 1), D(2025, 12, 31), D(2026, 11, 20))
    assert current_id(duldung, older) == ("duldung", False)


def test_an_older_paper_without_end_date_does_not_hijack_current() -> None:
    # The case: the Duldung recorded at intake without "gültig ab", later an earlier
    # Gestattung with a start but no end (nobody wrote down when the procedure ended).
    duldung = paper("duldung", "duldung", None, D(2027, 6, 30), recorded=D(2026, 10, 1))
    gestattung = paper("gestattung", "gestattung", D(2019, 3, 1), None, D(2026, 11, 20))
    assert current_id(duldung, gestattung) == ("duldung", False)
    # Nor with a known start of the Duldung.
    dated = paper("duldung", "duldung", D(2026, 1, 1), D(2027, 6, 30))
    assert current_id(dated, gestattung) == ("duldung", False)


def test_an_undated_paper_never_displaces_a_dated_one() -> None:
    duldung = paper("duldung", "duldung", None, D(2027, 6, 30))
    undated = paper("gestattung", "gestattung", None, None, D(2026, 11, 20))
    assert current_id(duldung, undated) == ("duldung", False)


def test_a_paper_without_end_date_that_started_later_is_current() -> None:
    # A Niederlassungserlaubnis granted after the AE was recorded replaces it.
    ae = paper("ae", "ae_25_2_subs", None, D(2027, 6, 30), recorded=D(2025, 5, 1))
    ne = paper("ne", "ne_26_4", D(2026, 3, 1), None, D(2026, 3, 5))
    assert current_id(ae, ne) == ("ne", False)


def test_of_two_valid_papers_with_end_dates_the_later_start_wins() -> None:
    intake = paper("duldung", "duldung", None, D(2027, 6, 30))
    new = paper("ae", "ae_25b", D(2026, 11, 20), D(2028, 11, 19))
    assert current_id(intake, new) == ("ae", False)
    assert current_id(new, intake) == ("ae", False)


def test_without_a_valid_paper_the_last_one_to_end_is_current_and_expired() -> None:
    first = paper("a", "gestattung", D(2019, 3, 1), D(2021, 5, 31))
    second = paper("b", "duldung", D(2021, 6, 1), D(2026, 10, 31))
    assert current_id(second, first) == ("b", True)


def test_only_future_papers_the_first_to_start() -> None:
    soon = paper("a", "ae_25b", D(2027, 1, 1), D(2029, 12, 31))
    later = paper("b", "ne_9", D(2030, 1, 1), None)
    assert current_id(later, soon) == ("a", False)


def test_gaps_between_papers() -> None:
    records = [
        paper("a", "gestattung", D(2019, 3, 1), D(2021, 5, 31)),
        paper("c", "duldung", D(2021, 9, 1), D(2026, 12, 31)),
        paper("b", "duldung", D(2021, 6, 1), D(2021, 6, 30)),
    ]
    assert residence_gaps(records) == (ResidenceGap(D(2021, 7, 1), D(2021, 8, 31)),)
    assert residence_gaps(records)[0].days == 62


def test_adjoining_overlapping_and_undated_papers_leave_no_gap() -> None:
    records = [
        paper("a", "gestattung", D(2019, 3, 1), D(2021, 5, 31)),
        paper("b", "duldung", D(2021, 6, 1), D(2022, 6, 30)),
        paper("c", "duldung", D(2022, 1, 1), D(2023, 6, 30)),
        paper("d", "duldung", None, D(2030, 1, 1)),
    ]
    assert residence_gaps(records) == ()


def test_the_same_paper_twice_is_found() -> None:
    existing = [paper("a", "duldung", D(2026, 1, 1), D(2026, 12, 31))]
    assert same_paper(existing, ResidenceDraft("duldung", "", D(2026, 1, 1), D(2026, 12, 31)))
    assert (
        same_paper(existing, ResidenceDraft("duldung", "", D(2026, 1, 2), D(2026, 12, 31))) is None
    )
    assert (
        same_paper(existing, ResidenceDraft("gestattung", "", D(2026, 1, 1), D(2026, 12, 31)))
        is None
    )


def test_a_past_paper_needs_both_dates_and_is_then_accepted() -> None:
    past = ResidenceDraft("gestattung", "", D(2019, 3, 1), D(2021, 5, 31))
    assert validate_residence(past, TODAY) == {}
    problems = validate_residence(ResidenceDraft("gestattung", "", None, D(2021, 5, 31)), TODAY)
    assert "Gültig ab" in problems["residence_valid_until"]
    backwards = ResidenceDraft("gestattung", "", D(2021, 5, 31), D(2019, 3, 1))
    assert "liegt vor" in validate_residence(backwards, TODAY)["residence_valid_until"]
