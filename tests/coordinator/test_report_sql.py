"""The report counted in SQL gives exactly the cells of its Python definition
(`kim_tui.domain.report.compute` over `load_coach_rows`): on the demo data, on random stores
(tombstones, handovers, households, bad rows, revision ties, period bounds), after real imports,
and on a store whose projection was filled by the upgrade."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from kim_tui.coordinator.importer import import_files
from kim_tui.coordinator.report import load_coach_rows, report_cells
from kim_tui.coordinator.report_sql import coach_counts
from kim_tui.coordinator.store import MIGRATIONS, REPORT_TABLES, CoordinatorStore
from kim_tui.domain import report
from kim_tui.sync import identity
from tests.builders import shared_demo_records
from tests.conftest import FAST_KDF_KIB, PASSPHRASE
from tests.coordinator.report_stores import DAYS, random_store
from tests.sync.conftest import Coach


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CoordinatorStore]:
    directory = tmp_path_factory.mktemp("report-sql") / "coord"
    opened, _rk = CoordinatorStore.create(directory, PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB)
    yield opened
    opened.close()


def _empty(store: CoordinatorStore) -> None:
    """Remove every record and coach (the delete triggers empty the projection)."""
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM coord_record"))
        conn.execute(text("DELETE FROM coord_coach"))
        for table in REPORT_TABLES:
            assert conn.execute(text(f"SELECT count(*) FROM coord_report_{table}")).scalar() == 0


def _periods(rng: random.Random) -> list[report.Period]:
    a, b = sorted(rng.sample(DAYS, 2))
    return [
        report.Period(None, None),
        report.Period(a, b),
        report.Period(a, None),
        report.Period(None, b),
        report.Period(b, b),
    ]


def _assert_same(store: CoordinatorStore, period: report.Period, threshold: int) -> int:
    """The SQL report (first: it checks unchecked rows) equals the Python one; cells compared."""
    sql_skipped: list[str] = []
    cells = report_cells(store, period, threshold, sql_skipped)
    ref_skipped: list[str] = []
    expected = report.compute(load_coach_rows(store, ref_skipped), period, threshold)
    assert cells == expected
    assert sql_skipped == ref_skipped
    return len(cells)


@pytest.mark.parametrize("seed", range(40))
def test_random_store_reports_the_same_in_sql_as_in_python(
    store: CoordinatorStore, seed: int
) -> None:
    _empty(store)
    random_store(store, seed)
    rng = random.Random(seed)
    for period in _periods(rng):
        _assert_same(store, period, rng.choice((1, 3, 5)))
    # Later bundles change and delete records: the projection follows (update triggers).
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE coord_record SET revision = revision + 1000, "
                "data = replace(replace(data, '\"phone\"', '\"digital\"'), '\"2026-', '\"2027-') "
                "WHERE deleted = 0 AND problem IS NULL AND checked = 1 AND id < '6'"
            )
        )
        conn.execute(
            text("UPDATE coord_record SET deleted = 1, data = '{}' WHERE id > 'd' AND id < 'e'")
        )
    _assert_same(store, report.Period(None, None), 3)


def test_some_random_stores_have_what_makes_counting_hard(store: CoordinatorStore) -> None:
    """The comparison is not vacuous: handovers, bad rows and masked cells occur."""
    seen = {"handover": 0, "skipped": 0, "masked": 0, "cells": 0}
    for seed in range(10):
        _empty(store)
        random_store(store, seed)
        skipped: list[str] = []
        cells = report_cells(store, report.Period(None, None), 5, skipped)
        seen["handover"] += sum(c.indicator == "handovers" for c in cells)
        seen["skipped"] += len(skipped)
        seen["masked"] += sum(c.masked for c in cells)
        seen["cells"] += len(cells)
    assert all(seen.values()), seen


@pytest.fixture(scope="module")
def demo_records(tmp_path_factory: pytest.TempPathFactory) -> list[list[dict[str, Any]]]:
    """Three demo vaults (60 clients each, as `kim demo`): their records as bundles carry them."""
    return shared_demo_records(tmp_path_factory)


def test_demo_data_reports_the_same_in_sql_as_in_python(
    store: CoordinatorStore, demo_records: list[list[dict[str, Any]]]
) -> None:
    _empty(store)
    for (name, organisation), records in zip(
        (("Coach A", "Caritas"), ("Coach B", "Caritas"), ("Coach C", "Diakonie")),
        demo_records,
        strict=True,
    ):
        pub = identity.CoachPublic(
            name, organisation, identity.signing_public(identity.new_signing_key())
        )
        store.enroll(pub)
        rows = [
            {
                "c": pub.fingerprint,
                "t": r["t"],
                "i": r["id"],
                "r": r["rev"],
                "del": int(r["del"]),
                "d": "{}" if r["del"] else json.dumps(r["data"], sort_keys=True),
            }
            for r in records
        ]
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO coord_record (coach, "table", id, revision, deleted, data, '
                    "bundle_seq, checked) VALUES (:c, :t, :i, :r, :del, :d, 1, 1)"
                ),
                rows,
            )
    for period in (
        report.Period(None, None),
        report.Period(date(2026, 1, 1), date(2026, 6, 30)),
        report.Period(date(2025, 7, 1), None),
    ):
        assert _assert_same(store, period, 5) > 100


def test_two_coaches_sharing_a_record_id_fall_back_to_the_merged_count(
    store: CoordinatorStore,
) -> None:
    _empty(store)
    random_store(store, 3)
    with store.engine.begin() as conn:
        row = conn.execute(
            text(
                "SELECT coach, id, revision, data FROM coord_record "
                "WHERE \"table\" = 'case' AND deleted = 0 AND problem IS NULL LIMIT 1"
            )
        ).one()
        conn.execute(
            text(
                'INSERT INTO coord_record (coach, "table", id, revision, deleted, data, '
                "bundle_seq, checked) VALUES (:c, 'case', :i, :r, 0, :d, 1, 1)"
            ),
            {"c": "f" * 64, "i": row.id, "r": row.revision, "d": row.data},
        )
    assert coach_counts(store, report.Period(None, None)) is None
    _assert_same(store, report.Period(None, None), 5)


def test_real_imports_updates_and_tombstones_report_the_same(
    coordinator: CoordinatorStore, coach: Coach, outbox: Path
) -> None:
    for i in range(1, 6):
        coach.add_client(i, share=i % 2 == 0)
    import_files(coordinator, [coach.export(outbox).path])
    _assert_same(coordinator, report.Period(None, None), 1)
    for client_id in list(coach.cases)[:2]:
        coach.tombstone_client(client_id)
    coach.add_client(7, share=True)
    import_files(coordinator, [coach.export(outbox).path])
    assert _assert_same(coordinator, report.Period(None, None), 1) > 0


def test_the_upgrade_fills_the_projection_of_an_existing_store(
    store: CoordinatorStore,
) -> None:
    _empty(store)
    with store.engine.begin() as conn:
        command.downgrade(MIGRATIONS._config(conn), "0003")
    random_store(store, 11)  # written without the triggers, as an older kim did
    with store.engine.begin() as conn:
        command.upgrade(MIGRATIONS._config(conn), "head")
    for period in _periods(random.Random(11)):
        _assert_same(store, period, 5)
