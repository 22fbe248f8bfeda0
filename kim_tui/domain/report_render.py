"""Rendering of the coordinator report: JSON, CSV for German Excel, a plain-text table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from kim_tui.domain.csv_export import csv_text
from kim_tui.domain.dates import format_date
from kim_tui.domain.report_indicators import MASK, Cell, Period, decimal
from kim_tui.i18n import language, tr

# The report's own words in its cells and scopes (stored and published as these German codes;
# shown in the UI language).
_WORDS = {
    "Coach": ("Coach", "Coach"),
    "Organisation": ("Organisation", "Organisation"),
    "Gesamt": ("Gesamt", "Total"),
    "alle": ("alle", "all"),
    "gesamt": ("gesamt", "total"),
    "ohne Angabe": ("ohne Angabe", "not stated"),
}


def report_word(word: str) -> str:
    """A scope ("Gesamt"), the total's name ("alle") or a fixed category ("ohne Angabe") in
    the UI language; any other text (a coach's or organisation's name) as it is."""
    pair = _WORDS.get(word)
    return word if pair is None else tr(*pair)


def _public(cell: Cell, threshold: int) -> dict[str, Any]:
    value: Any = cell.display(threshold)
    if not cell.masked and not cell.hours:
        value = cell.value
    elif cell.hours and not cell.masked:
        value = round(cell.value / 60, 1)
    return {
        "scope": cell.scope,
        "name": cell.scope_name,
        "indicator": cell.indicator,
        "label": cell.label,
        "category": cell.category,
        "value": value,
    }


def render_json(cells: Sequence[Cell], threshold: int, period: Period) -> str:
    """JSON document; masked values are the string ``x``, never the number."""
    doc = {
        "period": {
            "from": period.start.isoformat() if period.start else None,
            "to": period.end.isoformat() if period.end else None,
        },
        "threshold": threshold,
        "cells": [],
    }
    head = json.dumps(doc, ensure_ascii=False, indent=2)
    if not cells:
        return head + "\n"
    # The same text as json.dumps(..., indent=2): with an indent the json module encodes in
    # Python, value by value, which at a state's 70,000 cells is most of the report's time.
    # Each cell is written from a template instead, its strings escaped by the C encoder.
    body = ",\n".join(_cell_text(_public(c, threshold)) for c in cells)
    return head[: -len("[]\n}")] + "[\n" + body + "\n  ]\n}\n"


_ESCAPE = json.encoder.encode_basestring  # the escaping of ensure_ascii=False
_CELL = (
    "    {\n"
    + ",\n".join(
        f'      "{key}": %s' for key in ("scope", "name", "indicator", "label", "category", "value")
    )
    + "\n    }"
)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return _ESCAPE(value)
    if type(value) is int:
        return str(value)
    return json.dumps(value)


def _cell_text(public: dict[str, Any]) -> str:
    return _CELL % (
        _ESCAPE(public["scope"]),
        _ESCAPE(public["name"]),
        _ESCAPE(public["indicator"]),
        _ESCAPE(public["label"]),
        _ESCAPE(public["category"]),
        _scalar(public["value"]),
    )


_CATALOG_OF = {
    "cases_closed": "closure_reasons",
    "target_groups": "target_groups",
    "gender": "genders",
    "residence_intake": "residence_statuses",
    "residence_now": "residence_statuses",
    "residence_changes": "residence_statuses",
    "goals_set": "priority_areas",
    "goals_achieved": "priority_areas",
    "referral_agencies": "agencies",
    "contacts": "contact_kinds",
    "contact_hours": "contact_kinds",
    "themes": "themes",
}


def category_label(indicator: str, category: str) -> str:
    """The label of a report category in the UI language (the category's code stays in CSV
    and JSON)."""
    from kim_tui.domain.catalogs import catalog
    from kim_tui.domain.geo import country_name

    lang = language()
    if category in _WORDS:
        return report_word(category)
    if indicator == "nationality":
        return country_name(category, lang)
    if indicator in ("need_first", "need_latest"):
        area, sep, level = category.partition(": Stufe ")
        sep = sep and tr(sep, ": level ")
        return f"{catalog('priority_areas').label(area, lang)}{sep}{level}"
    if indicator == "referrals":
        domain, sep, status = category.partition(" / ")
        statuses = catalog("referral_statuses")
        return f"{catalog('legal_domains').label(domain, lang)}{sep}{statuses.label(status, lang)}"
    name = _CATALOG_OF.get(indicator)
    if name is None:
        return category
    if indicator == "residence_changes":
        before, sep, after = category.partition(" → ")
        return f"{catalog(name).label(before, lang)}{sep}{catalog(name).label(after, lang)}"
    if indicator == "themes" and category.startswith("text:"):
        return category[len("text:") :]
    return catalog(name).label(category, lang)


def render_csv(cells: Sequence[Cell], threshold: int, delimiter: str = ";") -> str:
    """CSV for German Excel (see `csv_export`), one row per cell; masked values as ``x``."""
    header = [
        tr("Ebene", "Level"),
        "Name",
        tr("Kennzahl", "Indicator"),
        tr("Kategorie", "Category"),
        "Code",
        tr("Wert", "Value"),
    ]
    rows = (
        [
            report_word(c.scope),
            report_word(c.scope_name),
            c.label,
            category_label(c.indicator, c.category),
            c.category,
            c.display(threshold),
        ]
        for c in cells
    )
    return csv_text([header, *rows], delimiter)


def render_table(cells: Sequence[Cell], threshold: int, period: Period) -> str:
    """Plain-text report grouped by scope and indicator, with a bar chart of need levels."""
    start = format_date(period.start) or tr("Anfang", "the beginning")
    end = format_date(period.end) or tr("heute", "today")
    lines = [
        tr(
            f"Zeitraum: {start} bis {end}; Maskiert ({MASK}): Zellen unter {threshold} und so "
            "viele weitere, dass sich keine aus Summen errechnen oder auf weniger als drei Werte "
            "eingrenzen lässt.",
            f"Period: {start} to {end}; masked ({MASK}): cells under {threshold} and as many "
            "others as it takes that none can be worked out from the sums or narrowed to fewer "
            "than three values.",
        )
    ]
    current: tuple[str, str] | None = None
    label = ""
    for c in cells:
        if (c.scope, c.scope_name) != current:
            current = (c.scope, c.scope_name)
            lines += ["", f"== {report_word(c.scope)}: {report_word(c.scope_name)} =="]
            label = ""
        if c.label != label:
            label = c.label
            lines.append(f"  {label}")
        lines.append(f"    {category_label(c.indicator, c.category):<46} {c.display(threshold):>8}")
    lines += ["", *need_chart(cells, threshold)]
    return "\n".join(lines) + "\n"


def need_chart(cells: Sequence[Cell], threshold: int) -> list[str]:
    """Bars of the mean need level per area, first vs latest assessment (total scope only;
    an area is drawn only if none of its cells is masked)."""
    sums: dict[tuple[str, str], list[int]] = {}
    masked: set[str] = set()
    for c in cells:
        if c.scope != "Gesamt" or c.indicator not in ("need_first", "need_latest"):
            continue
        area, _, level = c.category.partition(": Stufe ")
        if c.masked:
            masked.add(area)
            continue
        acc = sums.setdefault((area, c.indicator), [0, 0])
        acc[0] += int(level) * c.value
        acc[1] += c.value
    areas = sorted({a for a, _ in sums} - masked)
    if not areas:
        return []
    out = [
        tr(
            "Bedarf je Handlungsfeld (Mittel 0–3; ░ erste, █ letzte Bestandsaufnahme)",
            "Need per priority area (mean 0–3; ░ first, █ latest assessment)",
        )
    ]
    from kim_tui.domain.catalogs import catalog

    for area in areas:
        name = catalog("priority_areas").label(area, language())[:28]
        for ind, ch in (("need_first", "░"), ("need_latest", "█")):
            total, n = sums.get((area, ind), [0, 0])
            mean = total / n if n else 0.0
            bar = f"{ch * round(mean * 10):<30} {decimal(mean)}"
            out.append(f"  {name:<28} {bar}")
            name = ""
    return out
