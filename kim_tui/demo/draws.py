"""Random draws of the demo generator: a weighted choice, dates in a range, spread due dates.

Every draw takes the case's own `random.Random`; the order of draws is part of the output.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TypeVar

__all__ = ["add_months", "age_on", "between", "days", "spread_due", "weighted", "years_before"]

T = TypeVar("T")


def weighted(rng: random.Random, options: Sequence[tuple[T, int]]) -> T:
    """One of ``options`` (value, weight), chosen by weight."""
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def days(n: int) -> timedelta:
    """``n`` days."""
    return timedelta(days=n)


def between(rng: random.Random, start: date, end: date) -> date:
    """A random date in [start, end] (start when the range is empty)."""
    span = (end - start).days
    return start if span <= 0 else start + days(rng.randint(0, span))


def years_before(d: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for 29 February); negative goes later."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later, or the last day of a shorter month."""
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def age_on(birth: date, on: date) -> int:
    """Age in full years on ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def spread_due(
    rng: random.Random, today: date, floor: date, weights: tuple[int, int, int, int]
) -> date:
    """A due date that is overdue, today, this week or later (by ``weights``), never < floor."""
    bucket = rng.choices((0, 1, 2, 3), weights=weights)[0]
    if bucket == 0:
        due = today - days(rng.randint(1, 30))
    elif bucket == 1:
        due = today
    elif bucket == 2:
        due = today + days(rng.randint(1, 6))
    else:
        due = today + days(rng.randint(7, 150))
    return max(due, floor)
