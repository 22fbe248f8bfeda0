"""Complementary suppression for the coordinator report: no masked cell narrowed below three values.

A reader of the report knows how its figures relate: the coaches of an organisation add up to it,
the organisations to the total; the indicators that sort the same clients (age, gender,
nationality, residence status at intake and now) have the same sum in one scope, so have the
two referral indicators; every assessment rates every area, so in one scope each area's levels
add up to the same number, in the first and the latest assessment alike. Masked cells are only
known to be at least 1 (listed categories are not empty; hours at least 0).

`protect` masks cells until every masked cell can be shown to keep at least three values. The
proof is constructive: a *move* changes masked cells only, by +1 and -1, so that every relation
above still holds (a sum of cells that rises in one place falls in another, or rises in all the
relations it appears in). Applied t times, a move gives another table a reader cannot tell from
the real one, as long as every cell it lowers stays at its lower bound or above. If the masked
cell can go up by `up` and down by `down` (by the same or different moves) with up + down >= 2,
it has at least three possible values. Moves tried for a cell of category c:

- up the chain: a coach, their organisation and the total, +1 in c (the only move for the
  total); between two coaches of one organisation; between two coaches of two organisations
  (their organisations' cells along);
- for indicators whose categories add up to a sum a reader knows (or can compare): the same
  move, mirrored, in another category of that sum (the sum stays), or repeated in one category
  of every other sum it must equal (all of them rise together).

Cells that cannot be shown safe get a neighbour masked, nearest first (the cell's own row and
its category within its organisation, then the category in every scope, then the family), the
smallest visible cell of those first (ties by name and category, so the report is the same every
run), until they can. A table with everything masked is always safe, so this ends.

The search is bounded so that it costs the same per cell at 12 coaches and at 648: a parent's
cell is raised through at most `_RAISING` of its coaches, paired with at most `_PARTNERS` others,
those with the most room among the masked ones. Masking a cell later can therefore take a
partner's place and hide a move an earlier proof used, so when no cell is left to mask, every
masked cell is shown safe once more on the final mask, and the search goes on if one is not.
`tests/domain/test_report_audit.py` checks the outcome independently with integer programming
over the published JSON.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, compress, islice

SAME_CLIENTS = ("age_band", "gender", "nationality", "residence_intake", "residence_now")
SAME_REFERRALS = ("referrals", "referral_agencies")
NEED = ("need_first", "need_latest")
_TRIES = 8
_PARTNERS = 12
_RAISING = 12
"""At most this many coaches raise a parent's cell in one search (those with the most room)."""
_NONBLOCK = 8
_FAMILY_OF = {ind: fam for fam in (SAME_CLIENTS, SAME_REFERRALS, NEED) for ind in fam}


@dataclass(frozen=True)
class Figure:
    """One cell as the masking sees it."""

    scope: str
    name: str
    indicator: str
    category: str
    value: int
    low: int = 1
    """The least value a reader knows the cell has (1 for listed counts)."""


_UNSEEN: list[tuple[int, int]] = []
"""Marks a move not yet applied in `_Table._cells` (its cache also holds None)."""

Move = tuple[tuple[tuple[str, str], int], ...]
"""Changes per scope ((scope, name), +1 or -1), in the order they were found."""


def _sum_group(indicator: str, category: str) -> tuple[str, str] | None:
    """The sum a category counts towards (indicator, area), or None if no sum is known."""
    if indicator not in _FAMILY_OF:
        return None
    area = category.partition(": Stufe ")[0] if indicator in NEED else ""
    return (indicator, area)


class _Table:
    def __init__(self, figures: Sequence[Figure], org_of: Mapping[str, str]) -> None:
        self.figures = figures
        self.org_of = dict(org_of)
        self.coaches_of: dict[str, list[str]] = defaultdict(list)
        for coach in sorted(org_of):
            self.coaches_of[org_of[coach]].append(coach)
        self.at: dict[tuple[str, str, str, str], int] = {
            (f.scope, f.name, f.indicator, f.category): i for i, f in enumerate(figures)
        }
        self._categories_of_coach: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for f in figures:
            if f.scope == "Coach" and f.name in self.org_of:
                self._categories_of_coach[f.name].append((f.indicator, f.category))
        self.of_indicator: dict[str, list[int]] = defaultdict(list)
        self._of_category: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._of_row: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for i, f in enumerate(figures):
            self.of_indicator[f.indicator].append(i)
            self._of_category[(f.indicator, f.category)].append(i)
            self._of_row[(f.indicator, f.scope, f.name)].append(i)
        # Each cell's place when every cell is ranked (`rank`, ties by position): the figures
        # never change, only the masking, so neighbours are ranked once and filtered later.
        self._position = [0] * len(figures)
        for place, j in enumerate(sorted(range(len(figures)), key=self.rank)):
            self._position[j] = place
        self._near: dict[tuple[str, str, str, str], list[int]] = {}
        self._local: dict[tuple[str, str, str, str], list[int]] = {}
        self._far: dict[tuple[object, ...], list[int]] = {}
        # Per scope and sum: the categories counting towards it.
        self.members: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
        for f in figures:
            group = _sum_group(f.indicator, f.category)
            if group is not None:
                self.members[(f.scope, f.name, *group)].append(f.category)
        self.groups_of_family: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
        for _s, _n, ind, area in self.members:
            self.groups_of_family[_FAMILY_OF[ind]].add((ind, area))
        self.member_sets = {key: frozenset(cats) for key, cats in self.members.items()}
        # Per indicator and category: the coaches with a cell there (by name), and the same by
        # most room first (then by name): what `column_moves` filters by masked on every call.
        by_name: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        for coach in sorted(self.org_of):
            for ind, cat in self._categories_of_coach.get(coach, ()):
                by_name[(ind, cat)].append((coach, self.at[("Coach", coach, ind, cat)]))
        self.coach_cells = dict(by_name)
        self.coach_cells_of_org: dict[tuple[str, str, str], list[tuple[str, int]]] = defaultdict(
            list
        )
        for (ind, cat), cells in by_name.items():
            for coach, j in cells:
                self.coach_cells_of_org[(ind, cat, self.org_of[coach])].append((coach, j))
        self.coach_cells_by_room = {
            key: sorted(cells, key=lambda cj: (-figures[cj[1]].value, cj[0]))
            for key, cells in by_name.items()
        }
        self.coach_cells_of_org_by_room = {
            key: sorted(cells, key=lambda cj: (-figures[cj[1]].value, cj[0]))
            for key, cells in self.coach_cells_of_org.items()
        }
        # The same as (coaches, cells) pairs of tuples: `masked_coaches` filters them in C
        # (at 648 coaches a category's list is long and mostly visible).
        self._by_room = {key: _split(cells) for key, cells in self.coach_cells_by_room.items()}
        self._of_org_by_room = {
            key: _split(cells) for key, cells in self.coach_cells_of_org_by_room.items()
        }
        # Caches of what does not depend on which cells are masked: the search asks the same
        # questions many thousand times at a few dozen coaches.
        self._moves: dict[tuple[str, str | None], tuple[int, Move]] = {}
        self._common: dict[tuple[object, ...], list[str]] = {}
        self._applied: dict[tuple[object, ...], list[tuple[int, int]] | None] = {}
        self._other_groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self._rank_cache: dict[tuple[object, ...], list[list[tuple[int, int]]]] = {}

    def masked_coaches(
        self, key: tuple[str, str], masked: Sequence[bool], org: str | None = None
    ) -> Iterator[str]:
        """The coaches whose cell is masked in `key`'s category (with `org`: of that
        organisation), the most room first: `coach_cells_by_room` (`coach_cells_of_org_by_room`)
        filtered by `masked`."""
        split = (
            self._by_room.get(key, _NO_CELLS)
            if org is None
            else self._of_org_by_room.get((*key, org), _NO_CELLS)
        )
        return compress(split[0], map(masked.__getitem__, split[1]))

    def common(self, scopes: tuple[tuple[str, str], ...], group: tuple[str, str]) -> list[str]:
        """The categories of `group`'s sum listed in every one of `scopes`, sorted."""
        key = (scopes, group)
        found = self._common.get(key)
        if found is None:
            empty: frozenset[str] = frozenset()
            found = sorted(
                frozenset.intersection(
                    *(self.member_sets.get((s, n, *group), empty) for s, n in scopes)
                )
            )
            self._common[key] = found
        return found

    def other_groups(self, group: tuple[str, str]) -> list[tuple[str, str]]:
        """The other sums of `group`'s family, sorted."""
        found = self._other_groups.get(group)
        if found is None:
            found = sorted(self.groups_of_family[_FAMILY_OF[group[0]]] - {group})
            self._other_groups[group] = found
        return found

    def chain(self, coach: str) -> list[tuple[str, str]]:
        return [("Coach", coach), ("Organisation", self.org_of[coach]), ("Gesamt", "alle")]

    def column_moves(
        self, f: Figure, masked: Sequence[bool], bounded: bool = True
    ) -> Iterator[tuple[int, Move]]:
        """Changes per scope that keep coaches, organisations and total adding up and raise
        f's scope by 1 (in f's category; only coaches whose cell there is masked)."""
        key = (f.indicator, f.category)
        raising: Iterable[str]
        if f.scope == "Coach":
            own = self.at.get(("Coach", f.name, *key)) if f.name in self.org_of else None
            raising = [f.name] if own is not None and masked[own] else []
        else:
            # A parent's cell rises with one of its coaches: those with the most room first, a
            # bounded number, so a search costs the same at 12 coaches and at 648.
            raising = islice(
                self.masked_coaches(key, masked, org=f.name)
                if f.scope == "Organisation"
                else self.masked_coaches(key, masked),
                _RAISING if bounded else None,
            )
        # Partners with the most room first, those of the same organisation before others; a
        # bounded number (a shorter search only masks more, it never proves too much; `protect`
        # checks the final mask with every masked coach as a partner, found lazily: most cells
        # are shown safe by the first few).
        partners = list(islice(self.masked_coaches(key, masked), _PARTNERS)) if bounded else []
        for a in raising:
            yield self.move(a, None)
            if f.scope == "Gesamt":
                continue
            org = self.org_of[a]
            ordered: Iterable[str]
            if not bounded:
                ordered = chain(
                    self.masked_coaches(key, masked, org=org),
                    (c for c in self.masked_coaches(key, masked) if self.org_of[c] != org),
                )
            elif f.scope == "Coach":
                # The coaches of a's own organisation with the most room first, whether or not
                # they are among the state's: a move between them leaves the organisations
                # alone (4 cells to mask, not 8). Without them, a state's report masked a
                # coach's cells until some of the state's partners were open.
                mates = list(islice(self.masked_coaches(key, masked, org=org), _PARTNERS))
                ordered = mates + [b for b in partners if self.org_of[b] != org]
            else:
                ordered = sorted(partners, key=lambda b: self.org_of[b] != org)
            for b in ordered:
                if b == a or (f.scope == "Organisation" and org == self.org_of[b]):
                    continue
                yield self.move(a, b)

    def move(self, a: str, b: str | None) -> tuple[int, Move]:
        """The move raising coach a (up the chain if b is None, else against coach b) with a
        number of its own: the caches below are keyed by it, not by the nested tuple."""
        found = self._moves.get((a, b))
        if found is None:
            changes: Move
            if b is None:
                changes = tuple((scope, 1) for scope in self.chain(a))
            elif self.org_of[a] == self.org_of[b]:
                changes = ((("Coach", a), 1), (("Coach", b), -1))
            else:
                changes = (
                    (("Coach", a), 1),
                    (("Coach", b), -1),
                    (("Organisation", self.org_of[a]), 1),
                    (("Organisation", self.org_of[b]), -1),
                )
            found = self._moves[(a, b)] = (len(self._moves), changes)
        return found

    def rooms(
        self,
        i: int,
        masked: Sequence[bool],
        blockers: list[int] | None = None,
        bounded: bool = True,
    ) -> tuple[int, int]:
        """How far cell i can be shown to go up and down (capped at 2). `blockers` collects
        visible cells that alone stand in the way of a move. `bounded`: only the coaches with
        the most room raise and pair (`_RAISING`, `_PARTNERS`)."""
        f = self.figures[i]
        up = down = 0
        for move in self.column_moves(f, masked, bounded):
            for cells in self._with_rows(move, f.indicator, f.category, masked, blockers):
                ups = [self.figures[j].value - self.figures[j].low for j, s in cells if s < 0]
                downs = [self.figures[j].value - self.figures[j].low for j, s in cells if s > 0]
                up = max(up, min(ups, default=2))
                down = max(down, min(downs, default=2))
                if up + down >= 2:
                    return up, down
        return up, down

    def _cells(
        self, move: tuple[int, Move], indicator: str, category: str, sign: int
    ) -> list[tuple[int, int]] | None:
        """The move applied in one category, or None if it touches an absent cell."""
        key = (move[0], indicator, category, sign)
        known = self._applied.get(key, _UNSEEN)
        if known is not _UNSEEN:
            return known
        found = [
            (self.at.get((scope, name, indicator, category)), s * sign)
            for (scope, name), s in move[1]
        ]
        out = None if any(j is None for j, _ in found) else [(j or 0, s) for j, s in found]
        self._applied[key] = out
        return out

    @staticmethod
    def _open(
        cells: Sequence[tuple[int, int]], masked: Sequence[bool], blockers: list[int] | None
    ) -> bool:
        """True if every cell is masked; one visible cell is noted as a blocker."""
        # A plain loop: this runs millions of times at a state's scale, on two to four cells.
        visible = -1
        for j, _s in cells:
            if not masked[j]:
                if visible >= 0:
                    return False
                visible = j
        if visible < 0:
            return True
        if blockers is not None:
            blockers.append(visible)
        return False

    def _with_rows(
        self,
        move: tuple[int, Move],
        indicator: str,
        category: str,
        masked: Sequence[bool],
        blockers: list[int] | None,
    ) -> Iterator[list[tuple[int, int]]]:
        base = self._cells(move, indicator, category, 1)
        if base is None or not self._open(base, masked, blockers):
            return
        group = _sum_group(indicator, category)
        if group is None:
            yield base
            return
        # Mirrored in another category of the same sum: every scope's sum stays.
        scopes = tuple(scope for scope, _s in move[1])
        for other in self.common(scopes, group):
            if other == category:
                continue
            mirror = self._cells(move, indicator, other, -1)
            if mirror is not None and self._open(mirror, masked, blockers):
                yield base + mirror
        # Repeated in every other sum of the family: all of them change together.
        extra: list[tuple[int, int]] = []
        for other_group in self.other_groups(group):
            best = next(
                (cells for cells in self._ranked(move, other_group) if _all_masked(cells, masked)),
                None,
            )
            if best is None:
                return
            extra += best
        yield base + extra

    def _ranked(
        self, move: tuple[int, Move], group: tuple[str, str]
    ) -> list[list[tuple[int, int]]]:
        """The move applied in each category of `group` (in every scope), the most room first
        (then in category order): the first fully masked one is the best repetition."""
        key = (move[0], group)
        found = self._rank_cache.get(key)
        if found is None:
            options: list[tuple[int, int, list[tuple[int, int]]]] = []
            for cat in self.common(tuple(scope for scope, _s in move[1]), group):
                cells = self._cells(move, group[0], cat, 1)
                if cells is not None:
                    room = min(self.figures[j].value - self.figures[j].low for j, _ in cells)
                    options.append((-room, len(options), cells))
            found = [cells for _r, _n, cells in sorted(options)]
            self._rank_cache[key] = found
        return found

    def rank(self, j: int) -> tuple[int, str, str]:
        """The order complementary cells are tried in: smallest first, then name, category."""
        f = self.figures[j]
        return (f.value, f.name, f.category)

    def neighbours(self, i: int) -> tuple[list[int], ...]:
        """Cells whose masking can open a move for cell i, nearest first, each list in `rank`
        order (ties by position): the other categories of its scope and its category in its
        own organisation (its coaches, the organisation, the total); its category in every
        scope; the family in its own scopes; its whole family.

        The smallest cell of the whole category or family is mostly another coach's, whose
        masking does not help i: taken first, the report masked more cells the more coaches it
        had (two thirds of them at 648 coaches), each one after a search."""
        f = self.figures[i]
        key = (f.indicator, f.category, f.scope, f.name)
        local = self._local.get(key)
        if local is None:
            org = self.org_of.get(f.name) if f.scope == "Coach" else f.name
            cells = set(self._of_row[(f.indicator, f.scope, f.name)])
            if f.scope != "Gesamt":
                cells.update(j for _c, j in self.coach_cells_of_org.get((*key[:2], org or ""), ()))
                for scope in (("Organisation", org or ""), ("Gesamt", "alle")):
                    j = self.at.get((*scope, f.indicator, f.category))
                    if j is not None:
                        cells.add(j)
            local = self._local[key] = sorted(cells, key=self._position.__getitem__)
        near = self._near.get(key)
        if near is None:
            cells = set(self._of_category[(f.indicator, f.category)])
            cells.update(self._of_row[(f.indicator, f.scope, f.name)])
            near = self._near[key] = sorted(cells, key=self._position.__getitem__)
        family = _FAMILY_OF.get(f.indicator, (f.indicator,))
        scopes = (
            self.chain(f.name)
            if f.scope == "Coach" and f.name in self.org_of
            else [(f.scope, f.name)]
        )
        if f.scope == "Organisation":
            scopes.append(("Gesamt", "alle"))
        mid_key = (family, *scopes)
        mid = self._far.get(mid_key)
        if mid is None:
            cells = {j for ind in family for s, n in scopes for j in self._of_row[(ind, s, n)]}
            mid = self._far[mid_key] = sorted(cells, key=self._position.__getitem__)
        far = self._far.get(family)
        if far is None:
            cells = {j for ind in family for j in self.of_indicator[ind]}
            far = self._far[family] = sorted(cells, key=self._position.__getitem__)
        return local, near, mid, far


_NO_CELLS: tuple[tuple[str, ...], tuple[int, ...]] = ((), ())


def _split(cells: Sequence[tuple[str, int]]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    return tuple(c for c, _j in cells), tuple(j for _c, j in cells)


def _all_masked(cells: Sequence[tuple[int, int]], masked: Sequence[bool]) -> bool:
    return all(masked[j] for j, _s in cells)


def protect(
    figures: Sequence[Figure], org_of: Mapping[str, str], masked: Sequence[bool]
) -> list[bool]:
    """`masked` plus the complementary cells it takes that every masked cell keeps at least
    three possible values for a reader of the whole report."""
    table = _Table(figures, org_of)
    out = list(masked)
    queue = deque(i for i, m in enumerate(out) if m)
    exhausted: set[int] = set()
    rounds = 0
    while queue:
        before = sum(out)
        _mask_until_safe(table, out, queue, exhausted)
        rounds += 1
        if rounds > 1 and sum(out) == before:
            break  # nothing masked since the last check: it would find the same again
        # A move found for a cell stays a move when more cells are masked, but the bounded
        # search may no longer find it (a cell masked later, with more room, takes a partner's
        # place). So every masked cell is shown safe once more on the final mask, with every
        # masked coach as a partner: masking more only adds moves to that search, so a cell
        # proven there stays proven. (It has not found one yet; if it does, the search goes on.)
        # Cells with every neighbour masked are not searched again: nothing is left to mask
        # for them (their family's sums then disagree: records a reader's relations do not
        # describe, e.g. an assessment without every area; as before, they stay masked).
        queue.extend(
            i
            for i, m in enumerate(out)
            if m and i not in exhausted and sum(table.rooms(i, out, bounded=False)) < 2
        )
    return out


def _mask_until_safe(
    table: _Table, out: list[bool], queue: deque[int], exhausted: set[int]
) -> None:
    """Mask neighbours of each queued cell until it is safe; the cells masked are queued too.
    A cell whose neighbours are all masked goes into `exhausted`."""
    while queue:
        i = queue.popleft()
        blockers: list[int] = []
        while sum(table.rooms(i, out, blockers)) < 2:
            visible: list[int] = []
            for tier in table.neighbours(i):
                visible = [j for j in tier if not out[j]]
                if visible:
                    break
            if not visible:
                # With its whole family masked a cell can always rise, if its family's sums
                # agree as a reader assumes; stored records can break that (see `protect`).
                exhausted.add(i)
                break
            # Cells that alone block a move first, then the smallest neighbours: the smallest
            # that makes i safe on its own, else the smallest one (a few are tried: each try is
            # a search of moves).
            order = sorted(set(blockers), key=table.rank)  # blockers: a handful
            tried = set(order)
            tries = order[:_TRIES] + list(
                islice((j for j in visible if j not in tried), max(0, _TRIES - len(order)))
            )
            blockers = []
            pick = visible[0]
            for j in tries:
                out[j] = True
                safe = sum(table.rooms(i, out)) >= 2
                out[j] = False
                if safe:
                    pick = j
                    break
            out[pick] = True
            queue.append(pick)


__all__ = ["Figure", "protect"]
