"""Scan this process's own memory for secrets (Linux: /proc/self/maps and /proc/self/mem).

A secret to look for is given in two halves (`Needle`), and only the two halves joined are a
hit: the test itself never builds the whole secret, so its own objects are not found. Every
readable mapping is read (heap, thread arenas and stacks, anonymous maps, library data); the
kernel's [vvar]/[vsyscall] pages cannot be read and are left out.

Stretches of a mapping whose pages were never touched (neither in memory nor swapped out, as
/proc/self/pagemap says) are skipped: they cannot hold anything the process wrote, and they are
most of what an app with a few threads maps (glibc reserves 64 MiB per thread arena, 8 MiB per
stack). Reading them would only fault in zero pages. Without pagemap every page is read.
"""

from __future__ import annotations

import struct
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_UNREADABLE = ("[vvar]", "[vvar_vclock]", "[vsyscall]")
_CHUNK = 1 << 20
_PAGE = 4096
_PRESENT_OR_SWAPPED = (1 << 63) | (1 << 62)  # pagemap entry bits (Documentation/admin-guide/mm)


@dataclass(frozen=True)
class Needle:
    """A secret as two halves that are never joined in the test's memory."""

    head: bytes
    tail: bytes


def scan_unavailable() -> str | None:
    """Why the scan cannot run here (None: it can)."""
    if not sys.platform.startswith("linux"):
        return "the memory scan reads /proc/self/mem, which only Linux has"
    try:
        with open("/proc/self/mem", "rb", buffering=0) as mem, open("/proc/self/maps") as maps:
            first = maps.readline().split()[0]
            mem.seek(int(first.split("-")[0], 16))
            mem.read(1)
    except OSError as exc:
        return f"/proc/self/mem is not readable here ({exc.strerror})"
    return None


def _regions() -> list[tuple[int, int, str]]:
    regions = []
    for line in Path("/proc/self/maps").read_text().splitlines():
        parts = line.split()
        if not parts[1].startswith("r"):
            continue
        name = parts[5] if len(parts) > 5 else ""
        if name in _UNREADABLE:
            continue
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        regions.append((lo, hi, name))
    return regions


def count_in_memory(needles: dict[str, Needle]) -> dict[str, int]:
    """How often each secret occurs in the process's readable memory right now.

    Memory is read in chunks into one buffer that is zeroed before it is freed: a scan must
    not leave its own copy of a secret behind (a freed `bytes` keeps its content, and the next
    scan, after lock, would find the copy the scan made while the vault was open)."""
    hits = dict.fromkeys(needles, 0)
    overlap = max(len(n.head) + len(n.tail) for n in needles.values()) - 1
    buf = bytearray(_CHUNK + overlap)
    view = memoryview(buf)
    try:
        with open("/proc/self/mem", "rb", buffering=0) as mem, _pagemap() as pages:
            for lo, hi, _name in _regions():
                for pos in range(lo, hi, _CHUNK):
                    size = min(_CHUNK + overlap, hi - pos)
                    if not _touched(pages, pos, size):
                        continue
                    try:
                        mem.seek(pos)
                        got = mem.readinto(view[:size])
                    except (OSError, ValueError, OverflowError):
                        break  # unmapped meanwhile, or a guard page
                    if not got:
                        break
                    # A hit starting in the overlap is counted by the next chunk.
                    limit = min(got, _CHUNK)
                    for label, needle in needles.items():
                        hits[label] += _hits_in(buf, got, limit, needle)
    finally:
        view.release()
        buf[:] = bytes(len(buf))
    return hits


def _pagemap() -> Any:
    try:
        return open("/proc/self/pagemap", "rb", buffering=0)  # noqa: SIM115 - a context manager
    except OSError:
        return nullcontext(None)


def _touched(pages: Any, start: int, size: int) -> bool:
    """Whether any page of [start, start + size) is in memory or swapped out (True when
    pagemap cannot tell)."""
    if pages is None:
        return True
    first, count = start // _PAGE, -(-size // _PAGE)
    try:
        pages.seek(first * 8)
        raw = pages.read(count * 8)
    except OSError:
        return True
    if len(raw) != count * 8:
        return True
    return any(entry & _PRESENT_OR_SWAPPED for entry in struct.unpack(f"<{count}Q", raw))


def _hits_in(buf: bytearray, size: int, limit: int, needle: Needle) -> int:
    found = 0
    start = buf.find(needle.head, 0, size)
    while 0 <= start < limit:
        end = start + len(needle.head)
        if buf.startswith(needle.tail, end, size):
            found += 1
        start = buf.find(needle.head, start + 1, size)
    return found


def key_needles(dek: bytearray) -> dict[str, Needle]:
    """The data key raw, as lower- and upper-case hex, from a live key buffer (read in halves,
    so no whole copy is made here)."""
    head, tail = bytes(dek[:16]), bytes(dek[16:])
    return {
        "key (raw)": Needle(head, tail),
        "key (hex)": Needle(head.hex().encode(), tail.hex().encode()),
        "key (HEX)": Needle(head.hex().upper().encode(), tail.hex().upper().encode()),
    }


def passphrase_needles(chars: list[str]) -> dict[str, Needle]:
    """A passphrase given as single characters: its UTF-8 (= a Python str's storage for ASCII)
    and UTF-16 (Windows-style and some C libraries) forms."""
    half = len(chars) // 2
    head, tail = "".join(chars[:half]), "".join(chars[half:])
    return {
        "passphrase (utf-8)": Needle(head.encode(), tail.encode()),
        "passphrase (utf-16)": Needle(head.encode("utf-16-le"), tail.encode("utf-16-le")),
    }


def secret_from(chars: list[str]) -> bytearray:
    """The passphrase as UTF-8 in a buffer, built from its halves without a whole copy."""
    half = len(chars) // 2
    head, tail = "".join(chars[:half]).encode(), "".join(chars[half:]).encode()
    out = bytearray(len(head) + len(tail))
    out[: len(head)] = head
    out[len(head) :] = tail
    return out
