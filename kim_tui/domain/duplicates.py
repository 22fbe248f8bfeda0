"""Likely-duplicate detection (is this person already in the vault?), with the reasons.

A candidate needs a name match and a birth-date match, and says which of each it found
(codes of `duplicate_reasons.toml`; README "Dubletten"):

- name: the same name after folding (diacritics, umlauts, case, hyphens: Müller = Mueller =
  MULLER, Al-Hassan = Alhassan), the same name in another transliteration (a group of
  `data/names/name_variants.toml`: Mohammed = Muhammad), given and family name swapped, another
  recorded spelling (``other_names``), or a similar name (a small typo);
- birth date: the same, missing on one side, a placeholder (01.01.) in the same year, day and
  month swapped, a few days apart (`CLOSE_DAYS`), or different.

The same name (or transliteration) is a candidate with *any* birth date; a merely similar name
only with a matching birth date (not a missing or different one). It only warns; the coach
decides. `DuplicateIndex` indexes the stored people once, so a list import checks each row in
about constant time.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import TypeVar

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import ClientDraft, DuplicateCandidate
from kim_tui.domain.text import fold

SAME_NAME = "same_name"
SIMILAR_NAME = "similar_name"
SWAPPED_NAMES = "swapped_names"
NAME_VARIANT = "name_variant"
OTHER_SPELLING = "other_spelling"
SAME_BIRTH_DATE = "same_birth_date"
BIRTH_DATE_MISSING = "birth_date_missing"
PLACEHOLDER_BIRTH_DATE = "placeholder_birth_date"
DAY_MONTH_SWAPPED = "day_month_swapped"
BIRTH_DATE_CLOSE = "birth_date_close"
OTHER_BIRTH_DATE = "other_birth_date"

CLOSE_DAYS = 3
"""Birth dates at most this many days apart count as a typo of one date."""

PLACEHOLDER_DAY_MONTH = frozenset({(1, 1)})
"""Day and month written when only the year is known: authorities record an unknown date as
00.00.JJJJ, which becomes 01.01.JJJJ wherever a real date is required."""

# Order of strength: a candidate list starts with the most likely.
_DATE_RANK = {
    SAME_BIRTH_DATE: 0,
    DAY_MONTH_SWAPPED: 1,
    BIRTH_DATE_CLOSE: 2,
    PLACEHOLDER_BIRTH_DATE: 3,
    BIRTH_DATE_MISSING: 4,
    OTHER_BIRTH_DATE: 5,
}
_NAME_RANK = {SAME_NAME: 0, SWAPPED_NAMES: 1, OTHER_SPELLING: 2, NAME_VARIANT: 3, SIMILAR_NAME: 4}

# Kept for callers that compare with the reason text of the previous version.
REASON_SAME_BIRTH_SIMILAR_NAME = "gleiches Geburtsdatum, ähnlicher Name"
REASON_SAME_NAME_NO_BIRTH = "gleicher Name, Geburtsdatum fehlt"

_SPLIT_ALTERNATIVES = re.compile(r"[,;/|\n]+")
_NON_LETTERS = re.compile(r"[\W_]+")

_RECORDED, _SWAPPED, _OTHER = "recorded", "swapped", "other"

K = TypeVar("K")


@dataclass(frozen=True)
class ExistingPerson:
    """The few fields of a stored client the duplicate check needs."""

    client_id: str
    given_name: str
    family_name: str
    other_names: str = ""
    """Other spellings, separated by comma, semicolon, slash or newline."""
    birth_date: date | None = None
    birth_precision: str = "day"
    """Shown with the candidate (00.00.1990); the check itself uses the placeholder date."""


@functools.cache
def name_variants() -> dict[str, str]:
    """Folded spelling → the folded first spelling of its group (`names/name_variants.toml`).

    Raises ValueError when the file is malformed or a spelling is in two groups.
    """
    text = resources.files("kim_tui.domain").joinpath("data", "names", "name_variants.toml")
    groups = tomllib.loads(text.read_text(encoding="utf-8")).get("groups", [])
    table: dict[str, str] = {}
    for number, group in enumerate(groups, start=1):
        names = group.get("names")
        if not isinstance(names, str) or not isinstance(group.get("source"), str):
            raise ValueError(f"name_variants.toml: group {number} needs names and source")
        keys = [_key(n) for n in names.split(",") if _key(n)]
        for key in keys:
            if table.get(key, keys[0]) != keys[0]:
                raise ValueError(f"name_variants.toml: {key!r} is in two groups")
            table[key] = keys[0]
    return table


@dataclass(frozen=True, eq=False)
class _Part:
    """What the check compares of one name part (a given or family name), computed once and
    shared (`_part` caches it), so it compares and hashes by identity."""

    key: str
    canonical: str
    tokens: tuple[str, ...]
    """Words of more than one letter (initials do not make a name similar)."""


@functools.lru_cache(maxsize=65536)
def _part(text: str) -> _Part:
    # Caseloads repeat names a lot, and the index is rebuilt per check: cache per spelling.
    tokens = tuple(_tokens(text))
    table = name_variants()
    joined = "".join(table.get(t, t) for t in tokens)
    return _Part(_key(text), table.get(joined, joined), tuple(t for t in tokens if len(t) > 1))


def _key(text: str) -> str:
    """The comparison key of a name: `fold` (Müller, Mueller, Muller → ``muller``) without
    spaces, hyphens and punctuation, so ``Al-Hassan`` and ``Alhassan`` agree."""
    return _NON_LETTERS.sub("", fold(text))


def name_tokens(text: str) -> list[str]:
    """The words of a name as compared: `fold`, split, punctuation dropped ("DARWÎSH, Lina" →
    ``["darwish", "lina"]``)."""
    return [k for k in (_NON_LETTERS.sub("", t) for t in fold(text).split()) if k]


_tokens = name_tokens


def _levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance between ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``.

    Only the band of cells within ``limit`` of the diagonal can stay under the limit, so only
    those are computed (names are short, the limit is 1 or 2).
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    over = limit + 1
    previous = [j if j <= limit else over for j in range(len(b) + 1)]
    for i, char_a in enumerate(a, start=1):
        low, high = max(1, i - limit), min(len(b), i + limit)
        current = [over] * (len(b) + 1)
        if i <= limit:
            current[0] = i
        for j in range(low, high + 1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != b[j - 1]), over
            )
        if min(current[low - 1 : high + 1]) > limit:
            return over
        previous = current
    return min(previous[-1], over)


def _similar_key(a: str, b: str) -> bool:
    """Two keys are similar when equal or within a small edit distance (1 for short names)."""
    if not a or not b:
        return False
    if a == b:
        return True
    limit = 1 if max(len(a), len(b)) <= 5 else 2
    if abs(len(a) - len(b)) > limit:
        return False
    # Every letter of one key missing from the other needs its own edit: a cheap bound that
    # rules out most pairs before the edit distance is computed.
    mask_a, mask_b = _letters(a), _letters(b)
    if (mask_a & ~mask_b).bit_count() > limit or (mask_b & ~mask_a).bit_count() > limit:
        return False
    return _levenshtein(a, b, limit) <= limit


@functools.lru_cache(maxsize=65536)
def _letters(key: str) -> int:
    """The letters of a key as a bit set (folded by code point modulo 64: a collision only
    weakens the bound in `_similar_key`, never wrongly rules a pair out)."""
    mask = 0
    for char in key:
        mask |= 1 << (ord(char) & 63)
    return mask


def _similar_part(a: _Part, b: _Part) -> bool:
    """Names (possibly several words) are similar as a whole or by any pair of words.

    Two empty names count as similar (a person recorded with one name only).
    """
    if a.key == b.key == "" or _similar_key(a.key, b.key):
        return True
    return any(_similar_key(x, y) for x in a.tokens for y in b.tokens)


def _readings(given: str, family: str, other_names: str) -> list[tuple[str, str, str]]:
    """All (given, family, how) readings of a person: as recorded, swapped, other spellings."""
    pairs = [(given, family, _RECORDED), (family, given, _SWAPPED)]
    for alternative in _SPLIT_ALTERNATIVES.split(other_names):
        words = alternative.split()
        if not words:
            continue
        if len(words) == 1:
            # A single word is another spelling of either the family or the given name.
            pairs += [(given, words[0], _OTHER), (words[0], family, _OTHER)]
        else:
            alt_given, alt_family = " ".join(words[:-1]), words[-1]
            pairs += [(alt_given, alt_family, _OTHER), (alt_family, alt_given, _OTHER)]
    return [(g, f, how) for g, f, how in pairs if g.strip() or f.strip()]


@dataclass
class _Prepared:
    """A person with the keys of each reading, computed once."""

    person: ExistingPerson
    readings: list[tuple[_Part, _Part, str]]
    exact: dict[str, str] = field(default_factory=dict)
    """Folded full key → how it was read (the first reading wins: recorded before swapped)."""
    canonical: dict[str, str] = field(default_factory=dict)
    """Transliteration-group full key → how it was read."""

    @classmethod
    def of(cls, given: str, family: str, other_names: str, person: ExistingPerson) -> _Prepared:
        readings = [
            (_part(g), _part(f), how) for g, f, how in _readings(given, family, other_names)
        ]
        prepared = cls(person, readings)
        for g, f, how in readings:
            prepared.exact.setdefault(g.key + " " + f.key, how)
            prepared.canonical.setdefault(g.canonical + " " + f.canonical, how)
        return prepared


def _how_reason(draft_how: str, person_how: str) -> str:
    if _OTHER in (draft_how, person_how):
        return OTHER_SPELLING
    if (draft_how == _SWAPPED) != (person_how == _SWAPPED):
        return SWAPPED_NAMES
    return SAME_NAME


def _name_reason(draft: _Prepared, person: _Prepared) -> str | None:
    """The strongest name reason of a pair, or None when the names do not match."""
    found = [
        _how_reason(how, person.exact[key])
        for key, how in draft.exact.items()
        if key in person.exact
    ]
    if found:
        return min(found, key=_NAME_RANK.__getitem__)
    if any(key in person.canonical for key in draft.canonical):
        return NAME_VARIANT
    # Each pair of readings where one side is as recorded (the other swapped or another
    # spelling); similarity is symmetric, so each pair is compared once.
    pairs = {
        (dg, df, pg, pf)
        for dg, df, d_how in draft.readings
        for pg, pf, p_how in person.readings
        if _RECORDED in (d_how, p_how)
    }
    if any(_similar_part(pg, dg) and _similar_part(pf, df) for dg, df, pg, pf in pairs):
        return SIMILAR_NAME
    return None


def is_placeholder(day: date) -> bool:
    """A birth date that only records the year (01.01.JJJJ)."""
    return (day.day, day.month) in PLACEHOLDER_DAY_MONTH


def birth_date_reason(a: date | None, b: date | None) -> str:
    """How two birth dates relate (a `duplicate_reasons` code)."""
    if a is None or b is None:
        return BIRTH_DATE_MISSING
    if a == b:
        return SAME_BIRTH_DATE
    if a.year == b.year and (is_placeholder(a) or is_placeholder(b)):
        return PLACEHOLDER_BIRTH_DATE
    if a.year == b.year and (a.day, a.month) == (b.month, b.day):
        return DAY_MONTH_SWAPPED
    if abs((a - b).days) <= CLOSE_DAYS:
        return BIRTH_DATE_CLOSE
    return OTHER_BIRTH_DATE


def _name_keys(person: ExistingPerson) -> set[str]:
    """Every full key (folded and transliteration group) of every reading of a person."""
    given, family = _part(person.given_name), _part(person.family_name)
    keys = {
        f"{given.key} {family.key}",
        f"{family.key} {given.key}",
        f"{given.canonical} {family.canonical}",
        f"{family.canonical} {given.canonical}",
    }
    if person.other_names.strip():
        for g_text, f_text, _how in _readings(
            person.given_name, person.family_name, person.other_names
        )[2:]:
            g, f = _part(g_text), _part(f_text)
            keys.add(f"{g.key} {f.key}")
            keys.add(f"{g.canonical} {f.canonical}")
    return keys


def _drop(table: dict[K, list[ExistingPerson]], key: K, client_id: str) -> None:
    members = [p for p in table.get(key, ()) if p.client_id != client_id]
    if members:
        table[key] = members
    else:
        table.pop(key, None)


def _swapped_day_month(day: date) -> date | None:
    try:
        return date(day.year, day.day, day.month)
    except ValueError:
        return None


class DuplicateIndex:
    """The stored people, indexed by name key and birth date, to check many drafts quickly."""

    def __init__(self, existing: Iterable[ExistingPerson] = ()) -> None:
        # Only keys and dates up front (a dict look-up per name part, thanks to `_part`'s
        # cache); the full comparison data is made for the few people a draft comes near.
        self._by_key: dict[str, list[ExistingPerson]] = {}
        self._by_birth: dict[date, list[ExistingPerson]] = {}
        self._by_year: dict[int, list[ExistingPerson]] = {}
        self._placeholders_by_year: dict[int, list[ExistingPerson]] = {}
        self._prepared: dict[str, _Prepared] = {}
        self._people: dict[str, tuple[int, ExistingPerson]] = {}
        """Client id → (place in the order given, the person as indexed)."""
        self._next_place = 0
        for person in existing:
            self.add(person)

    def __len__(self) -> int:
        return len(self._people)

    def add(self, person: ExistingPerson) -> None:
        """Index `person`; a client already indexed is replaced and keeps its place in the
        order (the tie-breaker between equally likely candidates)."""
        known = self._people.get(person.client_id)
        if known is not None:
            self.remove(person.client_id)
            place = known[0]
        else:
            place = self._next_place
            self._next_place += 1
        self._people[person.client_id] = (place, person)
        for key in _name_keys(person):
            self._by_key.setdefault(key, []).append(person)
        born = person.birth_date
        if born is not None:
            self._by_birth.setdefault(born, []).append(person)
            self._by_year.setdefault(born.year, []).append(person)
            if is_placeholder(born):
                self._placeholders_by_year.setdefault(born.year, []).append(person)

    def remove(self, client_id: str) -> None:
        """Leave a client out from now on (merged away or erased); unknown ids are ignored."""
        known = self._people.pop(client_id, None)
        if known is None:
            return
        person = known[1]
        self._prepared.pop(client_id, None)
        for key in _name_keys(person):
            _drop(self._by_key, key, client_id)
        born = person.birth_date
        if born is not None:
            _drop(self._by_birth, born, client_id)
            _drop(self._by_year, born.year, client_id)
            if is_placeholder(born):
                _drop(self._placeholders_by_year, born.year, client_id)

    def _nearby(self, born: date) -> Iterable[ExistingPerson]:
        for offset in range(-CLOSE_DAYS, CLOSE_DAYS + 1):
            yield from self._by_birth.get(born + timedelta(days=offset), ())
        swapped = _swapped_day_month(born)
        if swapped is not None and swapped != born:
            yield from self._by_birth.get(swapped, ())
        yield from self._placeholders_by_year.get(born.year, ())
        if is_placeholder(born):
            yield from self._by_year.get(born.year, ())

    def _prepare(self, person: ExistingPerson) -> _Prepared:
        prepared = self._prepared.get(person.client_id)
        if prepared is None:
            prepared = _Prepared.of(
                person.given_name, person.family_name, person.other_names, person
            )
            self._prepared[person.client_id] = prepared
        return prepared

    def find(self, draft: ClientDraft, *, exclude: str | None = None) -> list[DuplicateCandidate]:
        """The stored people who are probably the person in ``draft``, most likely first.

        ``exclude`` leaves out one client (the file whose duplicates are looked for).
        """
        probe = _Prepared.of(
            draft.given_name,
            draft.family_name,
            draft.other_names,
            ExistingPerson("", draft.given_name, draft.family_name, draft.other_names),
        )
        pool: dict[str, ExistingPerson] = {}
        for key in set(probe.exact) | set(probe.canonical):
            for person in self._by_key.get(key, ()):
                pool[person.client_id] = person
        if draft.birth_date is not None:
            for person in self._nearby(draft.birth_date):
                pool[person.client_id] = person
        ranked: list[tuple[int, int, int, DuplicateCandidate]] = []
        for person in pool.values():
            if person.client_id == exclude:
                continue
            prepared = self._prepare(person)
            name = _name_reason(probe, prepared)
            if name is None:
                continue
            born = birth_date_reason(draft.birth_date, prepared.person.birth_date)
            # A similar name alone is too weak without a matching birth date.
            if name == SIMILAR_NAME and born in (BIRTH_DATE_MISSING, OTHER_BIRTH_DATE):
                continue
            place = self._people[person.client_id][0]
            ranked.append(
                (_DATE_RANK[born], _NAME_RANK[name], place, _candidate(prepared.person, name, born))
            )
        ranked.sort(key=lambda r: r[:3])
        return [r[3] for r in ranked]


def forget_names() -> None:
    """Drop the cached name keys (`_part`, `_letters`): they are personal data, so the
    workspace drops them when the vault is locked (`Workspace.close`)."""
    _part.cache_clear()
    _letters.cache_clear()


def find_duplicates(
    draft: ClientDraft, existing: Iterable[ExistingPerson], *, exclude: str | None = None
) -> list[DuplicateCandidate]:
    """Return the stored clients that are probably the person in ``draft``, most likely first
    (birth-date match, then name match, then the order given); see the module docstring for
    the rules. For many drafts build one `DuplicateIndex` instead."""
    return DuplicateIndex(existing).find(draft, exclude=exclude)


def _display_name(person: ExistingPerson) -> str:
    if person.given_name and person.family_name:
        return f"{person.family_name}, {person.given_name}"
    return person.family_name or person.given_name


def reason_text(reasons: Iterable[str], lang: str = "de") -> str:
    """The reasons as one line in ``lang`` ("gleicher Name, Platzhalter-Geburtsdatum …")."""
    labels = catalog("duplicate_reasons")
    return ", ".join(labels.label(code, "en" if lang == "en" else "de") for code in reasons)


def _candidate(person: ExistingPerson, name: str, born: str) -> DuplicateCandidate:
    reasons = (name, born)
    return DuplicateCandidate(
        client_id=person.client_id,
        display_name=_display_name(person),
        birth_date=person.birth_date,
        reason=reason_text(reasons),
        reasons=reasons,
        birth_precision=person.birth_precision,
    )
