"""Fill a vault with the synthetic caseload of `domain.demo`, through the service object."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import islice

from kim_tui.demo import generate_caseload
from kim_tui.domain.model import FollowUpDraft
from kim_tui.store.workspace import Workspace

BATCH = 25
"""Clients per transaction: one fsync per batch keeps 10,000 clients within seconds."""


def seed_demo(
    workspace: Workspace,
    *,
    count: int,
    seed: int,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Create `count` deterministic synthetic clients with their case work."""
    cases = generate_caseload(count, seed, workspace.today())
    done = 0
    while chunk := list(islice(cases, BATCH)):
        with workspace.batch():
            for demo in chunk:
                _client_id, case_id = workspace.intake(demo.intake)
                for assessment in demo.assessments:
                    workspace.add_assessment(replace(assessment, case_id=case_id))
                if demo.agreement is not None:
                    workspace.add_goal_agreement(replace(demo.agreement, case_id=case_id))
                for referral in demo.referrals:
                    workspace.add_referral(replace(referral, case_id=case_id))
                for contact in demo.contacts:
                    workspace.add_contact(replace(contact, case_id=case_id))
                for due_on, reason in demo.follow_ups:
                    workspace.add_follow_up(FollowUpDraft(case_id, due_on, reason))
        done += len(chunk)
        if progress is not None:
            progress(done, count)
    workspace.update_statistics()
