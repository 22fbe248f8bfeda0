"""The coordinator reports households and family cases from the pseudonymised household link
that client records carry (issue 14 § 6)."""

from __future__ import annotations

from datetime import date
from typing import Any

from kim_tui.domain.report import CoachRows, Period, compute

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
FAMILY, COUPLE = "p-" + "f" * 32, "p-" + "c" * 32


def _client(n: int, household: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"_id": f"p-{n:032x}", "_rev": 1, "gender": "f", "birth_year": 1990}
    if household:
        row["household"], row["household_role"] = household, "child"
    return row


def _case(n: int, closed_on: str | None = None) -> dict[str, Any]:
    return {
        "_id": f"case-{n}",
        "_rev": 1,
        "client_id": f"p-{n:032x}",
        "first_contact_on": "2026-02-01",
        "closed_on": closed_on,
        "target_groups": [],
        "themes": [],
    }


def _values(coaches: list[CoachRows]) -> dict[tuple[str, str], Any]:
    cells = compute(coaches, YEAR, threshold=1)
    return {
        (c.scope_name, c.indicator): c.value
        for c in cells
        if c.indicator in ("households", "family_cases")
    }


def test_a_family_of_four_is_one_household_and_four_family_cases() -> None:
    clients = [_client(n, FAMILY) for n in range(4)] + [_client(9)]
    cases = [_case(n) for n in range(4)] + [_case(9)]
    values = _values([CoachRows("Anna", "Caritas", {"client": clients, "case": cases})])
    assert values[("Anna", "households")] == 1
    assert values[("Anna", "family_cases")] == 4


def test_a_household_counts_while_one_member_has_an_active_case() -> None:
    # The couple: one case closed before the year, one active; the single member with a file
    # in a household of two is still a family case.
    clients = [_client(1, COUPLE), _client(2, COUPLE), _client(3)]
    cases = [_case(1, closed_on="2025-06-30"), _case(2), _case(3)]
    cases[0]["first_contact_on"] = "2025-01-10"
    values = _values([CoachRows("Anna", "Caritas", {"client": clients, "case": cases})])
    assert values[("Anna", "households")] == 1
    assert values[("Anna", "family_cases")] == 1


def test_without_household_links_nothing_is_reported() -> None:
    rows = {"client": [_client(1), _client(2)], "case": [_case(1), _case(2)]}
    values = _values([CoachRows("Anna", "Caritas", rows)])
    assert ("Anna", "households") not in values and ("Anna", "family_cases") not in values


def test_households_of_two_coaches_add_up_in_the_organisation() -> None:
    anna = CoachRows("Anna", "Caritas", {"client": [_client(1, FAMILY)], "case": [_case(1)]})
    ben = CoachRows("Ben", "Caritas", {"client": [_client(2, COUPLE)], "case": [_case(2)]})
    values = _values([anna, ben])
    assert values[("Caritas", "households")] == 2
