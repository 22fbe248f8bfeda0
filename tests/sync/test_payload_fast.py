"""The payload schema compiled into one function per table (`payload_fast`, the import's fast
path) accepts exactly what the field-by-field check accepts, and a record it does not accept
gets the same first problem named as before: checked on valid records of every table and on
each of them damaged field by field and at random."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from kim_tui.sync import payload_schema as schema

UUID = "5b0c7c1e-1111-4222-8333-944445555666"
OTHER = "6c1d8d2f-2222-4333-9444-a55556666777"
PSEUDONYM = "p-0123456789abcdef0123456789abcdef"

_CLIENT = {
    "gender": "f",
    "nationality": "SYR",
    "interpreter_needed": False,
    "birth_year": 1990,
    "personal": False,
}
_PERSONAL = {
    **_CLIENT,
    "personal": True,
    "given_name": "Aylin",
    "family_name": "Öztürk",
    "other_names": "",
    "birth_date": "1990-05-17",
    "country_of_birth": "SYR",
    "languages": ["ara", "deu"],
    "address": "",
    "phone": "",
}
VALID: list[tuple[str, dict[str, Any]]] = [
    ("client", _CLIENT),
    ("client", {**_CLIENT, "gender": "", "nationality": "", "birth_year": None}),
    ("client", _PERSONAL),
    ("client", {**_CLIENT, "household": PSEUDONYM, "household_role": "child"}),
    ("client", {**_PERSONAL, "household": PSEUDONYM, "household_role": "child"}),
    (
        "case",
        {
            "client_id": PSEUDONYM,
            "first_contact_on": "2026-01-05",
            "access_route": "self",
            "referred_by": None,
            "legal_domains": ["sgb3", "asylg"],
            "target_groups": ["catch_up"],
            "stage": "monitoring",
            "closed_on": None,
            "closure_reason": None,
            "themes": ["other"],
        },
    ),
    (
        "consent",
        {
            "client_id": PSEUDONYM,
            "case_id": UUID,
            "purpose": "case_management",
            "agency": None,
            "given_on": "2026-01-05",
            "form": "written",
            "withdrawn_on": None,
        },
    ),
    (
        "residencerecord",
        {
            "client_id": PSEUDONYM,
            "status": "duldung",
            "legal_basis": "§ 60a AufenthG",
            "valid_from": "2026-01-05",
            "valid_until": None,
        },
    ),
    ("assessment", {"case_id": UUID, "assessed_on": "2026-01-05"}),
    ("arearating", {"assessment_id": UUID, "area": "work", "level": 3}),
    ("goalagreement", {"case_id": UUID, "agreed_on": "2026-01-05", "review_on": None}),
    (
        "goal",
        {"agreement_id": UUID, "area": "work", "target_on": "2026-06-30", "status": "open"},
    ),
    ("step", {"goal_id": UUID, "owner": "client", "due_on": None, "done_on": "2026-02-01"}),
    (
        "referral",
        {
            "case_id": UUID,
            "agency": "jobcenter",
            "legal_domain": "sgb2",
            "sent_on": "2026-01-05",
            "feedback_due_on": None,
            "status": "open",
            "outcome_on": None,
            "passes_identifying_data": False,
        },
    ),
    (
        "contactnote",
        {
            "case_id": UUID,
            "on": "2026-01-05",
            "kind": "phone",
            "minutes": 45,
            "interpreter": True,
        },
    ),
    (
        "handover",
        {"direction": "out", "client": PSEUDONYM, "date": "2026-12-03", "counterpart": "ab" * 32},
    ),
]

ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 3, 4, 1440, 1441, 1899, 2101, 10**30, 1.5, float("nan"),
    float("inf"), "", "x", "x" * 201, "x" * 64, "2026-02-30", "1899-12-31", "2101-01-01",
    "2026-1-05", PSEUDONYM, "p-0123", UUID, UUID.upper(), "ab" * 32, "other", "self",
    "written", "oral", "out", "SYR", "syr", "ara", "XYZ", "f", "child", [], ["sgb3", "sgb3"],
    ["sgb3", 1], [["sgb3"]], ["x"] * 51, {}, {"a": 1}, "monitoring", "duldung", "work",
]  # fmt: skip


def _record(table: str, data: dict[str, Any]) -> dict[str, Any]:
    rid = PSEUDONYM.replace("0123", "9999") if table == "client" else OTHER
    return {"t": table, "id": rid, "rev": 7, "del": False, "data": copy.deepcopy(data)}


def _field_by_field(record: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as slow_only:
        slow_only.setattr(schema, "_acceptors", dict)
        return schema.check_record(0, record)


def _agree(record: Any, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Both paths give the same verdict; returns whether the compiled function accepted."""
    expected = _field_by_field(record, monkeypatch)
    table = record.get("t") if isinstance(record, dict) else None
    accept = schema._acceptors().get(table) if isinstance(table, str) else None
    accepted = accept is not None and accept(record)
    if accepted:
        assert expected is None, (record, expected)
    assert schema.check_record(0, record) == expected
    return accepted


@pytest.mark.parametrize(("table", "data"), VALID, ids=[t for t, _ in VALID])
def test_a_valid_record_of_every_table_takes_the_compiled_path(
    table: str, data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _record(table, data)
    assert _field_by_field(record, monkeypatch) is None
    assert _agree(record, monkeypatch)  # its dates were found valid once: now compiled


@pytest.mark.parametrize(("table", "data"), VALID, ids=[t for t, _ in VALID])
def test_every_field_damaged_is_judged_alike(
    table: str, data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    record = _record(table, data)
    _agree(record, monkeypatch)
    for field in [*record["data"], "personal", "erased", "merged_into", "name"]:
        for value in ODD_VALUES:
            damaged = _record(table, data)
            damaged["data"][field] = value
            _agree(damaged, monkeypatch)
        missing = _record(table, data)
        missing["data"].pop(field, None)
        _agree(missing, monkeypatch)
    for key in ("t", "id", "rev", "del", "data"):
        for value in ODD_VALUES:
            _agree({**record, key: value}, monkeypatch)
        _agree({k: v for k, v in record.items() if k != key}, monkeypatch)
    _agree({**record, "extra": 1}, monkeypatch)
    _agree({**record, "del": True, "data": {}}, monkeypatch)


@pytest.mark.parametrize("seed", range(3))
def test_random_damage_is_judged_alike(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        table, data = rng.choice(VALID)
        record = _record(table, data)
        for _ in range(rng.randint(1, 3)):
            donor = rng.choice(VALID)[1]  # a field of another table, or an odd value
            field = rng.choice([*record["data"], *donor])
            record["data"][field] = rng.choice([*ODD_VALUES, *donor.values()])
        _agree(record, monkeypatch)


def test_a_table_given_as_a_list_is_a_schema_problem_not_a_crash() -> None:
    record = {**_record("contactnote", VALID[-2][1]), "t": ["contactnote"]}
    problem = schema.check_records([record])
    assert problem is not None and problem.field == "t"
