"""The vault's key file: the data key (DEK), wrapped twice, and nothing personal.

Layout (JSON, versioned): vault id, Argon2id parameters and salt, and the 256-bit DEK wrapped with
AES-256-GCM under (a) a key derived from the passphrase with Argon2id and (b) the recovery key.
The DEK is the SQLCipher raw key; changing the passphrase rewraps it and never touches the data.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kim_tui.i18n import tr
from kim_tui.store.atomic import write_atomic
from kim_tui.store.errors import CorruptFile, UnsupportedVersion, WrongPassphrase
from kim_tui.store.secret import Passphrase, passphrase_bytes, unnormalised_bytes, wiped
from kim_tui.store.small_file import UnsuitableFile, read_small_file

FORMAT = "kim-vault-key"
VERSION = 1
DEK_BYTES = 32

# 128 MiB, 3 passes: about 0.3 s on a current laptop core; the UI runs it in a worker thread.
DEFAULT_KDF = {"memory_kib": 128 * 1024, "iterations": 3, "lanes": 4}
# Tests and demo throwaway vaults may lower the cost; never below this floor.
MIN_MEMORY_KIB = 8 * 1024
# A key file is untrusted input: parameters beyond these would make an unlock take minutes or
# exhaust memory (a hostile file could otherwise hang or crash kim before any check).
MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB, eight times the default
MAX_ITERATIONS = 16
MAX_LANES = 16
SALT_BYTES = (16, 64)
MAX_KEY_FILE_BYTES = 64 * 1024

_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int
    salt: bytes


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def derive_passphrase_key(passphrase: Passphrase, params: KdfParams) -> bytearray:
    """Argon2id(NFC passphrase) → 32-byte wrapping key, in a buffer the caller wipes. Slow by
    design; call it off the UI thread."""
    with wiped(passphrase_bytes(passphrase)) as secret:
        return _derive(secret, params)


def _derive(secret: bytearray, params: KdfParams) -> bytearray:
    kdf = Argon2id(
        salt=params.salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    out = bytearray(32)
    # cryptography takes any buffer here (its Rust side reads it in place, no copy); its type
    # stub says bytes, and converting to bytes would make exactly the copy we avoid.
    kdf.derive_into(cast(bytes, secret), out)
    _overwrite_kdf_copy(len(secret))
    return out


def _overwrite_kdf_copy(length: int) -> None:
    """OpenSSL's Argon2 (3.x, as bundled with cryptography) copies the password into a heap
    block that it frees without zeroing; found by the memory scan in tests/robustness. A
    derivation at minimal cost with a zero password of the same length, right after, is handed
    the same block by the allocator (it reuses the last freed block of a size first) and
    overwrites it. A heuristic that holds for glibc and the scan checks it; README, "Schlüssel
    im Speicher"."""
    Argon2id(salt=bytes(16), length=32, iterations=1, lanes=1, memory_cost=8).derive_into(
        bytes(length), bytearray(32)
    )


def new_recovery_key() -> str:
    """A random recovery key: 160 bits as 32 characters in groups of four, easy to write down."""
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(32))
    return "-".join(raw[i : i + 4] for i in range(0, 32, 4))


def normalise_recovery_key(text: str) -> str:
    """Accept the key as typed: any case, with or without dashes or spaces. Characters that
    cannot be part of a key ("Ö", other letters beyond ASCII) are dropped, so such a key is
    simply wrong instead of breaking the ASCII encoding below."""
    cleaned = "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def _recovery_wrapping_key(recovery_key: str, vault_id: str) -> bytearray:
    # The recovery key has 160 bits of entropy, so a fast KDF is enough.
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=vault_id.encode("ascii"),
        info=b"kim-vault recovery wrap v1",
    )
    out = bytearray(32)
    hkdf.derive_into(normalise_recovery_key(recovery_key).encode("ascii"), out)
    return out


def _wrap(wrapping_key: bytearray, dek: bytearray, aad: bytes) -> dict[str, str]:
    """Wrap `dek` under `wrapping_key`, then zero the wrapping key."""
    with wiped(wrapping_key):
        nonce = os.urandom(12)
        return {"nonce": _b64(nonce), "ct": _b64(AESGCM(wrapping_key).encrypt(nonce, dek, aad))}


def _unwrap(wrapping_key: bytearray, blob: dict[str, str], aad: bytes) -> bytearray:
    """The data key in a new buffer (InvalidTag for a wrong key); zeroes the wrapping key."""
    with wiped(wrapping_key):
        dek = bytearray(DEK_BYTES)
        AESGCM(wrapping_key).decrypt_into(_unb64(blob["nonce"]), _unb64(blob["ct"]), aad, dek)
        return dek


@dataclass(frozen=True)
class Unwrapped:
    """What a passphrase unlocked: the data key (the caller owns and wipes the buffer) and, when
    only the passphrase's unnormalised form opened it (a key file from before NFC), the key file
    rewrapped under the NFC form, for the store to write once it holds the lock."""

    dek: bytearray
    renewed: KeyFile | None = None


@dataclass(frozen=True)
class KeyFile:
    """The parsed key file. Immutable: every change makes a new one, written atomically."""

    vault_id: str
    kdf: KdfParams
    wrapped_by_passphrase: dict[str, str]
    wrapped_by_recovery: dict[str, str]
    created_at: str

    @staticmethod
    def create(
        passphrase: Passphrase, *, kdf_memory_kib: int | None = None, created_at: str
    ) -> tuple[KeyFile, bytearray, str]:
        """Make a new DEK and recovery key; return (key file, DEK, recovery key). The DEK is a
        buffer the caller wipes."""
        memory = kdf_memory_kib or DEFAULT_KDF["memory_kib"]
        if memory < MIN_MEMORY_KIB:
            raise ValueError("Argon2id memory below the floor")
        params = KdfParams(memory, DEFAULT_KDF["iterations"], DEFAULT_KDF["lanes"], os.urandom(16))
        vault_id = str(uuid.uuid4())
        dek = bytearray(os.urandom(DEK_BYTES))
        recovery = new_recovery_key()
        kf = KeyFile(
            vault_id=vault_id,
            kdf=params,
            wrapped_by_passphrase=_wrap(
                derive_passphrase_key(passphrase, params), dek, _aad(vault_id, "passphrase")
            ),
            wrapped_by_recovery=_wrap(
                _recovery_wrapping_key(recovery, vault_id), dek, _aad(vault_id, "recovery")
            ),
            created_at=created_at,
        )
        return kf, dek, recovery

    def unlock(self, passphrase: Passphrase) -> bytearray:
        """Return the DEK (a buffer the caller wipes), or raise WrongPassphrase. Reads nothing
        and writes nothing; see `unwrap` for a key file made before NFC normalisation."""
        return self.unwrap(passphrase).dek

    def unwrap(self, passphrase: Passphrase) -> Unwrapped:
        """Unwrap the DEK with the NFC form of the passphrase; if that fails and the passphrase
        as typed differs from its NFC form, try that too (an older kim derived from exactly what
        was typed) and, if it opens, rewrap under the NFC form (`Unwrapped.renewed`). A wrong
        passphrase raises WrongPassphrase; nothing is read or written."""
        aad = _aad(self.vault_id, "passphrase")
        try:
            return Unwrapped(
                _unwrap(
                    derive_passphrase_key(passphrase, self.kdf), self.wrapped_by_passphrase, aad
                )
            )
        except InvalidTag:
            pass
        legacy = unnormalised_bytes(passphrase)
        if legacy is None:
            raise WrongPassphrase()
        with wiped(legacy):
            try:
                dek = _unwrap(_derive(legacy, self.kdf), self.wrapped_by_passphrase, aad)
            except InvalidTag:
                raise WrongPassphrase() from None
        return Unwrapped(dek, self.with_passphrase(dek, passphrase))

    def unlock_with_recovery(self, recovery_key: str) -> bytearray:
        """Return the DEK (a buffer the caller wipes) for the recovery key, or raise
        WrongPassphrase."""
        key = _recovery_wrapping_key(recovery_key, self.vault_id)
        try:
            return _unwrap(key, self.wrapped_by_recovery, _aad(self.vault_id, "recovery"))
        except InvalidTag:
            raise WrongPassphrase(tr("Wiederherstellungsschlüssel", "Recovery key")) from None

    def with_passphrase(self, dek: bytearray, new_passphrase: Passphrase) -> KeyFile:
        """Rewrap the DEK under a new passphrase (NFC form, fresh salt); the recovery wrap
        stays."""
        params = KdfParams(self.kdf.memory_kib, self.kdf.iterations, self.kdf.lanes, os.urandom(16))
        wrapped = _wrap(
            derive_passphrase_key(new_passphrase, params), dek, _aad(self.vault_id, "passphrase")
        )
        return KeyFile(self.vault_id, params, wrapped, self.wrapped_by_recovery, self.created_at)

    def to_json(self) -> bytes:
        doc: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "vault_id": self.vault_id,
            "created_at": self.created_at,
            "kdf": {
                "name": "argon2id",
                "memory_kib": self.kdf.memory_kib,
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
                "salt": _b64(self.kdf.salt),
            },
            "dek_wrap": "aes-256-gcm",
            "wrapped": {
                "passphrase": self.wrapped_by_passphrase,
                "recovery": self.wrapped_by_recovery,
            },
        }
        return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("ascii")

    @staticmethod
    def from_json(data: bytes, path: object = None) -> KeyFile:
        """Parse and validate; any damage raises CorruptFile naming the file. The file is
        untrusted: every field must have its type, KDF parameters must lie within bounds (so
        a crafted file can neither hang nor exhaust memory), and deep nesting or overlong
        numbers are refused like any other broken JSON."""
        if path is None:
            path = tr("Schlüsseldatei", "key file")
        try:
            doc = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            # ValueError: broken JSON, or a number beyond Python's int-digit limit;
            # RecursionError: arrays nested thousands deep.
            raise CorruptFile(
                path,
                tr(
                    "kein gültiges JSON (abgeschnitten oder fremde Datei?)",
                    "not valid JSON (cut short or another program's file?)",
                ),
            ) from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise CorruptFile(path, tr("keine kim-Schlüsseldatei", "not a kim key file"))
        version = doc.get("version")
        if type(version) is not int:
            raise CorruptFile(
                path,
                tr(
                    f"unbekannte Version der Schlüsseldatei (erwartet die Zahl {VERSION})",
                    f"unknown key file version (expected the number {VERSION})",
                ),
            )
        if version != VERSION:
            raise UnsupportedVersion(path, version, VERSION)
        try:
            kdf = doc["kdf"]
            if kdf["name"] != "argon2id":
                raise CorruptFile(path, tr("unbekanntes Schlüsselverfahren", "unknown key method"))
            params = KdfParams(
                _bounded(kdf["memory_kib"], MIN_MEMORY_KIB, MAX_MEMORY_KIB, path, "memory_kib"),
                _bounded(kdf["iterations"], 1, MAX_ITERATIONS, path, "iterations"),
                _bounded(kdf["lanes"], 1, MAX_LANES, path, "lanes"),
                _unb64(_text(kdf["salt"])),
            )
            if not SALT_BYTES[0] <= len(params.salt) <= SALT_BYTES[1]:
                raise CorruptFile(
                    path, tr("Salz hat eine unzulässige Länge", "salt has an invalid length")
                )
            wrapped = doc["wrapped"]
            kf = KeyFile(
                vault_id=str(uuid.UUID(_text(doc["vault_id"]))),
                kdf=params,
                wrapped_by_passphrase={
                    "nonce": _text(wrapped["passphrase"]["nonce"]),
                    "ct": _text(wrapped["passphrase"]["ct"]),
                },
                wrapped_by_recovery={
                    "nonce": _text(wrapped["recovery"]["nonce"]),
                    "ct": _text(wrapped["recovery"]["ct"]),
                },
                created_at=_text(doc.get("created_at", "")),
            )
            for blob in (kf.wrapped_by_passphrase, kf.wrapped_by_recovery):
                if len(_unb64(blob["nonce"])) != 12 or len(_unb64(blob["ct"])) != DEK_BYTES + 16:
                    raise CorruptFile(
                        path,
                        tr(
                            "verpackter Schlüssel hat falsche Länge",
                            "wrapped key has the wrong length",
                        ),
                    )
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            if isinstance(exc, CorruptFile):
                raise
            raise CorruptFile(
                path, tr("Felder fehlen oder sind ungültig", "fields missing or invalid")
            ) from None
        return kf

    @staticmethod
    def read(path: Path) -> KeyFile:
        """Read and validate the key file at `path`. A directory, FIFO or device in its place,
        or a file over 64 KiB, is refused before anything is parsed (and without waiting)."""
        try:
            data = read_small_file(path, MAX_KEY_FILE_BYTES)
        except FileNotFoundError:
            raise CorruptFile(path, tr("Datei fehlt", "file missing")) from None
        except UnsuitableFile as exc:
            raise CorruptFile(path, exc.why) from None
        return KeyFile.from_json(data, path)

    def write(self, path: Path) -> None:
        write_atomic(path, self.to_json(), mode=0o600)


def _bounded(value: object, low: int, high: int, path: object, name: str) -> int:
    """`value` if it is an integer in [low, high]; CorruptFile naming the parameter otherwise."""
    if type(value) is not int:
        raise CorruptFile(
            path,
            tr(
                f"Schlüsselparameter {name} ist keine ganze Zahl",
                f"key parameter {name} is not a whole number",
            ),
        )
    if not low <= value <= high:
        raise CorruptFile(
            path,
            tr(
                f"Schlüsselparameter {name} außerhalb des zulässigen Bereichs ({low}–{high})",
                f"key parameter {name} outside the allowed range ({low}–{high})",
            ),
        )
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _aad(vault_id: str, purpose: str) -> bytes:
    return f"kim-vault:{vault_id}:{purpose}".encode("ascii")
