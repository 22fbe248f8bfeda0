"""The report projection of imported records is written by the importer (coordinator migration
0005), not by the insert triggers: it must be exactly what the triggers made, value for value
(`quote()` tells 1 from 1.0 from '1'), with the record's rowid as ``seq``."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, text

from kim_tui.coordinator import merge
from kim_tui.coordinator.importer import import_files
from kim_tui.coordinator.projection import FIELDS, report_values
from kim_tui.coordinator.report import load_coach_rows, report_cells
from kim_tui.coordinator.store import MIGRATIONS, REPORT_KEYS, REPORT_WATCHED, CoordinatorStore
from kim_tui.domain import report
from kim_tui.sync import bundle_format as bf
from tests.conftest import FAST_KDF_KIB, PASSPHRASE
from tests.coordinator.report_stores import random_store
from tests.sync.conftest import Coach


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[CoordinatorStore]]:
    """Two stores: one filled by the triggers, one by the importer's merge."""
    opened = []
    for name in ("triggers", "merge"):
        directory = tmp_path_factory.mktemp("projection") / name
        store, _rk = CoordinatorStore.create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
        opened.append(store)
    yield opened
    for store in opened:
        store.close()


def _columns(table: str) -> list[str]:
    return ["id", "coach", "revision", "seq", *FIELDS[table]]


def _projection(conn: Connection, table: str, *, seq: bool = True) -> list[tuple[Any, ...]]:
    """The projection's rows with each coach's number read back as its fingerprint (numbers
    are the store's own: two stores number the same coaches in the order they came)."""
    columns = [c for c in _columns(table) if seq or c != "seq"]
    quoted = ", ".join(
        "quote(k.fingerprint)" if c == "coach" else f'quote(p."{c}")' for c in columns
    )
    key = ", ".join(
        "k.fingerprint" if c == "coach" else f'p."{c}"'
        for c in REPORT_KEYS.get(table, ("id", "coach"))
    )
    sql = (
        f"SELECT {quoted} FROM coord_report_{table} p "
        f"JOIN coord_report_coach k ON k.number = p.coach ORDER BY {key}"
    )
    rows = [tuple(row) for row in conn.execute(text(sql))]
    # Every row's coach has a number (the join lost none).
    assert len(rows) == conn.execute(text(f"SELECT count(*) FROM coord_report_{table}")).scalar()
    return rows


def _rebuilt(conn: Connection, table: str) -> list[tuple[Any, ...]]:
    """The projection as migration 0004 fills it from the stored records."""
    extracted = ", ".join(f"quote(json_extract(data, '$.{f}'))" for f in FIELDS[table])
    # The projection's key (its order) with the fields read from the document.
    key = ", ".join(
        c if c in ("id", "coach") else f"json_extract(data, '$.{c}')"
        for c in REPORT_KEYS.get(table, ("id", "coach"))
    )
    sql = (
        f"SELECT quote(id), quote(coach), quote(revision), quote(rowid), {extracted} "
        f"FROM coord_record WHERE \"table\" = '{table}' AND deleted = 0 AND checked = 1 "
        f"AND problem IS NULL ORDER BY {key}"
    )
    return [tuple(row) for row in conn.execute(text(sql))]


def _shared(conn: Connection) -> set[tuple[str, str]]:
    return {(t, i) for t, i in conn.execute(text('SELECT "table", id FROM coord_report_shared'))}


def _assert_rebuilt(store: CoordinatorStore) -> int:
    """The store's projection equals a full rebuild from its records; the number of rows."""
    rows = 0
    with store.engine.connect() as conn:
        for table in FIELDS:
            projected = _projection(conn, table)
            assert projected == _rebuilt(conn, table), table
            rows += len(projected)
        assert conn.execute(text("SELECT count(*) FROM coord_import_projecting")).scalar() == 0
    return rows


def _header(coach: str, seq: int) -> bf.BundleHeader:
    return bf.BundleHeader(coach, seq, 0, 0, "2026-W01", "2026-01-01T00:00:00Z", {}, "", "", None)


def _bundles(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The rows of `random_store` as one bundle's records per coach."""
    records: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        data = json.loads(row["d"])
        records.setdefault(row["c"], []).append(
            {"t": row["t"], "id": row["i"], "rev": row["r"], "del": bool(row["del"]), "data": data}
        )
    return records


def _empty(store: CoordinatorStore) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM coord_record"))
        conn.execute(text("DELETE FROM coord_report_shared"))


@pytest.mark.parametrize("seed", range(12))
def test_merged_records_are_projected_as_the_triggers_project_them(
    stores: list[CoordinatorStore], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_triggers, by_merge = stores
    for store in stores:
        _empty(store)
    random_store(by_triggers, seed)
    with by_triggers.engine.connect() as conn:
        rows = [
            {"c": c, "t": t, "i": i, "r": r, "del": d, "d": data}
            for c, t, i, r, d, data in conn.execute(
                text(
                    'SELECT coach, "table", id, revision, deleted, data FROM coord_record '
                    "WHERE checked = 1 AND problem IS NULL ORDER BY rowid"
                )
            )
        ]
    monkeypatch.setattr(merge, "CHUNK", 7)  # many chunks, rowids continued across them
    with by_merge.engine.begin() as conn:
        for coach, records in _bundles(rows).items():
            merge.merge_records(conn, _header(coach, 1), [merge.payload_row(r) for r in records])
    assert _assert_rebuilt(by_merge) == _assert_rebuilt(by_triggers)
    with by_triggers.engine.connect() as a, by_merge.engine.connect() as b:
        for table in FIELDS:
            # The rowids follow each store's order of writing; everything else is the same.
            assert _projection(a, table, seq=False) == _projection(b, table, seq=False), table
        assert _shared(a) == _shared(b)


def test_updates_tombstones_and_revisions_kept_in_one_bundle_and_the_next(
    stores: list[CoordinatorStore],
) -> None:
    _unused, store = stores
    _empty(store)
    coach, other = "a" * 64, "b" * 64
    client, case = "p-" + "1" * 32, "00000000-0000-4000-8000-000000000001"
    contacts = [f"00000000-0000-4000-8000-{i:012d}" for i in range(2, 8)]

    def contact(cid: str, rev: int, kind: str, on: str, **extra: Any) -> dict[str, Any]:
        data = {"case_id": case, "on": on, "kind": kind, "minutes": 30, **extra}
        return {"t": "contactnote", "id": cid, "rev": rev, "del": False, "data": data}

    first = [
        {"t": "client", "id": client, "rev": 1, "del": False, "data": {"gender": "f"}},
        {
            "t": "case",
            "id": case,
            "rev": 2,
            "del": False,
            "data": {"client_id": client, "target_groups": ["a", 'ä "b"'], "themes": []},
        },
        *(contact(cid, 3, "phone", "2026-01-05") for cid in contacts),
        contact(contacts[0], 4, "in_person", "2026-01-06"),  # twice in one bundle: newer wins
        contact(contacts[1], 2, "digital", "2026-01-07"),  # twice: older, kept out
    ]
    with store.engine.begin() as conn:
        merge.merge_records(conn, _header(coach, 1), [merge.payload_row(r) for r in first])
        # Another coach's client with the same pseudonym: noted as shared.
        again = [{"t": "client", "id": client, "rev": 1, "del": False, "data": {"gender": "m"}}]
        merge.merge_records(conn, _header(other, 1), [merge.payload_row(r) for r in again])
    assert _assert_rebuilt(store) == 9
    with store.engine.connect() as conn:
        assert _shared(conn) == {("client", client)}
        kinds = conn.execute(
            text('SELECT kind, "on" FROM coord_report_contactnote WHERE id = :i'),
            {"i": contacts[0]},
        ).all()
        assert [tuple(k) for k in kinds] == [("in_person", "2026-01-06")]
    second = [
        contact(contacts[2], 5, "home_visit", "2026-02-01"),  # moves in the contacts' order
        {"t": "contactnote", "id": contacts[3], "rev": 5, "del": True, "data": {}},
        contact(contacts[4], 1, "digital", "2026-02-02"),  # older than the stored one
        contact("00000000-0000-4000-8000-000000000099", 6, "phone", "2026-02-03"),
    ]
    with store.engine.begin() as conn:
        merge.merge_records(conn, _header(coach, 2), [merge.payload_row(r) for r in second])
    assert _assert_rebuilt(store) == 9
    # A row written outside the merge is still projected by the triggers.
    with store.engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO coord_record (coach, "table", id, revision, deleted, data, '
                "bundle_seq, checked) VALUES (:c, 'goalagreement', :i, 1, 0, :d, 1, 1)"
            ),
            {"c": coach, "i": contacts[5], "d": json.dumps({"case_id": case})},
        )
    assert _assert_rebuilt(store) == 10


@pytest.mark.parametrize(
    "value",
    [
        None,
        "Zeichen ä ß \u00e9 \U0001f600",
        'quote " backslash \\ tab \t newline \n control \u001f',
        0,
        -3,
        2**63 - 1,
        -(2**63),
        1.5,
        100.0,
        True,
        False,
        [],
        ["a", 'b "c"', "ü", 1, None, True, 2.5],
        {"z": 1, "a": [1, {"y": None, "b": "x"}]},
    ],
)
def test_a_value_is_projected_as_json_extract_reads_it(
    stores: list[CoordinatorStore], value: Any
) -> None:
    # The stored document has the form the merge writes (sorted keys, no ASCII escapes). The
    # schema bounds every integer a checked record holds (none beyond 64 bits).
    data = {"gender": value, "nationality": "SYR"}
    document = json.dumps(data, sort_keys=True, ensure_ascii=False)
    values = report_values("client", data)
    assert values is not None
    with stores[0].engine.connect() as conn:
        extracted = conn.execute(
            text("SELECT quote(json_extract(:d, '$.gender')), quote(json_extract(:d, '$.x'))"),
            {"d": document},
        ).one()
        projected = conn.execute(
            text("SELECT quote(:v), quote(:m)"), {"v": values[0], "m": values[3]}
        ).one()
    assert tuple(projected) == tuple(extracted)


def test_watched_tables_are_the_ones_with_projection_rows() -> None:
    assert set(REPORT_WATCHED) <= set(FIELDS)
    assert report_values("consent", {"purpose": "x"}) is None


def test_real_imports_leave_the_projection_a_rebuild_would_make(
    coordinator: CoordinatorStore, coach: Coach, outbox: Path
) -> None:
    rng = random.Random(5)
    for i in range(1, 7):
        coach.add_client(i, share=rng.random() < 0.5)
    assert import_files(coordinator, [coach.export(outbox).path])[0].status == "imported"
    first = _assert_rebuilt(coordinator)
    assert first > 0
    for client_id in list(coach.cases)[:2]:
        coach.tombstone_client(client_id)
    coach.add_client(8, share=True)
    assert import_files(coordinator, [coach.export(outbox).path])[0].status == "imported"
    assert _assert_rebuilt(coordinator) > 0


def _migrate(store: CoordinatorStore, revision: str) -> None:
    with store.engine.begin() as conn:
        config = MIGRATIONS._config(conn)
        if revision == "head":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)


def _assert_fingerprints_projected(store: CoordinatorStore) -> None:
    """Before migration 0006: the projection names coaches by fingerprint, as a rebuild does."""
    with store.engine.connect() as conn:
        for table in FIELDS:
            quoted = ", ".join(f'quote("{c}")' for c in _columns(table))
            rows = conn.execute(text(f"SELECT {quoted} FROM coord_report_{table}"))
            assert sorted(tuple(r) for r in rows) == sorted(_rebuilt(conn, table)), table


@pytest.mark.parametrize("seed", [3, 8])
def test_the_upgrade_to_coach_numbers_keeps_the_projection_and_the_report(
    stores: list[CoordinatorStore], seed: int
) -> None:
    # Migration 0006 on a store written before it (fingerprints in the projection, contacts the
    # only table kept in counting order), and back.
    _unused, store = stores
    _empty(store)
    _migrate(store, "0005")
    random_store(store, seed)
    _assert_fingerprints_projected(store)
    _migrate(store, "head")
    assert _assert_rebuilt(store) > 0
    with store.engine.connect() as conn:
        numbered = [
            fp
            for (fp,) in conn.execute(
                text("SELECT fingerprint FROM coord_report_coach ORDER BY number")
            )
        ]
        projected = {
            fp
            for (fp,) in conn.execute(
                text(
                    "SELECT DISTINCT coach FROM coord_record WHERE deleted = 0 AND checked = 1 "
                    'AND problem IS NULL AND "table" IN ('
                    + ", ".join(f"'{t}'" for t in FIELDS)
                    + ")"
                )
            )
        }
    assert numbered == sorted(projected)  # numbered once each, in fingerprint order
    period = report.Period(None, None)
    assert report_cells(store, period, 5) == report.compute(load_coach_rows(store), period, 5)
    # Records changed after the upgrade: updated by the triggers, new ones by the importer.
    with store.engine.connect() as conn:
        rows = [
            {"c": c, "t": t, "i": i, "r": r + 1, "del": d, "d": data}
            for c, t, i, r, d, data in conn.execute(
                text(
                    'SELECT coach, "table", id, revision, deleted, data FROM coord_record '
                    "WHERE checked = 1 AND problem IS NULL ORDER BY rowid"
                )
            )
        ]
    rng = random.Random(seed)
    changed = [row for row in rows if rng.random() < 0.4]
    moving = [row for row in changed if row["t"] == "contactnote" and not row["del"]]
    assert moving
    for row in moving[::2]:
        data = json.loads(row["d"])
        data["kind"], data["on"] = "phone", "2026-03-02"  # moves in the counting order
        row["d"] = json.dumps(data)
    with store.engine.begin() as conn:
        for coach, records in _bundles(changed).items():
            merge.merge_records(conn, _header(coach, 2), [merge.payload_row(r) for r in records])
    _assert_rebuilt(store)
    with store.engine.connect() as conn:
        moved = "SELECT count(*) FROM coord_report_contactnote WHERE \"on\" = '2026-03-02'"
        assert conn.execute(text(moved)).scalar() > 0
    assert report_cells(store, period, 5) == report.compute(load_coach_rows(store), period, 5)
    _migrate(store, "0005")
    _assert_fingerprints_projected(store)
    _migrate(store, "head")
    _assert_rebuilt(store)
