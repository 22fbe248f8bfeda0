"""The coordinator decides a held-back fork: release (that branch becomes the chain) or discard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from kim_tui.coordinator.forks import discard, held_bundles, release
from kim_tui.coordinator.importer import ALREADY, HELD, IMPORTED, gaps, import_bundle
from kim_tui.coordinator.store import CoordinatorStore, ImportedBundle, SyncRecord
from kim_tui.store.errors import VaultError
from tests.conftest import PASSPHRASE
from tests.sync.conftest import Coach, Fork, Forked


def _import(store: CoordinatorStore, *paths: Path) -> list[str]:
    return [import_bundle(store, p.read_bytes(), p.name).status for p in paths]


def _records(store: CoordinatorStore) -> dict[tuple[str, str], SyncRecord]:
    with store.session() as s:
        return {(r.table, r.id): r for r in s.exec(select(SyncRecord)).all()}


def _live_clients(store: CoordinatorStore) -> int:
    return sum(1 for (t, _), r in _records(store).items() if t == "client" and not r.deleted)


def _closure_reasons(store: CoordinatorStore) -> list[str]:
    """The closure reason of every closed case (only client 1's case is ever closed here)."""
    cases = [json.loads(r.data) for (t, _), r in _records(store).items() if t == "case"]
    return [c["closure_reason"] for c in cases if c.get("closure_reason")]


def _chain(store: CoordinatorStore) -> list[tuple[int, str]]:
    with store.session() as s:
        rows = s.exec(select(ImportedBundle).order_by(ImportedBundle.seq)).all()  # type: ignore[arg-type]
        return [(b.seq, b.link) for b in rows]


# Every test here starts from the same fork, built once per session and copied per test.
@pytest.fixture
def coordinator(forked: Forked) -> CoordinatorStore:
    return forked.coordinator


@pytest.fixture
def coach(forked: Forked) -> Coach:
    return forked.coach


@pytest.fixture
def fork(forked: Forked) -> Fork:
    return forked.fork


def test_held_bundles_are_listed_with_an_id_to_decide_by(
    coordinator: CoordinatorStore, fork: Fork
) -> None:
    held = held_bundles(coordinator)
    assert [(h.seq, h.file_name) for h in held] == [(2, fork.b2.name), (3, fork.b3.name)]
    assert all(len(h.id) == 10 and "Gabelung" in h.reason for h in held)
    assert held[0].coach.startswith("Anna")
    assert held[0].week.startswith("2026-W")
    lines = gaps(coordinator)
    assert any("Paket 2 von Coach Anna" in line and held[0].id in line for line in lines)


def test_release_makes_that_branch_the_chain(coordinator: CoordinatorStore, fork: Fork) -> None:
    a2_link = dict(_chain(coordinator))[2]
    b2_id = held_bundles(coordinator)[0].id

    decision = release(coordinator, b2_id)

    assert decision.lines[0].startswith("übernommen – Paket 2")
    assert "Paket 2 des anderen Stands aus der Kette" in decision.lines[1]
    # Bundle 3 of the released branch fits now and came in by itself.
    assert [o.status for o in decision.imported_after] == [IMPORTED]
    assert fork.b3.name in decision.lines[-1]
    assert held_bundles(coordinator) == []
    assert gaps(coordinator) == []
    chain = dict(_chain(coordinator))
    assert sorted(chain) == [1, 2, 3] and chain[2] != a2_link

    # The work of branch A stays (client 2: it happened); branch B's clients 3 and 4 arrived.
    assert _live_clients(coordinator) == 4
    # Branch B closed the shared case later in time but with lower revision numbers: it wins.
    assert _closure_reasons(coordinator) == ["goals_reached"]


def test_after_release_reimporting_everything_changes_nothing(
    coordinator: CoordinatorStore, fork: Fork
) -> None:
    release(coordinator, held_bundles(coordinator)[0].id)
    before = (
        _chain(coordinator),
        {k: (r.revision, r.data) for k, r in _records(coordinator).items()},
    )

    outcomes = [
        import_bundle(coordinator, p.read_bytes(), p.name)
        for p in (fork.a1, fork.a2, fork.b2, fork.b3)
    ]

    assert [o.status for o in outcomes] == [ALREADY] * 4
    assert "durch ein freigegebenes Paket ersetzt" in outcomes[1].line
    assert held_bundles(coordinator) == []
    after = (
        _chain(coordinator),
        {k: (r.revision, r.data) for k, r in _records(coordinator).items()},
    )
    assert after == before


def test_discard_keeps_the_chain_and_is_remembered(
    coordinator: CoordinatorStore, fork: Fork
) -> None:
    chain = _chain(coordinator)
    records = {k: (r.revision, r.data) for k, r in _records(coordinator).items()}
    b2, b3 = held_bundles(coordinator)

    decision = discard(coordinator, b2.id.upper())
    assert "verworfen" in decision.lines[0] and fork.b2.name in decision.lines[0]
    assert [h.id for h in held_bundles(coordinator)] == [b3.id]
    discard(coordinator, b3.id)

    again = import_bundle(coordinator, fork.b2.read_bytes(), fork.b2.name)
    assert again.status == ALREADY and "verworfen" in again.line
    assert held_bundles(coordinator) == []
    assert _chain(coordinator) == chain
    assert {k: (r.revision, r.data) for k, r in _records(coordinator).items()} == records
    assert _closure_reasons(coordinator) == ["moved_away"]
    assert _live_clients(coordinator) == 2


@pytest.mark.parametrize(
    ("ident", "message"),
    [
        ("", "mindestens 4 Zeichen"),
        ("xyz!", "mindestens 4 Zeichen"),
        ("0000000000", "Kein zurückgehaltenes Paket"),
    ],
)
def test_unknown_or_malformed_id_is_refused_with_a_message(
    coordinator: CoordinatorStore, fork: Fork, ident: str, message: str
) -> None:
    with pytest.raises(VaultError, match=message):
        release(coordinator, ident)
    with pytest.raises(VaultError, match=message):
        discard(coordinator, ident)
    assert len(held_bundles(coordinator)) == 2


def test_release_of_a_revoked_coachs_bundle_is_refused(
    coordinator: CoordinatorStore, fork: Fork, coach: Coach
) -> None:
    from sqlmodel import Session

    from kim_tui.sync import coach_state

    with Session(coach.vault.engine) as s:
        pub = coach_state.ensure_identity(s, "Anna", "Träger Anna")
    coordinator.revoke(pub.fingerprint)
    chain = _chain(coordinator)
    with pytest.raises(VaultError, match="widerrufen"):
        release(coordinator, held_bundles(coordinator)[0].id)
    assert _chain(coordinator) == chain
    assert len(held_bundles(coordinator)) == 2


def test_cli_lists_and_decides(
    tmp_path: Path, coordinator: CoordinatorStore, fork: Fork, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.sync.test_cli import run

    directory = coordinator.directory
    coordinator.close()  # the command takes the store's lock itself
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    base = ["coordinator", "held", "--dir", str(directory), "--passphrase-file", str(pw)]
    capsys.readouterr()

    assert run(base) == 0
    listing = capsys.readouterr().out
    ids = [line.split()[0] for line in listing.splitlines() if "Paket" in line and "Coach" in line]
    assert len(ids) == 2 and "Paket 2 (2026-W" in listing and fork.b2.name in listing
    assert "--release ID" in listing

    assert run([*base, "--release", ids[0]]) == 0
    out = capsys.readouterr().out
    assert "übernommen – Paket 2" in out and f"{fork.b3.name}: importiert" in out

    # Bundle 3 came in with the release: nothing left to decide about it, and that is said.
    assert run([*base, "--discard", ids[1]]) == 1
    assert "übernommen; es ist nichts mehr zu entscheiden" in capsys.readouterr().out
    assert run(base) == 0
    assert "Keine zurückgehaltenen Pakete." in capsys.readouterr().out


def test_releasing_a_later_bundle_brings_its_discarded_predecessor(
    coordinator: CoordinatorStore, fork: Fork
) -> None:
    """The coordinator discards the restored laptop's bundle 2, then releases its bundle 3:
    bundle 2 comes along (undoing the discard), so the clients of that history all arrive."""
    b2, b3 = held_bundles(coordinator)
    assert b3.leaves == (2,) and b3.brings == (2,)  # A's bundle 2 leaves; B's 2 comes along
    discard(coordinator, b2.id)
    (listed,) = held_bundles(coordinator)
    assert listed.id == b3.id and listed.brings == (2,)
    with pytest.raises(VaultError, match="bereits am .* verworfen"):
        discard(coordinator, b2.id)

    decision = release(coordinator, b3.id)

    assert decision.lines[0].startswith("übernommen (zuvor verworfen) – Paket 2")
    assert any(line.startswith("übernommen – Paket 3") for line in decision.lines)
    assert held_bundles(coordinator) == [] and gaps(coordinator) == []
    assert _live_clients(coordinator) == 4  # 1 and 2 (A), 3 and 4 (B)
    assert _closure_reasons(coordinator) == ["goals_reached"]
    # Re-importing every file changes nothing.
    before = {k: (r.revision, r.data) for k, r in _records(coordinator).items()}
    statuses = [
        import_bundle(coordinator, p.read_bytes(), p.name).status
        for p in (fork.a1, fork.a2, fork.b2, fork.b3)
    ]
    assert statuses == [ALREADY] * 4
    assert {k: (r.revision, r.data) for k, r in _records(coordinator).items()} == before


def test_a_discarded_bundle_can_still_be_released(
    coordinator: CoordinatorStore, fork: Fork
) -> None:
    b2, _b3 = held_bundles(coordinator)
    discard(coordinator, b2.id)
    decision = release(coordinator, b2.id)
    assert decision.lines[0].startswith("übernommen (zuvor verworfen) – Paket 2")
    assert held_bundles(coordinator) == []
    assert _live_clients(coordinator) == 4


def test_a_late_bundle_of_a_superseded_history_is_held(
    tmp_path: Path, coordinator: CoordinatorStore, coach: Coach, fork: Fork, outbox: Path
) -> None:
    """After B's bundle 2 is released, the old laptop (A) sends bundle 3: it builds on the
    superseded A2, so it is held, not merged over B's changes."""
    release(coordinator, held_bundles(coordinator)[0].id)  # B2, B3 come in
    coach.add_client(9, share=False)
    a3 = coach.export(outbox, days=21).path
    before = {k: (r.revision, r.data) for k, r in _records(coordinator).items()}
    outcome = import_bundle(coordinator, a3.read_bytes(), a3.name)
    assert outcome.status == HELD and "ersetzt" in outcome.line
    assert {k: (r.revision, r.data) for k, r in _records(coordinator).items()} == before


def test_release_is_refused_while_the_bundle_before_is_missing(
    coordinator: CoordinatorStore, fork: Fork
) -> None:
    """Only B's bundle 3 arrived (its bundle 2 never did): releasing it would splice B onto
    A's chain. It is refused with what to do, and nothing changes."""
    from kim_tui.coordinator.store import HeldBundle

    b2, b3 = held_bundles(coordinator)
    with coordinator.session() as s:  # as if B2 had never been imported
        row = s.exec(select(HeldBundle).where(HeldBundle.seq == 2)).one()
        s.delete(row)
        s.commit()
    chain = _chain(coordinator)
    with pytest.raises(VaultError, match="Paket 2 dieses Stands fehlt noch.*--resend 2"):
        release(coordinator, b3.id)
    assert _chain(coordinator) == chain and [h.id for h in held_bundles(coordinator)] == [b3.id]
    # Once B2 arrives (held as a fork), releasing B3 brings it along.
    assert import_bundle(coordinator, fork.b2.read_bytes(), fork.b2.name).status == HELD
    decision = release(coordinator, b3.id)
    assert decision.lines[0].startswith("übernommen – Paket 2")
    assert held_bundles(coordinator) == []


def test_a_release_goes_in_whole_or_not_at_all(
    coordinator: CoordinatorStore, fork: Fork, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Releasing B2 also brings in B3; if that second merge fails, B2 is not in either."""
    from kim_tui.coordinator import forks

    chain = _chain(coordinator)
    records = {k: (r.revision, r.data) for k, r in _records(coordinator).items()}
    real = forks.merge_bundle
    calls = []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(forks, "merge_bundle", failing)
    with pytest.raises(RuntimeError):
        release(coordinator, held_bundles(coordinator)[0].id)
    assert len(calls) == 2
    assert _chain(coordinator) == chain
    assert {k: (r.revision, r.data) for k, r in _records(coordinator).items()} == records
    assert len(held_bundles(coordinator)) == 2
