"""Key pairs, fingerprints and the public identity files (``coach.pub``, ``coordinator.pub``).

* A coach is an Ed25519 key pair. Coach id = SHA-256 over the 32 raw public key bytes (hex).
* A coordinator has an HPKE recipient key (ML-KEM-768 + X25519 hybrid, "X-Wing") and an Ed25519
  key. Coordinator id = SHA-256 over ``kem_public (1216 bytes) || ed25519_public (32 bytes)``.
* Read aloud: the first 15 bytes of the id in RFC 4648 base32, six groups of four characters.

Private keys live only inside the encrypted databases (VaultSetting / coordinator settings).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519
from cryptography.hazmat.primitives.hpke import MLKEM768X25519PrivateKey, MLKEM768X25519PublicKey

from kim_tui.domain import handover
from kim_tui.i18n import tr
from kim_tui.store.atomic import write_atomic
from kim_tui.store.small_file import UnsuitableFile, read_small_file

COACH_PUB_FORMAT = "kim-coach-pub"
COORDINATOR_PUB_FORMAT = "kim-coordinator-pub"
PUB_VERSION = 1
COACH_PUB_VERSION = 2
"""coach.pub with a receiving key for handovers; version-1 files keep working for the
coordinator (which needs only the signing key)."""
RECEIVING_KEY_CONTEXT = b"kim-coach-receiving-key-v2\0"
KEM_NAME = "MLKEM768-X25519"
MLKEM_PK_LEN = 1184
X25519_LEN = 32
KEM_PK_LEN = MLKEM_PK_LEN + X25519_LEN
ED25519_LEN = 32
MAX_LABEL_LENGTH = 100
"""Longest name or organisation in an identity file: they are shown on one terminal line."""
# Control, format (bidi, zero-width), surrogate, private-use and unassigned characters, and the
# line/paragraph separators: none belongs in a name, and each could steer or fool a terminal.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


class IdentityError(Exception):
    """A public identity file is missing, damaged or of the wrong kind (German message)."""


def display_fingerprint(fingerprint_hex: str) -> str:
    """``ABCD-EFGH-…`` (6 × 4 base32 characters over the first 15 bytes) to read by phone."""
    return handover.display_fingerprint(fingerprint_hex)


def coach_fingerprint(sign_public: bytes) -> str:
    """The coach id: SHA-256 of the raw Ed25519 public key, lowercase hex."""
    return hashlib.sha256(sign_public).hexdigest()


def coordinator_fingerprint(kem_public: bytes, sign_public: bytes) -> str:
    """The coordinator id: SHA-256 of the KEM public key followed by the Ed25519 key, hex."""
    return hashlib.sha256(kem_public + sign_public).hexdigest()


def label_problem(value: object, what: str) -> str | None:
    """Why `value` cannot be the name or organisation (`what`) of an identity, or None if it
    can: it must be text of at most `MAX_LABEL_LENGTH` printable characters. The reason names
    the first bad character by its code point, never the text itself."""
    if not isinstance(value, str):
        return tr(f"{what} ist kein Text.", f"{what} is not text.")
    if len(value) > MAX_LABEL_LENGTH:
        return tr(
            f"{what} ist zu lang (höchstens {MAX_LABEL_LENGTH} Zeichen).",
            f"{what} is too long (at most {MAX_LABEL_LENGTH} characters).",
        )
    for position, ch in enumerate(value, start=1):
        if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES:
            return tr(
                f"{what} enthält ein Steuer- oder unsichtbares Zeichen "
                f"(U+{ord(ch):04X} an Stelle {position}).",
                f"{what} holds a control or invisible character "
                f"(U+{ord(ch):04X} at position {position}).",
            )
    return None


def _label(doc: dict[str, Any], key: str, what: str, source: object) -> str:
    value = doc.get(key, "")
    problem = label_problem(value, what)
    if problem:
        raise IdentityError(f"{source}: {problem} " + tr("Datei abgelehnt.", "File refused."))
    return str(value)


# -- private keys ------------------------------------------------------------------------------


def new_signing_key() -> bytes:
    """A new Ed25519 private key (32 raw bytes)."""
    return ed25519.Ed25519PrivateKey.generate().private_bytes_raw()


def signing_key(raw: bytes) -> ed25519.Ed25519PrivateKey:
    """The Ed25519 private key from its 32 raw bytes."""
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw)


def signing_public(raw_private: bytes) -> bytes:
    """The 32 raw public key bytes of an Ed25519 private key."""
    return signing_key(raw_private).public_key().public_bytes_raw()


def new_kem_key() -> bytes:
    """A new hybrid recipient private key: 64-byte ML-KEM-768 seed (d || z) || 32-byte X25519."""
    seed = mlkem.MLKEM768PrivateKey.generate().private_bytes_raw()
    return seed + x25519.X25519PrivateKey.generate().private_bytes_raw()


def kem_private(raw: bytes) -> MLKEM768X25519PrivateKey:
    """The HPKE private key from `new_kem_key` bytes."""
    if len(raw) != 64 + X25519_LEN:
        raise ValueError("KEM private key has the wrong length")
    return MLKEM768X25519PrivateKey(
        mlkem.MLKEM768PrivateKey.from_seed_bytes(raw[:64]),
        x25519.X25519PrivateKey.from_private_bytes(raw[64:]),
    )


def kem_public_bytes(raw_private: bytes) -> bytes:
    """The 1216 public bytes: ML-KEM-768 encapsulation key (1184) || X25519 public key (32)."""
    m = mlkem.MLKEM768PrivateKey.from_seed_bytes(raw_private[:64]).public_key().public_bytes_raw()
    x = x25519.X25519PrivateKey.from_private_bytes(raw_private[64:]).public_key()
    return m + x.public_bytes_raw()


def kem_public(public: bytes) -> MLKEM768X25519PublicKey:
    """The HPKE public key from its 1216 bytes."""
    if len(public) != KEM_PK_LEN:
        raise ValueError("KEM public key has the wrong length")
    return MLKEM768X25519PublicKey(
        mlkem.MLKEM768PublicKey.from_public_bytes(public[:MLKEM_PK_LEN]),
        x25519.X25519PublicKey.from_public_bytes(public[MLKEM_PK_LEN:]),
    )


# -- public identity files ---------------------------------------------------------------------


def receiving_key_message(kem_public_key: bytes) -> bytes:
    """What a coach's Ed25519 key signs to vouch for their receiving key (coach.pub v2): so the
    fingerprint, which covers only the signing key, also covers the receiving key."""
    return RECEIVING_KEY_CONTEXT + kem_public_key


@dataclass(frozen=True)
class CoachPublic:
    """What a coach hands out: name, organisation, the Ed25519 key and (format version 2) an
    HPKE receiving key for handovers from colleagues, signed by the Ed25519 key."""

    name: str
    organisation: str
    sign_key: bytes
    kem_key: bytes | None = None
    kem_signature: bytes | None = None
    """Ed25519 signature over `receiving_key_message(kem_key)`."""

    @property
    def fingerprint(self) -> str:
        """The coach id (hex)."""
        return coach_fingerprint(self.sign_key)

    @property
    def can_receive(self) -> bool:
        """Whether colleagues can encrypt handovers to this coach (a version-2 file)."""
        return self.kem_key is not None

    def to_json(self) -> bytes:
        """The ``coach.pub`` file content (version 2 when it carries a receiving key)."""
        doc: dict[str, object] = {
            "format": COACH_PUB_FORMAT,
            "version": PUB_VERSION,
            "name": self.name,
            "organisation": self.organisation,
            "sign_key": self.sign_key.hex(),
            "fingerprint": self.fingerprint,
        }
        if self.kem_key is not None and self.kem_signature is not None:
            doc.update(
                version=COACH_PUB_VERSION,
                kem=KEM_NAME,
                kem_key=self.kem_key.hex(),
                kem_signature=self.kem_signature.hex(),
            )
        return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @staticmethod
    def from_json(data: bytes, source: object = "coach.pub") -> CoachPublic:
        """Parse and check a ``coach.pub`` of version 1 or 2 (the fingerprint must match the
        signing key; a receiving key must be signed by it)."""
        doc = _load(data, source, COACH_PUB_FORMAT, (PUB_VERSION, COACH_PUB_VERSION))
        name = _label(doc, "name", "Name", source)
        organisation = _label(doc, "organisation", "Organisation", source)
        try:
            key = bytes.fromhex(str(doc["sign_key"]))
            verifier = ed25519.Ed25519PublicKey.from_public_bytes(key)
        except (KeyError, ValueError):
            raise IdentityError(
                f"{source}: " + tr("Schlüssel fehlt oder ist ungültig.", "key missing or invalid.")
            ) from None
        pub = CoachPublic(name, organisation, key)
        if doc.get("fingerprint") != pub.fingerprint:
            raise IdentityError(
                f"{source}: "
                + tr(
                    "Fingerabdruck passt nicht zum Schlüssel (beschädigt?).",
                    "fingerprint does not match the key (damaged?).",
                )
            )
        if doc["version"] == PUB_VERSION:
            return pub
        try:
            if doc.get("kem") != KEM_NAME:
                raise ValueError("kem")
            kem_key = bytes.fromhex(str(doc["kem_key"]))
            signature = bytes.fromhex(str(doc["kem_signature"]))
            kem_public(kem_key)
        except (KeyError, ValueError):
            raise IdentityError(
                f"{source}: "
                + tr(
                    "Empfangsschlüssel fehlt oder ist ungültig.",
                    "receiving key missing or invalid.",
                )
            ) from None
        try:
            verifier.verify(signature, receiving_key_message(kem_key))
        except InvalidSignature:
            raise IdentityError(
                f"{source}: "
                + tr(
                    "Empfangsschlüssel ist nicht vom Coach unterschrieben (verändert?).",
                    "receiving key is not signed by the coach (altered?).",
                )
            ) from None
        return CoachPublic(name, organisation, key, kem_key, signature)


@dataclass(frozen=True)
class CoordinatorPublic:
    """What a coordinator hands to coaches: the HPKE recipient key and the Ed25519 key."""

    name: str
    kem_key: bytes
    sign_key: bytes

    @property
    def fingerprint(self) -> str:
        """The coordinator id (hex)."""
        return coordinator_fingerprint(self.kem_key, self.sign_key)

    def to_json(self) -> bytes:
        """The ``coordinator.pub`` file content."""
        doc = {
            "format": COORDINATOR_PUB_FORMAT,
            "version": PUB_VERSION,
            "name": self.name,
            "kem": KEM_NAME,
            "kem_key": self.kem_key.hex(),
            "sign_key": self.sign_key.hex(),
            "fingerprint": self.fingerprint,
        }
        return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    @staticmethod
    def from_json(data: bytes, source: object = "coordinator.pub") -> CoordinatorPublic:
        """Parse and check a ``coordinator.pub`` (the fingerprint must match the keys)."""
        doc = _load(data, source, COORDINATOR_PUB_FORMAT)
        if doc.get("kem") != KEM_NAME:
            raise IdentityError(f"{source}: " + tr("unbekanntes Verfahren.", "unknown method."))
        name = _label(doc, "name", "Name", source)
        try:
            pub = CoordinatorPublic(
                name,
                bytes.fromhex(str(doc["kem_key"])),
                bytes.fromhex(str(doc["sign_key"])),
            )
            kem_public(pub.kem_key)
            ed25519.Ed25519PublicKey.from_public_bytes(pub.sign_key)
        except (KeyError, ValueError):
            raise IdentityError(
                f"{source}: " + tr("Schlüssel fehlt oder ist ungültig.", "key missing or invalid.")
            ) from None
        if doc.get("fingerprint") != pub.fingerprint:
            raise IdentityError(
                f"{source}: "
                + tr(
                    "Fingerabdruck passt nicht zum Schlüssel (beschädigt?).",
                    "fingerprint does not match the key (damaged?).",
                )
            )
        return pub


def _load(
    data: bytes, source: object, fmt: str, versions: tuple[int, ...] = (PUB_VERSION,)
) -> dict[str, Any]:
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        # ValueError covers broken JSON and numbers beyond Python's int-digit limit;
        # RecursionError a file nested thousands deep.
        raise IdentityError(f"{source}: " + tr("kein gültiges JSON.", "not valid JSON.")) from None
    if not isinstance(doc, dict) or doc.get("format") != fmt:
        raise IdentityError(f"{source}: " + tr(f"keine Datei vom Typ {fmt}.", f"not a {fmt} file."))
    version = doc.get("version")
    if type(version) is not int or version not in versions:
        shown = repr(version) if isinstance(version, int | str) and len(str(version)) < 20 else "?"
        known = ", ".join(map(str, versions))
        raise IdentityError(
            f"{source}: "
            + tr(
                f"unbekannte Version {shown} (unterstützt: {known}).",
                f"unknown version {shown} (supported: {known}).",
            )
        )
    return doc


def read_public_file(path: Path) -> bytes:
    """Read a public identity file or raise IdentityError with a German message (a directory,
    FIFO or file over 64 KiB in its place is refused before anything is read)."""
    try:
        return read_small_file(Path(path))
    except FileNotFoundError:
        raise IdentityError(f"{path} " + tr("gibt es nicht.", "does not exist.")) from None
    except UnsuitableFile as exc:
        raise IdentityError(f"{path} {exc.why}.") from None
    except OSError as exc:
        raise IdentityError(
            f"{path} "
            + tr(
                f"lässt sich nicht lesen ({exc.strerror or exc}).",
                f"cannot be read ({exc.strerror or exc}).",
            )
        ) from None


def write_public_file(path: Path, data: bytes) -> None:
    """Write a public file atomically (mode 0644: it holds nothing secret)."""
    write_atomic(Path(path), data, mode=0o644)
