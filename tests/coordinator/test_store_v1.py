"""A coordinator store made by the first schema (committed under tests/fixtures/coordinator_v1)
opens with today's kim and still holds its enrolled coaches, bundles, records and decisions."""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from kim_tui.coordinator.forks import held_bundles
from kim_tui.coordinator.report import load_coach_rows
from kim_tui.coordinator.store import (
    PUB_FILE,
    CoordinatorStore,
    ForkDecision,
    ImportedBundle,
    SyncRecord,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE = FIXTURES / "coordinator_v1"


def _fixture_passphrase() -> str:
    return (FIXTURES / "coordinator_v1.passphrase").read_text(encoding="utf-8").split("\n", 1)[0]


def _digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    """A private copy: the committed fixture is never opened in place."""
    before = _digest(FIXTURE)
    target = tmp_path / "coordinator_v1"
    shutil.copytree(FIXTURE, target)
    target.chmod(0o700)
    for p in target.iterdir():
        p.chmod(0o600)
    assert _digest(FIXTURE) == before
    return target


def test_fixture_is_commit_ready() -> None:
    names = sorted(p.name for p in FIXTURE.iterdir())
    assert names == ["coordinator.db", "coordinator.key", "coordinator.pub"]


def _check_data(store: CoordinatorStore) -> None:
    coaches = {c.name: c for c in store.coaches()}
    assert sorted(coaches) == ["Anna", "Ben"]
    assert coaches["Anna"].organisation == "Träger Anna"
    assert coaches["Anna"].revoked_at is None
    assert coaches["Ben"].revoked_at is not None
    anna, ben = coaches["Anna"].fingerprint, coaches["Ben"].fingerprint
    with store.session() as s:
        chain = sorted((b.coach, b.seq) for b in s.exec(select(ImportedBundle)).all())
        assert chain == sorted([(anna, 1), (anna, 2), (ben, 1)])
        records = Counter((r.coach, r.table) for r in s.exec(select(SyncRecord)).all())
        decisions = [(d.seq, d.decision) for d in s.exec(select(ForkDecision)).all()]
    assert records[(anna, "client")] == 3
    assert records[(anna, "contactnote")] == 3
    assert records[(ben, "client")] == 1
    assert decisions == [(3, "discarded")]
    assert [h.seq for h in held_bundles(store)] == [2]
    rows = {c.coach: c.rows for c in load_coach_rows(store)}
    assert len(rows["Anna"]["client"]) == 3
    assert store.public().name == "Fixture Koordinierung"
    assert store.public().to_json() == (store.directory / PUB_FILE).read_bytes()
    assert len(store.kem_private()) > 0


def test_v1_store_opens_and_keeps_its_data(old_store: Path) -> None:
    with CoordinatorStore.open(old_store, _fixture_passphrase()) as store:
        _check_data(store)
    # Opened a second time (the upgrade, if any, already done): still the same data.
    with CoordinatorStore.open(old_store, _fixture_passphrase()) as store:
        _check_data(store)


def test_v1_store_is_stamped_with_the_first_migration(old_store: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from kim_tui.coordinator.store import MIGRATIONS, CoordinatorBase, CoordSetting

    with CoordinatorStore.open(old_store, _fixture_passphrase()) as store:
        assert MIGRATIONS.current_revision(store.engine) == MIGRATIONS.head
        with store.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"version_table": MIGRATIONS.version_table}
            )
            # The first migration is exactly the schema `create_all` made.
            assert compare_metadata(context, CoordinatorBase.metadata) == []
        with store.session() as s:
            assert s.get(CoordSetting, "schema_version") is None


def test_the_cli_says_before_it_upgrades_an_older_store(
    old_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bringing a state-wide store to a new schema takes about a minute: the command says so
    first (once: the next command finds the store current and says nothing)."""
    from kim_tui.cli import main

    pw = tmp_path / "pw"
    pw.write_text(_fixture_passphrase() + "\n", encoding="utf-8")
    pw.chmod(0o600)
    argv = ["--lang", "en", "coordinator", "held", "--dir", str(old_store), "--passphrase-file",
            str(pw)]  # fmt: skip
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert f"kim: bringing {old_store / 'coordinator.db'} up to this kim version" in err
    assert main(argv) == 0
    assert "up to this kim version" not in capsys.readouterr().err
