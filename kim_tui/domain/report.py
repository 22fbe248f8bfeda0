"""Coordinator report: indicators of the domain note § 4 over merged bundle records. Pure Python.

Report definitions are data: each `Indicator` is a name, a German label and a function from one
coach's records (plain dicts, as they arrived in bundles) and the period to counts per category.
A new indicator is one more entry; it computes from the bundles already stored.

Every figure is a count of records (hours are reported with their contact count). Cells with
0 < count < threshold are masked in every output (DP-5); zero cells are not listed at all.

Masking one cell is not enough when the others around it are known: the categories of one
indicator add up (to its "gesamt" or to a total shown elsewhere), the coaches of an organisation
add up to the organisation, the organisations to the total. A lone masked cell in such a group
is its sum minus the rest. So complementary cells are masked too (`_protect`).

The rule (issue #13): a reader must be left at least three possible values for every masked
cell, whatever they combine of what the report publishes.
- Every masked cell is shown as the same ``x``, small or complementary: a "<5" would publish an
  upper bound, and a sum of 12 over three cells of "<5" makes each of them 4. All a reader
  learns of an ``x`` is that it is at least 1 (listed categories are not empty).
- In every group that adds up, no masked cell stands alone, and the masked cells of a group add
  up to at least the threshold and at least their number plus two: k masked cells of at least 1
  with a known sum S each lie in 1..S-(k-1), which is three values or more only if S >= k + 2.
  The smallest visible cell of a failing group is masked as well (`_protect`).
- Groups overlap (a coach cell is in its organisation's column and in its own categories), so
  that is not enough on its own: `kim_tui.domain.suppression.protect` then shows for every
  masked cell, by moves between masked cells that keep every sum a reader knows, that it can
  take three values, and masks neighbours (smallest first) where it cannot.
Ties go by name and category: the same report every run. `tests/domain/test_report_audit.py`
checks the result with integer programming over the published JSON (demo data and random
tables): no masked cell is narrowed to fewer than three values.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from kim_tui.domain.csv_export import csv_text
from kim_tui.domain.dates import format_date
from kim_tui.domain.pseudonym import age_band
from kim_tui.domain.suppression import Figure, protect

Rows = Mapping[str, Sequence[Mapping[str, Any]]]
"""Live (not deleted) records per table; each dict is a record's data plus ``_id`` and ``_rev``."""

MASK = "x"
"""Every masked cell, small or complementary: no upper bound is published (see above)."""


@dataclass(frozen=True)
class Period:
    """Inclusive date range; None means open-ended."""

    start: date | None = None
    end: date | None = None

    def contains(self, day: date | None) -> bool:
        """True if `day` lies in the period."""
        if day is None:
            return False
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def overlaps(self, first: date | None, last: date | None) -> bool:
        """True if [first, last] (last None: still running) overlaps the period."""
        if first is None:
            return False
        return (self.end is None or first <= self.end) and (
            last is None or self.start is None or last >= self.start
        )


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _by_id(rows: Rows, table: str) -> dict[str, Mapping[str, Any]]:
    return {str(r["_id"]): r for r in rows.get(table, ())}


def _active_cases(rows: Rows, period: Period) -> list[Mapping[str, Any]]:
    return [
        c
        for c in rows.get("case", ())
        if period.overlaps(_day(c.get("first_contact_on")), _day(c.get("closed_on")))
    ]


def cases_opened(rows: Rows, period: Period) -> Counter[str]:
    """Cases with their first contact in the period."""
    return Counter(
        "gesamt" for c in rows.get("case", ()) if period.contains(_day(c.get("first_contact_on")))
    )


def cases_active(rows: Rows, period: Period) -> Counter[str]:
    """Cases open at any time in the period."""
    return Counter("gesamt" for _ in _active_cases(rows, period))


def cases_closed(rows: Rows, period: Period) -> Counter[str]:
    """Cases closed in the period, by closure reason."""
    return Counter(
        str(c.get("closure_reason") or "ohne Angabe")
        for c in rows.get("case", ())
        if period.contains(_day(c.get("closed_on")))
    )


def target_groups(rows: Rows, period: Period) -> Counter[str]:
    """Active cases per target group (a case may count in several)."""
    return Counter(g for c in _active_cases(rows, period) for g in c.get("target_groups") or ())


def _active_clients(rows: Rows, period: Period) -> list[Mapping[str, Any]]:
    clients = _by_id(rows, "client")
    ids = {str(c.get("client_id")) for c in _active_cases(rows, period)}
    return [clients[i] for i in sorted(ids) if i in clients]


def clients_by_age(rows: Rows, period: Period) -> Counter[str]:
    """Clients of active cases by age band at the end of the period."""
    on = period.end or date.today()
    return Counter(age_band(c.get("birth_year"), on) for c in _active_clients(rows, period))


def clients_by_gender(rows: Rows, period: Period) -> Counter[str]:
    """Clients of active cases by gender code."""
    return Counter(str(c.get("gender") or "ohne Angabe") for c in _active_clients(rows, period))


def clients_by_nationality(rows: Rows, period: Period) -> Counter[str]:
    """Clients of active cases by nationality code."""
    return Counter(
        str(c.get("nationality") or "ohne Angabe") for c in _active_clients(rows, period)
    )


def _residence_history(rows: Rows) -> dict[str, list[Mapping[str, Any]]]:
    history: dict[str, list[Mapping[str, Any]]] = {}
    for r in sorted(rows.get("residencerecord", ()), key=lambda r: int(r["_rev"])):
        history.setdefault(str(r.get("client_id")), []).append(r)
    return history


def residence_at_intake(rows: Rows, period: Period) -> Counter[str]:
    """Clients of active cases by their first recorded residence status."""
    history = _residence_history(rows)
    return Counter(
        str(history[c["_id"]][0].get("status")) if history.get(c["_id"]) else "ohne Angabe"
        for c in _active_clients(rows, period)
    )


def residence_now(rows: Rows, period: Period) -> Counter[str]:
    """Clients of active cases by their latest recorded residence status."""
    history = _residence_history(rows)
    return Counter(
        str(history[c["_id"]][-1].get("status")) if history.get(c["_id"]) else "ohne Angabe"
        for c in _active_clients(rows, period)
    )


def residence_changes(rows: Rows, period: Period) -> Counter[str]:
    """Status changes (``duldung → ae_25b``) of clients of active cases."""
    history = _residence_history(rows)
    out: Counter[str] = Counter()
    for c in _active_clients(rows, period):
        records = history.get(str(c["_id"]), [])
        for before, after in zip(records, records[1:], strict=False):
            if before.get("status") != after.get("status"):
                out[f"{before.get('status')} → {after.get('status')}"] += 1
    return out


def _need_levels(rows: Rows, period: Period, latest: bool) -> Counter[str]:
    active = {str(c["_id"]) for c in _active_cases(rows, period)}
    per_case: dict[str, list[Mapping[str, Any]]] = {}
    for a in rows.get("assessment", ()):
        if str(a.get("case_id")) in active:
            per_case.setdefault(str(a.get("case_id")), []).append(a)
    chosen = set()
    for assessments in per_case.values():
        ordered = sorted(assessments, key=lambda a: (str(a.get("assessed_on")), int(a["_rev"])))
        chosen.add(str((ordered[-1] if latest else ordered[0])["_id"]))
    return Counter(
        f"{r.get('area')}: Stufe {r.get('level')}"
        for r in rows.get("arearating", ())
        if str(r.get("assessment_id")) in chosen
    )


def need_first(rows: Rows, period: Period) -> Counter[str]:
    """Need level per priority area at each active case's first assessment."""
    return _need_levels(rows, period, latest=False)


def need_latest(rows: Rows, period: Period) -> Counter[str]:
    """Need level per priority area at each active case's latest assessment."""
    return _need_levels(rows, period, latest=True)


def _goals(rows: Rows, period: Period) -> list[Mapping[str, Any]]:
    active = {str(c["_id"]) for c in _active_cases(rows, period)}
    agreements = {
        str(a["_id"]) for a in rows.get("goalagreement", ()) if str(a.get("case_id")) in active
    }
    return [g for g in rows.get("goal", ()) if str(g.get("agreement_id")) in agreements]


def goals_set(rows: Rows, period: Period) -> Counter[str]:
    """Goals of active cases per priority area."""
    return Counter(str(g.get("area")) for g in _goals(rows, period))


def goals_achieved(rows: Rows, period: Period) -> Counter[str]:
    """Achieved goals of active cases per priority area."""
    return Counter(
        str(g.get("area")) for g in _goals(rows, period) if g.get("status") == "achieved"
    )


def referrals(rows: Rows, period: Period) -> Counter[str]:
    """Referrals sent in the period, by legal domain and status (outcome)."""
    return Counter(
        f"{r.get('legal_domain')} / {r.get('status')}"
        for r in rows.get("referral", ())
        if period.contains(_day(r.get("sent_on")))
    )


def referrals_by_agency(rows: Rows, period: Period) -> Counter[str]:
    """Referrals sent in the period, by agency."""
    return Counter(
        str(r.get("agency"))
        for r in rows.get("referral", ())
        if period.contains(_day(r.get("sent_on")))
    )


def contacts(rows: Rows, period: Period) -> Counter[str]:
    """Contacts in the period, by kind."""
    return Counter(
        str(c.get("kind"))
        for c in rows.get("contactnote", ())
        if period.contains(_day(c.get("on")))
    )


def contact_minutes(rows: Rows, period: Period) -> Counter[str]:
    """Minutes of contact in the period, by kind (shown as hours; masked with the count)."""
    out: Counter[str] = Counter()
    for c in rows.get("contactnote", ()):
        if period.contains(_day(c.get("on"))):
            out[str(c.get("kind"))] += int(c.get("minutes") or 0)
    return out


def themes(rows: Rows, period: Period) -> Counter[str]:
    """Flagged structural themes of active cases."""
    return Counter(t for c in _active_cases(rows, period) for t in c.get("themes") or ())


@dataclass(frozen=True)
class Indicator:
    """One report definition."""

    name: str
    label: str
    compute: Callable[[Rows, Period], Counter[str]]
    count_of: str | None = None
    """For sums (minutes): the indicator whose count decides masking of the same category."""


INDICATORS: tuple[Indicator, ...] = (
    Indicator("cases_opened", "Fälle eröffnet", cases_opened),
    Indicator("cases_active", "Fälle aktiv", cases_active),
    Indicator("cases_closed", "Fälle abgeschlossen nach Grund", cases_closed),
    Indicator("target_groups", "Zielgruppen (aktive Fälle)", target_groups),
    Indicator("age_band", "Klient*innen nach Altersgruppe", clients_by_age),
    Indicator("gender", "Klient*innen nach Geschlecht", clients_by_gender),
    Indicator("nationality", "Klient*innen nach Staatsangehörigkeit", clients_by_nationality),
    Indicator("residence_intake", "Aufenthaltsstatus bei Aufnahme", residence_at_intake),
    Indicator("residence_now", "Aufenthaltsstatus aktuell", residence_now),
    Indicator("residence_changes", "Wechsel des Aufenthaltsstatus", residence_changes),
    Indicator("need_first", "Bedarf je Handlungsfeld, erste Bestandsaufnahme", need_first),
    Indicator("need_latest", "Bedarf je Handlungsfeld, letzte Bestandsaufnahme", need_latest),
    Indicator("goals_set", "Ziele gesetzt je Handlungsfeld", goals_set),
    Indicator("goals_achieved", "Ziele erreicht je Handlungsfeld", goals_achieved),
    Indicator("referrals", "Vermittlungen nach Rechtskreis / Ergebnis", referrals),
    Indicator("referral_agencies", "Vermittlungen nach Stelle", referrals_by_agency),
    Indicator("contacts", "Kontakte nach Art", contacts),
    Indicator("contact_hours", "Kontaktstunden nach Art", contact_minutes, count_of="contacts"),
    Indicator("themes", "Strukturelle Themen", themes),
)


@dataclass(frozen=True)
class CoachRows:
    """One coach's live records with the names the report groups by."""

    coach: str
    organisation: str
    rows: Rows


@dataclass(frozen=True)
class Cell:
    """One figure: scope (Coach/Organisation/Gesamt), indicator, category, value."""

    scope: str
    scope_name: str
    indicator: str
    label: str
    category: str
    value: int
    masked: bool = False
    hours: bool = False
    secondary: bool = False
    """Masked only so that another masked cell cannot be worked out (any size); published
    the same as a small one."""

    def display(self, threshold: int) -> str:
        """The value as shown: masked cells as ``x`` whatever their size, hours with one
        decimal."""
        if self.masked:
            return MASK
        if self.hours:
            return f"{self.value / 60:.1f}".replace(".", ",")
        return str(self.value)


def _merge(parts: Iterable[Rows]) -> dict[str, list[Mapping[str, Any]]]:
    merged: dict[str, list[Mapping[str, Any]]] = {}
    for rows in parts:
        for table, items in rows.items():
            merged.setdefault(table, []).extend(items)
    return merged


def compute(coaches: Sequence[CoachRows], period: Period, threshold: int = 5) -> list[Cell]:
    """Every indicator per coach, per organisation and in total, small cells masked."""
    if threshold < 1:
        raise ValueError("Schwelle muss mindestens 1 sein.")
    scopes: list[tuple[str, str, Rows]] = []
    for c in sorted(coaches, key=lambda c: (c.organisation, c.coach)):
        scopes.append(("Coach", c.coach, c.rows))
    orgs = sorted({c.organisation for c in coaches})
    for org in orgs:
        scopes.append(
            (
                "Organisation",
                org or "ohne Angabe",
                _merge(c.rows for c in coaches if c.organisation == org),
            )
        )
    scopes.append(("Gesamt", "alle", _merge(c.rows for c in coaches)))
    cells: list[Cell] = []
    for scope, name, rows in scopes:
        counts = {ind.name: ind.compute(rows, period) for ind in INDICATORS}
        for ind in INDICATORS:
            for category, value in sorted(counts[ind.name].items()):
                basis = counts[ind.count_of][category] if ind.count_of else value
                cells.append(
                    Cell(
                        scope,
                        name,
                        ind.name,
                        ind.label,
                        category,
                        value,
                        masked=0 < basis < threshold,
                        hours=ind.count_of is not None,
                    )
                )
    org_of = {c.coach: c.organisation or "ohne Angabe" for c in coaches}
    return _protect(cells, org_of, threshold)


def _protect(cells: list[Cell], org_of: Mapping[str, str], threshold: int) -> list[Cell]:
    """Complementary suppression: no group of cells that adds up has exactly one masked cell,
    and the masked cells of a group add up to at least the threshold and to at least their
    number plus two (else their sum, known from the group's total, narrows them down: two
    masked cells summing to 2 are both 1, since empty categories are not listed; three summing
    to 4 are each 1 or 2).

    Groups: the categories of one indicator within one scope; one organisation with its coaches
    for one indicator and category; the total with the organisations. The smallest visible cell
    (then by name, so the choice is the same in every run) is masked.
    """
    groups: dict[tuple[str, ...], list[int]] = {}
    for i, c in enumerate(cells):
        groups.setdefault(("within", c.scope, c.scope_name, c.indicator), []).append(i)
        if c.indicator in ("need_first", "need_latest"):
            # The levels of one area add up to the assessed cases, the same for every area.
            area = c.category.partition(": Stufe ")[0]
            groups.setdefault(("area", c.scope, c.scope_name, c.indicator, area), []).append(i)
        # A parent is in the group of its parts: parent = sum of parts either way round.
        if c.scope == "Coach":
            key = ("coaches", org_of.get(c.scope_name, ""), c.indicator, c.category)
            groups.setdefault(key, []).append(i)
        elif c.scope == "Organisation":
            groups.setdefault(("coaches", c.scope_name, c.indicator, c.category), []).append(i)
            groups.setdefault(("orgs", c.indicator, c.category), []).append(i)
        else:
            groups.setdefault(("orgs", c.indicator, c.category), []).append(i)
    masked = [c.masked for c in cells]
    changed = True
    while changed:
        changed = False
        for members in groups.values():
            hidden = [i for i in members if masked[i]]
            enough = max(threshold, len(hidden) + 2)
            if not hidden or (len(hidden) > 1 and sum(cells[i].value for i in hidden) >= enough):
                continue
            visible = [i for i in members if not masked[i]]
            if not visible:
                continue
            pick = min(
                visible, key=lambda i: (cells[i].value, cells[i].scope_name, cells[i].category)
            )
            masked[pick] = True
            changed = True
    figures = [
        Figure(c.scope, c.scope_name, c.indicator, c.category, c.value, 0 if c.hours else 1)
        for c in cells
    ]
    masked = protect(figures, org_of, masked)
    return [
        replace(c, masked=True, secondary=True) if m and not c.masked else c
        for c, m in zip(cells, masked, strict=True)
    ]


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
        "cells": [_public(c, threshold) for c in cells],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


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
    """The German label of a report category (the catalog code stays in CSV and JSON)."""
    from kim_tui.domain.catalogs import catalog
    from kim_tui.domain.geo import country_name

    if indicator == "nationality":
        return country_name(category)
    if indicator in ("need_first", "need_latest"):
        area, sep, level = category.partition(": Stufe ")
        return f"{catalog('priority_areas').label(area)}{sep}{level}"
    if indicator == "referrals":
        domain, sep, status = category.partition(" / ")
        statuses = catalog("referral_statuses")
        return f"{catalog('legal_domains').label(domain)}{sep}{statuses.label(status)}"
    name = _CATALOG_OF.get(indicator)
    if name is None:
        return category
    if indicator == "residence_changes":
        before, sep, after = category.partition(" → ")
        return f"{catalog(name).label(before)}{sep}{catalog(name).label(after)}"
    if indicator == "themes" and category.startswith("text:"):
        return category[len("text:") :]
    return catalog(name).label(category)


def render_csv(cells: Sequence[Cell], threshold: int, delimiter: str = ";") -> str:
    """CSV for German Excel (see `csv_export`), one row per cell; masked values as ``x``."""
    header = ["Ebene", "Name", "Kennzahl", "Kategorie", "Code", "Wert"]
    rows = (
        [
            c.scope,
            c.scope_name,
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
    lines = [
        f"Zeitraum: {format_date(period.start) or 'Anfang'} bis "
        f"{format_date(period.end) or 'heute'}; "
        f"Maskiert ({MASK}): Zellen unter {threshold} und so viele weitere, dass sich keine aus "
        "Summen errechnen oder auf weniger als drei Werte eingrenzen lässt."
    ]
    current: tuple[str, str] | None = None
    label = ""
    for c in cells:
        if (c.scope, c.scope_name) != current:
            current = (c.scope, c.scope_name)
            lines += ["", f"== {c.scope}: {c.scope_name} =="]
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
    out = ["Bedarf je Handlungsfeld (Mittel 0–3; ░ erste, █ letzte Bestandsaufnahme)"]
    from kim_tui.domain.catalogs import catalog

    for area in areas:
        name = catalog("priority_areas").label(area)[:28]
        for ind, ch in (("need_first", "░"), ("need_latest", "█")):
            total, n = sums.get((area, ind), [0, 0])
            mean = total / n if n else 0.0
            bar = f"{ch * round(mean * 10):<30} {mean:.1f}".replace(".", ",")
            out.append(f"  {name:<28} {bar}")
            name = ""
    return out


__all__ = [
    "INDICATORS",
    "Cell",
    "CoachRows",
    "Indicator",
    "Period",
    "compute",
    "render_csv",
    "render_json",
    "render_table",
]
