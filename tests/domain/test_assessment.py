from datetime import date

from kim_tui.domain.assessment import Trend, compare, summary
from kim_tui.domain.model import AreaRatingView, AssessmentView


def _assessment(levels: dict[str, int], on: date) -> AssessmentView:
    return AssessmentView(
        "a", on, "", tuple(AreaRatingView(area, level, "", "") for area, level in levels.items())
    )


def test_lower_need_is_an_improvement_and_catalog_order_is_kept() -> None:
    first = _assessment({"housing": 3, "language": 2, "work": 1, "health": 2}, date(2026, 1, 5))
    latest = _assessment({"housing": 1, "language": 2, "work": 2, "care": 1}, date(2026, 9, 1))
    rows = compare(first, latest)
    by_area = {r.area: r for r in rows}
    assert by_area["housing"].trend is Trend.IMPROVED
    assert (by_area["housing"].first, by_area["housing"].latest) == (3, 1)
    assert by_area["language"].trend is Trend.SAME
    assert by_area["work"].trend is Trend.WORSE
    assert by_area["health"].trend is Trend.DROPPED
    assert by_area["care"].trend is Trend.NEW
    assert [r.area for r in rows] == ["language", "work", "housing", "health", "care"]
    counts = summary(rows)
    assert counts[Trend.IMPROVED] == 1 and counts[Trend.WORSE] == 1
    assert "residence" not in by_area
