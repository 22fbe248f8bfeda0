"""Counting a stay: the current uninterrupted run of periods and when N months are complete."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from kim_tui.domain.eligibility.facts import ResidenceFacts, StatusPeriod
from kim_tui.domain.eligibility.schema import ConditionSpec, matches_status
from kim_tui.domain.scheduling import add_months

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class StayRun:
    """An uninterrupted run of counted and neutral periods."""

    start: date
    counted: tuple[tuple[date, date | None], ...]
    """Merged intervals (inclusive) whose time counts, inside the run."""
    end: date | None
    """Last day of the run (None: open-ended)."""


def merge_intervals(
    intervals: Iterable[tuple[date, date | None]],
) -> list[tuple[date, date | None]]:
    """Merge overlapping or adjacent inclusive intervals (None = open end)."""
    merged: list[tuple[date, date | None]] = []
    for start, end in sorted(intervals, key=lambda iv: iv[0]):
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None or start <= last_end + ONE_DAY:
                new_end = None if last_end is None or end is None else max(last_end, end)
                merged[-1] = (last_start, new_end)
                continue
        merged.append((start, end))
    return merged


def current_run(
    periods: Sequence[StatusPeriod],
    counts: Sequence[str],
    neutral: Sequence[str],
    gap_months: int,
    on: date,
) -> tuple[StayRun | None, date | None]:
    """The run of counted/neutral periods still going on at ``on``.

    Returns (run, None), or (None, last_end) when the latest run ended before ``on`` (beyond the
    gap tolerance), or (None, None) when no period counts at all.
    """
    counted: list[tuple[date, date | None]] = []
    bridging: list[tuple[date, date | None]] = []
    for period in periods:
        if period.valid_from > on:
            continue
        interval = (period.valid_from, period.valid_until)
        if matches_status(period.status, neutral):
            bridging.append(interval)
        elif matches_status(period.status, counts):
            counted.append(interval)
            bridging.append(interval)
    if not counted:
        return None, None
    blocks = merge_intervals(bridging)
    # Chain blocks whose gaps stay within the tolerance; keep the last chain.
    chain_start, chain_end = blocks[0]
    for start, end in blocks[1:]:
        assert chain_end is not None  # an open block swallows everything after it
        if start <= add_months(chain_end, gap_months) + ONE_DAY:
            chain_end = end
        else:
            chain_start, chain_end = start, end
    if chain_end is not None and add_months(chain_end, gap_months) < on:
        return None, chain_end
    inside = [
        (max(start, chain_start), end)
        for start, end in merge_intervals(counted)
        if end is None or end >= chain_start
    ]
    if not inside:
        return None, None
    return StayRun(start=chain_start, counted=tuple(inside), end=chain_end), None


def counted_days(run: StayRun, until: date) -> int:
    """Days in [run.start, until) covered by counted intervals."""
    total = 0
    for start, end in run.counted:
        stop = until if end is None else min(until, end + ONE_DAY)
        if stop > start:
            total += (stop - start).days
    return total


def reached_on(run: StayRun, months: int, on: date) -> date:
    """The day ``months`` of counted time are complete, assuming the stay continues after
    ``on`` without gaps. Uncounted days (gaps, neutral periods) before that day push it back."""
    base = add_months(run.start, months)
    target = base
    for _ in range(1000):
        horizon = min(target, on)
        uncounted = (horizon - run.start).days - counted_days(run, horizon)
        candidate = base + timedelta(days=max(uncounted, 0))
        if candidate == target:
            return target
        target = candidate
    return target  # pragma: no cover - converges after at most one step per gap


def counts_for(spec: ConditionSpec, facts: ResidenceFacts) -> tuple[str, ...]:
    """The statuses whose periods count for ``spec`` given the client's statuses."""
    counts = list(spec.counts)
    if spec.extra_counts and matches_status(facts.status, spec.extra_counts_if_current):
        counts.extend(spec.extra_counts)
    if spec.counts_if_recognised:
        held = {p.status for p in facts.periods}
        if facts.status is not None:
            held.add(facts.status)
        if any(matches_status(code, spec.recognition_statuses) for code in held):
            counts.extend(spec.counts_if_recognised)
    return tuple(counts)


def neutral_for(spec: ConditionSpec, counts: Sequence[str]) -> tuple[str, ...]:
    """The neutral statuses of ``spec`` that do not also count."""
    return tuple(code for code in spec.neutral if code not in counts)


ENTRY_TOLERANCE_DAYS = 31
"""A first paper that starts within a month of the entry leaves no gap worth a warning (the
first papers are often issued some days after arrival)."""


def run_from_entry(run: StayRun, facts: ResidenceFacts) -> StayRun | None:
    """The same run counted from the date of entry, when papers before the first one on file
    seem to be missing: the entry is recorded, the run begins with the earliest paper on file,
    and that paper starts more than a month after the entry. None otherwise.

    The time between entry and first paper is unknown, not proven: the caller must say that it
    counts only if earlier papers show it.
    """
    entry = facts.date_of_entry
    if entry is None or not facts.periods:
        return None
    first = min(period.valid_from for period in facts.periods)
    if run.start != first or (run.start - entry).days <= ENTRY_TOLERANCE_DAYS:
        return None
    return StayRun(start=entry, counted=((entry, run.start - ONE_DAY), *run.counted), end=run.end)
