"""Households: clients who live together, each with their own file (issue 14 § 6). Pure Python.

A household is a random id shared by its members; each member has a role relative to the
household's reference person (catalog ``household_roles``). Which members are a client's
children or spouse follows from the two roles (the catalog's ``children`` and ``spouse``
fields), so the residence-path hints read the linked files instead of asking again: § 25b
counts 4 instead of 6 years with a minor child living in the household, § 60d looks at the
spouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.dates import age_on
from kim_tui.domain.model import ClientDraft

REFERENCE_ROLE = "reference"
"""The role of the client a household was started from (the others are relative to them)."""

DEFAULT_ROLE = "other"

ADULT_AGE = 18


@dataclass(frozen=True)
class HouseholdMemberView:
    """One member of a client's household as the client file shows them."""

    client_id: str
    display_name: str
    role: str
    """Code of ``household_roles``."""
    birth_date: date | None
    residence_status: str | None
    """Code of ``residence_statuses`` of the current paper, None when none is recorded."""
    residence_valid_until: date | None = None
    stage: str | None = None
    """Phase of the member's newest case (``case_stages``), None without a case."""
    next_due_on: date | None = None
    next_due_reason: str = ""
    """What the member's next open follow-up is about (as typed or derived)."""
    next_due_reason_en: str = ""
    """The same in English (a derived reason; one typed by the coach is the same)."""


@dataclass(frozen=True)
class HouseholdView:
    """A client's household: their own role and the other members (sorted by role, name)."""

    household_id: str
    client_id: str
    role: str
    members: tuple[HouseholdMemberView, ...]
    spouse_facts: tuple[SpouseFacts, ...] = ()
    """What the spouse's file says for the § 60d hint (one per linked spouse)."""


@dataclass(frozen=True)
class SpouseFacts:
    """The facts of a spouse's file that § 60d looks at, read from their own file."""

    display_name: str
    residence_status: str | None
    identity_clarified: bool | None
    conviction_over_threshold: str
    """``yes``, ``no`` or ``unknown`` (a code only, Art. 10 DSGVO)."""


def is_minor(birth_date: date | None, today: date) -> bool | None:
    """Under 18 at `today`; None without a birth date."""
    age = age_on(birth_date, today)
    return None if age is None else age < ADULT_AGE


def is_role(code: str) -> bool:
    """Whether `code` is a role of the catalog."""
    return code in catalog("household_roles")


def _related(own_role: str, field: str) -> frozenset[str]:
    entry = catalog("household_roles").get(own_role)
    return frozenset(entry.extra.get(field, "").split()) if entry is not None else frozenset()


def children_of(household: HouseholdView) -> tuple[HouseholdMemberView, ...]:
    """The members who are this client's children (by the two roles)."""
    roles = _related(household.role, "children")
    return tuple(m for m in household.members if m.role in roles)


def spouses_of(household: HouseholdView) -> tuple[HouseholdMemberView, ...]:
    """The members who are this client's spouse or partner (by the two roles)."""
    roles = _related(household.role, "spouse")
    return tuple(m for m in household.members if m.role in roles)


def minor_child_in_household(household: HouseholdView | None, today: date) -> bool | None:
    """Whether a minor child of the client lives in the household, from the linked files.

    True when one linked child is under 18; False when the client is in a household and every
    linked child has a birth date and is of age (or there is none); None without a household
    or when a child's birth date is missing (the hint then says what would change).
    """
    if household is None:
        return None
    children = children_of(household)
    minors = [is_minor(c.birth_date, today) for c in children]
    if any(m is True for m in minors):
        return True
    return None if any(m is None for m in minors) else False


def combine_minor_child(linked: bool | None, listed: bool | None) -> bool | None:
    """The § 25b fact from the linked household and the intake's list of names together: a
    minor child in either is enough; "no" only when neither knows of one and one says no."""
    if linked is True or listed is True:
        return True
    if linked is None:
        return listed
    return linked if listed is None else linked and listed


def role_order(code: str) -> int:
    """Sort key of a role: the catalog's order (reference person first)."""
    codes = catalog("household_roles").codes()
    return codes.index(code) if code in codes else len(codes)


def member_from_list(
    name: str, relation: str, birth_date: date | None, family_name: str
) -> tuple[ClientDraft, str]:
    """A household member typed on the intake ("Name; Beziehung; Geburtsdatum") as the short
    form of a new client and a role: the last word of the name is the family name (a single
    word is the given name, with the client's `family_name`); the relation is matched against
    the roles and their aliases ("Ehefrau", "Sohn" …), "other" when nothing fits."""
    words = name.split()
    if len(words) > 1:
        given, family = " ".join(words[:-1]), words[-1]
    else:
        given, family = (words[0] if words else ""), family_name
    entry = catalog("household_roles").find(relation) if relation.strip() else None
    role = entry.code if entry is not None and entry.code != REFERENCE_ROLE else DEFAULT_ROLE
    return ClientDraft(given, family, birth_date), role


# What became of a merged-away file's household membership (`service.households.merge_household`).
HOUSEHOLD_NONE = "none"
"""After a merge: the merged-away file lived in no household."""
HOUSEHOLD_MOVED = "moved"
"""After a merge: its membership went over to the kept file (which had none)."""
HOUSEHOLD_SAME = "same"
"""After a merge: both files were in the same household; the kept file's membership stays."""
HOUSEHOLD_SEPARATE = "separate"
"""After a merge: the files were in different households; the kept file's stays, the other
ended (in the kept file's Verlauf, with a reason) and the coach is told."""


__all__ = [
    "HOUSEHOLD_MOVED",
    "HOUSEHOLD_NONE",
    "HOUSEHOLD_SAME",
    "HOUSEHOLD_SEPARATE",
    "DEFAULT_ROLE",
    "REFERENCE_ROLE",
    "HouseholdMemberView",
    "HouseholdView",
    "SpouseFacts",
    "age_on",
    "children_of",
    "combine_minor_child",
    "is_minor",
    "is_role",
    "member_from_list",
    "minor_child_in_household",
    "role_order",
    "spouses_of",
]
