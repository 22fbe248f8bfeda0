"""A well-signed bundle is still untrusted: the committed negative vectors (docs/test-vectors/
negative, each signed by the test coach and encrypted to the test coordinator) are each refused
with their own reason, and the chain vectors (a seq-1 bundle and its follow-on) decode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kim_tui.sync import bundle_format as bf
from kim_tui.sync import payload_schema as schema

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "test-vectors"
KEYS = json.loads((VECTORS / "keys.json").read_text())
NEGATIVE = json.loads((VECTORS / "negative" / "expected.json").read_text(encoding="utf-8"))


def _open(path: Path) -> list[dict[str, Any]]:
    parsed = bf.parse(path.read_bytes())
    bf.verify(parsed, bytes.fromhex(KEYS["coach_sign_public"]))
    return bf.open_payload(parsed, bytes.fromhex(KEYS["coordinator_kem_private"]))


def test_there_are_at_least_ten_negative_vectors() -> None:
    assert len(NEGATIVE) >= 10
    assert len({case["file"] for case in NEGATIVE}) == len(NEGATIVE)


@pytest.mark.parametrize("case", NEGATIVE, ids=[c["file"] for c in NEGATIVE])
def test_negative_vector_is_refused_with_its_reason(case: dict[str, str]) -> None:
    with pytest.raises(bf.BundleError) as caught:
        _open(VECTORS / "negative" / case["file"])
    assert caught.value.reason == case["reason"]
    assert case["message_contains"] in str(caught.value)
    # One line, bounded, no echo of a huge or hostile value.
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 200


def test_chain_vectors_decode_and_link() -> None:
    expected = json.loads((VECTORS / "chain" / "expected.json").read_text(encoding="utf-8"))
    first, second = expected
    assert first["seq"] == 1 and first["prev"] is None
    assert second["prev"] == first["link"]
    for bundle in expected:
        parsed = bf.parse((VECTORS / "chain" / bundle["file"]).read_bytes())
        assert parsed.header.link == bundle["link"]
        assert _open(VECTORS / "chain" / bundle["file"]) == bundle["records"]


def test_a_clear_text_id_is_not_echoed() -> None:
    record = {"t": "client", "id": "Aylin Müller", "rev": 1, "del": False, "data": {}}
    violation = schema.check_record(0, record)
    assert violation is not None and "Aylin" not in violation.line()


def test_personal_fields_are_allowed_only_with_consent() -> None:
    data = {
        "gender": "f",
        "nationality": "SYR",
        "interpreter_needed": False,
        "birth_year": 1990,
        "personal": True,
        "given_name": "Aylin",
        "family_name": "Öztürk",
        "other_names": "",
        "birth_date": "1990-05-17",
        "country_of_birth": "SYR",
        "languages": ["ara"],
        "address": "",
        "phone": "",
    }
    schema.check_data("client", data)
    with pytest.raises(schema.SchemaError, match="personenbezogen"):
        schema.check_data("client", {**data, "personal": False})


def test_a_handover_record_names_no_one() -> None:
    """Issue 14: direction, the client's pseudonym, a date and a coach fingerprint; nothing
    else, and no clear id."""
    from kim_tui.sync.payload_schema import check_record

    good = {
        "t": "handover",
        "id": "5b0c7c1e-1111-4222-8333-944445555666",
        "rev": 3,
        "del": False,
        "data": {
            "direction": "out",
            "client": "p-0123456789abcdef0123456789abcdef",
            "date": "2026-12-03",
            "counterpart": "ab" * 32,
        },
    }
    assert check_record(0, good) is None
    for field, value in (
        ("direction", "sideways"),
        ("client", "5b0c7c1e-1111-4222-8333-944445555666"),
        ("date", "03.12.2026"),
        ("counterpart", "Ben"),
    ):
        bad = {**good, "data": {**good["data"], field: value}}
        problem = check_record(0, bad)
        assert problem is not None and problem.field == field
    named = {**good, "data": {**good["data"], "name": "Ben"}}
    assert check_record(0, named) is not None


def test_a_table_given_as_a_list_is_a_schema_problem_not_a_crash() -> None:
    # A JSON list is not hashable: the catalog look-up raised TypeError, a traceback on import.
    record = {"t": ["contactnote"], "id": "5b0c7c1e-1111-4222-8333-944445555666", "rev": 1,
              "del": False, "data": {}}  # fmt: skip
    problem = schema.check_records([record])
    assert problem is not None and problem.field == "t"
