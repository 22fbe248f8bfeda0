"""Regenerate the bundle test vectors (run once; the output is committed, never regenerated
in tests). Usage: .venv/bin/python docs/test-vectors/generate.py

Keys are derived from fixed seeds so they are reproducible; the HPKE encryption is randomised,
so a regeneration yields a different (equally valid) bundle file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kim_tui.sync import bundle_format as bf
from kim_tui.sync import identity

HERE = Path(__file__).parent


def seed(label: str, n: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"kim test vector {label} {counter}".encode()).digest()
        counter += 1
    return out[:n]


def main() -> None:
    kem_private = seed("coordinator mlkem768 seed", 64) + seed("coordinator x25519", 32)
    coord_sign = seed("coordinator ed25519", 32)
    coach_sign = seed("coach ed25519", 32)
    coordinator = identity.CoordinatorPublic(
        "Koordinierung Testkreis",
        identity.kem_public_bytes(kem_private),
        identity.signing_public(coord_sign),
    )
    coach = identity.CoachPublic(
        "Test-Coach", "Testträger e.V.", identity.signing_public(coach_sign)
    )
    records = [
        {
            "t": "client",
            "id": "p-0123456789abcdef0123456789abcdef",
            "rev": 12,
            "del": False,
            "data": {
                "gender": "f",
                "nationality": "SYR",
                "interpreter_needed": True,
                "birth_year": 1990,
                "personal": True,
                "given_name": "Aylin",
                "family_name": "Müller-Öztürk",
                "other_names": "",
                "birth_date": "1990-05-17",
                "country_of_birth": "SYR",
                "languages": ["ara", "deu"],
                "address": "Beispielweg 1, 00000 Musterstadt",
                "phone": "0000 000000",
            },
        },
        {
            "t": "client",
            "id": "p-fedcba9876543210fedcba9876543210",
            "rev": 13,
            "del": False,
            "data": {
                "gender": "m",
                "nationality": "AFG",
                "interpreter_needed": False,
                "birth_year": 2004,
                "personal": False,
            },
        },
        {
            "t": "client",
            "id": "p-00000000000000000000000000000001",
            "rev": 14,
            "del": True,
            "data": {},
        },
        {
            "t": "case",
            "id": "5b0c7c1e-1111-4222-8333-944445555666",
            "rev": 12,
            "del": False,
            "data": {
                "client_id": "p-0123456789abcdef0123456789abcdef",
                "first_contact_on": "2026-10-01",
                "access_route": "self",
                "referred_by": None,
                "legal_domains": ["aufenthg"],
                "target_groups": ["residence_improvement"],
                "stage": "assessment",
                "closed_on": None,
                "closure_reason": None,
                "themes": [],
            },
        },
        {
            "t": "contactnote",
            "id": "9a8b7c6d-0000-4111-8222-333344445555",
            "rev": 13,
            "del": False,
            "data": {
                "case_id": "5b0c7c1e-1111-4222-8333-944445555666",
                "on": "2026-11-20",
                "kind": "in_person",
                "minutes": 45,
                "interpreter": True,
            },
        },
    ]
    records.sort(key=lambda r: (bf.TABLES.index(r["t"]), r["id"]))
    counts = {t: 0 for t in bf.TABLES}
    for r in records:
        counts[r["t"]] += 1
    nonce = seed("bundle nonce", 16).hex()
    prev = hashlib.sha256(b"kim test vector previous link").hexdigest()
    header = bf.BundleHeader(
        coach=coach.fingerprint,
        seq=2,
        rev_after=11,
        rev_upto=14,
        week="2026-W48",
        created_at="2026-11-24T10:00:00Z",
        counts=counts,
        recipient=coordinator.fingerprint,
        nonce=nonce,
        prev=prev,
    )
    data = bf.seal(header, records, coordinator.kem_key, coach_sign)
    (HERE / bf.file_name(header)).write_bytes(data)
    keys = {
        "bundle_file": bf.file_name(header),
        "bundle_sha256": hashlib.sha256(data).hexdigest(),
        "coordinator_kem_private": kem_private.hex(),
        "coordinator_kem_private_layout": "mlkem768 seed d||z (64) || x25519 private (32)",
        "coordinator_kem_public": coordinator.kem_key.hex(),
        "coordinator_sign_public": coordinator.sign_key.hex(),
        "coordinator_fingerprint": coordinator.fingerprint,
        "coach_sign_private": coach_sign.hex(),
        "coach_sign_public": coach.sign_key.hex(),
        "coach_fingerprint": coach.fingerprint,
        "coach_fingerprint_display": identity.display_fingerprint(coach.fingerprint),
        "header": header.as_dict(),
        "header_bytes_hex": header.to_bytes().hex(),
        "link": header.link,
    }
    (HERE / "keys.json").write_text(json.dumps(keys, indent=2, sort_keys=True) + "\n")
    (HERE / "payload.json").write_text(
        json.dumps({"records": records}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    (HERE / "coordinator.pub").write_bytes(coordinator.to_json())
    (HERE / "coach.pub").write_bytes(coach.to_json())


if __name__ == "__main__":
    main()
