"""Report definitions and small-cell suppression (pure)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest

from kim_tui.domain.report import (
    INDICATORS,
    CoachRows,
    Period,
    compute,
    render_csv,
    render_json,
    render_table,
)


def _coach(name: str, org: str, n: int, *, closed: int = 0) -> CoachRows:
    rows: dict[str, list[dict[str, Any]]] = {
        t: []
        for t in (
            "client",
            "case",
            "assessment",
            "arearating",
            "residencerecord",
            "contactnote",
            "referral",
        )
    }
    for i in range(n):
        cid, kid, aid = f"{name}c{i}", f"{name}k{i}", f"{name}a{i}"
        rows["client"].append(
            {
                "_id": cid,
                "_rev": 1,
                "gender": "f" if i % 2 else "m",
                "nationality": "SYR",
                "birth_year": 1990,
            }
        )
        rows["case"].append(
            {
                "_id": kid,
                "_rev": 1,
                "client_id": cid,
                "first_contact_on": "2026-02-01",
                "closed_on": "2026-03-01" if i < closed else None,
                "closure_reason": "goals_reached" if i < closed else None,
                "target_groups": ["catch_up"],
                "themes": [],
            }
        )
        rows["assessment"].append(
            {"_id": aid, "_rev": 1, "case_id": kid, "assessed_on": "2026-02-02"}
        )
        rows["arearating"].append(
            {"_id": f"{aid}r", "_rev": 1, "assessment_id": aid, "area": "housing", "level": 3}
        )
        rows["residencerecord"].append(
            {"_id": f"{cid}r1", "_rev": 1, "client_id": cid, "status": "duldung"}
        )
        if i % 3 == 0:
            rows["residencerecord"].append(
                {"_id": f"{cid}r2", "_rev": 2, "client_id": cid, "status": "ae_25b"}
            )
        rows["contactnote"].append(
            {
                "_id": f"{kid}n",
                "_rev": 1,
                "case_id": kid,
                "on": "2026-02-10",
                "kind": "phone",
                "minutes": 30,
            }
        )
    return CoachRows(name, org, rows)


def _cells(
    coaches: list[CoachRows], threshold: int = 5, period: Period | None = None
) -> dict[tuple[str, str, str, str], Any]:
    cells = compute(coaches, period or Period(), threshold)
    return {(c.scope, c.scope_name, c.indicator, c.category): c for c in cells}


def test_indicators_are_unique_data() -> None:
    names = [i.name for i in INDICATORS]
    assert len(names) == len(set(names)) and "need_first" in names


def test_counts_per_coach_organisation_total() -> None:
    cells = _cells(
        [
            _coach("A", "Caritas", 6),
            _coach("B", "Caritas", 6, closed=6),
            _coach("C", "Diakonie", 10),
        ]
    )
    assert cells[("Gesamt", "alle", "cases_active", "gesamt")].value == 22
    assert cells[("Organisation", "Caritas", "cases_opened", "gesamt")].value == 12
    assert cells[("Coach", "B", "cases_closed", "goals_reached")].value == 6
    assert cells[("Gesamt", "alle", "residence_changes", "duldung → ae_25b")].value == 2 + 2 + 4
    assert cells[("Gesamt", "alle", "need_latest", "housing: Stufe 3")].value == 22
    assert cells[("Gesamt", "alle", "contact_hours", "phone")].display(5) == "11,0"


def test_small_cells_are_masked_everywhere() -> None:
    coaches = [_coach("A", "Caritas", 6), _coach("B", "Diakonie", 3)]
    cells = compute(coaches, Period(), 5)
    small = [c for c in cells if c.scope_name == "B" and c.indicator == "cases_active"]
    assert small and all(c.masked for c in small)
    # Shown as "x" like every masked cell: "<5" would publish an upper bound (issue #13).
    assert ";x\r\n" in render_csv(cells, 5)
    assert re.search(r" x$", render_table(cells, 5, Period()), re.MULTILINE)
    assert '"value": "x"' in render_json(cells, 5, Period())
    doc = json.loads(render_json(cells, 5, Period()))
    for cell in doc["cells"]:
        if cell["name"] == "B":
            assert cell["value"] == "x" or cell["value"] >= 5 or cell["value"] == 0
    # Hours are masked by the number of contacts they sum over.
    hours = [c for c in cells if c.scope_name == "B" and c.indicator == "contact_hours"]
    assert hours and all(c.masked for c in hours)


def test_period_filters() -> None:
    cells = _cells([_coach("A", "X", 6, closed=6)], period=Period(date(2026, 4, 1), None))
    assert ("Coach", "A", "cases_active", "gesamt") not in cells
    cells = _cells(
        [_coach("A", "X", 6, closed=6)], period=Period(date(2026, 2, 15), date(2026, 2, 20))
    )
    assert cells[("Coach", "A", "cases_active", "gesamt")].value == 6
    assert ("Coach", "A", "cases_opened", "gesamt") not in cells


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError):
        compute([], Period(), 0)


def test_table_has_need_chart() -> None:
    cells = compute([_coach("A", "X", 6)], Period(), 5)
    assert "Bedarf je Handlungsfeld" in render_table(cells, 5, Period())


def _derivable(cells: list[Any]) -> list[str]:
    """Masked cells a reader can work out from what is shown: a group whose values add up to
    a known sum with exactly one masked member (the attack complementary masking prevents)."""
    found = []
    by_key = {(c.scope, c.scope_name, c.indicator, c.category): c for c in cells}
    # Clients by gender add up to the clients opened (every test client has a gender).
    for c in cells:
        if c.indicator != "cases_opened" or c.masked:
            continue
        parts = [
            x
            for x in cells
            if (x.scope, x.scope_name, x.indicator) == (c.scope, c.scope_name, "gender")
        ]
        if sum(p.masked for p in parts) == 1:
            found.append(f"gender of {c.scope_name}")
    # Coaches add up to their organisation, organisations to the total.
    orgs = {"A": "Caritas", "B": "Caritas", "C": "Diakonie"}
    for (scope, name, indicator, category), cell in by_key.items():
        if scope == "Organisation" and not cell.masked:
            parts = [
                by_key[k]
                for k in by_key
                if k[0] == "Coach" and orgs.get(k[1]) == name and k[2:] == (indicator, category)
            ]
            if sum(p.masked for p in parts) == 1:
                found.append(f"{indicator}/{category} of a coach in {name}")
    return found


def test_a_lone_masked_cell_is_not_left_derivable() -> None:
    """Caritas: A with 10 clients, B with 3 (masked); Diakonie: C with 9 (4 women: masked).
    Without complementary masking B = Caritas − A and C's women = C's clients − C's men."""
    coaches = [_coach("A", "Caritas", 10), _coach("B", "Caritas", 3), _coach("C", "Diakonie", 9)]
    cells = compute(coaches, Period(), 5)
    assert _derivable(cells) == []
    by_key = {(c.scope, c.scope_name, c.indicator, c.category): c for c in cells}
    assert by_key[("Coach", "B", "cases_opened", "gesamt")].masked  # primary (3 < 5)
    assert by_key[("Coach", "C", "gender", "f")].masked  # primary (4 < 5)
    # … and their complements: A's cases (or Caritas'), C's men.
    assert (
        by_key[("Coach", "A", "cases_opened", "gesamt")].masked
        or by_key[("Organisation", "Caritas", "cases_opened", "gesamt")].masked
    )
    assert by_key[("Coach", "C", "gender", "m")].masked
    # Large figures stay visible.
    assert not by_key[("Gesamt", "alle", "cases_opened", "gesamt")].masked
    assert by_key[("Gesamt", "alle", "cases_opened", "gesamt")].display(5) == "22"
    # Same input, same masking (the choice does not depend on order or chance).
    again = compute(list(reversed(coaches)), Period(), 5)
    assert {c for c in cells if c.masked} == {c for c in again if c.masked}


def test_need_levels_are_protected_per_area() -> None:
    """Every area's levels add up to the assessed cases: one masked level in an area would be
    that number minus the area's visible levels."""
    coach = _coach("A", "X", 12)
    for i, rating in enumerate(coach.rows["arearating"]):
        rating["level"] = 3 if i < 2 else 2  # housing: 2 × level 3 (masked), 10 × level 2
    cells = compute([coach], Period(), 5)
    housing = [
        c
        for c in cells
        if (c.scope, c.indicator) == ("Coach", "need_latest") and c.category.startswith("housing")
    ]
    assert sum(c.masked for c in housing) != 1
    level2 = next(c for c in housing if c.category.endswith("Stufe 2"))
    assert level2.masked and level2.secondary and level2.display(5) == "x"  # complementary: 10


def test_small_and_complementary_cells_look_the_same() -> None:
    """Both are "x": a "<5" would tell a reader the cell is at most 4 (issue #13)."""
    cells = compute([_coach("C", "Diakonie", 9)], Period(), 5)
    by_key = {(c.scope, c.scope_name, c.indicator, c.category): c for c in cells}
    women, men = by_key[("Coach", "C", "gender", "f")], by_key[("Coach", "C", "gender", "m")]
    assert not women.secondary and men.secondary
    assert (women.display(5), men.display(5)) == ("x", "x")
    assert "<5" not in render_json(cells, 5, Period())
    assert "Maskiert (x): Zellen unter 5 und so viele weitere" in render_table(cells, 5, Period())


def test_masked_cells_of_a_group_add_up_to_at_least_the_threshold() -> None:
    """12 clients: 10 Syrian, 1 Afghan, 1 Iraqi. With only the two small cells masked, 12 − 10
    = 2 for two listed (so non-empty) cells: both are 1. The 10 is masked as well."""
    coach = _coach("A", "X", 12)
    coach.rows["client"][0]["nationality"] = "AFG"
    coach.rows["client"][1]["nationality"] = "IRQ"
    cells = compute([coach], Period(), 5)
    nationality = {
        c.category: c for c in cells if (c.scope, c.indicator) == ("Coach", "nationality")
    }
    assert nationality["AFG"].masked and nationality["IRQ"].masked
    assert nationality["SYR"].masked and nationality["SYR"].display(5) == "x"


def test_masked_cells_of_a_group_leave_each_three_values() -> None:
    """12 clients: 8 Syrian, 1 each from four other countries. The four small cells add up to
    5 (the threshold), but four cells of at least 1 summing to 5 are each 1 or 2. The group's
    masked cells must add up to their number plus two: the 8 is masked as well."""
    coach = _coach("A", "X", 12)
    for i, nation in enumerate(("AFG", "IRQ", "ERI", "TUR", "TUR")):
        coach.rows["client"][i]["nationality"] = nation
    cells = compute([coach], Period(), 5)
    nationality = {
        c.category: c for c in cells if (c.scope, c.indicator) == ("Coach", "nationality")
    }
    assert [nationality[n].secondary for n in ("AFG", "IRQ", "ERI", "TUR", "SYR")] == [
        False,
        False,
        False,
        False,
        True,
    ]


def test_table_header_gives_the_period_as_tt_mm_jjjj() -> None:
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    cells = compute([_coach("C", "Diakonie", 9)], period, 5)
    assert render_table(cells, 5, period).startswith("Zeitraum: 01.11.2026 bis 30.11.2026;")
    assert render_table(cells, 5, Period()).startswith("Zeitraum: Anfang bis heute;")


def test_the_report_reads_english_with_english_chosen(english: None) -> None:
    """`kim --lang en coordinator report` and the coordinator app's report tab: labels,
    scopes, categories, the header and the chart in English; codes unchanged in CSV and JSON."""
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    coaches = [_coach("A", "Caritas", 6), _coach("C", "Diakonie", 10)]
    cells = compute(coaches, Period(), 5)
    table = render_table(cells, 5, period)
    assert table.startswith("Period: 01.11.2026 to 30.11.2026; masked (x): cells under 5")
    assert "== Total: all ==" in table and "== Organisation: Caritas ==" in table
    assert "  Cases opened\n    total " in table
    assert "Need per priority area, latest assessment" in table
    assert "    housing: level 3 " in table
    assert "Need per priority area (mean 0–3; ░ first, █ latest assessment)" in table
    german = ("Zeitraum", "Gesamt", "Fälle", "Bedarf", "Stufe", "gesamt", "ohne Angabe", "Wohnen")
    for word in german:
        assert word not in table, word
    hours = next(c for c in cells if c.indicator == "contact_hours" and not c.masked)
    assert hours.display(5) == f"{hours.value / 60:.1f}"  # 11.0, not 11,0

    csv_lines = render_csv(cells, 5).splitlines()
    assert csv_lines[0] == "\ufeffLevel;Name;Indicator;Category;Code;Value"
    assert any(line.startswith("Total;all;Cases opened;total;gesamt;") for line in csv_lines)
    document = json.loads(render_json(cells, 5, period))
    first = document["cells"][0]
    assert first["label"] == "Cases opened" and first["indicator"] == "cases_opened"
    assert first["category"] == "gesamt"  # the code stays


def test_every_indicator_has_a_label_in_both_languages() -> None:
    from kim_tui.domain.catalogs import catalog

    labels = catalog("report_indicators")
    for indicator in INDICATORS:
        entry = labels.get(indicator.name)
        assert entry is not None and entry.de and entry.en, indicator.name
    assert INDICATORS[0].label == "Fälle eröffnet"  # German by default
