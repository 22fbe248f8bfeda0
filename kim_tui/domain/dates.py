"""German date formatting and parsing for the UI (TT.MM.JJJJ)."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from kim_tui.i18n import tr

_GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def format_date(d: date | None) -> str:
    """Format a date as TT.MM.JJJJ (``24.11.2026``); an empty string for None."""
    if d is None:
        return ""
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


def date_placeholder() -> str:
    """The hint in an empty date field, in the UI language (the format is the same)."""
    return tr("TT.MM.JJJJ", "DD.MM.YYYY")


def parse_date(text: str) -> date:
    """Parse TT.MM.JJJJ (single-digit day/month allowed, e.g. ``1.2.2026``) or ISO YYYY-MM-DD.

    Two-digit years are rejected. Raises ValueError with a German message the UI can show.
    """
    stripped = text.strip()
    german = _GERMAN.fullmatch(stripped)
    iso = _ISO.fullmatch(stripped)
    try:
        if german is not None:
            return date(int(german[3]), int(german[2]), int(german[1]))
        if iso is not None:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        # Written as asked, but no day of the calendar (31.02.): "please use TT.MM.JJJJ"
        # would send the coach looking for a format mistake that is not there.
        raise ValueError(
            tr(
                f"Ungültiges Datum: {text!r} – diesen Tag gibt es nicht",
                f"Invalid date: {text!r} – there is no such day",
            )
        ) from None
    raise ValueError(
        tr(
            f"Ungültiges Datum: {text!r}, bitte TT.MM.JJJJ",
            f"Invalid date: {text!r}, please use DD.MM.YYYY",
        )
    )


_WITH_UNKNOWN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)

UNKNOWN_DAY_MONTH_NOTE = (
    "unbekannter Tag oder Monat als 00, z. B. 00.00.1990",
    "an unknown day or month as 00, e.g. 00.00.1990",
)
"""How the placeholder convention is explained next to a refused birth date (de, en)."""


class BirthPrecision(StrEnum):
    """How much of a birth date is known: papers write an unknown day or month as 00."""

    DAY = "day"
    MONTH = "month"
    """Month and year known (00.MM.JJJJ)."""
    YEAR = "year"
    """Only the year known (00.00.JJJJ)."""


def parse_birth_date(text: str) -> date:
    """The date of `read_birth_date` (an unknown day or month as the 1st)."""
    return read_birth_date(text)[0]


def format_birth_date(d: date | None, known: str = BirthPrecision.DAY) -> str:
    """A birth date as the papers write it: 00.00.1990 when only the year is known, 00.05.1990
    when the day is not; TT.MM.JJJJ otherwise; an empty string for None."""
    if d is None:
        return ""
    if known == BirthPrecision.YEAR:
        return f"00.00.{d.year:04d}"
    if known == BirthPrecision.MONTH:
        return f"00.{d.month:02d}.{d.year:04d}"
    return format_date(d)


def birth_span(d: date, known: str = BirthPrecision.DAY) -> tuple[date, date]:
    """The first and the last day the person can have been born on."""
    if known == BirthPrecision.YEAR:
        return date(d.year, 1, 1), date(d.year, 12, 31)
    if known == BirthPrecision.MONTH:
        last = (date(d.year + d.month // 12, d.month % 12 + 1, 1)).toordinal() - 1
        return date(d.year, d.month, 1), date.fromordinal(last)
    return d, d


def age_on(birth: date | None, today: date) -> int | None:
    """Completed years on `today`; None without a birth date."""
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_span(birth: date | None, known: str, today: date) -> tuple[int, int] | None:
    """The least and the most completed years on `today` (equal when the day is known, or when
    the unknown part cannot change the age any more); None without a birth date."""
    if birth is None:
        return None
    first, last = birth_span(birth, known)

    def years(born: date) -> int:
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    return years(last), years(first)


def read_birth_date(text: str) -> tuple[date, BirthPrecision]:
    """A birth date as papers write it: TT.MM.JJJJ (or ISO), where an unknown day or month is
    00. Refugee papers record a date known only by its year as 00.00.JJJJ; kim keeps the date as
    01.01.JJJJ (and an unknown day alone as the 1st of the month), the placeholder the duplicate
    check knows (`domain.duplicates.PLACEHOLDER_DAY_MONTH`), together with how much of it is
    known, so it is shown as written (`format_birth_date`). A known day of an unknown month
    ("15.00.1990") is no date. Raises ValueError with the reason in the UI language, without the
    text itself (the caller shows it as it may: a CSV cell is made terminal-safe first)."""
    stripped = text.strip()
    found = _WITH_UNKNOWN.fullmatch(stripped)
    if found is None or (int(found[1]) and int(found[2])):
        if found is None and not _ISO.fullmatch(stripped):
            raise ValueError(
                tr(
                    f"kein Datum (TT.MM.JJJJ; {UNKNOWN_DAY_MONTH_NOTE[0]})",
                    f"not a date (DD.MM.YYYY; {UNKNOWN_DAY_MONTH_NOTE[1]})",
                )
            )
        try:
            return parse_date(stripped), BirthPrecision.DAY
        except ValueError:
            raise ValueError(
                tr(
                    f"diesen Tag gibt es nicht (TT.MM.JJJJ; {UNKNOWN_DAY_MONTH_NOTE[0]})",
                    f"there is no such day (DD.MM.YYYY; {UNKNOWN_DAY_MONTH_NOTE[1]})",
                )
            ) from None
    day, month, year = int(found[1]), int(found[2]), int(found[3])
    if month == 0 and day != 0:
        raise ValueError(
            tr(
                f"ein Tag ohne Monat ist kein Datum (bei unbekanntem Monat 00.00.{year})",
                f"a day without a month is no date (for an unknown month 00.00.{year})",
            )
        )
    known = BirthPrecision.DAY if day else BirthPrecision.MONTH if month else BirthPrecision.YEAR
    try:
        return date(year, month or 1, day or 1), known
    except ValueError:
        raise ValueError(
            tr(
                f"diesen Tag gibt es nicht (TT.MM.JJJJ; {UNKNOWN_DAY_MONTH_NOTE[0]})",
                f"there is no such day (DD.MM.YYYY; {UNKNOWN_DAY_MONTH_NOTE[1]})",
            )
        ) from None
