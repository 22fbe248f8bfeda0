"""German date formatting and parsing for the UI (TT.MM.JJJJ)."""

from __future__ import annotations

import re
from datetime import date

_GERMAN = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", re.ASCII)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def format_date(d: date | None) -> str:
    """Format a date as TT.MM.JJJJ (``24.11.2026``); an empty string for None."""
    if d is None:
        return ""
    return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"


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
        pass
    raise ValueError(f"Ungültiges Datum: {text!r}, bitte TT.MM.JJJJ")
