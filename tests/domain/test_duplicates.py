"""Likely-duplicate detection at intake."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.duplicates import (
    REASON_SAME_BIRTH_SIMILAR_NAME,
    REASON_SAME_NAME_NO_BIRTH,
    ExistingPerson,
    find_duplicates,
)
from kim_tui.domain.model import ClientDraft

BORN = date(1988, 3, 14)


def _draft(given: str, family: str, birth: date | None = BORN, other: str = "") -> ClientDraft:
    return ClientDraft(given_name=given, family_name=family, birth_date=birth, other_names=other)


def _ids(draft: ClientDraft, *people: ExistingPerson) -> list[str]:
    return [c.client_id for c in find_duplicates(draft, people)]


def test_umlaut_spelling_same_birth_date() -> None:
    existing = ExistingPerson("c1", "Anna", "Müller", birth_date=BORN)
    [candidate] = find_duplicates(_draft("Anna", "Mueller"), [existing])
    assert candidate.client_id == "c1"
    assert candidate.reason == REASON_SAME_BIRTH_SIMILAR_NAME
    assert candidate.display_name == "Müller, Anna"
    assert candidate.birth_date == BORN
    assert _ids(_draft("ANNA", "muller"), existing) == ["c1"]


def test_different_birth_date_is_no_candidate() -> None:
    existing = ExistingPerson("c1", "Anna", "Müller", birth_date=date(1988, 3, 15))
    assert find_duplicates(_draft("Anna", "Mueller"), [existing]) == []
    assert find_duplicates(_draft("Anna", "Müller"), [existing]) == []


def test_swapped_names() -> None:
    existing = ExistingPerson("c1", "Ahmad", "Karimi", birth_date=BORN)
    assert _ids(_draft("Karimi", "Ahmad"), existing) == ["c1"]


def test_turkish_letters() -> None:
    existing = ExistingPerson("c1", "Şükrü", "Yılmaz", birth_date=BORN)
    assert _ids(_draft("Sukru", "Yilmaz"), existing) == ["c1"]
    assert _ids(_draft("Suekrue", "Yilmaz"), existing) == ["c1"]


def test_small_typo_and_transliteration() -> None:
    existing = ExistingPerson("c1", "Mohammed", "Al-Hassan", birth_date=BORN)
    assert _ids(_draft("Mohamed", "Al Hasan"), existing) == ["c1"]
    assert _ids(_draft("Muhammad", "Alhassan"), existing) == ["c1"]


def test_other_names() -> None:
    existing = ExistingPerson("c1", "Oleksandr", "Kovalenko", "Alexander Kowalenko", BORN)
    assert _ids(_draft("Alexander", "Kowalenko"), existing) == ["c1"]
    single = ExistingPerson("c2", "Olena", "Shevchenko", "Schewtschenko", BORN)
    assert _ids(_draft("Olena", "Schewtschenko"), single) == ["c2"]
    # The draft's own other spellings are used as well.
    plain = ExistingPerson("c3", "Alexander", "Kowalenko", birth_date=BORN)
    draft = _draft("Oleksandr", "Kovalenko", other="Alexander Kowalenko")
    assert _ids(draft, plain) == ["c3"]


def test_different_names_same_birth_date() -> None:
    existing = ExistingPerson("c1", "Anna", "Müller", birth_date=BORN)
    assert find_duplicates(_draft("Anna", "Schmidt"), [existing]) == []
    assert find_duplicates(_draft("Maria", "Müller"), [existing]) == []
    assert find_duplicates(_draft("Jan", "Li"), [ExistingPerson("c2", "Jan", "Wu", "", BORN)]) == []


def test_missing_birth_date_is_weak_candidate() -> None:
    no_birth = ExistingPerson("c1", "Anna", "Müller")
    [candidate] = find_duplicates(_draft("Anna", "Mueller"), [no_birth])
    assert candidate.reason == REASON_SAME_NAME_NO_BIRTH
    assert candidate.birth_date is None
    # Missing on the draft side, present on the stored side.
    stored = ExistingPerson("c2", "Anna", "Müller", birth_date=BORN)
    assert _ids(_draft("Anna", "Müller", birth=None), stored) == ["c2"]
    # A weak candidate needs the same folded name, not just a similar one.
    assert find_duplicates(_draft("Anne", "Müller", birth=None), [stored]) == []


def test_strong_candidates_come_first() -> None:
    weak = ExistingPerson("weak", "Anna", "Müller")
    strong = ExistingPerson("strong", "Ana", "Muller", birth_date=BORN)
    other = ExistingPerson("other", "Anna", "Müller", birth_date=date(2000, 1, 1))
    assert _ids(_draft("Anna", "Müller"), weak, other, strong) == ["strong", "weak"]


def test_accepts_a_generator() -> None:
    people = (ExistingPerson(f"c{i}", "Anna", "Müller", birth_date=BORN) for i in range(3))
    assert len(find_duplicates(_draft("Anna", "Müller"), people)) == 3
