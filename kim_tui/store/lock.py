"""One process per vault: an exclusive, non-blocking OS lock on `vault.lock`.

The lock is `filelock`'s native lock: `flock` on Linux and macOS, `LockFileEx` on Windows. Both
are held by the operating system for the open file, so the lock goes away when the process dies
(no stale lock file can block the coach). The lock file is an empty regular file in the vault
directory that is never written, so taking the lock (even for an unlock attempt that then fails)
leaves every vault file byte-identical.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from kim_tui.store.errors import VaultLocked


class VaultLock:
    """The exclusive lock of one vault directory, taken at once or refused with `VaultLocked`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = FileLock(
            path,
            timeout=0,
            blocking=False,
            mode=0o600,  # owner only; on Windows an owner-only ACL
            # The vault may be opened in one thread and closed in a worker thread.
            thread_local=False,
            # Fail closed on a filesystem without flock: a soft lock would survive a crash.
            fallback_to_soft=False,
            # Keep the file on Windows too, so the vault directory looks the same on every OS.
            preserve_lock_file=True,
        )

    def acquire(self) -> None:
        """Take the lock or raise VaultLocked at once (never wait: the coach must know why)."""
        if self._lock.is_locked:
            # Not reentrant, as before: a second acquire means a second owner in this process.
            raise VaultLocked(self.path.parent)
        try:
            self._lock.acquire()
        except Timeout:
            raise VaultLocked(self.path.parent) from None

    def release(self) -> None:
        """Drop the lock if held; a second call does nothing."""
        if self._lock.is_locked:
            self._lock.release(force=True)

    @property
    def held(self) -> bool:
        """Whether this object holds the lock now."""
        return self._lock.is_locked
