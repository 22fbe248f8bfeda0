"""One process per vault: an exclusive, non-blocking advisory lock on `vault.lock`.

The lock file is empty and never written, so taking the lock (even for an unlock attempt that
then fails) leaves every vault file byte-identical. The OS drops the lock if the process dies.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from kim_tui.store.errors import VaultLocked


class VaultLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise VaultLocked at once (never wait: the coach must know why)."""
        fd = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise VaultLocked(self.path.parent) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
