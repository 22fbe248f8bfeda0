"""After lock no copy of the data key (raw or hex) and none of the passphrase is left in the
process: the store closed by hand, and the app locked with Ctrl+L after a passphrase typed key by
key. The scan reads the process's own memory (tests/memscan.py), Linux only.

Not vacuous: while unlocked the key's own buffer is found (the scan sees the heap), and a
passphrase kept in a plain buffer is found until it is wiped.
"""

from __future__ import annotations

import gc
import secrets
from pathlib import Path

import pytest

from kim_tui.screens.unlock import UnlockScreen
from kim_tui.store.secret import wipe
from kim_tui.store.vault import Vault
from tests.conftest import FAST_KDF_KIB
from tests.memscan import (
    count_in_memory,
    key_needles,
    passphrase_needles,
    scan_unavailable,
    secret_from,
)
from tests.ui.conftest import new_app, on_screen, until

pytestmark = pytest.mark.skipif(scan_unavailable() is not None, reason=str(scan_unavailable()))

# Letters only: a random 24-letter passphrase never occurs by chance in memory.
_ALPHABET = "abcdefghijkmnopqrstuvwxyz"


def _random_chars() -> list[str]:
    return [secrets.choice(_ALPHABET) for _ in range(24)]


def _new_vault(directory: Path, chars: list[str]) -> None:
    secret = secret_from(chars)
    vault, _recovery = Vault.create(directory, secret, kdf_memory_kib=FAST_KDF_KIB)
    wipe(secret)
    vault.close()


def _nothing_left(needles: dict[str, object]) -> None:
    gc.collect()
    found = {label: n for label, n in count_in_memory(needles).items() if n}  # type: ignore[arg-type]
    assert not found, f"copies left in memory after lock: {found}"


def test_the_scan_finds_a_secret_until_it_is_wiped() -> None:
    chars = _random_chars()
    needles = passphrase_needles(chars)
    secret = secret_from(chars)
    assert count_in_memory(needles)["passphrase (utf-8)"] == 1
    wipe(secret)
    assert count_in_memory(needles)["passphrase (utf-8)"] == 0


def test_a_closed_store_leaves_no_key_and_no_passphrase(tmp_path: Path) -> None:
    chars = _random_chars()
    _new_vault(tmp_path / "vault", chars)
    secret = secret_from(chars)
    vault = Vault.open(tmp_path / "vault", secret)
    wipe(secret)
    assert vault._dek is not None
    needles = {**key_needles(vault._dek), **passphrase_needles(chars)}
    with vault.engine.connect() as conn:  # a few connections keyed and used
        conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").fetchall()
    assert count_in_memory(needles)["key (raw)"] >= 1  # the open store's own buffer
    vault.close()
    del vault
    _nothing_left(needles)  # type: ignore[arg-type]


@pytest.mark.parametrize("idle_first", [False, True], ids=["at-once", "after-idle-work"])
async def test_ctrl_l_leaves_no_key_and_no_passphrase_in_the_app(
    tmp_path: Path, idle_first: bool
) -> None:
    chars = _random_chars()
    _new_vault(tmp_path / "vault", chars)
    app = new_app(tmp_path / "vault")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*chars)  # key by key, as typed
        await pilot.press("enter")
        await until(pilot, lambda: app.is_unlocked and not isinstance(app.screen, UnlockScreen))
        dek = app.session.workspace.vault._dek
        assert dek is not None
        needles = {**key_needles(dek), **passphrase_needles(chars)}
        del dek
        found = count_in_memory(needles)  # type: ignore[arg-type]
        assert found["key (raw)"] >= 1  # not vacuous: the unlocked key is seen
        assert found["passphrase (utf-8)"] == 0  # wiped as soon as the key was derived
        if idle_first:
            # The coach pauses: the next intake form and the duplicate index (a query in a
            # worker thread, on its own pooled connection) are prepared before the lock.
            await until(pilot, lambda: app.intake_ahead.ready and not app.intake_ahead._index_due)
            await app.workers.wait_for_complete()
        await pilot.press("ctrl+l")
        await on_screen(pilot, UnlockScreen)
        # A query still running in a worker holds its connection (and SQLCipher its key copy)
        # until it ends; "after lock" is once those are done.
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.is_unlocked
        _nothing_left(needles)  # type: ignore[arg-type]
