"""The bundle file format (``*.kimb``), byte by byte; see ``docs/bundle-format.md``.

    offset  size  field
    0       4     magic "KIMB"
    4       2     format version, unsigned big-endian (1)
    6       4     header length H, unsigned big-endian (1 ≤ H ≤ 65536)
    10      H     header: canonical JSON (sorted keys, no whitespace, ASCII only)
    10+H    4     ciphertext length C, unsigned big-endian
    14+H    C     HPKE ciphertext: enc (1120 bytes) || AEAD(zlib(payload JSON)), info = header
    14+H+C  64    Ed25519 signature of the coach over bytes [0, 14+H+C)

The file ends right after the signature. Nothing personal is in the header.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.hpke import (
    AEAD,
    KDF,
    KEM,
    MLKEM768X25519PrivateKey,
    Suite,
)

from kim_tui.domain.pseudonym import TABLES
from kim_tui.i18n import tr
from kim_tui.sync import identity, payload_schema, payload_stream

# The frame's sizes, named here too: the byte-level tests build bundles from them.
from kim_tui.sync.frame import CT_LEN as CT_LEN
from kim_tui.sync.frame import ENC_LEN as ENC_LEN
from kim_tui.sync.frame import FRAME_PREFIX as FRAME_PREFIX
from kim_tui.sync.frame import SIG_LEN as SIG_LEN
from kim_tui.sync.frame import TAG_LEN as TAG_LEN
from kim_tui.sync.frame import frame_bytes, read_frame

T = TypeVar("T")

LATER_TABLES = frozenset({"handover"})
"""Tables added after format version 1 was first written (issue 14): a bundle of an older kim
has no count for them in its header and is still read (it carries none of them)."""

MAGIC = b"KIMB"
VERSION = 1
SUITE_NAME = "HPKE-base:MLKEM768-X25519:HKDF-SHA256:AES-256-GCM"
"""RFC 9180 base mode, KEM 0x647A (X-Wing), KDF 0x0001, AEAD 0x0002."""
HEADER_FORMAT = "kim-bundle"
MAX_HEADER = 65536
MAX_PAYLOAD = 128 * 1024 * 1024
"""Decompressed payload limit (a zlib bomb is rejected, not unpacked)."""

_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX32 = re.compile(r"[0-9a-f]{32}")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{2})")
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")

HEADER_KEYS = frozenset(
    {
        "format",
        "coach",
        "seq",
        "rev_after",
        "rev_upto",
        "week",
        "created_at",
        "counts",
        "recipient",
        "suite",
        "nonce",
        "prev",
    }
)


def hpke_suite() -> Suite:
    """The one HPKE suite of kim's files (bundles and handovers), `SUITE_NAME`."""
    return Suite(KEM.MLKEM768_X25519, KDF.HKDF_SHA256, AEAD.AES_256_GCM)


class BundleError(Exception):
    """A bundle is rejected; `reason` is a stable code, the message is in the UI language."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, separators ``,`` and ``:``, no whitespace, non-ASCII as ``\\uXXXX``."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def valid_week(text: str) -> bool:
    """True for an ISO week label such as ``2026-W48`` (week 01–53)."""
    m = _WEEK.fullmatch(text)
    return m is not None and 1 <= int(m[2]) <= 53


@dataclass(frozen=True)
class BundleHeader:
    """The signed, cleartext header. Nothing personal: ids, numbers, dates, counts."""

    coach: str
    seq: int
    rev_after: int
    rev_upto: int
    week: str
    created_at: str
    counts: dict[str, int]
    recipient: str
    nonce: str
    prev: str | None
    suite: str = SUITE_NAME

    def as_dict(self) -> dict[str, Any]:
        """The header as the JSON object written to the file."""
        return {
            "format": HEADER_FORMAT,
            "coach": self.coach,
            "seq": self.seq,
            "rev_after": self.rev_after,
            "rev_upto": self.rev_upto,
            "week": self.week,
            "created_at": self.created_at,
            "counts": dict(self.counts),
            "recipient": self.recipient,
            "suite": self.suite,
            "nonce": self.nonce,
            "prev": self.prev,
        }

    def to_bytes(self) -> bytes:
        """Canonical header bytes (also the HPKE ``info``)."""
        return canonical_json(self.as_dict())

    @property
    def link(self) -> str:
        """This bundle's chain link; the next bundle names it as ``prev``."""
        return chain_link(
            self.coach, self.seq, self.rev_after, self.rev_upto, self.nonce, self.prev
        )

    @staticmethod
    def from_bytes(data: bytes) -> BundleHeader:
        """Parse and validate header bytes; they must be exactly the canonical encoding."""
        try:
            doc = json.loads(data.decode("ascii"))
        except (UnicodeDecodeError, ValueError, RecursionError):  # "[[[[…": too deep to decode
            raise BundleError(
                "corrupt", tr("Kopf ist kein gültiges JSON", "header is not valid JSON")
            ) from None
        if not isinstance(doc, dict) or set(doc) != HEADER_KEYS:
            raise BundleError(
                "corrupt",
                tr(
                    "Kopf hat nicht die erwarteten Felder",
                    "header does not have the expected fields",
                ),
            )
        if doc["format"] != HEADER_FORMAT:
            raise BundleError("corrupt", tr("keine kim-Paketdatei", "not a kim bundle file"))
        if doc["suite"] != SUITE_NAME:
            raise BundleError(
                "version",
                tr(
                    f"Verschlüsselungsverfahren {doc['suite']!r} unbekannt",
                    f"unknown encryption suite {doc['suite']!r}",
                ),
            )
        ints = ("seq", "rev_after", "rev_upto")
        if not all(type(doc[k]) is int and 0 <= doc[k] < 2**53 for k in ints):
            raise BundleError(
                "corrupt", tr("Zahlen im Kopf ungültig", "invalid numbers in the header")
            )
        counts = doc["counts"]
        ok = (
            isinstance(counts, dict)
            and set(TABLES) - LATER_TABLES <= set(counts) <= set(TABLES)
            and all(type(v) is int and v >= 0 for v in counts.values())
            and isinstance(doc["coach"], str)
            and _HEX64.fullmatch(doc["coach"])
            and isinstance(doc["recipient"], str)
            and _HEX64.fullmatch(doc["recipient"])
            and isinstance(doc["nonce"], str)
            and _HEX32.fullmatch(doc["nonce"])
            and (
                doc["prev"] is None
                or (isinstance(doc["prev"], str) and _HEX64.fullmatch(doc["prev"]))
            )
            and isinstance(doc["week"], str)
            and valid_week(doc["week"])
            and isinstance(doc["created_at"], str)
            and _STAMP.fullmatch(doc["created_at"])
            and doc["seq"] >= 1
            and doc["rev_after"] <= doc["rev_upto"]
            and (doc["prev"] is None) == (doc["seq"] == 1)
        )
        if not ok:
            raise BundleError(
                "corrupt", tr("Felder im Kopf ungültig", "invalid fields in the header")
            )
        header = BundleHeader(
            coach=doc["coach"],
            seq=doc["seq"],
            rev_after=doc["rev_after"],
            rev_upto=doc["rev_upto"],
            week=doc["week"],
            created_at=doc["created_at"],
            counts={str(k): int(v) for k, v in counts.items()},
            recipient=doc["recipient"],
            nonce=doc["nonce"],
            prev=doc["prev"],
        )
        if header.to_bytes() != data:
            raise BundleError(
                "corrupt",
                tr("Kopf ist nicht kanonisch kodiert", "header is not canonically encoded"),
            )
        return header


def chain_link(
    coach: str, seq: int, rev_after: int, rev_upto: int, nonce: str, prev: str | None
) -> str:
    """SHA-256 (hex) over the canonical JSON of the fields that identify one bundle."""
    doc = {
        "coach": coach,
        "seq": seq,
        "rev_after": rev_after,
        "rev_upto": rev_upto,
        "nonce": nonce,
        "prev": prev,
    }
    return hashlib.sha256(canonical_json(doc)).hexdigest()


@dataclass(frozen=True)
class ParsedBundle:
    """A bundle split into its parts; nothing verified yet except the framing."""

    version: int
    header_bytes: bytes
    header: BundleHeader
    ciphertext: bytes
    signature: bytes
    signed: bytes


def parse(data: bytes) -> ParsedBundle:
    """Split a file into its parts, checking the framing and the header (not the signature)."""
    frame = read_frame(
        data,
        magic=MAGIC,
        version=VERSION,
        max_header=MAX_HEADER,
        what=("kim-Paketdatei", "kim bundle file"),
        error=BundleError,
    )
    return ParsedBundle(
        version=frame.version,
        header_bytes=frame.header_bytes,
        header=BundleHeader.from_bytes(frame.header_bytes),
        ciphertext=frame.ciphertext,
        signature=frame.signature,
        signed=frame.signed,
    )


def verify(parsed: ParsedBundle, coach_sign_key: bytes) -> None:
    """Check the coach's Ed25519 signature; raise BundleError("bad_signature") if it fails."""
    verify_with(parsed, ed25519.Ed25519PublicKey.from_public_bytes(coach_sign_key))


def verify_with(parsed: ParsedBundle, coach_key: ed25519.Ed25519PublicKey) -> None:
    """`verify` with the coach's key as an object (made once per import run)."""
    try:
        coach_key.verify(parsed.signature, parsed.signed)
    except InvalidSignature:
        raise BundleError(
            "bad_signature",
            tr(
                "Signatur ungültig (verändert oder fremd signiert)",
                "invalid signature (altered or signed by someone else)",
            ),
        ) from None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def decrypt_payload(parsed: ParsedBundle, kem_private: bytes | MLKEM768X25519PrivateKey) -> bytes:
    """The compressed payload (call only after `verify`). The key is given raw or, by a caller
    that opens many bundles, as the key object made once."""
    key = identity.kem_private(kem_private) if isinstance(kem_private, bytes) else kem_private
    try:
        return hpke_suite().decrypt(parsed.ciphertext, key, info=parsed.header_bytes)
    except InvalidTag:
        raise BundleError(
            "decrypt",
            tr(
                "lässt sich nicht entschlüsseln (falscher Schlüssel)",
                "cannot be decrypted (wrong key)",
            ),
        ) from None


def open_payload(
    parsed: ParsedBundle, kem_private: bytes | MLKEM768X25519PrivateKey
) -> list[dict[str, Any]]:
    """Decrypt, decompress and validate the records (call only after `verify`)."""
    return _checked_records(parsed.header, decrypt_payload(parsed, kem_private))


def open_payload_as(
    parsed: ParsedBundle,
    kem_private: bytes | MLKEM768X25519PrivateKey,
    convert: Callable[[dict[str, Any]], T],
) -> list[T]:
    """`open_payload`, each record handed to `convert` as soon as it is checked: a large
    payload is read record by record (`payload_stream`) instead of being held whole as text
    and as dicts. The same payloads are accepted, and a rejected one raises the same error."""
    return payload_records_as(parsed.header, decrypt_payload(parsed, kem_private), convert)


def payload_records_as(
    header: BundleHeader, compressed: bytes, convert: Callable[[dict[str, Any]], T]
) -> list[T]:
    """`open_payload_as` of a payload already decrypted (`decrypt_payload`)."""
    fast = payload_stream.read_records(
        compressed, dict(header.counts), (header.rev_after, header.rev_upto), MAX_PAYLOAD, convert
    )
    if fast is not None:
        return fast
    return [convert(r) for r in _checked_records(header, compressed)]


class ReadAgain(Exception):
    """`payload_chunks_as` doubted a payload the whole-document reader accepts (a layout kim
    never writes): use `records` instead of the chunks given so far."""

    def __init__(self, records: list[Any]) -> None:
        super().__init__("read again")
        self.records = records


def payload_chunks_as(
    header: BundleHeader,
    compressed: bytes,
    convert: Callable[[dict[str, Any]], T],
    size: int,
) -> Iterator[list[T]]:
    """The checked and converted records of a decrypted payload, `size` at a time, so a
    caller can merge a large bundle without holding it whole. A problem can show only after
    some chunks (at the end: the counts), so a caller undoes what it did with them when this
    raises: `BundleError` (the same reason `open_payload` gives), or `ReadAgain`."""
    try:
        yield from payload_stream.iter_records(
            compressed,
            dict(header.counts),
            (header.rev_after, header.rev_upto),
            MAX_PAYLOAD,
            convert,
            size,
        )
    except payload_stream.Doubt:
        records = _checked_records(header, compressed)  # raises with the reason
        raise ReadAgain([convert(r) for r in records]) from None


def _checked_records(header: BundleHeader, compressed: bytes) -> list[dict[str, Any]]:
    """The whole-document reader: decompress, decode and check every record."""
    try:
        inflater = zlib.decompressobj()
        plain = inflater.decompress(compressed, MAX_PAYLOAD)
        del compressed
        if inflater.unconsumed_tail or not inflater.eof or inflater.unused_data:
            raise BundleError(
                "corrupt",
                tr("Nutzdaten unvollständig oder zu groß", "payload incomplete or too large"),
            )
        # Peak memory of a large bundle: drop each copy (compressed, bytes, text) as soon as
        # the next one is made, instead of holding all of them with the parsed records.
        text = plain.decode("utf-8")
        del plain
        doc = payload_schema.loads_strict(text)
        # A lone surrogate ("\\ud800") decodes but can never be stored (UnicodeEncodeError),
        # and nesting deeper than Python's recursion limit cannot be decoded or re-encoded:
        # both are a damaged payload, not a crash of the import. Valid UTF-8 holds no
        # surrogate, so only an escape can make one: without one in the text (the usual case)
        # the re-encoding is skipped; with one it is done record by record, never a second
        # copy of the whole payload.
        escaped = _SURROGATE_ESCAPE.search(text) is not None
        del text
        listed = doc.get("records") if isinstance(doc, dict) else None
        for part in (listed if isinstance(listed, list) else (doc,)) if escaped else ():
            json.dumps(part, ensure_ascii=False).encode("utf-8")
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError):
        raise BundleError("corrupt", tr("Nutzdaten unlesbar", "payload unreadable")) from None
    if not isinstance(doc, dict) or set(doc) != {"records"}:
        raise BundleError(
            "corrupt",
            tr(
                "Nutzdaten haben nicht die erwartete Form",
                "payload does not have the expected shape",
            ),
        )
    records: list[dict[str, Any]] = doc["records"]
    # A well-signed bundle is still untrusted: every value is checked before anything merges.
    violation = payload_schema.check_records(records)
    if violation is not None:
        raise BundleError(
            "schema",
            tr(
                f"ungültige Nutzdaten – {violation.line()}", f"invalid payload – {violation.line()}"
            ),
        )
    counts = {t: 0 for t in header.counts}
    for r in records:
        if r["t"] not in counts:  # an older header without the table: none may come
            raise BundleError(
                "corrupt",
                tr(
                    "Anzahl der Datensätze passt nicht zum Kopf",
                    "number of records does not match the header",
                ),
            )
        counts[r["t"]] += 1
    if counts != header.counts:
        raise BundleError(
            "corrupt",
            tr(
                "Anzahl der Datensätze passt nicht zum Kopf",
                "number of records does not match the header",
            ),
        )
    if any(not header.rev_after < r["rev"] <= header.rev_upto for r in records):
        raise BundleError(
            "corrupt",
            tr("Revision außerhalb des angegebenen Bereichs", "revision outside the stated range"),
        )
    return records


def payload_bytes(records: list[dict[str, Any]]) -> bytes:
    """The compressed plaintext: zlib (RFC 1950, level 9) of canonical JSON ``{"records": …}``."""
    return zlib.compress(canonical_json({"records": records}), 9)


def seal(
    header: BundleHeader,
    records: list[dict[str, Any]],
    recipient_kem_key: bytes,
    coach_sign_private: bytes,
) -> bytes:
    """Build a complete bundle file: encrypt to the coordinator, sign as the coach."""
    return seal_payload(header, payload_bytes(records), recipient_kem_key, coach_sign_private)


def seal_payload(
    header: BundleHeader,
    payload: bytes,
    recipient_kem_key: bytes,
    coach_sign_private: bytes,
) -> bytes:
    """Seal an already compressed payload (`seal` uses it; the negative test vectors seal
    payloads `payload_bytes` would never produce)."""
    header_bytes = header.to_bytes()
    ciphertext = hpke_suite().encrypt(
        payload, identity.kem_public(recipient_kem_key), info=header_bytes
    )
    signed = frame_bytes(MAGIC, VERSION, header_bytes, ciphertext)
    signature = identity.signing_key(coach_sign_private).sign(signed)
    return signed + signature


def file_name(header: BundleHeader) -> str:
    """``kim-<coach id, 8 hex>-<ISO week>-<seq, 4 digits>.kimb``: sorts by coach, week, seq."""
    return f"kim-{header.coach[:8]}-{header.week}-{header.seq:04d}.kimb"
