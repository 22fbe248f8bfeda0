"""A birth date known only in part (papers write 00.00.1990) is kept as written: the file,
the lists, a correction's history, a merge, a handover and the Art. 15 copy all say what is
known, and an older vault's clients stay known to the day."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kim_tui.domain.model import ClientDraft, IntakeDraft
from kim_tui.service.workspace import Workspace
from tests.conftest import FIXED_TODAY

D = date


@pytest.fixture
def ws(vault) -> Workspace:  # type: ignore[no-untyped-def]
    return Workspace(vault, today=lambda: FIXED_TODAY)


def _intake(ws: Workspace, family: str, born: date, known: str) -> tuple[str, str]:
    draft = ClientDraft("Sara", family, born, birth_precision=known)
    result: tuple[str, str] = ws.intake(IntakeDraft(draft, FIXED_TODAY))
    return result


def test_the_file_and_the_lists_show_the_date_as_written(ws: Workspace) -> None:
    client_id, _case = _intake(ws, "Ahmadi", D(1990, 1, 1), "year")
    assert ws.client_file(client_id).client.birth_precision == "year"
    (row,) = ws.caseload().items
    assert (row.birth_date, row.birth_precision) == (D(1990, 1, 1), "year")
    (listed,) = ws.clients()
    assert listed.birth_precision == "year"
    # The duplicate check still knows the placeholder; the candidate says what is known.
    (candidate,) = ws.find_duplicates(ClientDraft("Sara", "Ahmadi", D(1990, 1, 1)))
    assert candidate.birth_precision == "year"


def test_a_correction_to_the_exact_day_is_in_the_history(ws: Workspace) -> None:
    from kim_tui.domain.record_history import describe

    client_id, _case = _intake(ws, "Ahmadi", D(1990, 1, 1), "year")
    ws.update_client(client_id, ClientDraft("Sara", "Ahmadi", D(1990, 1, 1)))
    assert ws.client_file(client_id).client.birth_precision == "day"
    texts = [describe(change).sentence for change in ws.record_history(client_id)]
    assert (
        "Vom Geburtsdatum bekannt geändert: nur das Jahr (00.00.JJJJ) → Tag, Monat und Jahr"
        in texts
    )


def test_a_merge_tells_the_placeholder_from_the_exact_date(ws: Workspace) -> None:
    known, _ = _intake(ws, "Ahmadi", D(1990, 1, 1), "day")
    unknown, _ = _intake(ws, "Ahmady", D(1990, 1, 1), "year")
    differences = {d.field: (d.survivor, d.other) for d in ws.merge_differences(known, unknown)}
    assert differences["birth_date"] == ("01.01.1990", "00.00.1990")
    ws.merge_clients(known, unknown, frozenset({"birth_date"}))
    assert ws.client_file(known).client.birth_precision == "year"


def test_the_art_15_copy_says_what_is_known(ws: Workspace, tmp_path: Path) -> None:
    from pypdf import PdfReader

    client_id, _case = _intake(ws, "Ahmadi", D(1990, 1, 1), "year")
    pdf, copy = ws.write_subject_access(client_id, str(tmp_path))
    client = json.loads(Path(copy).read_text(encoding="utf-8"))["client"]
    assert (client["birth_date"], client["birth_date_known"]) == ("1990-01-01", "year")
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "geboren am 00.00.1990" in text and "01.01.1990" not in text
    assert "nur das Jahr" in text
