"""A store that already holds rows an earlier version let in still reports: each bad row is
left out and named, never a crash (issue: a 2026-02-30 date broke every report for good)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import col, select

from kim_tui.coordinator.importer import import_files
from kim_tui.coordinator.report import load_coach_rows
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.domain import report
from tests.sync.conftest import Coach


def spoil_stored_row(store: CoordinatorStore, table: str, field: str, raw_value: str) -> str:
    """Write a bad value into one stored document, as an earlier version could have: in a store
    from before the schema check was recorded per row (coordinator migration 0003)."""
    with store.session() as s:
        row = s.exec(
            select(SyncRecord).where(
                col(SyncRecord.table) == table, col(SyncRecord.deleted).is_(False)
            )
        ).first()
        assert row is not None
        data = json.loads(row.data)
        data[field] = "__BAD__"
        row.data = json.dumps(data).replace('"__BAD__"', raw_value)
        row.checked = False
        s.add(row)
        s.commit()
        return row.id


def test_report_leaves_out_bad_stored_rows_and_names_them(
    coordinator: CoordinatorStore, coach: Coach, outbox: Path
) -> None:
    coach.add_client(1, share=False)
    coach.add_client(2, share=True)
    import_files(coordinator, [coach.export(outbox).path])
    before = report.compute(load_coach_rows(coordinator), report.Period(None, None), 5)
    bad_case = spoil_stored_row(coordinator, "case", "first_contact_on", '"2026-02-30"')
    bad_contact = spoil_stored_row(coordinator, "contactnote", "minutes", "NaN")

    skipped: list[str] = []
    rows = load_coach_rows(coordinator, skipped)
    cells = report.compute(rows, report.Period(None, None), 5)

    assert len(skipped) == 2
    assert any(bad_case[:12] in line and "first_contact_on" in line for line in skipped)
    assert any(bad_contact[:12] in line for line in skipped)
    kept = {r["_id"] for coach_rows in rows for table in coach_rows.rows.values() for r in table}
    assert bad_case not in kept and bad_contact not in kept
    assert cells and len(before) >= 1


def test_a_bad_stored_row_is_checked_once_and_still_named_in_every_report(
    coordinator: CoordinatorStore, coach: Coach, outbox: Path
) -> None:
    coach.add_client(1, share=True)
    import_files(coordinator, [coach.export(outbox).path])
    bad_case = spoil_stored_row(coordinator, "case", "first_contact_on", '"2026-02-30"')
    load_coach_rows(coordinator, [])

    with coordinator.session() as s:
        rows = s.exec(select(SyncRecord)).all()
    assert all(r.checked for r in rows)
    assert [r.id for r in rows if r.problem] == [bad_case]
    skipped: list[str] = []
    load_coach_rows(coordinator, skipped)
    assert len(skipped) == 1 and bad_case[:12] in skipped[0]
