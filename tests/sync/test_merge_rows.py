"""The coordinator's merge, row by row: what it counts and what it keeps of each record."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import select

from kim_tui.coordinator.importer import merge_bundle
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.sync import bundle_format as bf

COACH = "ab" * 32


def _header(seq: int) -> bf.BundleHeader:
    return bf.BundleHeader(
        coach=COACH, seq=seq, rev_after=0, rev_upto=100, week="2026-W50",
        created_at="2026-12-07T10:00:00Z", counts={}, recipient="", nonce="00" * 16, prev=None,
    )  # fmt: skip


def _merge(store: CoordinatorStore, seq: int, records: list[dict[str, Any]]) -> dict[str, int]:
    with store.session() as s:
        counts = merge_bundle(s, _header(seq), records)
        s.commit()
    return counts


def _rows(store: CoordinatorStore) -> dict[str, SyncRecord]:
    with store.session() as s:
        return {r.id: r for r in s.exec(select(SyncRecord)).all()}


def _contact(rid: str, rev: int, note: str, *, deleted: bool = False) -> dict[str, Any]:
    return {"t": "contact", "id": rid, "rev": rev, "del": deleted, "data": {"note": note}}


def test_newer_revisions_win_and_older_ones_change_nothing(
    coordinator: CoordinatorStore,
) -> None:
    first = _merge(coordinator, 1, [_contact("c1", 1, "eins"), _contact("c2", 2, "zwei")])
    assert (first["new"], first["updated"], first["unchanged"]) == (2, 0, 0)

    second = _merge(
        coordinator,
        2,
        [_contact("c1", 3, "neu"), _contact("c2", 1, "alt"), _contact("c3", 4, "x", deleted=True)],
    )

    assert (second["new"], second["updated"], second["unchanged"], second["deleted"]) == (
        0,
        1,
        1,
        1,
    )
    rows = _rows(coordinator)
    assert json.loads(rows["c1"].data) == {"note": "neu"}
    assert (rows["c1"].revision, rows["c1"].bundle_seq, rows["c1"].first_seq) == (3, 2, 1)
    assert json.loads(rows["c2"].data) == {"note": "zwei"}
    assert (rows["c2"].revision, rows["c2"].bundle_seq) == (2, 1)
    # A tombstone keeps nothing of the document.
    assert rows["c3"].deleted and json.loads(rows["c3"].data) == {}
    assert all(r.checked and r.problem is None for r in rows.values())


def test_a_record_twice_in_one_bundle_keeps_its_newer_state(
    coordinator: CoordinatorStore,
) -> None:
    counts = _merge(
        coordinator,
        1,
        [_contact("c1", 2, "neu"), _contact("c1", 1, "alt"), _contact("c1", 3, "neuer")],
    )

    assert (counts["new"], counts["unchanged"], counts["updated"]) == (1, 1, 1)
    row = _rows(coordinator)["c1"]
    assert (row.revision, json.loads(row.data)) == (3, {"note": "neuer"})


def test_a_stored_row_found_bad_is_replaced_and_trusted_again(
    coordinator: CoordinatorStore,
) -> None:
    _merge(coordinator, 1, [_contact("c1", 1, "eins")])
    with coordinator.session() as s:
        row = s.exec(select(SyncRecord)).one()
        row.checked, row.problem = True, "kaputt"
        s.add(row)
        s.commit()

    _merge(coordinator, 2, [_contact("c1", 2, "zwei")])

    row = _rows(coordinator)["c1"]
    assert row.checked and row.problem is None and row.first_seq == 1


def test_a_stored_document_is_exactly_the_data_as_json_dumps_writes_it(
    coordinator: CoordinatorStore,
) -> None:
    """The merge writes documents with an encoder made once; the text is the same as ever."""
    data: dict[str, Any] = {
        "note": 'Öztürk "zitiert"\n\t\\ é 😀 \u2028',
        "z": [3, -1, None, True, False, [], {}],
        "a": {"y": 10**30, "b": "p-" + "0" * 32},
        "n": 12,
    }
    _merge(coordinator, 1, [_contact("c1", 1, "x") | {"data": data}])
    assert _rows(coordinator)["c1"].data == json.dumps(data, sort_keys=True, ensure_ascii=False)
