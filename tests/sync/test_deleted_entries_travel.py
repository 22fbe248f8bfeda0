"""A deleted entry reaches the coordinator as a tombstone in the next weekly bundle and drops
out of what the coordinator counts; a correction travels as the corrected record."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select

from kim_tui.coordinator.importer import import_files
from kim_tui.coordinator.report import load_coach_rows
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.domain.model import ContactDraft, EntryKind
from kim_tui.sync import bundle_format as bf
from tests.sync.conftest import Coach


def _stored(store: CoordinatorStore, table: str) -> dict[str, SyncRecord]:
    with store.session() as s:
        return {r.id: r for r in s.exec(select(SyncRecord).where(SyncRecord.table == table)).all()}


def test_deleted_contact_and_referral_travel_as_tombstones(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    client_id = coach.add_client(1, share=False)
    case_id = coach.cases[client_id]
    file = coach.ws.client_file(client_id)
    first = coach.export(outbox).path
    contact, referral = file.contacts[0], file.referrals[0]
    coach.ws.correct_contact(
        contact.id, ContactDraft(case_id, contact.on, "phone", 90, "korrigiert")
    )
    coach.ws.delete_entry(EntryKind.REFERRAL, referral.id, "Doppelt erfasst, gleiche Stelle.")
    second = coach.export(outbox, days=7).path
    counts = bf.parse(second.read_bytes()).header.counts
    assert counts["referral"] == 1 and counts["contactnote"] == 1

    import_files(coordinator, [first, second])
    referrals = _stored(coordinator, "referral")
    assert referrals[referral.id].deleted and referrals[referral.id].data == "{}"
    contacts = _stored(coordinator, "contactnote")
    assert json.loads(contacts[contact.id].data)["minutes"] == 90
    # The report counts live records only: the deleted referral is no longer one of them.
    (rows,) = load_coach_rows(coordinator)
    assert [r["_id"] for r in rows.rows.get("referral", [])] == []
    assert [r["_id"] for r in rows.rows["contactnote"]] == [contact.id]
