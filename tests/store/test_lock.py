"""One process per vault: a second `kim` is refused with a clear message, and may go after close."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kim_tui.store.errors import VaultLocked
from kim_tui.store.lock import VaultLock
from kim_tui.store.vault import Vault
from tests.builders import closed_vault
from tests.conftest import PASSPHRASE

REPO = Path(__file__).resolve().parents[2]


def _kim(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KIM_CONFIG_FILE=str(tmp_path / "no-config.toml"))
    return subprocess.run(
        [sys.executable, "-m", "kim_tui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )


def test_second_process_refused_while_open_then_allowed(
    vault: Vault, vault_dir: Path, passphrase_file: Path, tmp_path: Path
) -> None:
    args = ("check", "--vault", str(vault_dir), "--passphrase-file", str(passphrase_file))
    refused = _kim(*args, tmp_path=tmp_path)
    assert refused.returncode != 0
    assert "bereits in einem anderen kim-Prozess" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert vault.is_open and vault.check().ok  # the holder is unaffected

    vault.close()
    allowed = _kim(*args, tmp_path=tmp_path)
    assert allowed.returncode == 0, allowed.stderr
    assert "in Ordnung" in allowed.stdout


def test_second_open_in_same_process_refused(vault: Vault, vault_dir: Path) -> None:
    with pytest.raises(VaultLocked):
        Vault.open(vault_dir, PASSPHRASE)
    vault.close()
    with Vault.open(vault_dir, PASSPHRASE) as again:
        assert again.check().ok


def test_lock_refused_before_unlock_leaves_lock_with_holder(vault: Vault, vault_dir: Path) -> None:
    """A refused attempt (even with a wrong passphrase) does not steal or drop the lock."""
    with pytest.raises(VaultLocked):
        Vault.open(vault_dir, "falsches Passwort!")
    with pytest.raises(VaultLocked):
        Vault.open(vault_dir, PASSPHRASE)


def test_lock_released_when_holder_dies(vault_dir: Path) -> None:
    """The OS drops the lock of a killed process: no stale lock file blocks the coach."""
    closed_vault(vault_dir)
    code = (
        "import os, sys\n"
        "from kim_tui.store.vault import Vault\n"
        f"v = Vault.open({str(vault_dir)!r}, {PASSPHRASE!r})\n"
        "print('open', flush=True)\n"
        "os._exit(0)\n"  # no close(): the process just ends
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.stdout.strip() == "open", done.stderr
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        assert vault.check().ok


def _hold_lock_in_child(lock_path: Path) -> subprocess.Popen[str]:
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from kim_tui.store.lock import VaultLock\n"
        f"lock = VaultLock(Path({str(lock_path)!r}))\n"
        "lock.acquire()\n"
        "print('held', flush=True)\n"
        "time.sleep(600)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=REPO
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "held"
    return child


def test_lock_held_by_other_process_refused_then_free_after_sigkill(tmp_path: Path) -> None:
    """A killed holder (SIGKILL: no cleanup at all) leaves no stale lock behind."""
    lock_path = tmp_path / "vault.lock"
    child = _hold_lock_in_child(lock_path)
    try:
        with pytest.raises(VaultLocked, match="bereits in einem anderen kim-Prozess"):
            VaultLock(lock_path).acquire()
    finally:
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        child.wait(timeout=60)
        assert child.stdout is not None
        child.stdout.close()
    lock = VaultLock(lock_path)
    lock.acquire()
    assert lock.held
    lock.release()
    assert not lock.held


def test_lock_file_is_an_empty_regular_file_in_the_vault(tmp_path: Path) -> None:
    lock = VaultLock(tmp_path / "vault.lock")
    lock.acquire()
    lock.release()
    assert (tmp_path / "vault.lock").is_file()
    assert (tmp_path / "vault.lock").stat().st_size == 0
