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

from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import VaultError
from kim_tui.store.keyfile import KeyFile
from kim_tui.store.layout import LOCK_FILE
from kim_tui.store.lock import VaultLock
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
            raise VaultError("Der Tresor ist gesperrt.")
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

    def unlock(self, passphrase: str) -> Workspace:
        """Derive the key, open and migrate the vault; WrongPassphrase leaves it untouched."""
        keyfile = Vault.read_keyfile(self.directory)
        started = time.perf_counter()
        dek = keyfile.unlock(passphrase)
        self.last_kdf_seconds = time.perf_counter() - started
        return self._open(keyfile, dek)

    def unlock_with_recovery(self, recovery_key: str) -> Workspace:
        keyfile = Vault.read_keyfile(self.directory)
        return self._open(keyfile, keyfile.unlock_with_recovery(recovery_key))

    def _open(self, keyfile: KeyFile, dek: bytes) -> Workspace:
        if self._workspace is not None:
            return self._workspace
        self.claim()
        vault = Vault.open_with_dek(self.directory, keyfile, dek, lock=self._lock)
        self._workspace = Workspace(vault, today=self._today)
        return self._workspace

    def lock(self) -> None:
        """Close every connection and drop the data key; the process lock stays held."""
        if self._workspace is not None:
            self._workspace.close()
            self._workspace = None
