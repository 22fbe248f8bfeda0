"""An old vault (schema revision 0001, committed under tests/fixtures/vault_v1) opens with
today's kim: migrations run to head and every record is still there."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from kim_tui.domain.model import FollowUpSource
from kim_tui.service.workspace import Workspace
from kim_tui.store import migrate
from kim_tui.store.errors import UnsupportedVersion
from kim_tui.store.vault import Vault
from tests.builders import file_digests, intake_client, new_vault
from tests.conftest import FIXED_TODAY

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURE = FIXTURES / "vault_v1"


def _fixture_passphrase() -> str:
    return (FIXTURES / "vault_v1.passphrase").read_text(encoding="utf-8").split("\n", 1)[0]


@pytest.fixture
def old_vault(tmp_path: Path) -> Path:
    """A private copy: the committed fixture is never opened in place."""
    before = file_digests(FIXTURE)
    target = tmp_path / "vault_v1"
    shutil.copytree(FIXTURE, target)
    target.chmod(0o700)
    for p in target.iterdir():
        p.chmod(0o600)
    assert file_digests(FIXTURE) == before
    return target


def test_fixture_is_commit_ready() -> None:
    assert sorted(p.name for p in FIXTURE.iterdir()) == ["vault.db", "vault.key"]
    assert _fixture_passphrase() == "fixture-passphrase-1"


def test_v1_vault_opens_migrates_and_keeps_its_data(old_vault: Path) -> None:
    with Vault.open(old_vault, _fixture_passphrase()) as vault:
        assert migrate.current_revision(vault.engine) == migrate.head_revision()
        report = vault.check()
        assert report.ok, report.problems
        assert report.counts["client"] == 3
        assert report.counts["case"] == 3
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        clients = {c.display_name: c.birth_date for c in ws.caseload().items}
        assert clients == {
            "Eins, Test": date(1980, 1, 15),
            "Zwei, Test": date(1992, 5, 3),
            "Drei, Test": None,
        }
        items = ws.follow_ups().items
        manual = sorted(
            (f.client_name, f.reason, f.due_on) for f in items if f.source is FollowUpSource.MANUAL
        )
        assert manual == [
            ("Eins, Test", "Fixture Anlass 1a", date(2026, 12, 1)),
            ("Zwei, Test", "Fixture Anlass 2a", date(2026, 11, 20)),
            ("Zwei, Test", "Fixture Anlass 2b", date(2027, 1, 11)),
        ]
        assert [f.client_name for f in items if f.source is FollowUpSource.RESIDENCE] == [
            "Drei, Test"
        ]
        # The migrated vault takes new writes.
        ws.complete_follow_up(items[0].id, note="erledigt")
        assert len(ws.follow_ups().items) == len(items) - 1
    # And reopens cleanly afterwards (migrations are a no-op the second time).
    with Vault.open(old_vault, _fixture_passphrase()) as vault:
        assert vault.check().ok


def _index_columns(vault: Vault, name: str, table: str = "followup") -> list[str]:
    with vault.engine.connect() as conn:
        found = conn.execute(
            text("SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name = :name"),
            {"name": name},
        ).scalar_one_or_none()
        assert found == table, f"index {name} missing"
        return [row[2] for row in conn.exec_driver_sql(f"PRAGMA index_info('{name}')")]


def test_v1_vault_upgrades_to_head_with_the_list_indexes(old_vault: Path) -> None:
    """0004: the next due date of a case (`_refresh_case`) has its own index; 0005: both list
    indexes end in the id tie-breaker, then the search key; 0006: follow-ups order by the
    client's sort key."""
    with Vault.open(old_vault, _fixture_passphrase()) as vault:
        assert migrate.current_revision(vault.engine) == migrate.head_revision()
        assert _index_columns(vault, "ix_followup_case_open_due") == ["case_id", "open", "due_on"]
        assert _index_columns(vault, "ix_followup_list") == [
            "open",
            "due_on",
            "sort_key",
            "id",
            "search_key",
        ]
        assert _index_columns(vault, "ix_client_list", "client") == ["sort_key", "id", "search_key"]
        with vault.engine.connect() as conn:
            pairs = conn.execute(
                text(
                    "SELECT followup.sort_key, client.sort_key FROM followup "
                    "JOIN client ON client.id = followup.client_id"
                )
            ).all()
        # 0006 filled every follow-up's sort key from its client.
        assert pairs and all(mine == theirs != "" for mine, theirs in pairs)


def _schema_differences(vault: Vault) -> list[object]:
    with vault.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def test_migrations_and_models_declare_the_same_schema(old_vault: Path, vault: Vault) -> None:
    """A new vault (migrated from empty) and an old one (migrated from 0001) both have exactly
    the tables, columns and indexes the models declare."""
    assert _schema_differences(vault) == []
    with Vault.open(old_vault, _fixture_passphrase()) as migrated:
        assert _schema_differences(migrated) == []


def test_vault_from_a_newer_kim_is_refused(old_vault: Path) -> None:
    with Vault.open(old_vault, _fixture_passphrase()) as vault, vault.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    before = file_digests(old_vault)
    with pytest.raises(UnsupportedVersion) as info:
        Vault.open(old_vault, _fixture_passphrase())
    assert "9999_future" in str(info.value)
    assert "aktualisieren" in str(info.value)
    after = file_digests(old_vault)
    assert after["vault.db"] == before["vault.db"]
    assert after["vault.key"] == before["vault.key"]


def _open_fds_under(directory: Path) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(directory)):
            found.append(target)
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_refused_open_closes_everything(old_vault: Path) -> None:
    with Vault.open(old_vault, _fixture_passphrase()) as vault, vault.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    assert _open_fds_under(old_vault) == []
    try:
        Vault.open(old_vault, _fixture_passphrase())
    except UnsupportedVersion as exc:
        error = exc  # the UI keeps the error around to show it
    assert "9999_future" in str(error)
    assert _open_fds_under(old_vault) == []


def _vault_failing_its_upgrade(tmp_path: Path) -> Path:
    """A vault whose version row says 0003 and whose follow-up table is gone: the 0004 step
    fails — a stand-in for any migration that fails on a real vault."""

    directory = tmp_path / "vault"
    vault, _rk = new_vault(directory)
    with vault.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
        conn.execute(text("DROP TABLE followup"))
    vault.close()
    return directory


def test_failed_upgrade_is_a_clear_error_and_releases_the_vault(tmp_path: Path) -> None:
    from kim_tui.store.errors import MigrationFailed
    from tests.conftest import PASSPHRASE

    directory = _vault_failing_its_upgrade(tmp_path)
    with pytest.raises(MigrationFailed, match="von Version 0003 auf .* aktualisieren"):
        Vault.open(directory, PASSPHRASE)
    # The lock is released and the key forgotten: the next attempt gets the same message,
    # not "already open in another process".
    with pytest.raises(MigrationFailed):
        Vault.open(directory, PASSPHRASE)


@pytest.mark.parametrize("stamped", ["0003", "0004", "0005"])
def test_an_upgrade_cut_short_runs_again(tmp_path: Path, stamped: str) -> None:
    """The driver commits DDL as it goes: a process killed in the middle of an upgrade leaves
    later steps applied while the version row still names an older one. The next open runs
    those steps again without failing, and the vault ends at head."""
    from tests.conftest import PASSPHRASE

    directory = tmp_path / "vault"
    vault, _rk = new_vault(directory)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    from kim_tui.domain.model import FollowUpDraft

    _client, case = intake_client(
        ws, "Ayşe", "Çelik", date(1990, 1, 1), first_contact_on=FIXED_TODAY
    )
    ws.add_follow_up(FollowUpDraft(case, date(2026, 12, 1), "Termin"))
    with vault.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": stamped})
    ws.close()
    if vault.is_open:
        vault.close()
    with Vault.open(directory, PASSPHRASE) as vault:
        assert migrate.current_revision(vault.engine) == migrate.head_revision()
        assert vault.check().ok
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        assert [f.client_name for f in ws.follow_ups().items] == ["Çelik, Ayşe"]


def test_0016_retires_the_step_reminders_of_goals_with_their_result(tmp_path: Path) -> None:
    """Before 0016 an achieved goal's open step kept reminding: the upgrade retires that
    reminder and the case's next due date follows; an open goal's step keeps its reminder."""
    from kim_tui.domain.model import GoalAgreementDraft, GoalDraft, StepDraft
    from tests.conftest import PASSPHRASE

    directory = tmp_path / "vault"
    vault, _rk = new_vault(directory)
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    _client, case = intake_client(ws, "Ayşe", "Çelik", date(1990, 1, 1))
    ws.add_goal_agreement(
        GoalAgreementDraft(
            case,
            FIXED_TODAY,
            date(2027, 5, 3),
            (
                GoalDraft(
                    "work", "Arbeit", steps=(StepDraft("Bewerben", "client", date(2026, 12, 1)),)
                ),
                GoalDraft(
                    "housing", "Wohnung", steps=(StepDraft("WBS", "client", date(2026, 12, 9)),)
                ),
            ),
        )
    )
    achieved = ws.goal_agreements(case)[0].goals[0]
    ws.set_goal_status(achieved.id, "achieved")
    # As an older kim left it: the achieved goal's step still reminding, the case due then.
    with vault.engine.begin() as conn:
        conn.execute(
            text("UPDATE followup SET deleted_at = NULL, open = 1 WHERE source_id = :s"),
            {"s": achieved.steps[0].id},
        )
        conn.execute(text('UPDATE "case" SET next_due_on = :d'), {"d": "2026-12-01"})
        conn.execute(text("UPDATE alembic_version SET version_num = '0015'"))
    ws.close()
    if vault.is_open:
        vault.close()
    with Vault.open(directory, PASSPHRASE) as vault:
        ws = Workspace(vault, today=lambda: FIXED_TODAY)
        steps = [f.reason for f in ws.follow_ups().items if f.source is FollowUpSource.STEP]
        assert steps == ["Schritt: WBS"]
        (row,) = ws.caseload().items
        assert row.next_due_on == date(2026, 12, 9)
