"""A merge travels to the coordinator (issue 11 § 5): after the next bundle the coordinator holds
one client with every case, the other as a tombstone pointing at it, and counts one person."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, select

from kim_tui.coordinator.importer import IMPORTED, import_files
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.domain import pseudonym as ps
from kim_tui.sync import coach_state as cs
from tests.sync.conftest import Coach


def _live(store: CoordinatorStore, table: str) -> list[dict[str, object]]:
    with store.session() as s:
        rows = s.exec(
            select(SyncRecord).where(SyncRecord.table == table, SyncRecord.deleted == False)  # noqa: E712
        ).all()
        return [{"_id": r.id, **json.loads(r.data)} for r in rows]


def _record(store: CoordinatorStore, table: str, rid: str) -> SyncRecord:
    with store.session() as s:
        row = s.get(SyncRecord, (next(iter(_coaches(store))), table, rid))
        assert row is not None
        return row


def _coaches(store: CoordinatorStore) -> set[str]:
    with store.session() as s:
        return {r.coach for r in s.exec(select(SyncRecord)).all()}


def test_a_merge_reaches_the_coordinator_as_one_person(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    survivor = coach.add_client(1, share=True)
    other = coach.add_client(2, share=False)
    first = coach.export(outbox).path
    assert [o.status for o in import_files(coordinator, [first])] == [IMPORTED]
    assert len(_live(coordinator, "client")) == 2

    coach.ws.merge_clients(survivor, other)
    second = coach.export(outbox, days=7).path
    outcomes = import_files(coordinator, [second])
    assert [o.status for o in outcomes] == [IMPORTED], outcomes

    with Session(coach.vault.engine) as s:  # the coach's pseudonym key, to name the clients
        key = cs.pseudonym_key(s)
    p_survivor, p_other = ps.pseudonym(key, survivor), ps.pseudonym(key, other)
    clients = _live(coordinator, "client")
    assert [c["_id"] for c in clients] == [p_survivor]
    tomb = _record(coordinator, "client", p_other)
    assert tomb.deleted and json.loads(tomb.data) == {"merged_into": p_survivor}
    # Every live case belongs to the survivor: the other's open case was folded into its case.
    cases = _live(coordinator, "case")
    assert {c["client_id"] for c in cases} == {p_survivor}
    assert len(cases) == 1
    folded = _record(coordinator, "case", coach.cases[other])
    assert folded.deleted
    # Nothing of the other file's case work is lost at the coordinator either.
    for table in ("assessment", "goalagreement", "referral", "contactnote"):
        rows = _live(coordinator, table)
        assert len(rows) == 2, table
        assert {r["case_id"] for r in rows} == {coach.cases[survivor]}, table
    residence = _live(coordinator, "residencerecord")
    assert len(residence) == 2 and {r["client_id"] for r in residence} == {p_survivor}


def test_only_a_client_tombstone_may_name_its_survivor() -> None:
    from kim_tui.sync import payload_schema as schema

    me, survivor = "p-" + "a" * 32, "p-" + "b" * 32

    def problem(table: str, rid: str, data: dict[str, object]) -> str | None:
        record = {"t": table, "id": rid, "rev": 3, "del": True, "data": data}
        found = schema.check_record(0, record)
        return None if found is None else found.problem

    assert problem("client", me, {"merged_into": survivor}) is None
    assert problem("client", me, {"merged_into": me}) == "zeigt auf sich selbst"
    assert problem("client", me, {"merged_into": "Öztürk"}) == "kein Pseudonym p-…"
    assert problem("client", me, {"merged_into": survivor, "x": 1}) == "Löschvermerk mit Daten"
    case_id = "0b3c9a2e-1d4f-4a5b-8c6d-7e8f9a0b1c2d"
    assert problem("case", case_id, {"merged_into": survivor}) == "Löschvermerk mit Daten"


def test_a_merge_erased_before_the_next_bundle_still_counts_the_person_once(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    """Merged, then erased before the next export: the merge's tombstones (emptied by the
    erasure) still travel, so the coordinator folds the second file's case away; the erasure
    keeps the person's one case in the counts without anything that identifies her."""
    survivor = coach.add_client(1, share=True)
    other = coach.add_client(2, share=False)
    first = coach.export(outbox).path
    assert [o.status for o in import_files(coordinator, [first])] == [IMPORTED]
    assert len(_live(coordinator, "case")) == 2

    coach.ws.merge_clients(survivor, other)
    coach.ws.erase_client(survivor, "Antrag der Klientin")
    second = coach.export(outbox, days=7).path
    assert [o.status for o in import_files(coordinator, [second])] == [IMPORTED]

    with Session(coach.vault.engine) as s:
        key = cs.pseudonym_key(s)
    p_survivor, p_other = ps.pseudonym(key, survivor), ps.pseudonym(key, other)
    assert len(_live(coordinator, "case")) == 1
    tomb = _record(coordinator, "client", p_other)
    assert tomb.deleted and json.loads(tomb.data) == {"merged_into": p_survivor}
    (kept,) = _live(coordinator, "client")
    assert kept["_id"] == p_survivor and kept.get(ps.ERASED_FIELD) is True
    assert "Vorname001" not in json.dumps(kept)
