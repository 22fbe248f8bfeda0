"""Likely-duplicate detection for intake (is this person already in the vault?).

The check is deliberately forgiving about spelling: names are folded (diacritics, umlauts, case)
so Müller, Mueller and MULLER compare equal, and small typos, swapped given/family names and
other recorded spellings (``other_names``) still match. It only warns; the coach decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from kim_tui.domain.model import ClientDraft, DuplicateCandidate
from kim_tui.domain.text import fold

REASON_SAME_BIRTH_SIMILAR_NAME = "gleiches Geburtsdatum, ähnlicher Name"
REASON_SAME_NAME_NO_BIRTH = "gleicher Name, Geburtsdatum fehlt"

_SPLIT_ALTERNATIVES = re.compile(r"[,;/|\n]+")
_NON_LETTERS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class ExistingPerson:
    """The few fields of a stored client the duplicate check needs."""

    client_id: str
    given_name: str
    family_name: str
    other_names: str = ""
    """Other spellings, separated by comma, semicolon, slash or newline."""
    birth_date: date | None = None


def _key(text: str) -> str:
    """Return the comparison key of a name: `fold` (which already maps Müller, Mueller and
    Muller to ``muller``) with spaces, hyphens and punctuation removed, so ``Al-Hassan`` and
    ``Alhassan`` agree."""
    return _NON_LETTERS.sub("", fold(text))


def _levenshtein(a: str, b: str, limit: int) -> int:
    """Edit distance between ``a`` and ``b``, stopping early once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _similar_key(a: str, b: str) -> bool:
    """Two keys are similar when equal or within a small edit distance (1 for short names)."""
    if not a or not b:
        return False
    if a == b:
        return True
    limit = 1 if max(len(a), len(b)) <= 5 else 2
    return _levenshtein(a, b, limit) <= limit


def _tokens(text: str) -> list[str]:
    return [k for k in (_NON_LETTERS.sub("", t) for t in fold(text).split()) if k]


def _similar_part(a: str, b: str) -> bool:
    """Names (possibly several words) are similar as a whole or by any pair of words.

    Two empty names count as similar (a person recorded with one name only).
    """
    key_a, key_b = _key(a), _key(b)
    if key_a == key_b == "" or _similar_key(key_a, key_b):
        return True
    return any(_similar_key(x, y) for x in _tokens(a) for y in _tokens(b) if len(x) > 1)


def _variants(given: str, family: str, other_names: str) -> list[tuple[str, str]]:
    """All (given, family) readings of a person: as recorded, swapped, and other spellings."""
    pairs = [(given, family), (family, given)]
    for alternative in _SPLIT_ALTERNATIVES.split(other_names):
        words = alternative.split()
        if not words:
            continue
        if len(words) == 1:
            # A single word is another spelling of either the family or the given name.
            pairs += [(given, words[0]), (words[0], family)]
        else:
            alt_given, alt_family = " ".join(words[:-1]), words[-1]
            pairs += [(alt_given, alt_family), (alt_family, alt_given)]
    return [(g, f) for g, f in pairs if g.strip() or f.strip()]


def _full_key(given: str, family: str) -> str:
    return _key(given) + " " + _key(family)


def _display_name(person: ExistingPerson) -> str:
    if person.given_name and person.family_name:
        return f"{person.family_name}, {person.given_name}"
    return person.family_name or person.given_name


def find_duplicates(
    draft: ClientDraft, existing: Iterable[ExistingPerson]
) -> list[DuplicateCandidate]:
    """Return the stored clients that are probably the person in ``draft``.

    Strong candidates (same birth date and a similar name) come first, then weak ones (the same
    folded name where either side has no birth date). A similar name means similar family name
    *and* similar given name (equal after folding or a small edit distance), also with given and
    family name swapped or via another recorded spelling (``other_names``) on either side. People
    with a different birth date on both sides are never candidates.

    The function is linear in ``existing`` and does not filter on its own beyond that: the store
    is expected to pass a pre-filtered list (same birth date, or no birth date on either side).
    """
    draft_variants = _variants(draft.given_name, draft.family_name, draft.other_names)
    draft_full = {_full_key(g, f) for g, f in draft_variants}
    strong: list[DuplicateCandidate] = []
    weak: list[DuplicateCandidate] = []
    for person in existing:
        person_variants = _variants(person.given_name, person.family_name, person.other_names)
        if draft.birth_date is not None and person.birth_date is not None:
            if draft.birth_date != person.birth_date:
                continue
            dg, df = draft.given_name, draft.family_name
            match = any(
                _similar_part(g, dg) and _similar_part(f, df) for g, f in person_variants
            ) or any(
                _similar_part(g, person.given_name) and _similar_part(f, person.family_name)
                for g, f in draft_variants
            )
            if match:
                strong.append(_candidate(person, REASON_SAME_BIRTH_SIMILAR_NAME))
        elif any(_full_key(g, f) in draft_full for g, f in person_variants):
            weak.append(_candidate(person, REASON_SAME_NAME_NO_BIRTH))
    return strong + weak


def _candidate(person: ExistingPerson, reason: str) -> DuplicateCandidate:
    return DuplicateCandidate(
        client_id=person.client_id,
        display_name=_display_name(person),
        birth_date=person.birth_date,
        reason=reason,
    )
