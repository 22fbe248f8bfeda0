"""Merging two client files of one person: which master data differ, and the merged result.

The coach picks, field by field, whether the surviving file's value or the other one's wins
(`MasterDifference`, `merged_master`); everything else of the other file (cases, consents,
residence papers, assessments, goals, referrals, contacts, follow-ups, history) is moved by
the service (`service/merge.py`). The other file's name, if different, is kept as another
spelling, so the duplicate check and the search still find the person under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import format_birth_date, format_date
from kim_tui.domain.geo import country_name, language_name
from kim_tui.domain.model import ClientDraft
from kim_tui.domain.text import fold

_ALTERNATIVES = re.compile(r"[,;/|\n]+")

MASTER_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("family_name", "Nachname", "Family name"),
    ("given_name", "Vorname", "Given name"),
    ("birth_date", "Geburtsdatum", "Birth date"),
    ("gender", "Geschlecht", "Gender"),
    ("nationality", "Staatsangehörigkeit", "Nationality"),
    ("country_of_birth", "Geburtsland", "Country of birth"),
    ("languages", "Sprachen", "Languages"),
    ("interpreter_needed", "Dolmetschung nötig", "Interpreter needed"),
    ("address", "Adresse", "Address"),
    ("phone", "Telefon", "Phone"),
    ("household", "Haushalt", "Household"),
)
"""Master-data fields the coach decides on when they differ: (field, German, English)."""


@dataclass(frozen=True)
class MasterDifference:
    """One master-data field whose values differ between the two files."""

    field: str
    de: str
    en: str
    survivor: str
    """The surviving file's value as shown (dates TT.MM.JJJJ, lists joined)."""
    other: str


def _shown(name: str, value: object) -> str:
    """A master-data value as the coach reads it: catalog codes as their German names."""
    if value is None or value == "" or value == ():
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, date):
        return format_date(value)
    if name == "gender":
        return catalog("genders").label(str(value))
    if name in ("nationality", "country_of_birth"):
        return country_name(str(value))
    if name == "languages" and isinstance(value, tuple):
        return ", ".join(language_name(str(v)) for v in value)
    if isinstance(value, tuple):
        return ", ".join(getattr(v, "name", None) or str(v) for v in value)
    return str(value)


def _value(draft: ClientDraft, name: str) -> object:
    """A field's value; the birth date together with how much of it is known (00.00.1990 and
    01.01.1990 differ)."""
    if name == "birth_date":
        return (draft.birth_date, draft.birth_precision)
    return getattr(draft, name)


def _shown_value(draft: ClientDraft, name: str) -> str:
    if name == "birth_date" and draft.birth_date is not None:
        return format_birth_date(draft.birth_date, draft.birth_precision)
    return _shown(name, getattr(draft, name))


def master_differences(survivor: ClientDraft, other: ClientDraft) -> list[MasterDifference]:
    """The master-data fields on which the two files disagree, in form order."""
    return [
        MasterDifference(name, de, en, _shown_value(survivor, name), _shown_value(other, name))
        for name, de, en in MASTER_FIELDS
        if _value(survivor, name) != _value(other, name)
    ]


def merged_master(
    survivor: ClientDraft, other: ClientDraft, take_from_other: frozenset[str] = frozenset()
) -> ClientDraft:
    """The surviving file's master data with the fields in ``take_from_other`` taken from the
    other file; an empty value never wins over a filled one unless the coach chose it. The
    other file's name and other spellings are added to ``other_names`` when they differ."""
    unknown = take_from_other - {name for name, _de, _en in MASTER_FIELDS}
    if unknown:
        raise ValueError(f"unknown master-data fields: {sorted(unknown)}")
    changes: dict[str, Any] = {}
    for name, _de, _en in MASTER_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(other, name)
        if name in take_from_other or (mine in (None, "", ()) and theirs not in (None, "", ())):
            changes[name] = theirs
            if name == "birth_date":
                changes["birth_precision"] = other.birth_precision
    result = replace(survivor, **changes)
    spellings = [s.strip() for s in _ALTERNATIVES.split(result.other_names) if s.strip()]
    seen = {fold(s) for s in spellings} | {fold(f"{result.given_name} {result.family_name}")}
    candidates = [f"{survivor.given_name} {survivor.family_name}".strip()]
    candidates += [f"{other.given_name} {other.family_name}".strip()]
    candidates += [s.strip() for s in _ALTERNATIVES.split(other.other_names)]
    for spelling in candidates:
        if spelling and fold(spelling) not in seen:
            spellings.append(spelling)
            seen.add(fold(spelling))
    return replace(result, other_names="; ".join(spellings))
