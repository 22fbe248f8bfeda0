"""Comparing needs assessments: which priority areas improved, which got worse."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import AssessmentView


class Trend(StrEnum):
    IMPROVED = "improved"
    WORSE = "worse"
    SAME = "same"
    NEW = "new"
    """Rated only in the latest assessment."""
    DROPPED = "dropped"
    """Rated only in the first assessment."""


@dataclass(frozen=True)
class AreaComparison:
    area: str
    first: int | None
    latest: int | None
    trend: Trend


def compare(first: AssessmentView, latest: AssessmentView) -> tuple[AreaComparison, ...]:
    """Per priority area (catalog order): need level first vs latest. A lower need is better."""
    rows: list[AreaComparison] = []
    for area in catalog("priority_areas").codes():
        a, b = first.level(area), latest.level(area)
        if a is None and b is None:
            continue
        if a is None:
            trend = Trend.NEW
        elif b is None:
            trend = Trend.DROPPED
        elif b < a:
            trend = Trend.IMPROVED
        elif b > a:
            trend = Trend.WORSE
        else:
            trend = Trend.SAME
        rows.append(AreaComparison(area, a, b, trend))
    return tuple(rows)


def summary(rows: tuple[AreaComparison, ...]) -> dict[Trend, int]:
    """How many areas improved, got worse, stayed the same."""
    counts = {trend: 0 for trend in Trend}
    for row in rows:
        counts[row.trend] += 1
    return counts
