"""The correction history in words, in German and English."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kim_tui.domain.model import RecordChangeView
from kim_tui.domain.record_history import describe

AT = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


def _change(entity: str, field: str, old: str, new: str = "", **kw: str) -> RecordChangeView:
    return RecordChangeView(
        at=AT,
        revision=7,
        entity=entity,
        entity_id="e1",
        case_id=None,
        field=field,
        old_value=old,
        new_value=new,
        kind=kw.get("kind", "changed"),
        reason=kw.get("reason", ""),
        by="",
    )


def test_a_changed_field_names_old_and_new_value() -> None:
    change = _change("client", "address", "Alte Str. 1", "Neue Str. 2")
    assert describe(change).sentence == "Adresse geändert: Alte Str. 1 → Neue Str. 2"
    assert describe(change, "en").sentence == "Address changed: Alte Str. 1 → Neue Str. 2"


def test_values_are_shown_as_the_file_shows_them() -> None:
    assert describe(_change("contactnote", "on", "2026-11-03", "2026-11-04")).detail == (
        "03.11.2026 → 04.11.2026"
    )
    assert describe(_change("residencerecord", "status", "duldung", "ae_25b")).sentence == (
        "Aufenthaltsstatus geändert: Duldung → AE § 25b"
    )
    nationality = describe(_change("client", "nationality", "SYR", "IRQ")).detail
    assert nationality.startswith("Syrien") and nationality.endswith("→ Irak")
    assert describe(_change("goal", "status", "open", "achieved")).headline == "Zielstatus geändert"


def test_a_note_written_later_reads_as_the_note() -> None:
    change = _change("followup", "done_note", "", "Termin fand statt")
    assert describe(change).sentence == "Notiz zur Erledigung: Termin fand statt"


def test_a_deleted_entry_is_named_by_its_date_with_the_reason() -> None:
    snapshot = json.dumps({"on": "2026-11-03", "kind": "phone", "note": "x"})
    change = _change(
        "contactnote", "", snapshot, kind="deleted", reason="Bei falscher Person erfasst."
    )
    assert describe(change).sentence == (
        "Kontakt vom 03.11.2026 gelöscht: Bei falscher Person erfasst."
    )
    assert describe(change, "en").headline == "Contact of 03.11.2026 deleted"


def test_an_odd_stored_value_is_shown_as_it_is() -> None:
    assert describe(_change("contactnote", "on", "kein Datum", "")).detail == "kein Datum"
