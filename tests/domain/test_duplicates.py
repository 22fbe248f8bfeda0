"""Likely-duplicate detection at intake."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.duplicates import (
    BIRTH_DATE_CLOSE,
    BIRTH_DATE_MISSING,
    DAY_MONTH_SWAPPED,
    NAME_VARIANT,
    OTHER_BIRTH_DATE,
    OTHER_SPELLING,
    PLACEHOLDER_BIRTH_DATE,
    SAME_BIRTH_DATE,
    SAME_NAME,
    SIMILAR_NAME,
    SWAPPED_NAMES,
    ExistingPerson,
    find_duplicates,
    name_variants,
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
    assert candidate.reasons == (SAME_NAME, SAME_BIRTH_DATE)
    assert candidate.reason == "gleicher Name, gleiches Geburtsdatum"
    assert candidate.display_name == "Müller, Anna"
    assert candidate.birth_date == BORN
    assert _ids(_draft("ANNA", "muller"), existing) == ["c1"]


def test_similar_name_with_a_different_birth_date_is_no_candidate() -> None:
    existing = ExistingPerson("c1", "Ana", "Muler", birth_date=date(1988, 9, 15))
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
    assert candidate.reasons == (SAME_NAME, BIRTH_DATE_MISSING)
    assert candidate.birth_date is None
    # Missing on the draft side, present on the stored side.
    stored = ExistingPerson("c2", "Anna", "Müller", birth_date=BORN)
    assert _ids(_draft("Anna", "Müller", birth=None), stored) == ["c2"]
    # A weak candidate needs the same folded name, not just a similar one.
    assert find_duplicates(_draft("Anne", "Müller", birth=None), [stored]) == []


def test_strong_candidates_come_first() -> None:
    weak = ExistingPerson("weak", "Anna", "Müller")
    strong = ExistingPerson("strong", "Ana", "Muller", birth_date=BORN)
    other = ExistingPerson("other", "Anna", "Müller", birth_date=date(2000, 5, 1))
    assert _ids(_draft("Anna", "Müller"), other, weak, strong) == ["strong", "weak", "other"]


def test_accepts_a_generator() -> None:
    people = (ExistingPerson(f"c{i}", "Anna", "Müller", birth_date=BORN) for i in range(3))
    assert len(find_duplicates(_draft("Anna", "Müller"), people)) == 3


# -- issue 11 § 5: each rule with the reason it gives --------------------------------------------


def _reasons(draft: ClientDraft, person: ExistingPerson) -> tuple[str, ...]:
    [candidate] = find_duplicates(draft, [person])
    return candidate.reasons


def test_same_name_with_any_birth_date() -> None:
    person = ExistingPerson("c1", "Lan", "Nguyen", birth_date=date(1970, 6, 30))
    assert _reasons(_draft("Lan", "Nguyen"), person) == (SAME_NAME, OTHER_BIRTH_DATE)


def test_placeholder_birth_date_in_the_same_year() -> None:
    """Seen: "Öztürk, Şükrü, 01.01.1999" next to the same name born 29.07.1999."""
    person = ExistingPerson("c1", "Şükrü", "Öztürk", birth_date=date(1999, 7, 29))
    draft = _draft("Sukru", "Oeztuerk", date(1999, 1, 1))
    assert _reasons(draft, person) == (SAME_NAME, PLACEHOLDER_BIRTH_DATE)
    # Also with a merely similar name, and from the stored side.
    stored = ExistingPerson("c2", "Sükrü", "Öztürk", birth_date=date(1999, 1, 1))
    assert _reasons(_draft("Sukri", "Özturk", date(1999, 7, 29)), stored) == (
        SIMILAR_NAME,
        PLACEHOLDER_BIRTH_DATE,
    )
    # Another year is no placeholder match (and a similar name alone is not enough).
    assert find_duplicates(_draft("Sukri", "Özturk", date(2000, 7, 29)), [stored]) == []


def test_swapped_names_with_a_birth_date_one_day_off() -> None:
    """Seen: swapped family/given names with a birth date one day off were missed."""
    person = ExistingPerson("c1", "Ahmad", "Karimi", birth_date=date(1990, 4, 10))
    draft = _draft("Karimi", "Ahmad", date(1990, 4, 11))
    assert _reasons(draft, person) == (SWAPPED_NAMES, BIRTH_DATE_CLOSE)


def test_day_and_month_swapped() -> None:
    person = ExistingPerson("c1", "Grace", "Okafor", birth_date=date(1999, 3, 9))
    assert _reasons(_draft("Grace", "Okafor", date(1999, 9, 3)), person) == (
        SAME_NAME,
        DAY_MONTH_SWAPPED,
    )


def test_dates_a_few_days_apart_and_further() -> None:
    person = ExistingPerson("c1", "Ana", "Muler", birth_date=date(1988, 3, 11))
    assert _reasons(_draft("Anna", "Müller", date(1988, 3, 14)), person) == (
        SIMILAR_NAME,
        BIRTH_DATE_CLOSE,
    )
    assert find_duplicates(_draft("Anna", "Müller", date(1988, 3, 15)), [person]) == []


def test_transliteration_variants_from_the_data_file() -> None:
    person = ExistingPerson("c1", "Mohammed", "Hussein", birth_date=date(1985, 2, 2))
    for given, family in [("Muhammad", "Husain"), ("Mohamad", "Hossein"), ("Mohamed", "Hussain")]:
        assert _reasons(_draft(given, family, date(1970, 1, 5)), person) == (
            NAME_VARIANT,
            OTHER_BIRTH_DATE,
        ), (given, family)
    ahmed = ExistingPerson("c2", "Ahmed", "Yılmaz")
    assert _reasons(_draft("Ahmad", "Yilmaz", None), ahmed) == (NAME_VARIANT, BIRTH_DATE_MISSING)
    assert name_variants()["muhammad"] == name_variants()["mohammed"]
    assert "mehmet" not in name_variants()  # a different name, never joined with Mohammed


def test_other_recorded_spelling_is_named() -> None:
    person = ExistingPerson("c1", "Olena", "Shevchenko", "Schewtschenko", birth_date=BORN)
    assert _reasons(_draft("Olena", "Schewtschenko"), person) == (OTHER_SPELLING, SAME_BIRTH_DATE)


def test_reasons_in_english() -> None:
    from kim_tui.domain.duplicates import reason_text

    assert reason_text((SWAPPED_NAMES, BIRTH_DATE_CLOSE), "en") == (
        "given and family name swapped, birth dates a few days apart"
    )
