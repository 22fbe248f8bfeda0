"""The frame every signed kim file shares (bundle ``KIMB``, handover ``KIMH``): magic, format
version, header length, header, ciphertext length, ciphertext, signature. One reader, so the
two formats cannot drift apart in how they refuse a truncated or extended file.

    offset  size  field
    0       4     magic
    4       2     format version, unsigned big-endian
    6       4     header length H, unsigned big-endian (1 ≤ H ≤ the format's limit)
    10      H     header
    10+H    4     ciphertext length C, unsigned big-endian (at least enc + AEAD tag)
    14+H    C     HPKE ciphertext
    14+H+C  64    Ed25519 signature over bytes [0, 14+H+C)
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from kim_tui.i18n import tr

FRAME_PREFIX = struct.Struct(">4sHI")
"""magic (4 bytes), format version, header length: the start of every kim file."""
CT_LEN = struct.Struct(">I")
ENC_LEN = 1120
TAG_LEN = 16
SIG_LEN = 64


@dataclass(frozen=True)
class Frame:
    """A file split into its parts; only the framing is checked (not header, signature or
    ciphertext)."""

    version: int
    header_bytes: bytes
    ciphertext: bytes
    signature: bytes
    signed: bytes


def read_frame(
    data: bytes,
    *,
    magic: bytes,
    version: int,
    max_header: int,
    what: tuple[str, str],
    error: Callable[[str, str], Exception],
) -> Frame:
    """Split `data` into its parts. Anything that does not fit raises `error(reason, message)`
    with reason ``corrupt`` or ``version`` and a message in the UI language; `what` names the
    kind of file (German, English), e.g. ("kim-Paketdatei", "kim bundle file")."""
    if len(data) < FRAME_PREFIX.size:
        raise error(
            "corrupt", tr("Datei ist zu kurz (abgeschnitten)", "file is too short (truncated)")
        )
    found_magic, found_version, hlen = FRAME_PREFIX.unpack_from(data, 0)
    if found_magic != magic:
        raise error(
            "corrupt", tr(f"keine {what[0]} (Kennung fehlt)", f"not a {what[1]} (marker missing)")
        )
    if found_version != version:
        raise error(
            "version",
            tr(
                f"Format-Version {found_version} wird nicht unterstützt "
                f"(diese kim-Version kann {version})",
                f"format version {found_version} is not supported "
                f"(this kim version reads {version})",
            ),
        )
    if not 1 <= hlen <= max_header:
        raise error("corrupt", tr("Kopflänge ungültig", "invalid header length"))
    pos = FRAME_PREFIX.size + hlen
    if len(data) < pos + CT_LEN.size:
        raise error("corrupt", tr("Datei ist abgeschnitten", "file is truncated"))
    header_bytes = data[FRAME_PREFIX.size : pos]
    (clen,) = CT_LEN.unpack_from(data, pos)
    pos += CT_LEN.size
    if len(data) != pos + clen + SIG_LEN:
        raise error(
            "corrupt",
            tr(
                "Dateilänge passt nicht (abgeschnitten oder verlängert)",
                "file length does not match (truncated or extended)",
            ),
        )
    if clen < ENC_LEN + TAG_LEN:
        raise error("corrupt", tr("verschlüsselter Teil zu kurz", "encrypted part too short"))
    return Frame(
        version=found_version,
        header_bytes=header_bytes,
        ciphertext=data[pos : pos + clen],
        signature=data[pos + clen :],
        signed=data[: pos + clen],
    )


def frame_bytes(magic: bytes, version: int, header_bytes: bytes, ciphertext: bytes) -> bytes:
    """The signed part of a file: everything before the signature."""
    return (
        FRAME_PREFIX.pack(magic, version, len(header_bytes))
        + header_bytes
        + CT_LEN.pack(len(ciphertext))
        + ciphertext
    )
