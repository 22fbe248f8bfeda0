"""Failed unlocks are counted without the key, shown after the next successful unlock (CLI on
stderr; the app: tests/ui/test_unlock.py), audited in the vault, and reset."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kim_tui.coordinator.store import CoordinatorStore
from kim_tui.store import failed_unlocks
from kim_tui.store.errors import WrongPassphrase
from kim_tui.store.failed_unlocks import FailedUnlocks
from kim_tui.store.models import AuditEvent
from kim_tui.store.vault import Vault
from tests.builders import closed_vault, run_kim, write_text
from tests.conftest import FAST_KDF_KIB, PASSPHRASE

COUNTER = "vault.failed-unlocks"


def _audit(vault: Vault, action: str) -> list[AuditEvent]:
    with Session(vault.engine) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_wrong_passphrases_are_counted_beside_the_key_file(tmp_path: Path) -> None:
    directory = closed_vault(tmp_path / "vault")
    before = {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            Vault.open(directory, "falsches passwort 123")
    counted = failed_unlocks.read(directory / COUNTER)
    assert counted is not None and counted.count == 2 and counted.since is not None
    # The key file and the database are untouched; the counter is all that changed.
    after = {p.name: p.read_bytes() for p in directory.iterdir() if p.is_file()}
    assert set(after) - set(before) == {COUNTER}
    assert all(after[name] == data for name, data in before.items())
    assert (directory / COUNTER).stat().st_mode & 0o777 == 0o600


def test_the_next_unlock_reports_audits_and_resets_them(tmp_path: Path) -> None:
    directory = closed_vault(tmp_path / "vault")
    with pytest.raises(WrongPassphrase):
        Vault.open(directory, "falsches passwort 123")
    with pytest.raises(WrongPassphrase):
        Vault.open_with_recovery(directory, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    reported: list[FailedUnlocks] = []
    failed_unlocks.set_reporter(reported.append)
    try:
        with Vault.open(directory, PASSPHRASE) as vault:
            assert vault.failed_unlocks is not None and vault.failed_unlocks.count == 2
            events = _audit(vault, "vault.failed_unlocks")
            assert [e.detail.split(" ")[:2] for e in events] == [["2", "seit"]]
        assert [r.count for r in reported] == [2]
        assert not (directory / COUNTER).exists()
        with Vault.open(directory, PASSPHRASE) as vault:
            assert vault.failed_unlocks is None
            assert len(_audit(vault, "vault.failed_unlocks")) == 1
    finally:
        failed_unlocks.set_reporter(None)


def test_the_message_names_count_and_local_time() -> None:
    since = datetime(2026, 12, 2, 14, 3).astimezone()
    assert FailedUnlocks(3, since).message() == (
        "3 Fehlversuche beim Entsperren seit 02.12.2026 14:03"
    )
    assert FailedUnlocks(1, since).message("en") == "1 failed unlock attempt since 02.12.2026 14:03"


@pytest.mark.parametrize(
    "content", [b"kaputt", b'{"format": "kim-failed-unlocks", "count": "viele"}', b"[" * 5000]
)
def test_a_damaged_counter_counts_as_one_failure_of_unknown_time(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / COUNTER
    path.write_bytes(content)
    assert failed_unlocks.read(path) == FailedUnlocks(1, None)
    assert failed_unlocks.record(path, datetime(2026, 12, 2, tzinfo=UTC)).count == 2


def test_a_huge_counter_is_capped(tmp_path: Path) -> None:
    path = tmp_path / COUNTER
    path.write_text('{"format": "kim-failed-unlocks", "count": 99999999999999}')
    counted = failed_unlocks.read(path)
    assert counted is not None and counted.count == failed_unlocks.MAX_COUNT


def test_the_cli_prints_them_to_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = closed_vault(tmp_path / "vault")
    wrong = write_text(tmp_path / "falsch", "falsches passwort 123\n")
    right = write_text(tmp_path / "pw", PASSPHRASE + "\n")
    for _ in range(3):
        code, _out, err = run_kim(
            capsys, "check", "--vault", str(directory), "--passphrase-file", str(wrong)
        )
        assert code == 1
    code, out, err = run_kim(
        capsys, "check", "--vault", str(directory), "--passphrase-file", str(right)
    )
    assert code == 0
    assert "3 Fehlversuche beim Entsperren seit " in err
    assert "Fehlversuche" not in out
    assert not (directory / COUNTER).exists()
    code, _out, err = run_kim(
        capsys, "check", "--vault", str(directory), "--passphrase-file", str(right)
    )
    assert "Fehlversuch" not in err  # reset


def test_the_coordinator_store_counts_and_resets_too(tmp_path: Path) -> None:
    store, _rk = CoordinatorStore.create(
        tmp_path / "coord", PASSPHRASE, kdf_memory_kib=FAST_KDF_KIB
    )
    store.close()
    with pytest.raises(WrongPassphrase):
        CoordinatorStore.open(tmp_path / "coord", "falsches passwort 123")
    assert (tmp_path / "coord" / "coordinator.failed-unlocks").exists()
    with CoordinatorStore.open(tmp_path / "coord", PASSPHRASE) as store:
        assert store.failed_unlocks is not None and store.failed_unlocks.count == 1
    assert not (tmp_path / "coord" / "coordinator.failed-unlocks").exists()
