"""After a fork is released, the records only the superseded history had are shown and can be
dropped: then the coordinator counts exactly what the restored vault holds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from kim_tui.coordinator.forks import (
    drop_superseded,
    held_bundles,
    release,
    superseded_records,
)
from kim_tui.coordinator.importer import ALREADY, import_bundle
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.store.unit_of_work import UnitOfWork
from kim_tui.store.vault import Vault
from kim_tui.sync import coach_state
from kim_tui.sync.exporter import collect_records
from tests.conftest import FIXED_TODAY, PASSPHRASE
from tests.sync.conftest import Fork, Forked


def _live(store: CoordinatorStore) -> Counter[str]:
    """Live records per table, as the coordinator holds them."""
    with store.session() as s:
        return Counter(r.table for r in s.exec(select(SyncRecord)).all() if not r.deleted)


def _restored_vault_state(forked: Forked) -> Counter[str]:
    """Live records per table of the restored vault (branch B): its whole state as it would
    travel to a coordinator that has nothing yet."""
    backup = forked.coordinator.directory.parent / "branches" / "backup"
    with Vault.open(backup, PASSPHRASE) as vault, UnitOfWork(vault.engine).read() as s:
        key = coach_state.pseudonym_key(s)
        records = collect_records(s, 0, 10**9, key=key, today=FIXED_TODAY)
    return Counter(r["t"] for r in records if not r["del"])


@pytest.fixture
def fork(forked: Forked) -> Fork:
    return forked.fork


def test_records_only_the_superseded_history_had_are_listed_and_dropped(
    forked: Forked, fork: Fork
) -> None:
    store = forked.coordinator
    restored = _restored_vault_state(forked)
    b2 = held_bundles(store)[0]
    # Before deciding, the listing says what releasing would leave behind: branch A's client 2
    # with its case and everything written for it after the backup.
    assert b2.orphans["client"] == 1 and b2.orphans["case"] == 1
    assert superseded_records(store) == []

    decision = release(store, b2.id)

    assert decision.dropped == {}
    live = _live(store)
    assert live != restored  # the kept records of the other history: one client too many
    assert live["client"] == restored["client"] + 1
    (listed,) = superseded_records(store)
    assert listed.label.startswith("Anna")
    assert listed.counts == b2.orphans
    assert all(live[t] - restored[t] == n for t, n in listed.counts.items())

    dropped = drop_superseded(store)

    assert dropped == listed.counts
    assert _live(store) == restored
    assert superseded_records(store) == []
    # Importing every file again brings nothing back.
    statuses = [
        import_bundle(store, p.read_bytes(), p.name).status
        for p in (fork.a1, fork.a2, fork.b2, fork.b3)
    ]
    assert statuses == [ALREADY] * 4
    assert _live(store) == restored


def test_release_can_drop_them_at_once(forked: Forked) -> None:
    store = forked.coordinator
    restored = _restored_vault_state(forked)
    b2 = held_bundles(store)[0]

    decision = release(store, b2.id, drop_superseded=True)

    assert decision.dropped == b2.orphans
    assert _live(store) == restored
    assert superseded_records(store) == []


def test_a_record_the_chain_brings_again_is_no_longer_superseded(forked: Forked) -> None:
    """Branch A's client 2 would be dropped; if the chain later brings it (the restored laptop
    re-entered it under the same id, as a resent record would), it stays."""
    store = forked.coordinator
    release(store, held_bundles(store)[0].id)
    (listed,) = superseded_records(store)
    with store.session() as s:
        row = s.exec(
            select(SyncRecord).where(SyncRecord.table == "client", SyncRecord.superseded_only)
        ).one()
        client_id, first = row.id, row.first_seq
    assert first == 2

    from kim_tui.coordinator.importer import merge_bundle
    from kim_tui.sync import bundle_format as bf

    with store.session() as s:
        header = bf.BundleHeader(
            coach=listed.coach, seq=4, rev_after=0, rev_upto=0, week="2026-W50",
            created_at="2026-12-07T10:00:00Z", counts={}, recipient="", nonce="00" * 16,
            prev=None,
        )  # fmt: skip
        record = {"t": "client", "id": client_id, "rev": 1, "del": False, "data": {}}
        merge_bundle(s, header, [record])
        s.commit()
    remaining = superseded_records(store)
    assert listed.counts["client"] == 1
    assert "client" not in remaining[0].counts
    assert remaining[0].total == listed.total - 1


def test_first_seq_is_the_bundle_that_first_brought_the_record(forked: Forked) -> None:
    with forked.coordinator.session() as s:
        rows = s.exec(select(SyncRecord)).all()
    firsts = Counter(r.first_seq for r in rows)
    assert set(firsts) == {1, 2}  # A1 and A2 in the chain (B is held)
    assert all(r.first_seq <= r.bundle_seq for r in rows)


def test_cli_lists_and_drops_superseded_records(
    tmp_path: Path, forked: Forked, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.sync.test_cli import run

    store = forked.coordinator
    restored = _restored_vault_state(forked)
    directory = store.directory
    store.close()
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    base = ["coordinator", "held", "--dir", str(directory), "--passphrase-file", str(pw)]
    capsys.readouterr()
    assert run(base) == 0
    listing = capsys.readouterr().out
    assert "nur im anderen Stand" in listing and "client 1" in listing
    b2_id = listing.split()[0]

    assert run([*base, "--release", b2_id]) == 0
    out = capsys.readouterr().out
    assert "nur im abgelösten Stand" in out and "--drop-superseded" in out
    assert run(base) == 0
    listing = capsys.readouterr().out
    assert "Keine zurückgehaltenen Pakete." in listing
    assert "Nur im abgelösten Stand" in listing and "client 1" in listing

    assert run([*base, "--drop-superseded"]) == 0
    out = capsys.readouterr().out
    assert "entfernt" in out and "client 1" in out
    assert run([*base, "--drop-superseded"]) == 0
    assert "Keine Datensätze" in capsys.readouterr().out
    with CoordinatorStore.open(directory, PASSPHRASE) as reopened:
        assert _live(reopened) == restored
