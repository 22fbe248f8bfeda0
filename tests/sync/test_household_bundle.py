"""The household link travels pseudonymised (issue 14 § 6): each member's client record carries
``household`` (the HMAC pseudonym of the household id under the coach's key) and
``household_role``; nothing else about the family; leaving sends the client again without."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from kim_tui.coordinator.importer import import_files
from kim_tui.coordinator.store import CoordinatorStore, SyncRecord
from kim_tui.domain import pseudonym as ps
from kim_tui.domain.model import ClientDraft
from kim_tui.sync import payload_schema as schema
from kim_tui.sync.coach_state import pseudonym_key
from tests.sync.conftest import Coach


def _clients(store: CoordinatorStore) -> dict[str, dict[str, object]]:
    with store.session() as s:
        rows = s.exec(select(SyncRecord).where(SyncRecord.table == "client")).all()
        return {r.id: json.loads(r.data) for r in rows}


def test_members_carry_one_household_pseudonym_and_their_roles(
    coach: Coach, coordinator: CoordinatorStore, outbox: Path
) -> None:
    mother = coach.add_client(1, share=False)
    father = coach.add_client(2, share=True)
    coach.ws.link_household_member(mother, father, "spouse")
    child = coach.ws.add_household_member(
        mother, ClientDraft("Kindname", "Z", date(2015, 1, 1)), "child"
    )
    first = coach.export(outbox).path
    import_files(coordinator, [first])
    with Session(coach.vault.engine) as s:
        key = pseudonym_key(s)
    stored = _clients(coordinator)
    records = {cid: stored[ps.pseudonym(key, cid)] for cid in (mother, father, child)}
    households = {str(r["household"]) for r in records.values()}
    assert len(households) == 1
    (household,) = households
    assert ps.is_pseudonym(household)
    assert {cid: r["household_role"] for cid, r in records.items()} == {
        mother: "reference",
        father: "spouse",
        child: "child",
    }
    # The household id itself never travels, only its pseudonym.
    assert household not in (mother, father, child)
    assert "Kindname" not in first.read_bytes().decode("latin-1")

    coach.ws.leave_household(father, "getrennt")
    second = coach.export(outbox, days=7).path
    import_files(coordinator, [second])
    stored = _clients(coordinator)
    assert "household" not in stored[ps.pseudonym(key, father)]
    assert stored[ps.pseudonym(key, mother)]["household"] == household


def test_the_schema_wants_both_household_fields_or_neither() -> None:
    data = {
        "gender": "f",
        "nationality": "SYR",
        "interpreter_needed": False,
        "birth_year": 1990,
        "personal": False,
    }
    schema.check_data("client", data)
    schema.check_data("client", {**data, "household": "p-" + "a" * 32, "household_role": "child"})
    with pytest.raises(schema.SchemaError, match="household_role"):
        schema.check_data("client", {**data, "household": "p-" + "a" * 32})
    with pytest.raises(schema.SchemaError, match="household"):
        schema.check_data(
            "client", {**data, "household": "Familie Haddad", "household_role": "child"}
        )
    with pytest.raises(schema.SchemaError, match="household_role"):
        schema.check_data("client", {**data, "household": "p-" + "a" * 32, "household_role": "oma"})
