"""Reading a small file that somebody else may have replaced: a key file, a public identity.

Before a byte is read the file is opened without blocking and checked to be a regular file of
bounded size, so a directory, a FIFO, a device or a huge file in its place gives a clear
refusal instead of a traceback, a hang or exhausted memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kim_tui.i18n import tr

__all__ = ["MAX_SMALL_FILE", "UnsuitableFile", "read_small_file"]

MAX_SMALL_FILE = 64 * 1024
"""Key files and public identities are a few KiB; anything beyond this is not one of them."""

# O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for one.
# Not on Windows, where FIFOs of this kind do not exist.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class UnsuitableFile(Exception):
    """The path is there but is not a small regular file; `why` says what it is (in the UI
    language at the time it was raised)."""

    def __init__(self, path: Path, why: str) -> None:
        self.path = path
        self.why = why
        super().__init__(f"{path}: {why}")


def read_small_file(path: Path, max_bytes: int = MAX_SMALL_FILE) -> bytes:
    """The bytes of the regular file `path`, at most `max_bytes` long.

    Raises `UnsuitableFile` for a directory, FIFO, socket or device, and for a larger file;
    `FileNotFoundError` and other `OSError`s (no permission, …) pass through unchanged.
    """
    path = Path(path)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except IsADirectoryError:
        raise UnsuitableFile(path, _is_a_directory()) from None
    except PermissionError:
        if path.is_dir():  # Windows refuses to open a directory with "permission denied"
            raise UnsuitableFile(path, _is_a_directory()) from None
        raise
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UnsuitableFile(path, _is_a_directory())
        if not stat.S_ISREG(info.st_mode):
            raise UnsuitableFile(
                path,
                tr(
                    "ist keine gewöhnliche Datei (Gerät, FIFO oder Socket)",
                    "is not a regular file (device, FIFO or socket)",
                ),
            )
        if info.st_size > max_bytes:
            kib = max_bytes // 1024
            raise UnsuitableFile(
                path, tr(f"ist zu groß (mehr als {kib} KiB)", f"is too large (over {kib} KiB)")
            )
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:  # grew after the check
            kib = max_bytes // 1024
            raise UnsuitableFile(
                path, tr(f"ist zu groß (mehr als {kib} KiB)", f"is too large (over {kib} KiB)")
            )
        return b"".join(chunks)
    finally:
        os.close(fd)


def _is_a_directory() -> str:
    return tr("ist ein Verzeichnis, keine Datei", "is a directory, not a file")
