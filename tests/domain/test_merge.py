"""Master data of two files of one person: what differs, and what the merged file keeps."""

from __future__ import annotations

from datetime import date

import pytest

from kim_tui.domain.merge import master_differences, merged_master
from kim_tui.domain.model import ClientDraft

SURVIVOR = ClientDraft("Mohammed", "Hussein", date(1985, 2, 2), phone="0211 1")
OTHER = ClientDraft(
    "Muhammad", "Husain", date(1985, 1, 1), phone="", address="Weg 2", other_names="Mohamad Husein"
)


def test_differences_in_form_order_with_shown_values() -> None:
    fields = [(d.field, d.survivor, d.other) for d in master_differences(SURVIVOR, OTHER)]
    assert fields == [
        ("family_name", "Hussein", "Husain"),
        ("given_name", "Mohammed", "Muhammad"),
        ("birth_date", "02.02.1985", "01.01.1985"),
        ("address", "–", "Weg 2"),
        ("phone", "0211 1", "–"),
    ]


def test_survivor_wins_unless_chosen_and_empty_values_are_filled() -> None:
    merged = merged_master(SURVIVOR, OTHER, frozenset({"birth_date"}))
    assert merged.birth_date == date(1985, 1, 1)  # chosen
    assert merged.phone == "0211 1"  # an empty value never wins unless chosen
    assert merged.address == "Weg 2"  # filled from the other
    assert merged.given_name == "Mohammed"
    # The other file's spellings stay findable.
    assert merged.other_names == "Muhammad Husain; Mohamad Husein"


def test_chosen_name_keeps_the_survivor_s_spelling_as_another_one() -> None:
    merged = merged_master(SURVIVOR, OTHER, frozenset({"given_name", "family_name"}))
    assert (merged.given_name, merged.family_name) == ("Muhammad", "Husain")
    assert merged.other_names == "Mohammed Hussein; Mohamad Husein"


def test_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown"):
        merged_master(SURVIVOR, OTHER, frozenset({"household_json"}))


def test_codes_are_shown_by_their_names() -> None:
    a = ClientDraft("Farid", "Ahmadi", None, gender="m", nationality="AFG", languages=("prs",))
    b = ClientDraft("Farid", "Ahmadi", None)
    shown = {d.field: d.survivor for d in master_differences(a, b)}
    assert shown == {"gender": "männlich", "nationality": "Afghanistan", "languages": "Dari"}
