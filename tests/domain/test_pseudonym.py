"""What travels to the coordinator: pseudonyms, consent, record shapes (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from kim_tui.domain.pseudonym import (
    PERSONAL_CLIENT_FIELDS,
    TABLES,
    age_band,
    pseudonym,
    record_sort_key,
    shape_record,
    shares_with_coordinator,
)

KEY = bytes(range(32))
CLIENT = {
    "id": "c-1",
    "revision": 4,
    "deleted_at": None,
    "given_name": "Aylin",
    "family_name": "Öz",
    "other_names": "",
    "birth_date": date(1990, 5, 17),
    "gender": "f",
    "nationality": "SYR",
    "country_of_birth": "SYR",
    "languages": " ara deu ",
    "interpreter_needed": True,
    "address": "Weg 1",
    "phone": "0170",
    "household_json": '[{"name": "Kind"}]',
    "search_key": "aylin oz",
    "sort_key": "oz aylin",
}


def test_pseudonym_is_stable_per_key_and_hides_the_id() -> None:
    assert pseudonym(KEY, "c-1") == pseudonym(KEY, "c-1")
    assert pseudonym(KEY, "c-1") != pseudonym(KEY, "c-2")
    assert pseudonym(KEY, "c-1") != pseudonym(bytes(32), "c-1")
    assert pseudonym(KEY, "c-1").startswith("p-") and len(pseudonym(KEY, "c-1")) == 34
    with pytest.raises(ValueError):
        pseudonym(b"short", "c-1")


def test_consent_validity() -> None:
    given = {
        "purpose": "share_coordinator",
        "given_on": date(2026, 1, 1),
        "withdrawn_on": None,
        "deleted_at": None,
        "special_categories": True,
    }
    on = date(2026, 6, 1)
    assert shares_with_coordinator([given], on)
    assert not shares_with_coordinator([{**given, "withdrawn_on": date(2026, 5, 1)}], on)
    assert shares_with_coordinator([{**given, "withdrawn_on": date(2026, 7, 1)}], on)
    assert not shares_with_coordinator([{**given, "purpose": "case_management"}], on)
    assert not shares_with_coordinator([{**given, "given_on": date(2026, 7, 1)}], on)
    assert not shares_with_coordinator([{**given, "deleted_at": "x"}], on)
    assert not shares_with_coordinator([], on)
    # Without Art. 9 data expressly covered the name does not travel (the needs by area,
    # health among them, travel with the record).
    assert not shares_with_coordinator([{**given, "special_categories": False}], on)


def test_pseudonymised_client_carries_codes_only() -> None:
    shaped = shape_record("client", CLIENT, key=KEY, personal=False)
    assert shaped["id"] == pseudonym(KEY, "c-1") and shaped["rev"] == 4
    assert shaped["data"] == {
        "gender": "f",
        "nationality": "SYR",
        "interpreter_needed": True,
        "birth_year": 1990,
        "personal": False,
    }
    text = repr(shaped)
    for secret in ("Aylin", "Öz", "1990-05-17", "Weg 1", "0170", "Kind", "c-1"):
        assert secret not in text


def test_consenting_client_carries_personal_fields_but_no_household() -> None:
    shaped = shape_record("client", CLIENT, key=KEY, personal=True, revision=9)
    data = shaped["data"]
    assert shaped["rev"] == 9
    assert set(PERSONAL_CLIENT_FIELDS) <= set(data)
    assert data["given_name"] == "Aylin" and data["birth_date"] == "1990-05-17"
    assert data["languages"] == ["ara", "deu"]
    assert "household_json" not in data and "search_key" not in data


def test_free_text_never_travels_and_client_refs_are_pseudonymised() -> None:
    contact = {
        "id": "n1",
        "revision": 2,
        "deleted_at": None,
        "case_id": "k1",
        "on": date(2026, 3, 1),
        "kind": "phone",
        "minutes": 30,
        "interpreter": False,
        "note": "geheim",
    }
    shaped = shape_record("contactnote", contact, key=KEY)
    assert shaped["data"] == {
        "case_id": "k1",
        "on": "2026-03-01",
        "kind": "phone",
        "minutes": 30,
        "interpreter": False,
    }
    case = {
        "id": "k1",
        "revision": 1,
        "deleted_at": None,
        "client_id": "c-1",
        "first_contact_on": date(2026, 1, 2),
        "legal_domains": " aufenthg sgb2 ",
        "target_groups": "",
        "themes": '["housing", "text:Frau K. hat Angst vor dem Amt"]',
    }
    data = shape_record("case", case, key=KEY)["data"]
    # Free-text themes could name a person: only the code "other" travels for them.
    assert data["themes"] == ["housing", "other"]
    assert "Frau K." not in repr(data)
    assert data["client_id"] == pseudonym(KEY, "c-1")
    assert data["legal_domains"] == ["aufenthg", "sgb2"] and data["target_groups"] == []
    referral = {
        "id": "r",
        "revision": 1,
        "deleted_at": None,
        "reason": "geheim",
        "outcome": "geheim",
        "override_reason": "geheim",
        "legal_domain": "sgb2",
    }
    assert "geheim" not in repr(shape_record("referral", referral, key=KEY))


def test_tombstone_carries_nothing() -> None:
    shaped = shape_record("client", {**CLIENT, "deleted_at": "2026-01-01"}, key=KEY, personal=True)
    assert shaped == {"t": "client", "id": pseudonym(KEY, "c-1"), "rev": 4, "del": True, "data": {}}


def test_unknown_table_refused_and_order_is_parents_first() -> None:
    with pytest.raises(ValueError):
        shape_record("followup", {"id": "x", "revision": 1}, key=KEY)
    with pytest.raises(ValueError):
        shape_record("auditevent", {"id": "x", "revision": 1}, key=KEY)
    records = [
        {"t": "contactnote", "id": "a"},
        {"t": "client", "id": "z"},
        {"t": "case", "id": "b"},
    ]
    assert [r["t"] for r in sorted(records, key=record_sort_key)] == [
        "client",
        "case",
        "contactnote",
    ]
    assert TABLES[0] == "client"


@pytest.mark.parametrize(
    ("year", "band"),
    [
        (None, "unbekannt"),
        (2010, "0-17"),
        (2000, "18-26"),
        (1990, "27-39"),
        (1975, "40-54"),
        (1960, "55-66"),
        (1940, "67+"),
    ],
)
def test_age_band(year: int | None, band: str) -> None:
    assert age_band(year, date(2026, 6, 1)) == band
