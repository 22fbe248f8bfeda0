"""Households (issue 14 § 6): clients who live together, each with their own file; the
residence-path hints read the linked children and spouse instead of asking again."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, col, select

from kim_tui.domain.eligibility import ConditionState, HintStatus
from kim_tui.domain.household import minor_child_in_household
from kim_tui.domain.model import ClientDraft, FollowUpDraft, ResidenceDraft, ResidenceFactsDraft
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import AuditEvent, HouseholdMembership
from kim_tui.widgets.residence_hints import hints_for, render_hints
from tests.builders import intake_client
from tests.conftest import FIXED_TODAY

STAY_START = date(2021, 6, 1)
"""Five and a half years of toleration by FIXED_TODAY: more than § 25b's 4, less than its 6."""


def _family(ws: Workspace) -> tuple[str, str, str, str]:
    """A father with a toleration since 2021, his wife and two minor children."""
    father, _ = intake_client(
        ws,
        "Samir",
        "Haddad",
        date(1985, 3, 2),
        residence=ResidenceDraft("duldung", valid_from=STAY_START),
    )
    wife, _ = intake_client(ws, "Lina", "Haddad", date(1988, 9, 14))
    ws.link_household_member(father, wife, "spouse")
    son = ws.add_household_member(father, ClientDraft("Omar", "Haddad", date(2014, 5, 1)), "child")
    daughter = ws.add_household_member(
        father, ClientDraft("Nour", "Haddad", date(2019, 1, 20)), "child"
    )
    return father, wife, son, daughter


def _stay(ws: Workspace, client_id: str, household: bool) -> tuple[ConditionState, HintStatus]:
    file = ws.client_file(client_id, audited=False)
    found = ws.household(client_id) if household else None
    hint = next(h for h in hints_for(file, FIXED_TODAY, found) if h.rule_id == "ae_25b")
    return hint.conditions[1].state, hint.status


def test_a_family_of_four_changes_the_25b_hint(workspace: Workspace) -> None:
    father, _wife, _son, _daughter = _family(workspace)
    # The same client without the household: 6 years are not reached, 4 would be -> open.
    assert _stay(workspace, father, household=False)[0] is ConditionState.UNKNOWN
    # With the two minor children linked the 4 years count: the stay condition is met.
    assert _stay(workspace, father, household=True)[0] is ConditionState.MET
    assert minor_child_in_household(workspace.household(father), FIXED_TODAY) is True


def test_the_household_shows_every_member_with_status_phase_and_due(workspace: Workspace) -> None:
    father, wife, son, daughter = _family(workspace)
    case = workspace.client_file(father, audited=False).case_id
    workspace.add_follow_up(FollowUpDraft(case, date(2026, 12, 1), "Termin Ausländerbehörde"))
    household = workspace.household(wife)
    assert household is not None and household.role == "spouse"
    by_id = {m.client_id: m for m in household.members}
    assert set(by_id) == {father, son, daughter}
    assert by_id[father].role == "reference"
    assert by_id[father].residence_status == "duldung"
    assert by_id[son].stage == "intake"
    assert by_id[father].next_due_on == date(2026, 12, 1)
    assert by_id[father].next_due_reason == "Termin Ausländerbehörde"
    # Each new member has their own file and case.
    assert workspace.client_file(son, audited=False).client.given_name == "Omar"
    # The spouse's children count for her too (the roles say whose children they are).
    assert minor_child_in_household(household, FIXED_TODAY) is True


def test_the_spouse_file_answers_the_60d_hint(workspace: Workspace) -> None:
    father, wife, _son, _daughter = _family(workspace)
    workspace.set_residence_facts(
        wife, ResidenceFactsDraft(identity_clarified=True, conviction_over_threshold="no")
    )
    household = workspace.household(father)
    assert household is not None
    (spouse,) = household.spouse_facts
    assert spouse.display_name == "Haddad, Lina" and spouse.identity_clarified is True
    file = workspace.client_file(father, audited=False)
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(render_hints(file, FIXED_TODAY, household))
    text = console.export_text()
    assert "Ehepartner*in im Haushalt: Haddad, Lina" in text
    assert "Identität geklärt: ja" in text
    assert "minderjähriges Kind verknüpft" in text


def test_role_correction_and_leaving_keep_their_history(workspace: Workspace) -> None:
    father, wife, son, _daughter = _family(workspace)
    workspace.set_household_role(son, "sibling")
    history = workspace.record_history(son)
    assert any(c.field == "role" and c.old_value == "child" for c in history)
    workspace.leave_household(son, "zieht aus")
    assert workspace.household(son) is None
    household = workspace.household(father)
    assert household is not None and son not in {m.client_id for m in household.members}
    deleted = [c for c in workspace.record_history(son) if c.kind == "deleted"]
    assert deleted and deleted[-1].reason == "zieht aus"
    with Session(workspace.vault.engine) as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert actions.count("household.leave") == 1 and "household.role" in actions
    del wife


def test_a_household_left_by_all_but_one_ends(workspace: Workspace) -> None:
    a, _ = intake_client(workspace, "Eins", "Test", date(1980, 1, 1))
    b, _ = intake_client(workspace, "Zwei", "Test", date(1981, 1, 1))
    workspace.link_household_member(a, b, "sibling")
    workspace.leave_household(b)
    assert workspace.household(a) is None
    with Session(workspace.vault.engine) as s:
        live = s.exec(
            select(HouseholdMembership).where(col(HouseholdMembership.deleted_at).is_(None))
        ).all()
    assert live == []


def test_bad_links_are_refused_with_a_reason(workspace: Workspace) -> None:
    a, _ = intake_client(workspace, "Eins", "Test", date(1980, 1, 1))
    b, _ = intake_client(workspace, "Zwei", "Test", date(1981, 1, 1))
    c, _ = intake_client(workspace, "Drei", "Test", date(1982, 1, 1))
    with pytest.raises(ValidationError, match="Rolle"):
        workspace.link_household_member(a, b, "cousin")
    with pytest.raises(ValidationError, match="eigenes Mitglied"):
        workspace.link_household_member(a, a, "other")
    workspace.link_household_member(a, b, "sibling")
    with pytest.raises(ValidationError, match="schon zu einem Haushalt"):
        workspace.link_household_member(c, b, "other")
    with pytest.raises(ValidationError, match="Geburtsdatum|Nachname|Familienname"):
        workspace.add_household_member(a, ClientDraft("", "", None), "child")
    assert workspace.household(c) is None


def test_erasing_a_member_removes_their_membership(workspace: Workspace) -> None:
    father, _wife, son, _daughter = _family(workspace)
    workspace.erase_client(son, "Antrag")
    household = workspace.household(father)
    assert household is not None and son not in {m.client_id for m in household.members}
    with Session(workspace.vault.engine) as s:
        rows = s.exec(
            select(HouseholdMembership).where(col(HouseholdMembership.client_id) == son)
        ).all()
    assert rows == []


def _live_memberships(ws: Workspace) -> list[HouseholdMembership]:
    with Session(ws.vault.engine) as s:
        return list(
            s.exec(
                select(HouseholdMembership).where(col(HouseholdMembership.deleted_at).is_(None))
            ).all()
        )


def test_a_merge_moves_the_household_to_the_kept_file(workspace: Workspace) -> None:
    """The duplicate in the family is merged into a file that had no household: the kept file
    takes its place (and role) in the household."""
    father, _wife, son, _daughter = _family(workspace)
    kept, _ = intake_client(workspace, "Omar", "Haddad", date(2014, 5, 1))
    assert workspace.household(kept) is None
    assert workspace.merge_clients(kept, son) == "moved"
    household = workspace.household(kept)
    assert household is not None and household.role == "child"
    assert {m.client_id for m in household.members} == {father, _wife, _daughter}
    father_view = workspace.household(father)
    assert father_view is not None
    assert kept in {m.client_id for m in father_view.members}
    assert son not in {m.client_id for m in father_view.members}
    assert all(m.client_id != son for m in _live_memberships(workspace))
    # The § 25b hint still counts the child through the kept file.
    assert _stay(workspace, father, household=True)[0] is ConditionState.MET


def test_a_merge_within_one_household_leaves_one_membership(workspace: Workspace) -> None:
    father, wife, _son, _daughter = _family(workspace)
    twin, _ = intake_client(workspace, "Lina", "Haddad", date(1988, 9, 14))
    workspace.link_household_member(father, twin, "other")
    assert workspace.merge_clients(wife, twin) == "same"
    rows = [m for m in _live_memberships(workspace) if m.client_id in (wife, twin)]
    assert [(r.client_id, r.role) for r in rows] == [(wife, "spouse")]
    household = workspace.household(father)
    assert household is not None
    assert [m.client_id for m in household.members].count(wife) == 1
    assert twin not in {m.client_id for m in household.members}
    ended = [c for c in workspace.record_history(wife) if c.kind == "deleted"]
    assert ended and "selben Haushalt" in ended[-1].reason


def test_a_merge_across_households_keeps_the_kept_files_and_says_so(
    workspace: Workspace,
) -> None:
    """The kept file's household wins; the other membership ends with a reason in the kept
    file's Verlauf, and the other household, left with one member, ends."""
    father, wife, _son, _daughter = _family(workspace)
    other, _ = intake_client(workspace, "Lina", "Haddad", date(1988, 9, 14))
    sister, _ = intake_client(workspace, "Rana", "Haddad", date(1990, 2, 2))
    workspace.link_household_member(other, sister, "sibling")
    assert workspace.merge_clients(wife, other) == "separate"
    household = workspace.household(wife)
    assert household is not None and household.role == "spouse"
    assert father in {m.client_id for m in household.members}
    assert sister not in {m.client_id for m in household.members}
    assert workspace.household(sister) is None  # her household had only the merged file left
    assert [m.client_id for m in _live_memberships(workspace)].count(wife) == 1
    ended = [c for c in workspace.record_history(wife) if c.kind == "deleted"]
    assert ended and "anderen Haushalt" in ended[-1].reason
    with Session(workspace.vault.engine) as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert actions.count("client.merge") == 1


def test_a_merge_without_households_changes_none(workspace: Workspace) -> None:
    a, _ = intake_client(workspace, "Eins", "Test", date(1980, 1, 1))
    b, _ = intake_client(workspace, "Eins", "Test", date(1980, 1, 1))
    assert workspace.merge_clients(a, b) == "none"
    assert _live_memberships(workspace) == []
