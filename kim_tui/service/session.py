"""Unlocking and locking a vault for the UI: the one place the app asks for keys.

The app keeps one `VaultSession`; screens call `unlock()` (in a worker thread, since Argon2id
takes about 0.3 s) and read `workspace` afterwards. `lock()` closes every connection and drops
the data key; the session can be unlocked again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from kim_tui.i18n import tr
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import VaultError
from kim_tui.store.failed_unlocks import FailedUnlocks
from kim_tui.store.keyfile import KeyFile, Unwrapped
from kim_tui.store.layout import LOCK_FILE
from kim_tui.store.lock import VaultLock
from kim_tui.store.migrate import schema_upgrade_told
from kim_tui.store.secret import Passphrase, wipe
from kim_tui.store.vault import Vault


class VaultSession:
    def __init__(
        self,
        directory: Path,
        *,
        today: Callable[[], date] = date.today,
        lock: VaultLock | None = None,
    ) -> None:
        self.directory = Path(directory)
        self._today = today
        self._workspace: Workspace | None = None
        self._lock = lock or VaultLock(self.directory / LOCK_FILE)
        self.last_kdf_seconds = 0.0
        """Argon2id time of the last unlock (benchmarks report it separately)."""

    @property
    def is_unlocked(self) -> bool:
        return self._workspace is not None

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            raise VaultError(tr("Der Tresor ist gesperrt.", "The vault is locked."))
        return self._workspace

    def claim(self) -> None:
        """Check the vault and take its process lock for the app's lifetime (locked or not),
        so a second kim is refused at once, before anyone types a passphrase."""
        Vault.read_keyfile(self.directory)
        if not self._lock.held:
            self._lock.acquire()

    def release(self) -> None:
        """Lock and give up the process lock (app exit)."""
        self.lock()
        self._lock.release()

    def unlock(
        self, passphrase: Passphrase, on_upgrade: Callable[[], None] | None = None
    ) -> Workspace:
        """Derive the key, open and migrate the vault. A wrong passphrase raises WrongPassphrase,
        leaves the database untouched and is counted; `failed_unlocks` then tells the failures
        this unlock found (reported, audited and reset). `on_upgrade` is called (from this
        thread) before the schema of an existing vault is upgraded. The caller wipes a
        `bytearray` passphrase."""
        keyfile = Vault.read_keyfile(self.directory)
        started = time.perf_counter()
        unwrapped = Vault.unwrap_passphrase(self.directory, keyfile, passphrase)
        self.last_kdf_seconds = time.perf_counter() - started
        if on_upgrade is None:
            return self._open(keyfile, unwrapped)
        with schema_upgrade_told(on_upgrade):
            return self._open(keyfile, unwrapped)

    def unlock_with_recovery(self, recovery_key: str) -> Workspace:
        keyfile = Vault.read_keyfile(self.directory)
        return self._open(keyfile, Unwrapped(keyfile.unlock_with_recovery(recovery_key)))

    @property
    def failed_unlocks(self) -> FailedUnlocks | None:
        """The failed unlocks the last unlock found (None: there were none, or locked)."""
        return None if self._workspace is None else self._workspace.vault.failed_unlocks

    def _open(self, keyfile: KeyFile, unwrapped: Unwrapped) -> Workspace:
        if self._workspace is not None:
            wipe(unwrapped.dek)
            return self._workspace
        try:
            self.claim()
        except BaseException:
            wipe(unwrapped.dek)
            raise
        vault = Vault.open_with_dek(self.directory, keyfile, unwrapped, lock=self._lock)
        self._workspace = Workspace(vault, today=self._today)
        # The first unlock after a stand-in's end date erases the copy (the app tells).
        self._workspace.expire_stand_ins()
        # A paper recorded ahead became current since the last unlock: its reminder moves.
        self._workspace.follow_current_papers()
        return self._workspace

    def lock(self) -> None:
        """Close every connection and drop the data key; the process lock stays held."""
        if self._workspace is not None:
            self._workspace.close()
            self._workspace = None
