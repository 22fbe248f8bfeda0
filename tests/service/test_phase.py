"""The phase of a case as the coach sees it: derived from what was recorded (issue 11 § 4) and
set by hand with a reason until cleared."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from kim_tui.domain.model import (
    AreaRatingDraft,
    AssessmentDraft,
    CaseStage,
    ClientDraft,
    ClosureDraft,
    ConsentDraft,
    ConsentPurpose,
    GoalAgreementDraft,
    GoalDraft,
    IntakeDraft,
    ReferralDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ValidationError
from kim_tui.store.vault import Vault
from tests.conftest import FIXED_TODAY

D = date


@dataclass
class Case:
    ws: Workspace
    client_id: str
    case_id: str

    @property
    def stage(self) -> CaseStage:
        return self.ws.client_file(self.client_id).stage

    def refer(self, on: date) -> str:
        return self.ws.add_referral(
            ReferralDraft(
                self.case_id, "jobcenter", "sgb2", "Klären", on, passes_identifying_data=False
            )
        )

    def agree(self, on: date) -> str:
        return self.ws.add_goal_agreement(
            GoalAgreementDraft(self.case_id, on, None, (GoalDraft("work", "Arbeit finden"),))
        )


@pytest.fixture
def case(vault: Vault) -> Iterator[Case]:
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    client_id, case_id = ws.intake(
        IntakeDraft(
            ClientDraft("Lan", "Nguyen", D(1995, 12, 12)),
            D(2026, 10, 1),
            consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, D(2026, 10, 1)),),
        )
    )
    yield Case(ws, client_id, case_id)


def test_the_coach_s_day_from_the_issue(case: Case) -> None:
    """Seen: referral → Leistungssteuerung, rejected → Monitoring, next referral →
    Leistungssteuerung again; a goal agreement left the case at Erstberatung."""
    assert case.stage is CaseStage.INTAKE
    case.agree(D(2026, 10, 5))
    assert case.stage is CaseStage.GOAL_AGREEMENT
    first = case.refer(D(2026, 10, 6))
    assert case.stage is CaseStage.LINKING
    case.ws.record_referral_outcome(first, "rejected", "kein Platz", D(2026, 10, 8))
    assert case.stage is CaseStage.LINKING
    second = case.refer(D(2026, 10, 9))
    assert case.stage is CaseStage.LINKING
    case.ws.record_referral_outcome(second, "accepted", "", D(2026, 10, 12))
    assert case.stage is CaseStage.MONITORING
    case.ws.add_assessment(
        AssessmentDraft(case.case_id, D(2026, 10, 20), (AreaRatingDraft("housing", 2),))
    )
    assert case.stage is CaseStage.MONITORING  # a re-assessment does not move it back


def test_evaluated_goals_then_a_new_agreement(case: Case) -> None:
    case.agree(D(2026, 10, 5))
    referral = case.refer(D(2026, 10, 6))
    case.ws.record_referral_outcome(referral, "done", "", D(2026, 10, 7))
    (goal,) = case.ws.goal_agreements(case.case_id)[0].goals
    case.ws.set_goal_status(goal.id, "achieved", "Arbeit gefunden")
    assert case.stage is CaseStage.EVALUATION
    case.agree(FIXED_TODAY)
    assert case.stage is CaseStage.GOAL_AGREEMENT


def test_a_hand_set_phase_holds_until_cleared(case: Case) -> None:
    case.ws.set_phase_by_hand(case.case_id, CaseStage.MONITORING, "Hilfe läuft über die Schule")
    file = case.ws.client_file(case.client_id)
    assert (file.stage, file.stage_by_hand) == (CaseStage.MONITORING, True)
    assert file.stage_by_hand_reason == "Hilfe läuft über die Schule"
    case.agree(D(2026, 10, 5))  # would lead to planning, but the coach's phase holds
    assert case.stage is CaseStage.MONITORING
    case.ws.clear_phase_by_hand(case.case_id)
    file = case.ws.client_file(case.client_id)
    assert (file.stage, file.stage_by_hand, file.stage_by_hand_reason) == (
        CaseStage.GOAL_AGREEMENT,
        False,
        "",
    )


def test_a_hand_set_phase_needs_a_reason_and_the_audit_keeps_no_reason(case: Case) -> None:
    with pytest.raises(ValidationError, match="mindestens 10 Zeichen"):
        case.ws.set_phase_by_hand(case.case_id, "monitoring", "x")
    with pytest.raises(ValidationError, match="nicht von Hand"):
        case.ws.clear_phase_by_hand(case.case_id)
    case.ws.set_phase_by_hand(case.case_id, "linking", "Vermittlung läuft telefonisch")
    (event,) = case.ws.audit_log(case.case_id, limit=1)
    assert (event.action, event.detail) == ("case.phase_set", "linking")


def test_closure_wins_over_a_hand_set_phase(case: Case) -> None:
    case.ws.set_phase_by_hand(case.case_id, "monitoring", "Hilfe läuft über die Schule")
    case.ws.close_case(ClosureDraft(case.case_id, FIXED_TODAY, "moved_away"))
    assert case.stage is CaseStage.CLOSED
    case.ws.reopen_case(case.case_id)
    assert case.stage is CaseStage.MONITORING
