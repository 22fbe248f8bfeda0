"""Fill a vault with the synthetic caseload of `kim_tui.demo`, through the service object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import islice

from kim_tui.demo import generate_caseload
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import ClientDraft, FollowUpDraft, HouseholdMember
from kim_tui.service.workspace import Workspace

BATCH = 25
"""Clients per transaction: one fsync per batch keeps 10,000 clients within seconds."""

DEMO_HOUSEHOLDS = 2
"""Families whose listed members become clients of their own, linked as a household."""


def _link_family(workspace: Workspace, client_id: str, members: tuple[HouseholdMember, ...]) -> int:
    """Each listed member as a new client in `client_id`'s household, role from the relation."""
    roles = catalog("household_roles")
    for member in members:
        given, _, family = member.name.partition(" ")
        entry = roles.find(member.relation)
        role = entry.code if entry is not None else "other"
        workspace.add_household_member(
            client_id, ClientDraft(given, family, member.birth_date), role
        )
    return len(members)


def seed_demo(
    workspace: Workspace,
    *,
    count: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Create `count` deterministic synthetic clients with their case work. Returns how many
    household members became clients of their own on top (`DEMO_HOUSEHOLDS` families)."""
    cases = generate_caseload(count, seed, workspace.today())
    done = 0
    families = 0
    members_added = 0
    while chunk := list(islice(cases, BATCH)):
        with workspace.batch():
            for demo in chunk:
                client_id, case_id = workspace.intake(demo.intake)
                members = demo.intake.client.household
                if families < DEMO_HOUSEHOLDS and len(members) >= 2:
                    families += 1
                    members_added += _link_family(workspace, client_id, members)
                for assessment in demo.assessments:
                    workspace.add_assessment(replace(assessment, case_id=case_id))
                if demo.agreement is not None:
                    workspace.add_goal_agreement(replace(demo.agreement, case_id=case_id))
                for referral in demo.referrals:
                    referral_id = workspace.add_referral(replace(referral.draft, case_id=case_id))
                    if referral.answered_on is not None:
                        workspace.record_referral_outcome(
                            referral_id,
                            referral.draft.status,
                            referral.draft.outcome,
                            referral.answered_on,
                        )
                for contact in demo.contacts:
                    workspace.add_contact(replace(contact, case_id=case_id))
                for due_on, reason in demo.follow_ups:
                    workspace.add_follow_up(FollowUpDraft(case_id, due_on, reason))
        done += len(chunk)
        if progress is not None:
            progress(done, count)
    workspace.update_statistics()
    return members_added
