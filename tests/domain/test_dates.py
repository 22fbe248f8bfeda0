"""German date formatting and parsing."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kim_tui.domain.dates import format_date, parse_birth_date, parse_date


def test_format_date() -> None:
    assert format_date(date(2026, 11, 24)) == "24.11.2026"
    assert format_date(date(2026, 2, 1)) == "01.02.2026"
    assert format_date(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24.11.2026", date(2026, 11, 24)),
        ("1.2.2026", date(2026, 2, 1)),
        ("01.02.2026", date(2026, 2, 1)),
        (" 29.02.2028 ", date(2028, 2, 29)),
        ("2026-11-24", date(2026, 11, 24)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "24.11.26",
        "2026-2-1",
        "24/11/2026",
        "heute",
        "24.11.2026x",
        "٢٤.١١.٢٠٢٦",
    ],
)
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r"^Ungültiges Datum: .*, bitte TT\.MM\.JJJJ$"):
        parse_date(text)


@pytest.mark.parametrize("text", ["31.02.2026", "29.02.2026", "32.1.2026", "1.13.2026"])
def test_a_day_that_does_not_exist_is_named_so(text: str) -> None:
    # Written as TT.MM.JJJJ, so asking for that format would mislead the coach.
    with pytest.raises(ValueError, match=r"^Ungültiges Datum: .* – diesen Tag gibt es nicht$"):
        parse_date(text)


def test_round_trip() -> None:
    d = date(2026, 1, 5)
    assert parse_date(format_date(d)) == d


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00.00.1990", date(1990, 1, 1)),
        ("00.05.1988", date(1988, 5, 1)),
        ("3.5.1990", date(1990, 5, 3)),
        ("1990-05-03", date(1990, 5, 3)),
    ],
)
def test_a_birth_date_may_leave_day_and_month_unknown(text: str, expected: date) -> None:
    assert parse_birth_date(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.1990", "diesen Tag gibt es nicht"),
        ("00.13.1990", "diesen Tag gibt es nicht"),
        ("15.00.1990", "ein Tag ohne Monat ist kein Datum"),
        ("00.00.0000", "diesen Tag gibt es nicht"),
        ("1.1.90", "kein Datum (TT.MM.JJJJ; unbekannter Tag oder Monat als 00"),
        ("٠٠.٠٠.١٩٩٠", "kein Datum"),
    ],
)
def test_a_birth_date_that_is_none_says_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_birth_date(text)


@pytest.mark.parametrize(
    ("text", "known", "shown"),
    [
        ("00.00.1990", "year", "00.00.1990"),
        ("00.05.1988", "month", "00.05.1988"),
        ("3.5.1990", "day", "03.05.1990"),
        ("01.01.1990", "day", "01.01.1990"),
    ],
)
def test_a_birth_date_keeps_what_is_unknown(text: str, known: str, shown: str) -> None:
    """00.00.1990 is shown as the papers write it, not as 01.01.1990: a date known to the day
    and the placeholder are told apart."""
    from kim_tui.domain.dates import format_birth_date, read_birth_date

    born, precision = read_birth_date(text)
    assert precision == known
    assert format_birth_date(born, precision) == shown


def test_the_age_of_a_person_born_in_a_known_year_only() -> None:
    """Born 00.00.2008: on 03.12.2026 17 or 18; from 31.12.2026 on surely 18; a person born in
    May 2008 (00.05.2008) is 18 from 31.05.2026 at the latest."""
    from kim_tui.domain.dates import age_span, birth_span

    assert birth_span(date(2008, 1, 1), "year") == (date(2008, 1, 1), date(2008, 12, 31))
    assert birth_span(date(2008, 2, 1), "month") == (date(2008, 2, 1), date(2008, 2, 29))
    assert birth_span(date(2008, 12, 1), "month") == (date(2008, 12, 1), date(2008, 12, 31))
    assert age_span(date(2008, 1, 1), "year", date(2026, 12, 3)) == (17, 18)
    assert age_span(date(2008, 1, 1), "year", date(2026, 12, 31)) == (18, 18)
    assert age_span(date(2008, 5, 1), "month", date(2026, 5, 30)) == (17, 18)
    assert age_span(date(2008, 5, 1), "month", date(2026, 5, 31)) == (18, 18)
    assert age_span(date(2008, 5, 9), "day", date(2026, 5, 9)) == (18, 18)
    assert age_span(None, "year", date(2026, 5, 9)) is None
