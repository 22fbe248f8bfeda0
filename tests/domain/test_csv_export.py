"""Every CSV kim writes: formula cells inert, UTF-8 with BOM, ``;`` by default (pure)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from kim_tui.domain.csv_export import BOM, FORMULA_TRIGGERS, csv_bytes, csv_text, neutralise
from kim_tui.domain.csv_import import COLUMNS, template_csv
from kim_tui.domain.report import CoachRows, Period, compute, render_csv

HOSTILE = '=HYPERLINK("http://x","y")'


def _read(data: bytes, delimiter: str = ";") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("first", FORMULA_TRIGGERS)
def test_every_formula_trigger_gets_an_apostrophe(first: str) -> None:
    assert neutralise(f"{first}1+1") == f"'{first}1+1"


def test_plain_text_and_numbers_stay_as_they_are() -> None:
    assert neutralise("Caritas") == "Caritas"
    assert neutralise("<5") == "<5"
    assert neutralise("'=already") == "'=already"
    # Numbers computed by kim stay numbers, a negative one too; text that looks like one is text.
    rows = _read(csv_bytes([[-3, 2.5, None, "-3", True]]))
    assert rows == [["-3", "2.5", "", "'-3", "True"]]


def test_bom_semicolon_crlf_and_umlauts_round_trip() -> None:
    data = csv_bytes([["Straße", "Müller; Öz"], ["Äußeres", 'Zitat "x"']])
    assert data.startswith("\ufeff".encode())
    assert b"\r\n" in data and data.count(b";") == 3  # one separator a row, one inside quotes
    assert _read(data) == [["Straße", "Müller; Öz"], ["Äußeres", 'Zitat "x"']]
    assert _read(csv_bytes([["a", "b,c"]], ","), ",") == [["a", "b,c"]]
    assert csv_text([["x"]]).startswith(BOM)
    with pytest.raises(ValueError):
        csv_text([["x"]], "\t")


def _hostile_coach() -> CoachRows:
    rows: dict[str, list[dict[str, Any]]] = {"client": [], "case": []}
    for i in range(6):
        rows["client"].append(
            {
                "_id": f"c{i}",
                "_rev": 1,
                "gender": "-x",
                "nationality": "@SUM(A1)",
                "birth_year": 1990,
            }
        )
        rows["case"].append(
            {
                "_id": f"k{i}",
                "_rev": 1,
                "client_id": f"c{i}",
                "first_contact_on": "2026-02-01",
                "closed_on": "2026-03-01",
                "closure_reason": "+cmd|' /C calc'!A0",
                "target_groups": [],
            }
        )
    return CoachRows("\tAnna", HOSTILE, rows)


@pytest.mark.parametrize("delimiter", [";", ","])
def test_report_with_a_hostile_organisation_and_codes_is_inert(delimiter: str) -> None:
    cells = compute([_hostile_coach()], Period(), 5)
    data = render_csv(cells, 5, delimiter).encode("utf-8")
    rows = _read(data, delimiter)
    assert rows[0] == ["Ebene", "Name", "Kennzahl", "Kategorie", "Code", "Wert"]
    cells_out = [cell for row in rows[1:] for cell in row]
    assert f"'{HOSTILE}" in cells_out and "'\tAnna" in cells_out
    assert "'-x" in cells_out and "'+cmd|' /C calc'!A0" in cells_out
    assert any(cell.startswith("'@SUM") for cell in cells_out)
    assert not [cell for cell in cells_out if cell.startswith(FORMULA_TRIGGERS)]


@pytest.mark.parametrize("delimiter", [";", ","])
def test_template_is_a_kim_csv(delimiter: str) -> None:
    assert _read(template_csv(delimiter), delimiter) == [[c.header for c in COLUMNS]]
