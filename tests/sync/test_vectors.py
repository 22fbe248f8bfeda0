"""The committed test vectors in docs/test-vectors decode: with our reader, and with a reader
written from docs/bundle-format.md alone (X-Wing + RFC 9180 key schedule spelt out by hand)."""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
import zlib
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519, mlkem, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kim_tui.sync import bundle_format as bf
from kim_tui.sync.identity import CoachPublic, CoordinatorPublic

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "test-vectors"


def _load() -> tuple[dict[str, Any], bytes, dict[str, Any]]:
    keys = json.loads((VECTORS / "keys.json").read_text())
    data = (VECTORS / keys["bundle_file"]).read_bytes()
    payload = json.loads((VECTORS / "payload.json").read_text(encoding="utf-8"))
    return keys, data, payload


def test_vectors_decode_with_our_reader() -> None:
    keys, data, payload = _load()
    assert hashlib.sha256(data).hexdigest() == keys["bundle_sha256"]
    parsed = bf.parse(data)
    assert parsed.header.as_dict() == keys["header"]
    assert parsed.header.link == keys["link"]
    bf.verify(parsed, bytes.fromhex(keys["coach_sign_public"]))
    records = bf.open_payload(parsed, bytes.fromhex(keys["coordinator_kem_private"]))
    assert {"records": records} == payload
    coord = CoordinatorPublic.from_json((VECTORS / "coordinator.pub").read_bytes())
    assert coord.fingerprint == keys["coordinator_fingerprint"] == parsed.header.recipient
    coach = CoachPublic.from_json((VECTORS / "coach.pub").read_bytes())
    assert coach.fingerprint == keys["coach_fingerprint"] == parsed.header.coach


def _labeled_extract(suite_id: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return hmac.new(
        salt or b"\0" * 32, b"HPKE-v1" + suite_id + label + ikm, hashlib.sha256
    ).digest()


def _labeled_expand(suite_id: bytes, prk: bytes, label: bytes, info: bytes, n: int) -> bytes:
    labeled = n.to_bytes(2, "big") + b"HPKE-v1" + suite_id + label + info
    out, block, i = b"", b"", 1
    while len(out) < n:
        block = hmac.new(prk, block + labeled + bytes([i]), hashlib.sha256).digest()
        out, i = out + block, i + 1
    return out[:n]


def test_vectors_decode_with_an_independent_reader() -> None:
    """Follows docs/bundle-format.md step by step; uses only primitives, not HPKE Suite."""
    keys, data, payload = _load()
    magic, version, hlen = struct.unpack_from(">4sHI", data, 0)
    assert (magic, version) == (b"KIMB", 1)
    header_bytes = data[10 : 10 + hlen]
    (clen,) = struct.unpack_from(">I", data, 10 + hlen)
    ct = data[14 + hlen : 14 + hlen + clen]
    sig = data[14 + hlen + clen :]
    assert len(sig) == 64 and len(data) == 14 + hlen + clen + 64
    header = json.loads(header_bytes)
    assert json.dumps(header, sort_keys=True, separators=(",", ":")).encode() == header_bytes
    ed25519.Ed25519PublicKey.from_public_bytes(bytes.fromhex(keys["coach_sign_public"])).verify(
        sig, data[: 14 + hlen + clen]
    )
    assert hashlib.sha256(bytes.fromhex(keys["coach_sign_public"])).hexdigest() == header["coach"]

    sk = bytes.fromhex(keys["coordinator_kem_private"])
    sk_m = mlkem.MLKEM768PrivateKey.from_seed_bytes(sk[:64])
    sk_x = x25519.X25519PrivateKey.from_private_bytes(sk[64:])
    enc, sealed = ct[:1120], ct[1120:]
    ct_m, ct_x = enc[:1088], enc[1088:]
    pk_x = sk_x.public_key().public_bytes_raw()
    ss_m = sk_m.decapsulate(ct_m)
    ss_x = sk_x.exchange(x25519.X25519PublicKey.from_public_bytes(ct_x))
    shared = hashlib.sha3_256(ss_m + ss_x + ct_x + pk_x + b"\\.//^\\").digest()
    suite_id = b"HPKE" + bytes.fromhex("647a") + bytes.fromhex("0001") + bytes.fromhex("0002")
    context = (
        b"\x00"
        + _labeled_extract(suite_id, b"", b"psk_id_hash", b"")
        + _labeled_extract(suite_id, b"", b"info_hash", header_bytes)
    )
    secret = _labeled_extract(suite_id, shared, b"secret", b"")
    key = _labeled_expand(suite_id, secret, b"key", context, 32)
    nonce = _labeled_expand(suite_id, secret, b"base_nonce", context, 12)
    plain = zlib.decompress(AESGCM(key).decrypt(nonce, sealed, b""))
    assert json.loads(plain) == payload
    link_doc = {k: header[k] for k in ("coach", "seq", "rev_after", "rev_upto", "nonce", "prev")}
    link = hashlib.sha256(json.dumps(link_doc, sort_keys=True, separators=(",", ":")).encode())
    assert link.hexdigest() == keys["link"]
