"""Generate the chain vectors (a seq-1 bundle and its follow-on) and the negative vectors
(well-signed bundles whose payload breaks one rule each). Run once; the output is committed and
never regenerated in tests. Usage: .venv/bin/python docs/test-vectors/generate_more.py

Keys are the ones of generate.py (same seeds); HPKE is randomised, so a regeneration yields
different, equally valid files.
"""

from __future__ import annotations

import copy
import hashlib
import json
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kim_tui.sync import bundle_format as bf
from kim_tui.sync import identity

HERE = Path(__file__).parent
CASE = "5b0c7c1e-1111-4222-8333-944445555666"
CLIENT = "p-0123456789abcdef0123456789abcdef"
OTHER = "p-fedcba9876543210fedcba9876543210"


def seed(label: str, n: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(f"kim test vector {label} {counter}".encode()).digest()
        counter += 1
    return out[:n]


def keys() -> tuple[bytes, bytes, identity.CoordinatorPublic, identity.CoachPublic]:
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
    return kem_private, coach_sign, coordinator, coach


def first_records() -> list[dict[str, Any]]:
    return [
        {
            "t": "client",
            "id": CLIENT,
            "rev": 1,
            "del": False,
            "data": {
                "gender": "f",
                "nationality": "SYR",
                "interpreter_needed": True,
                "birth_year": 1990,
                "personal": False,
            },
        },
        {
            "t": "client",
            "id": OTHER,
            "rev": 2,
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
            "t": "case",
            "id": CASE,
            "rev": 1,
            "del": False,
            "data": {
                "client_id": CLIENT,
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
            "t": "assessment",
            "id": "0d1e2f30-4152-4637-8849-5a6b7c8d9eaf",
            "rev": 3,
            "del": False,
            "data": {"case_id": CASE, "assessed_on": "2026-10-08"},
        },
        {
            "t": "arearating",
            "id": "1a2b3c4d-5e6f-4a0b-9c1d-2e3f4a5b6c7d",
            "rev": 3,
            "del": False,
            "data": {
                "assessment_id": "0d1e2f30-4152-4637-8849-5a6b7c8d9eaf",
                "area": "health",
                "level": 2,
            },
        },
        {
            "t": "contactnote",
            "id": "9a8b7c6d-0000-4111-8222-333344445555",
            "rev": 4,
            "del": False,
            "data": {
                "case_id": CASE,
                "on": "2026-11-20",
                "kind": "in_person",
                "minutes": 45,
                "interpreter": True,
            },
        },
    ]


def header_for(
    records: list[dict[str, Any]],
    seq: int,
    rev_after: int,
    rev_upto: int,
    week: str,
    prev: str | None,
    coach: identity.CoachPublic,
    coordinator: identity.CoordinatorPublic,
) -> bf.BundleHeader:
    counts = {t: 0 for t in bf.TABLES}
    for r in records:
        if r.get("t") in counts:
            counts[r["t"]] += 1
    return bf.BundleHeader(
        coach=coach.fingerprint,
        seq=seq,
        rev_after=rev_after,
        rev_upto=rev_upto,
        week=week,
        created_at="2026-11-17T10:00:00Z",
        counts=counts,
        recipient=coordinator.fingerprint,
        nonce=seed(f"nonce {seq} {week}", 16).hex(),
        prev=prev,
    )


def raw_payload(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 9)


Mutation = Callable[[list[dict[str, Any]]], "list[dict[str, Any]] | str"]


def negatives() -> list[tuple[str, str, str, Mutation]]:
    """(name, expected reason code, expected fragment of the message, mutation)."""

    def edit(index: int, field: str, value: Any) -> Mutation:
        def run(records: list[dict[str, Any]]) -> list[dict[str, Any]] | str:
            records[index]["data"][field] = value
            return records

        return run

    def dup_record(records: list[dict[str, Any]]) -> list[dict[str, Any]] | str:
        return [*records, copy.deepcopy(records[-1])]

    def clear_name_id(records: list[dict[str, Any]]) -> list[dict[str, Any]] | str:
        records[0]["id"] = "Aylin Müller-Öztürk"
        return records

    def names_not_personal(records: list[dict[str, Any]]) -> list[dict[str, Any]] | str:
        records[0]["data"]["family_name"] = "Müller-Öztürk"
        return records

    def tombstone_with_data(records: list[dict[str, Any]]) -> list[dict[str, Any]] | str:
        records[1]["del"] = True
        return records

    def nan_minutes(records: list[dict[str, Any]]) -> list[dict[str, Any]] | str:
        text = json.dumps({"records": records}, sort_keys=True)
        return text.replace('"minutes": 45', '"minutes": NaN')

    def infinity_minutes(records: list[dict[str, Any]]) -> list[dict[str, Any]] | str:
        text = json.dumps({"records": records}, sort_keys=True)
        return text.replace('"minutes": 45', '"minutes": Infinity')

    def duplicate_key(records: list[dict[str, Any]]) -> list[dict[str, Any]] | str:
        text = json.dumps({"records": records}, sort_keys=True)
        return text.replace('"minutes": 45', '"minutes": 45, "minutes": 4500')

    return [
        (
            "01-impossible-date",
            "schema",
            "Feld on: kein Kalenderdatum (2026-02-30)",
            edit(5, "on", "2026-02-30"),
        ),
        ("02-nan-minutes", "corrupt", "Nutzdaten unlesbar", nan_minutes),
        ("03-infinity-minutes", "corrupt", "Nutzdaten unlesbar", infinity_minutes),
        ("04-huge-minutes", "schema", "Feld minutes", edit(5, "minutes", 10**30)),
        ("05-negative-minutes", "schema", "Feld minutes: -30 außerhalb", edit(5, "minutes", -30)),
        ("06-need-level-minus-one", "schema", "Feld level: -1 außerhalb", edit(4, "level", -1)),
        ("07-need-level-huge", "schema", "Feld level", edit(4, "level", 10**18)),
        ("08-unknown-code", "schema", "Feld kind: unbekannter Code", edit(5, "kind", "teleport")),
        (
            "09-code-list-as-string",
            "schema",
            "Feld target_groups: keine Liste",
            edit(2, "target_groups", "residence_improvement"),
        ),
        ("10-huge-code", "schema", "Feld kind: kein Code", edit(5, "kind", "x" * 100_000)),
        ("11-clear-name-as-client-id", "schema", "Feld id: keine gültige ID", clear_name_id),
        (
            "12-names-without-consent",
            "schema",
            "Feld family_name: personenbezogen, aber nicht freigegeben",
            names_not_personal,
        ),
        (
            "13-free-text-travels",
            "schema",
            "Feld note: unbekannt",
            edit(5, "note", "Klientin berichtet von …"),
        ),
        ("14-duplicate-record", "schema", "kommt im Paket doppelt vor", dup_record),
        ("15-tombstone-with-data", "schema", "Löschvermerk mit Daten", tombstone_with_data),
        ("16-duplicate-json-key", "corrupt", "Nutzdaten unlesbar", duplicate_key),
        ("17-float-minutes", "schema", "Feld minutes: keine ganze Zahl", edit(5, "minutes", 45.5)),
    ]


def main() -> None:
    kem_private, coach_sign, coordinator, coach = keys()
    # The chain: seq 1 (no predecessor) and seq 2 built on it.
    one = first_records()
    h1 = header_for(one, 1, 0, 4, "2026-W47", None, coach, coordinator)
    two = [
        {"t": "client", "id": OTHER, "rev": 5, "del": True, "data": {}},
        {
            "t": "contactnote",
            "id": "7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918",
            "rev": 6,
            "del": False,
            "data": {
                "case_id": CASE,
                "on": "2026-11-25",
                "kind": "phone",
                "minutes": 10,
                "interpreter": False,
            },
        },
    ]
    two.sort(key=lambda r: (bf.TABLES.index(r["t"]), r["id"]))
    h2 = header_for(two, 2, 4, 6, "2026-W48", h1.link, coach, coordinator)
    chain = []
    for header, records in ((h1, one), (h2, two)):
        data = bf.seal(header, records, coordinator.kem_key, coach_sign)
        (HERE / "chain" / bf.file_name(header)).write_bytes(data)
        chain.append(
            {
                "file": bf.file_name(header),
                "seq": header.seq,
                "link": header.link,
                "prev": header.prev,
                "records": records,
            }
        )
    (HERE / "chain" / "expected.json").write_text(
        json.dumps(chain, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )

    expected = []
    for name, reason, fragment, mutate in negatives():
        records = copy.deepcopy(first_records())
        mutated = mutate(records)
        if isinstance(mutated, str):
            payload = raw_payload(mutated)
            header = header_for(records, 1, 0, 4, "2026-W47", None, coach, coordinator)
        else:
            payload = raw_payload(json.dumps({"records": mutated}, sort_keys=True))
            header = header_for(mutated, 1, 0, 4, "2026-W47", None, coach, coordinator)
        data = bf.seal_payload(header, payload, coordinator.kem_key, coach_sign)
        file = f"{name}.kimb"
        (HERE / "negative" / file).write_bytes(data)
        expected.append({"file": file, "reason": reason, "message_contains": fragment})
    (HERE / "negative" / "expected.json").write_text(
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    )


if __name__ == "__main__":
    main()
