"""Household rules (issue 14 § 6): who is a minor child or the spouse of whom follows from the
two roles; the intake's list of names becomes the short form of new clients."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.household import (
    HouseholdMemberView,
    HouseholdView,
    age_on,
    combine_minor_child,
    member_from_list,
    minor_child_in_household,
    spouses_of,
)

TODAY = date(2026, 11, 24)


def _member(role: str, born: date | None, name: str = "X") -> HouseholdMemberView:
    return HouseholdMemberView(name, name, role, born, None)


def _household(own: str, *members: HouseholdMemberView) -> HouseholdView:
    return HouseholdView("h", "me", own, members)


def test_age_and_the_eighteenth_birthday() -> None:
    assert age_on(date(2008, 11, 24), TODAY) == 18
    assert age_on(date(2008, 11, 25), TODAY) == 17
    assert age_on(None, TODAY) is None


def test_minor_children_follow_from_the_roles() -> None:
    kid = _member("child", date(2015, 1, 1))
    # Reference person and spouse: the children are theirs.
    assert minor_child_in_household(_household("reference", kid), TODAY) is True
    assert minor_child_in_household(_household("spouse", kid), TODAY) is True
    # A sibling of the child is not its parent.
    assert minor_child_in_household(_household("child", kid), TODAY) is False
    # A grandparent ("parent" of the reference person): the reference person is their child.
    minor_reference = _member("reference", date(2010, 1, 1))
    assert minor_child_in_household(_household("parent", minor_reference), TODAY) is True
    # Grown-up children only: no; a child without a birth date: unknown.
    assert (
        minor_child_in_household(_household("reference", _member("child", date(2000, 1, 1))), TODAY)
        is False
    )
    assert minor_child_in_household(_household("reference", _member("child", None)), TODAY) is None
    assert minor_child_in_household(None, TODAY) is None


def test_linked_and_listed_children_combine() -> None:
    assert combine_minor_child(True, False) is True
    assert combine_minor_child(None, True) is True
    assert combine_minor_child(False, None) is False
    assert combine_minor_child(None, None) is None
    assert combine_minor_child(False, False) is False


def test_the_spouse_of_the_spouse_is_the_reference_person() -> None:
    reference = _member("reference", date(1980, 1, 1), "R")
    (spouse,) = spouses_of(_household("spouse", reference, _member("child", date(2015, 1, 1))))
    assert spouse.client_id == "R"


def test_a_listed_member_becomes_a_short_form_with_a_role() -> None:
    draft, role = member_from_list("Lina Haddad", "Ehefrau", date(1988, 9, 14), "Haddad")
    assert (draft.given_name, draft.family_name, role) == ("Lina", "Haddad", "spouse")
    draft, role = member_from_list("Omar", "Sohn", None, "Haddad")
    assert (draft.given_name, draft.family_name, role) == ("Omar", "Haddad", "child")
    _draft, role = member_from_list("Oma Fatma", "Großmutter", None, "Haddad")
    assert role == "other"
