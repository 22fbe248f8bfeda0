"""Key material in mutable buffers that are zeroed after use.

Python's `str` and `bytes` are immutable: a passphrase or key held in one stays in memory until
the allocator happens to reuse the block, and every conversion (`.encode()`, `.hex()`, slicing,
f-strings) leaves another copy. So the data key, the wrapping keys and the UTF-8 passphrase live
in `bytearray`s that are filled in place (cryptography's `*_into` functions) and zeroed with
`wipe` as soon as they are not needed. What Python cannot guarantee (a `str` the terminal
delivered, copies inside C libraries) is written down in the README, "Schlüssel im Speicher".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

Passphrase = str | bytearray
"""A passphrase as typed: a `str` (CLI prompt, passphrase file) or UTF-8 in a `bytearray`
(the unlock screen's field, which never builds a `str` of it)."""


def wipe(buffer: bytearray | None) -> None:
    """Overwrite `buffer` with zeros in place (same length: no reallocation, no copy)."""
    if buffer:
        buffer[:] = bytes(len(buffer))


@contextmanager
def wiped(buffer: bytearray) -> Iterator[bytearray]:
    """Use `buffer`, then zero it, also when the block raises."""
    try:
        yield buffer
    finally:
        wipe(buffer)


def _utf8_into(text: str) -> bytearray:
    # Character by character into a buffer of the final size: `text.encode()` would make an
    # immutable copy of the whole passphrase, and growing a bytearray leaves the old block behind.
    # One-character strings are the interpreter's shared singletons or tiny objects of their own.
    size = sum(len(ch.encode("utf-8")) for ch in text)
    out = bytearray(size)
    pos = 0
    for ch in text:
        encoded = ch.encode("utf-8")
        out[pos : pos + len(encoded)] = encoded
        pos += len(encoded)
    return out


def passphrase_bytes(passphrase: Passphrase) -> bytearray:
    """The passphrase in Unicode NFC as UTF-8, in a new buffer the caller wipes.

    ASCII (the common case) is copied byte for byte. Other text is normalised through a
    short-lived `str` (the standard library normalises only `str`): README, "Schlüssel im
    Speicher"."""
    if isinstance(passphrase, bytearray):
        if passphrase.isascii():
            out = bytearray(len(passphrase))
            out[:] = passphrase
            return out
        return _utf8_into(unicodedata.normalize("NFC", passphrase.decode("utf-8", "replace")))
    return _utf8_into(unicodedata.normalize("NFC", passphrase))


def unnormalised_bytes(passphrase: Passphrase) -> bytearray | None:
    """The passphrase as typed, when its UTF-8 differs from the NFC form (else None): vaults
    made before kim normalised passphrases were wrapped under exactly what was typed."""
    if isinstance(passphrase, bytearray):
        if passphrase.isascii():
            return None
        text = passphrase.decode("utf-8", "replace")
    else:
        if passphrase.isascii():
            return None
        text = passphrase
    if unicodedata.is_normalized("NFC", text):
        return None
    return _utf8_into(text)


def hex_key_literal(key: bytearray) -> bytearray:
    """SQLCipher's raw-key form ``x'<64 hex digits>'`` of `key`, built in a new buffer (the
    caller wipes it) without a `str` or `bytes` copy of the hex."""
    digits = b"0123456789abcdef"
    out = bytearray(3 + 2 * len(key))
    out[0:2] = b"x'"
    for i, byte in enumerate(key):
        out[2 + 2 * i] = digits[byte >> 4]
        out[3 + 2 * i] = digits[byte & 0x0F]
    out[-1] = ord("'")
    return out
