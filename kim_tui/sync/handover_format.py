"""The handover file format (``*.kimh``): one client file from one coach to a colleague, and
the colleague's signed receipt; also a stand-in copy and its return (same frame, other kinds);
see ``docs/handover-format.md``.

    offset  size  field
    0       4     magic "KIMH"
    4       2     format version, unsigned big-endian (1)
    6       4     header length H, unsigned big-endian (1 ≤ H ≤ 4096)
    10      H     header: canonical JSON (sorted keys, no whitespace, ASCII only)
    10+H    4     ciphertext length C, unsigned big-endian
    14+H    C     HPKE ciphertext to the recipient's receiving key:
                  enc (1120 bytes) || AEAD(zlib(payload JSON)), info = header
    14+H+C  64    Ed25519 signature of the sender over bytes [0, 14+H+C)

The header names only key fingerprints, a random id, the kind and the time: nothing personal.
The same suite as the weekly bundle (``docs/bundle-format.md`` § 4).
"""

from __future__ import annotations

import json
import os
import re
import zlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric import ed25519

from kim_tui.i18n import tr
from kim_tui.sync import identity, payload_schema
from kim_tui.sync.bundle_format import SUITE_NAME, canonical_json, hpke_suite
from kim_tui.sync.frame import frame_bytes, read_frame

MAGIC = b"KIMH"
VERSION = 1
HEADER_FORMAT = "kim-handover"
HANDOVER = "handover"
RECEIPT = "receipt"
STAND_IN = "stand-in"
"""A time-limited copy of some clients for a colleague standing in (Vertretung)."""
STAND_IN_RETURN = "stand-in-return"
"""What the colleague recorded during a stand-in, back to the original coach."""
KINDS = (HANDOVER, RECEIPT, STAND_IN, STAND_IN_RETURN)
MAX_HEADER = 4096
MAX_PAYLOAD = 64 * 1024 * 1024
"""Decompressed payload limit: one client file with years of notes is a few MiB at most."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX32 = re.compile(r"[0-9a-f]{32}")
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_HEADER_KEYS = frozenset({"format", "kind", "id", "sender", "recipient", "created_at", "suite"})


class HandoverError(Exception):
    """A handover or receipt file is refused; `reason` is a stable code, the message is in the
    UI language (as a `BundleError`'s)."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def new_handover_id() -> str:
    """A random handover id (32 hex digits): names the handover in both files and the logs."""
    return os.urandom(16).hex()


@dataclass(frozen=True)
class HandoverHeader:
    """The readable header: who to whom (fingerprints), which handover, what kind, when."""

    kind: str
    id: str
    sender: str
    recipient: str
    created_at: str

    def to_bytes(self) -> bytes:
        """The canonical header bytes (also the HPKE info and part of what is signed)."""
        return canonical_json(
            {
                "format": HEADER_FORMAT,
                "kind": self.kind,
                "id": self.id,
                "sender": self.sender,
                "recipient": self.recipient,
                "created_at": self.created_at,
                "suite": SUITE_NAME,
            }
        )

    @staticmethod
    def from_bytes(data: bytes) -> HandoverHeader:
        """Parse and check a header; HandoverError("corrupt") for anything unexpected."""
        try:
            doc = payload_schema.loads_strict(data.decode("ascii"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise HandoverError("corrupt", tr("Kopf unlesbar", "header unreadable")) from None
        if not isinstance(doc, dict) or set(doc) != _HEADER_KEYS:
            raise HandoverError(
                "corrupt", tr("keine kim-Übergabedatei (Kopf)", "not a kim handover file (header)")
            )
        if doc["format"] != HEADER_FORMAT or doc["suite"] != SUITE_NAME:
            raise HandoverError(
                "corrupt",
                tr("keine kim-Übergabedatei (Format)", "not a kim handover file (format)"),
            )
        ok = (
            doc["kind"] in KINDS
            and isinstance(doc["id"], str)
            and _HEX32.fullmatch(doc["id"])
            and all(
                isinstance(doc[k], str) and _HEX64.fullmatch(doc[k])
                for k in ("sender", "recipient")
            )
            and isinstance(doc["created_at"], str)
            and _STAMP.fullmatch(doc["created_at"])
        )
        if not ok:
            raise HandoverError(
                "corrupt", tr("Felder im Kopf ungültig", "invalid fields in the header")
            )
        header = HandoverHeader(
            doc["kind"], doc["id"], doc["sender"], doc["recipient"], doc["created_at"]
        )
        if header.to_bytes() != data:
            raise HandoverError(
                "corrupt",
                tr("Kopf ist nicht kanonisch kodiert", "header is not canonically encoded"),
            )
        return header


@dataclass(frozen=True)
class ParsedHandover:
    """A file split into its parts; only the framing and the header are checked."""

    header: HandoverHeader
    header_bytes: bytes
    ciphertext: bytes
    signature: bytes
    signed: bytes


def seal(
    header: HandoverHeader,
    payload: dict[str, Any],
    recipient: identity.CoachPublic,
    sender_sign_private: bytes,
) -> bytes:
    """Encrypt `payload` to the recipient's receiving key and sign the file as the sender."""
    if recipient.kem_key is None:
        raise HandoverError(
            "no_receiving_key",
            tr("Die Kolleg*in hat keinen Empfangsschlüssel", "the colleague has no receiving key"),
        )
    if recipient.fingerprint != header.recipient:
        raise ValueError("header names another recipient")
    header_bytes = header.to_bytes()
    compressed = zlib.compress(canonical_json(payload), 9)
    ciphertext = hpke_suite().encrypt(
        compressed, identity.kem_public(recipient.kem_key), info=header_bytes
    )
    signed = frame_bytes(MAGIC, VERSION, header_bytes, ciphertext)
    return signed + identity.signing_key(sender_sign_private).sign(signed)


def parse(data: bytes) -> ParsedHandover:
    """Split a file into its parts, checking framing and header (not signature or payload)."""
    frame = read_frame(
        data,
        magic=MAGIC,
        version=VERSION,
        max_header=MAX_HEADER,
        what=("kim-Übergabedatei", "kim handover file"),
        error=HandoverError,
    )
    return ParsedHandover(
        header=HandoverHeader.from_bytes(frame.header_bytes),
        header_bytes=frame.header_bytes,
        ciphertext=frame.ciphertext,
        signature=frame.signature,
        signed=frame.signed,
    )


def open_verified(
    parsed: ParsedHandover,
    sender: identity.CoachPublic,
    own_fingerprint: str,
    own_kem_private: bytes,
) -> dict[str, Any]:
    """Check the sender's signature and that the file is meant for this vault, then decrypt.

    The caller chose `sender` by the header's fingerprint among known colleagues (or showed the
    fingerprint to compare); a signature by anyone else is refused here.
    """
    if sender.fingerprint != parsed.header.sender:
        raise HandoverError(
            "unknown_sender",
            tr("Absender passt nicht zur Datei", "the sender does not match the file"),
        )
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(sender.sign_key).verify(
            parsed.signature, parsed.signed
        )
    except InvalidSignature:
        raise HandoverError(
            "bad_signature",
            tr(
                "Signatur ungültig (verändert oder fremd signiert)",
                "invalid signature (altered or signed by someone else)",
            ),
        ) from None
    if parsed.header.recipient != own_fingerprint:
        raise HandoverError(
            "wrong_recipient",
            tr(
                "Diese Datei ist für eine andere Person bestimmt",
                "this file is meant for someone else",
            ),
        )
    try:
        compressed = hpke_suite().decrypt(
            parsed.ciphertext, identity.kem_private(own_kem_private), info=parsed.header_bytes
        )
    except InvalidTag:
        raise HandoverError(
            "decrypt", tr("lässt sich nicht entschlüsseln", "cannot be decrypted")
        ) from None
    try:
        inflater = zlib.decompressobj()
        plain = inflater.decompress(compressed, MAX_PAYLOAD)
        if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
            raise HandoverError(
                "corrupt",
                tr("Inhalt unvollständig oder zu groß", "content incomplete or too large"),
            )
        doc = payload_schema.loads_strict(plain.decode("utf-8"))
        json.dumps(doc, ensure_ascii=False).encode("utf-8")  # lone surrogates, deep nesting
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError):
        raise HandoverError("corrupt", tr("Inhalt unlesbar", "content unreadable")) from None
    if not isinstance(doc, dict):
        raise HandoverError(
            "corrupt",
            tr("Inhalt hat nicht die erwartete Form", "content does not have the expected shape"),
        )
    return doc


__all__ = [
    "HANDOVER",
    "RECEIPT",
    "STAND_IN",
    "STAND_IN_RETURN",
    "HandoverError",
    "HandoverHeader",
    "ParsedHandover",
    "new_handover_id",
    "open_verified",
    "parse",
    "seal",
]
