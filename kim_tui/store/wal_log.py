"""Check the vault's write-ahead log before SQLite reads it.

SQLite ends the log at the first frame whose checksum fails and treats everything after it as
never written: one flipped bit in a frame silently drops that transaction and every later one,
and the next write overwrites them. SQLCipher cannot help, because it never decrypts those
frames. A crash can leave a torn frame too, but only at the end of the log; valid frames of the
same log *after* a failing one mean damage. This module tells the two apart so the vault refuses
to open (and changes nothing) instead of losing committed work quietly.

Format (https://sqlite.org/fileformat2.html#walformat): a 32-byte header (magic, version, page
size, checkpoint sequence, salt-1, salt-2, checksum-1, checksum-2), then frames of a 24-byte
header (page number, database size for commit frames, salt-1, salt-2, checksum-1, checksum-2)
and one page. Each frame's checksum runs over its first 8 header bytes and its page, seeded with
the checksum of the frame before (the first with the header's); frames of an older log
generation carry other salts. The limit: damage in the very last frame looks like a torn write
and is not reported (SQLite then drops only the last transaction).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

HEADER = 32
FRAME_HEADER = 24
_MAGIC = (0x377F0682, 0x377F0683)  # little- and big-endian checksums
_MASK = 0xFFFFFFFF


@dataclass(frozen=True)
class WalDamage:
    """Where the log breaks, and how many valid frames of committed transactions follow it
    (SQLite would drop them)."""

    frame: int
    """0-based index of the first frame that fails (-1: the log header)."""
    frames: int
    dropped_valid_frames: int


def _checksum(data: bytes, seed: tuple[int, int], big_endian: bool) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    s0, s1 = seed
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & _MASK
        s1 = (s1 + words[i + 1] + s0) & _MASK
    return s0, s1


def find_damage(wal: Path) -> WalDamage | None:
    """The first failing place of a log that has valid frames after it, or None.

    A missing, empty or header-only log, a log that is valid to its end, and a log whose break
    is followed by no committed transaction (a torn write, frames of an older generation, or a
    transaction still open when the process died) are fine.
    """
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return None
    if len(data) < HEADER:
        return None
    magic, _version, page_size = struct.unpack(">III", data[:12])
    big_endian = magic == _MAGIC[1]
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        page_size = 4096  # a damaged header: judge the frames by SQLCipher's page size
    salt = data[16:24]
    stored_header = struct.unpack(">II", data[24:32])
    header_ok = magic in _MAGIC and (_checksum(data[:24], (0, 0), big_endian) == stored_header)
    size = FRAME_HEADER + page_size
    frames = (len(data) - HEADER) // size
    first_bad: int | None = None if header_ok else -1
    valid_after = 0
    dropped = 0
    seed = stored_header
    for i in range(frames):
        at = HEADER + i * size
        head = data[at : at + FRAME_HEADER]
        stored = struct.unpack(">II", head[16:24])
        ok = head[8:16] == salt and (
            _checksum(head[:8] + data[at + FRAME_HEADER : at + size], seed, big_endian) == stored
        )
        if not ok and first_bad is None:
            first_bad = i
        elif ok and first_bad is not None:
            valid_after += 1
            # Only a committed transaction is lost: a valid commit frame (database size set)
            # after the break. Frames of a transaction still open when the process died may be
            # rewritten in place, which breaks the chain without any damage.
            if head[4:8] != b"\0\0\0\0":
                dropped = valid_after
        # Seeded with the stored value, a frame after a damaged one still checks out.
        seed = stored
    if first_bad is None or not dropped:
        return None
    return WalDamage(first_bad, frames, dropped)
