"""The write-ahead-log check tells damage in the middle (refuse) from a torn end (fine).

Logs are built here frame by frame with SQLite's checksum rule; the robustness suite
(tests/robustness/test_tamper_vault.py) runs the same check on logs SQLCipher wrote."""

from __future__ import annotations

import struct
from pathlib import Path

from kim_tui.store.wal_log import WalDamage, _checksum, find_damage

PAGE = 512
SALT = b"\x11\x22\x33\x44\x55\x66\x77\x88"


def _log(frames: int, *, salt: bytes = SALT, tail: bytes = b"") -> bytearray:
    header = struct.pack(">IIII", 0x377F0683, 3007000, PAGE, 0) + salt
    seed = _checksum(header, (0, 0), True)
    data = bytearray(header + struct.pack(">II", *seed))
    for i in range(frames):
        page = bytes((i * 7 + j) % 251 for j in range(PAGE))
        first = struct.pack(">II", i + 1, i + 1 if i % 3 == 2 else 0)
        seed = _checksum(first + page, seed, True)
        data += first + salt + struct.pack(">II", *seed) + page
    return data + tail


def _write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "vault.db-wal"
    path.write_bytes(bytes(data))
    return path


def _frame_at(i: int) -> int:
    return 32 + i * (24 + PAGE)


def test_intact_missing_and_empty_logs_are_fine(tmp_path: Path) -> None:
    assert find_damage(tmp_path / "missing-wal") is None
    assert find_damage(_write(tmp_path, b"")) is None
    assert find_damage(_write(tmp_path, _log(0))) is None
    assert find_damage(_write(tmp_path, _log(6))) is None


def test_flipped_bit_in_a_middle_frame_is_damage(tmp_path: Path) -> None:
    data = _log(6)
    data[_frame_at(2) + 24 + 100] ^= 0x01  # page data of frame 3
    assert find_damage(_write(tmp_path, data)) == WalDamage(2, 6, 3)


def test_damage_in_a_frame_header_or_checksum_is_damage(tmp_path: Path) -> None:
    for offset in (0, 5, 9, 17, 23):  # page number, size, salt, both checksum words
        data = _log(6)
        data[_frame_at(1) + offset] ^= 0x80
        damage = find_damage(_write(tmp_path, data))
        assert damage is not None and damage.frame == 1, offset


def test_damaged_log_header_with_frames_is_damage(tmp_path: Path) -> None:
    data = _log(4)
    data[13] ^= 0x04  # checkpoint sequence: the header checksum fails
    # Frames 1–3 are valid, frame 3 (index 2) commits: three frames of saved work would be lost.
    assert find_damage(_write(tmp_path, data)) == WalDamage(-1, 4, 3)


def test_torn_last_frame_and_older_generations_are_fine(tmp_path: Path) -> None:
    torn = _log(5)
    torn[_frame_at(4) + 24 + 7] ^= 0x20  # the last frame: what a crash mid-write leaves
    assert find_damage(_write(tmp_path, torn)) is None
    half = _log(5)[: _frame_at(4) + 200]  # the last frame only half written
    assert find_damage(_write(tmp_path, half)) is None
    # A restarted log: new salts for 3 frames, then frames of the previous generation.
    old = _log(6, salt=b"\x01" * 8)
    new = _log(3)
    mixed = new + old[len(new) :]
    assert find_damage(_write(tmp_path, mixed)) is None


def test_a_break_followed_only_by_an_open_transaction_is_fine(tmp_path: Path) -> None:
    """A process killed during a big transaction: its frames (no commit frame after the break)
    may have been rewritten in place. SQLite ignores them; so does the check."""
    data = _log(5)  # commit frames at index 2 only (and 5 would be the next)
    data[_frame_at(3) + 24 + 9] ^= 0x02  # break in the open transaction's first frame
    assert find_damage(_write(tmp_path, data)) is None
