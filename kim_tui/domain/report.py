"""Coordinator report: indicators of the domain note § 4 over merged bundle records. Pure Python.

Report definitions are data (`report_indicators`); rendering lives in `report_render`.

Every figure is a count of records (hours are reported with their contact count). Cells with
0 < count < threshold are masked in every output (DP-5); zero cells are not listed at all.

Masking one cell is not enough when the others around it are known: the categories of one
indicator add up (to its "gesamt" or to a total shown elsewhere), the coaches of an organisation
add up to the organisation, the organisations to the total. A lone masked cell in such a group
is its sum minus the rest. So complementary cells are masked too (`_protect`).

The rule (issue #13): a reader must be left at least three possible values for every masked
cell, whatever they combine of what the report publishes.
- Every masked cell is shown as the same ``x``, small or complementary: a "<5" would publish an
  upper bound, and a sum of 12 over three cells of "<5" makes each of them 4. All a reader
  learns of an ``x`` is that it is at least 1 (listed categories are not empty).
- In every group that adds up, no masked cell stands alone, and the masked cells of a group add
  up to at least the threshold and at least their number plus two: k masked cells of at least 1
  with a known sum S each lie in 1..S-(k-1), which is three values or more only if S >= k + 2.
  The smallest visible cell of a failing group is masked as well (`_protect`).
- Groups overlap (a coach cell is in its organisation's column and in its own categories), so
  that is not enough on its own: `kim_tui.domain.suppression.protect` then shows for every
  masked cell, by moves between masked cells that keep every sum a reader knows, that it can
  take three values, and masks neighbours (smallest first) where it cannot.
Ties go by name and category: the same report every run. `tests/domain/test_report_audit.py`
checks the result with integer programming over the published JSON (demo data and random
tables): no masked cell is narrowed to fewer than three values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from kim_tui.domain.report_handover import attribute
from kim_tui.domain.report_indicators import (
    INDICATORS,
    MASK,
    Cell,
    CoachRows,
    Indicator,
    Period,
    Rows,
    ScopeRows,
)
from kim_tui.domain.report_render import (
    category_label,
    need_chart,
    render_csv,
    render_json,
    render_table,
    report_word,
)
from kim_tui.domain.suppression import Figure, protect
from kim_tui.i18n import tr

MIN_PUBLISHED_THRESHOLD = 3
"""The lowest threshold a coordinator may choose for a report that leaves kim (table, CSV,
JSON, the report screen). Below it a cell of one or two people shows as a number: in a small
organisation's row that can be a person the reader knows. The masking's own guarantee (no
masked cell narrowed to fewer than three values) rests on the same figure."""


def published_threshold_error(threshold: int) -> str | None:
    """Why `threshold` may not be used for a report a coordinator passes on, or None."""
    if threshold < MIN_PUBLISHED_THRESHOLD:
        return tr(
            f"Die Schwelle muss mindestens {MIN_PUBLISHED_THRESHOLD} sein: Zellen mit einer "
            "oder zwei Personen machten einzelne Menschen erkennbar.",
            f"The threshold must be at least {MIN_PUBLISHED_THRESHOLD}: cells of one or two "
            "people would make single persons identifiable.",
        )
    return None


def _merge(parts: Iterable[Rows]) -> dict[str, list[Mapping[str, Any]]]:
    merged: dict[str, list[Mapping[str, Any]]] = {}
    for rows in parts:
        for table, items in rows.items():
            merged.setdefault(table, []).extend(items)
    return merged


def _counted(rows: Rows, period: Period) -> dict[str, Counter[str]]:
    scope = ScopeRows(rows)
    return {ind.name: ind.compute(scope, period) for ind in INDICATORS}


def _summed(parts: Iterable[Mapping[str, Counter[str]]]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {ind.name: Counter() for ind in INDICATORS}
    for counts in parts:
        for name, counter in counts.items():
            out[name].update(counter)  # update keeps categories that sum to 0 (minutes)
    return out


def _disjoint(coaches: Sequence[CoachRows]) -> bool:
    """True if no record id occurs in two coaches' rows (pseudonyms and UUIDs never do; the two
    halves of a handover share theirs on purpose, and no indicator counts them directly)."""
    seen: set[tuple[str, str]] = set()
    for c in coaches:
        own = {
            (table, str(r.get("_id")))
            for table, items in c.rows.items()
            if table != "handover" and not table.startswith("_")
            for r in items
        }
        if own & seen:
            return False
        seen |= own
    return True


def compute(coaches: Sequence[CoachRows], period: Period, threshold: int = 5) -> list[Cell]:
    """Every indicator per coach, per organisation and in total, small cells masked."""
    if threshold < 1:
        raise ValueError(tr("Schwelle muss mindestens 1 sein.", "Threshold must be at least 1."))
    coaches = attribute(coaches, period)
    ordered = sorted(coaches, key=lambda c: (c.organisation, c.coach))
    per_coach = [
        {ind.name: ind.compute(ScopeRows(c.rows), period) for ind in INDICATORS} for c in ordered
    ]
    counted = [
        CoachCounts(c.coach, c.organisation, counts)
        for c, counts in zip(ordered, per_coach, strict=True)
    ]
    # Every figure is a sum over coaches' own records: a parent scope is the sum of its coaches'
    # counts, unless two coaches share a record id (then their rows are merged and counted).
    if _disjoint(coaches):
        return tabulate(counted, threshold)
    parents: list[tuple[str, str, dict[str, Counter[str]]]] = []
    for org in sorted({c.organisation for c in coaches}):
        members = [c.rows for c in ordered if c.organisation == org]
        parents.append(("Organisation", org or "ohne Angabe", _counted(_merge(members), period)))
    parents.append(("Gesamt", "alle", _counted(_merge(c.rows for c in coaches), period)))
    return tabulate(counted, threshold, parents)


@dataclass(frozen=True)
class CoachCounts:
    """One coach's figures: per indicator name, the count per category."""

    coach: str
    organisation: str
    counts: Mapping[str, Counter[str]]


def tabulate(
    coaches: Sequence[CoachCounts],
    threshold: int,
    parents: Sequence[tuple[str, str, Mapping[str, Counter[str]]]] | None = None,
) -> list[Cell]:
    """The cells of every scope from the coaches' counts, small cells masked (`_protect`).

    Organisations and the total are the sums of their coaches' counts unless `parents` gives
    them (scope, name, counts), as `compute` does when two coaches share a record id."""
    if threshold < 1:
        raise ValueError(tr("Schwelle muss mindestens 1 sein.", "Threshold must be at least 1."))
    ordered = sorted(coaches, key=lambda c: (c.organisation, c.coach))
    scopes: list[tuple[str, str, Mapping[str, Counter[str]]]] = [
        ("Coach", c.coach, c.counts) for c in ordered
    ]
    if parents is None:
        for org in sorted({c.organisation for c in coaches}):
            members = (c.counts for c in ordered if c.organisation == org)
            scopes.append(("Organisation", org or "ohne Angabe", _summed(members)))
        scopes.append(("Gesamt", "alle", _summed(c.counts for c in ordered)))
    else:
        scopes.extend(parents)
    cells: list[Cell] = []
    for scope, name, counts in scopes:
        for ind in INDICATORS:
            for category, value in sorted(counts[ind.name].items()):
                basis = counts[ind.count_of][category] if ind.count_of else value
                cells.append(
                    Cell(
                        scope,
                        name,
                        ind.name,
                        ind.label,
                        category,
                        value,
                        masked=0 < basis < threshold,
                        hours=ind.count_of is not None,
                    )
                )
    org_of = {c.coach: c.organisation or "ohne Angabe" for c in coaches}
    return _protect(cells, org_of, threshold)


def _protect(cells: list[Cell], org_of: Mapping[str, str], threshold: int) -> list[Cell]:
    """Complementary suppression: no group of cells that adds up has exactly one masked cell,
    and the masked cells of a group add up to at least the threshold and to at least their
    number plus two (else their sum, known from the group's total, narrows them down: two
    masked cells summing to 2 are both 1, since empty categories are not listed; three summing
    to 4 are each 1 or 2).

    Groups: the categories of one indicator within one scope; one organisation with its coaches
    for one indicator and category; the total with the organisations. The smallest visible cell
    (then by name, so the choice is the same in every run) is masked.
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, c in enumerate(cells):
        groups.setdefault(("within", c.scope, c.scope_name, c.indicator), []).append(i)
        if c.indicator in ("need_first", "need_latest"):
            # The levels of one area add up to the assessed cases, the same for every area.
            area = c.category.partition(": Stufe ")[0]
            groups.setdefault(("area", c.scope, c.scope_name, c.indicator, area), []).append(i)
        # A parent is in the group of its parts: parent = sum of parts either way round.
        if c.scope == "Coach":
            key = ("coaches", org_of.get(c.scope_name, ""), c.indicator, c.category)
            groups.setdefault(key, []).append(i)
        elif c.scope == "Organisation":
            groups.setdefault(("coaches", c.scope_name, c.indicator, c.category), []).append(i)
            groups.setdefault(("orgs", c.indicator, c.category), []).append(i)
        else:
            groups.setdefault(("orgs", c.indicator, c.category), []).append(i)
    masked = [c.masked for c in cells]
    # A group is checked again only once one of its cells was masked since its last check: its
    # verdict depends on nothing else, so the passes pick exactly the cells a full pass over
    # every group would (at a state's scale most groups never change).
    members_of = list(groups.values())
    groups_of: list[list[int]] = [[] for _ in cells]
    for g, members in enumerate(members_of):
        for i in members:
            groups_of[i].append(g)
    stale = [True] * len(members_of)
    changed = True
    while changed:
        changed = False
        for g, members in enumerate(members_of):
            if not stale[g]:
                continue
            stale[g] = False
            hidden = [i for i in members if masked[i]]
            enough = max(threshold, len(hidden) + 2)
            if not hidden or (len(hidden) > 1 and sum(cells[i].value for i in hidden) >= enough):
                continue
            visible = [i for i in members if not masked[i]]
            if not visible:
                continue
            pick = min(
                visible, key=lambda i: (cells[i].value, cells[i].scope_name, cells[i].category)
            )
            masked[pick] = True
            for other in groups_of[pick]:
                stale[other] = True
            changed = True
    figures = [
        Figure(c.scope, c.scope_name, c.indicator, c.category, c.value, 0 if c.hours else 1)
        for c in cells
    ]
    masked = protect(figures, org_of, masked)
    return [
        replace(c, masked=True, secondary=True) if m and not c.masked else c
        for c, m in zip(cells, masked, strict=True)
    ]


__all__ = [
    "INDICATORS",
    "MASK",
    "Cell",
    "CoachCounts",
    "CoachRows",
    "Indicator",
    "Period",
    "Rows",
    "category_label",
    "report_word",
    "compute",
    "need_chart",
    "render_csv",
    "render_json",
    "render_table",
    "tabulate",
]
