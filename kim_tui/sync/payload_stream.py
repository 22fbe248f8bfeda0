"""A bundle payload read record by record: the fast path of `bundle_format.open_payload_as`.

The whole-document reader holds the decompressed bytes, the text and every record as dicts at
once (for 280,000 records: 58 + 58 + 200 MB). This one inflates the payload piece by piece,
decodes one record at a time with the same strict decoder (no duplicate keys, no NaN), checks
it against the same schema and hands it to the caller's `convert` at once, so only the converted
records and a window of text are held.

It only ever *accepts*: for anything it does not expect (a violation, a damaged or oversized
payload, an unusual layout, a lone surrogate) it returns None, and the caller reads the payload
again with the whole-document reader, which gives the exact reason. So both readers accept
exactly the same payloads, and a rejected bundle is explained as before.
"""

from __future__ import annotations

import codecs
import json
import re
import zlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from kim_tui.sync import payload_schema

T = TypeVar("T")

PIECE = 1 << 20
"""Decompressed bytes per step."""

_WS = re.compile(r"[ \t\n\r]*")
_SEPARATOR = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")
_OPEN = re.compile(r'[ \t\n\r]*\{[ \t\n\r]*"records"[ \t\n\r]*:[ \t\n\r]*\[')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_DECODER = json.JSONDecoder(
    object_pairs_hook=payload_schema.no_duplicate_keys,
    parse_constant=payload_schema.no_constant,
)


class _Doubt(Exception):
    """The fast reader does not accept the payload: the whole-document reader decides."""


class _Text:
    """The payload's text, inflated and decoded as far as the reader has asked for it."""

    def __init__(self, compressed: bytes, max_bytes: int) -> None:
        self._inflater = zlib.decompressobj()
        self._input = compressed
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._max = max_bytes
        self._size = 0
        self.buf = ""
        self.done = False

    def more(self, start: int, at_least: int = 0) -> int:
        """Drop the text before `start`, then add pieces until the window holds `at_least`
        more characters than before or the payload ends; returns the new index of `start`."""
        pieces = [self.buf[start:]]
        wanted = len(pieces[0]) + max(at_least, 1)
        have = len(pieces[0])
        while have < wanted and not self.done:
            try:
                raw = self._inflater.decompress(self._input, PIECE)
            except zlib.error:
                raise _Doubt from None
            if not raw and len(self._inflater.unconsumed_tail) == len(self._input) > 0:
                raise _Doubt  # no progress (never seen with zlib; never loop on it)
            self._input = self._inflater.unconsumed_tail
            self._size += len(raw)
            if self._size > self._max:
                raise _Doubt
            final = self._inflater.eof or (not raw and not self._input)
            if final and (not self._inflater.eof or self._inflater.unused_data):
                raise _Doubt  # truncated, or bytes after the end
            try:
                text = self._utf8.decode(raw, final=final)
            except UnicodeDecodeError:
                raise _Doubt from None
            pieces.append(text)
            have += len(text)
            self.done = final
        self.buf = "".join(pieces)
        return 0

    def skip_ws(self, pos: int) -> int:
        """The index of the next character that is not JSON whitespace, reading on as
        needed (len(buf) only at the end of the payload)."""
        while True:
            end = _WS.match(self.buf, pos)
            pos = end.end() if end is not None else pos
            if pos < len(self.buf) or self.done:
                return pos
            pos = self.more(pos)


class Doubt(Exception):
    """The record-by-record reader does not accept the payload: the whole-document reader
    decides (and names the reason)."""


def read_records(
    compressed: bytes,
    counts: dict[str, int],
    revisions: tuple[int, int],
    max_bytes: int,
    convert: Callable[[dict[str, Any]], T],
) -> list[T] | None:
    """The converted records if the payload keeps every rule (`counts` per table as in the
    header, every revision within ``rev_after < rev <= rev_upto``); None if in any doubt."""
    out: list[T] = []
    try:
        for chunk in iter_records(compressed, counts, revisions, max_bytes, convert, 10_000):
            out += chunk
    except Doubt:
        return None
    return out


def iter_records(
    compressed: bytes,
    counts: dict[str, int],
    revisions: tuple[int, int],
    max_bytes: int,
    convert: Callable[[dict[str, Any]], T],
    size: int,
) -> Iterator[list[T]]:
    """The converted records, `size` at a time, as far as they keep every rule; `Doubt` as
    soon as something is not as expected (after the last chunk: the counts)."""
    try:
        yield from _read(_Text(compressed, max_bytes), counts, revisions, convert, size)
    except (_Doubt, RecursionError, UnicodeEncodeError):
        raise Doubt from None


def _read(
    text: _Text,
    counts: dict[str, int],
    revisions: tuple[int, int],
    convert: Callable[[dict[str, Any]], T],
    size: int,
) -> Iterator[list[T]]:
    pos = text.more(0, 64)
    opening = _OPEN.match(text.buf, pos)
    if opening is None:
        raise _Doubt
    pos = text.skip_ws(opening.end())
    found = dict.fromkeys(counts, 0)
    seen: dict[str, set[str]] = {table: set() for table in counts}
    low, high = revisions
    out: list[T] = []
    index = 0
    if text.buf[pos : pos + 1] == "]":
        pos += 1
    else:
        while True:
            record, pos = _element(text, pos)
            if index >= payload_schema.MAX_RECORDS:
                raise _Doubt
            if payload_schema.check_record(index, record) is not None:
                raise _Doubt
            table, rid, rev = record["t"], record["id"], record["rev"]
            ids = seen.get(table)
            if ids is None or rid in ids or not low < rev <= high:
                raise _Doubt
            ids.add(rid)
            found[table] += 1
            index += 1
            out.append(convert(record))
            if len(out) >= size:
                yield out
                out = []
            separator = _SEPARATOR.match(text.buf, pos)
            if separator is None or separator.end() == len(text.buf):
                pos = text.more(pos, PIECE)  # the window ends here: read on, then look again
                separator = _SEPARATOR.match(text.buf, pos)
                if separator is None:
                    raise _Doubt
            pos = separator.end()
            if separator[1] == "]":
                break
    pos = text.skip_ws(pos)
    if text.buf[pos : pos + 1] != "}":
        raise _Doubt
    if text.skip_ws(pos + 1) != len(text.buf) or not text.done or found != counts:
        raise _Doubt
    if out:
        yield out


def _element(text: _Text, pos: int) -> tuple[Any, int]:
    """One record decoded at `pos`, and the index after it. Read on while the window may end
    inside it (doubling what is asked for, so a long record costs linear time)."""
    while True:
        try:
            value, end = _DECODER.raw_decode(text.buf, pos)
        except ValueError:  # incomplete, or damaged: more text tells which
            if text.done:
                raise _Doubt from None
            pos = text.more(pos, 2 * (len(text.buf) - pos) + PIECE)
            continue
        if end == len(text.buf) and not text.done:
            pos = text.more(pos, PIECE)  # a number could go on; an object could not
            continue
        if _SURROGATE_ESCAPE.search(text.buf, pos, end) is not None:
            # A lone surrogate decodes but can never be stored: the same check as the
            # whole-document reader, for this record only.
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        return value, end
