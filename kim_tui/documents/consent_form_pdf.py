"""The consent form (Einwilligung / Schweigepflichtentbindung) for one purpose and recipient (DP-2).

German on the left, and beside it, paragraph by paragraph, a second language from the client's
languages where a translation exists (``data/consent_forms/*.toml``: English, Arabic, Turkish,
Ukrainian, Russian, Persian). Each translation file says whether a certified translator has
reviewed it; the form prints that in small print. Arabic and Persian are laid out right to left
(HarfBuzz shaping and fpdf2's bidi algorithm, right-aligned column).

The form names what is shared, with whom, why, the special categories included (or that none
are), the consequences of refusal, how to withdraw, the legal basis under the vault's regime,
and signature lines.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from kim_tui.documents.pdf_base import FONT, MARGIN, KimPDF, new_pdf, write_new_file
from kim_tui.domain.dates import format_birth_date, format_date
from kim_tui.domain.regime import DEFAULT_REGIME, regime

__all__ = [
    "GERMAN",
    "SPECIAL_CATEGORIES",
    "ConsentFormDocument",
    "ConsentFormText",
    "consent_form_languages",
    "consent_form_text",
    "render_consent_form_pdf",
    "second_language_for",
    "translation_for",
    "write_consent_form_pdf",
]

GERMAN = "deu"
_TITLE = "Einwilligung"
SPECIAL_CATEGORIES = ("health", "ethnic_origin", "religion", "convictions")
"""Codes of the special categories a form can name (Art. 9 and conviction facts, Art. 10)."""
_BLOCKS = ("who", "what", "recipient", "why", "special", "refusal", "withdrawal", "legal")


@dataclass(frozen=True)
class ConsentFormText:
    """One language's wording of the form."""

    language: str
    """ISO 639-3 code, as the client's languages are stored."""
    name: str
    rtl: bool
    reviewed: bool
    """True once a certified translator has checked the translation (German: the master)."""
    reviewed_note: str
    title: str
    headings: Mapping[str, str]
    texts: Mapping[str, str]
    purposes: Mapping[str, Mapping[str, str]]
    special_categories: Mapping[str, str]
    signatures: Mapping[str, str]
    also_for: tuple[str, ...] = ()
    """Other languages (ISO 639-3) whose speakers get this text."""


def _folder() -> Any:
    return resources.files("kim_tui.documents").joinpath("data", "consent_forms")


@functools.cache
def consent_form_text(language: str) -> ConsentFormText:
    """The form's wording in `language` (ISO 639-3); KeyError if there is no such file."""
    entry = _folder().joinpath(f"{language}.toml")
    if not entry.is_file():
        raise KeyError(language)
    raw = tomllib.loads(entry.read_text("utf-8"))
    return ConsentFormText(
        language=raw["language"],
        name=raw["name"],
        rtl=raw["direction"] == "rtl",
        reviewed=bool(raw["reviewed"]),
        reviewed_note=raw["reviewed_note"],
        title=raw["title"],
        headings=raw["headings"],
        texts=raw["texts"],
        purposes=raw["purposes"],
        special_categories=raw["special_categories"],
        signatures=raw["signatures"],
        also_for=tuple(raw.get("also_for", ())),
    )


@functools.cache
def consent_form_languages() -> tuple[str, ...]:
    """Codes of the translations shipped beside the German master text."""
    return tuple(
        sorted(
            entry.name.removesuffix(".toml")
            for entry in _folder().iterdir()
            if entry.name.endswith(".toml") and entry.name != f"{GERMAN}.toml"
        )
    )


def translation_for(language: str) -> str | None:
    """The translation a speaker of `language` gets: its own, or one a file declares itself
    for (``also_for``: Dari speakers read the Persian text); None if there is none."""
    for code in consent_form_languages():
        raw = consent_form_text(code)
        if code == language or language in raw.also_for:
            return code
    return None


def second_language_for(client_languages: tuple[str, ...]) -> str | None:
    """The translation for the first of the client's languages that has one."""
    return next(
        (found for code in client_languages if (found := translation_for(code)) is not None),
        None,
    )


@dataclass(frozen=True)
class ConsentFormDocument:
    """What one printed form says about the client, as display text."""

    client_name: str
    birth_date: date | None
    organisation: str
    purpose: str
    """Consent purpose code (case_management, share_agency, share_coordinator)."""
    recipient: str
    """The receiving organisation, as named on the form (never translated)."""
    printed_on: date
    special_categories: tuple[str, ...] = ()
    """Codes from `SPECIAL_CATEGORIES` the consent expressly covers."""
    second_language: str | None = None
    regime_code: str = DEFAULT_REGIME
    birth_precision: str = "day"


def _paragraphs(text: ConsentFormText, doc: ConsentFormDocument) -> list[tuple[str, str]]:
    law = regime(doc.regime_code)
    values = {
        "client": doc.client_name,
        "birth_date": format_birth_date(doc.birth_date, doc.birth_precision) or "–",
        "organisation": doc.organisation or "–",
        "recipient": doc.recipient or "–",
        # Article names stay German in every column: they are what the law is cited as.
        "consent_law": law.cite("consent", "de"),
        "special_law": law.cite("special_categories", "de"),
        "categories": ", ".join(text.special_categories[c] for c in doc.special_categories),
    }
    purpose = text.purposes[doc.purpose]
    bodies = {
        "who": text.texts["who"],
        "what": purpose["what"],
        "recipient": purpose["recipient"],
        "why": purpose["why"],
        "special": text.texts["special_some" if doc.special_categories else "special_none"],
        "refusal": text.texts["refusal"],
        "withdrawal": text.texts["withdrawal"],
        "legal": text.texts["legal"],
    }
    return [(text.headings[key], bodies[key].format(**values)) for key in _BLOCKS]


# --------------------------------------------------------------------------- rendering


def _set_direction(pdf: KimPDF, text: ConsentFormText) -> None:
    if text.rtl:
        pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script="arab")
    else:
        # Explicit: a name in Arabic script at the start must not turn a German paragraph RTL.
        pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")


def _height(pdf: KimPDF, width: float, text: str, text_style: str, size: float, rtl: bool) -> float:
    pdf.set_font(FONT, text_style, size)
    height = pdf.multi_cell(
        width, 5, text, dry_run=True, output="HEIGHT", align="R" if rtl else "L"
    )
    return float(height) if isinstance(height, int | float) else 0.0


def _pair(
    pdf: KimPDF,
    left: tuple[ConsentFormText, str, str],
    right: tuple[ConsentFormText, str, str] | None,
    column: float,
    gap: float,
) -> None:
    """One paragraph: heading and body in German, the translation beside it, same top line."""
    columns = [(left, pdf.l_margin)]
    if right is not None:
        columns.append((right, pdf.l_margin + column + gap))
    needed = 0.0
    for (text, heading, body), _x in columns:
        _set_direction(pdf, text)
        needed = max(
            needed,
            _height(pdf, column, heading, "B", 10, text.rtl)
            + _height(pdf, column, body, "", 9.5, text.rtl),
        )
    if pdf.will_page_break(needed + 3):
        pdf.add_page()
    top = pdf.get_y()
    bottom = top
    for (text, heading, body), x in columns:
        _set_direction(pdf, text)
        align = "R" if text.rtl else "L"
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(column, 5, heading, align=align, new_x="LEFT", new_y="NEXT")
        pdf.set_x(x)
        pdf.set_font(FONT, "", 9.5)
        pdf.multi_cell(column, 5, body, align=align, new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.set_xy(pdf.l_margin, bottom + 3)


def _signatures(pdf: KimPDF, german: ConsentFormText, second: ConsentFormText | None) -> None:
    """Four signature lines, each labelled in German and, below, in the second language."""
    if pdf.will_page_break(62):
        pdf.add_page()
    width = pdf.w - 2 * MARGIN
    half = (width - 10) / 2
    for row in (("place_date", "client"), ("interpreter", "coach")):
        pdf.ln(16)
        y = pdf.get_y()
        for index, key in enumerate(row):
            x = MARGIN + index * (half + 10)
            pdf.line(x, y, x + half, y)
            pdf.set_xy(x, y + 1)
            pdf.set_font(FONT, "", 8.5)
            _set_direction(pdf, german)
            pdf.cell(half, 4.5, german.signatures[key])
            if second is not None:
                _set_direction(pdf, second)
                pdf.set_xy(x, y + 5.5)
                pdf.cell(half, 4.5, second.signatures[key], align="R" if second.rtl else "L")
        pdf.set_text_shaping(use_shaping_engine=True)
        pdf.set_xy(MARGIN, y + 10)


def _small_print(pdf: KimPDF, german: ConsentFormText, second: ConsentFormText) -> None:
    """Whether a certified translator reviewed the translation, in both languages."""
    width = (pdf.w - 2 * MARGIN - 8) / 2
    pdf.ln(8)
    top = pdf.get_y()
    bottom = top
    pdf.set_text_color(90)
    for text, note, x in (
        (german, _german_review_note(second), MARGIN),
        (second, second.reviewed_note, MARGIN + width + 8),
    ):
        _set_direction(pdf, text)
        pdf.set_xy(x, top)
        pdf.set_font(FONT, "", 7.5)
        pdf.multi_cell(width, 3.8, note, align="R" if text.rtl else "L", new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y())
    pdf.set_text_color(0)
    pdf.set_text_shaping(use_shaping_engine=True)
    pdf.set_xy(MARGIN, bottom)


def render_consent_form_pdf(doc: ConsentFormDocument) -> bytes:
    """The form as PDF bytes (the same input always gives the same bytes)."""
    german = consent_form_text(GERMAN)
    second = consent_form_text(doc.second_language) if doc.second_language else None
    pdf = new_pdf(_TITLE, doc.printed_on)
    pdf.add_page()
    width = pdf.w - 2 * MARGIN
    gap = 8.0
    column = (width - gap) / 2 if second is not None else width
    _pair(
        pdf,
        (german, german.title, f"{doc.client_name} · {format_date(doc.printed_on)}"),
        (second, second.title, "") if second is not None else None,
        column,
        gap,
    )
    left = _paragraphs(german, doc)
    right = _paragraphs(second, doc) if second is not None else None
    for index, (heading, body) in enumerate(left):
        other = (second, *right[index]) if second is not None and right is not None else None
        _pair(pdf, (german, heading, body), other, column, gap)
    _signatures(pdf, german, second)
    if second is not None:
        _small_print(pdf, german, second)
    return bytes(pdf.output())


def _german_review_note(second: ConsentFormText) -> str:
    if second.reviewed:
        return f"Die Übersetzung ({second.name}) ist von einer beeidigten Übersetzer*in geprüft."
    return (
        f"Die Übersetzung ({second.name}) ist noch nicht von einer beeidigten Übersetzer*in "
        "geprüft. Maßgeblich ist der deutsche Text."
    )


def write_consent_form_pdf(doc: ConsentFormDocument, path: Path) -> None:
    """Write the form to `path` atomically; never overwrites (FileExistsError)."""
    write_new_file(render_consent_form_pdf(doc), Path(path))
