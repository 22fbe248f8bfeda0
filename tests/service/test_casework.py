"""Service-level edge cases of the case work (issue 4) that the Pilot cycle does not reach:
sharing consent for referrals, closure and reopening rules, themes, step toggling."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

import pytest

from kim_tui.domain.model import (
    ClientDraft,
    ClosureDraft,
    ConsentDraft,
    ConsentPurpose,
    FollowUpSource,
    GoalAgreementDraft,
    GoalDraft,
    IntakeDraft,
    ReferralDraft,
    StepDraft,
)
from kim_tui.service.workspace import Workspace
from kim_tui.store.errors import ConsentRequired, ValidationError
from tests.conftest import FIXED_TODAY

D = date
FIRST_CONTACT = D(2026, 10, 1)


@dataclass
class Case:
    ws: Workspace
    client_id: str
    case_id: str


@pytest.fixture
def case(vault) -> Iterator[Case]:  # type: ignore[no-untyped-def]
    """One open case, first contact 01.10.2026, with only the case-management consent."""
    ws = Workspace(vault, today=lambda: FIXED_TODAY)
    client_id, case_id = ws.intake(
        IntakeDraft(
            ClientDraft("Lan", "Nguyen", D(1995, 12, 12)),
            FIRST_CONTACT,
            consents=(ConsentDraft(ConsentPurpose.CASE_MANAGEMENT, FIRST_CONTACT),),
        )
    )
    yield Case(ws, client_id, case_id)


def referral(case_id: str, **changes) -> ReferralDraft:  # type: ignore[no-untyped-def]
    draft = ReferralDraft(
        case_id,
        "jobcenter",
        "sgb2",
        "Leistungsanspruch klären",
        D(2026, 11, 20),
        feedback_due_on=D(2026, 12, 3),
    )
    return replace(draft, **changes)


def agreement(case_id: str, *steps: StepDraft) -> GoalAgreementDraft:
    return GoalAgreementDraft(
        case_id,
        D(2026, 11, 10),
        D(2027, 2, 10),
        (GoalDraft("work", "Arbeit finden", steps=steps),),
    )


def open_follow_ups(ws: Workspace, case_id: str) -> list[tuple[FollowUpSource, str]]:
    return [(f.source, f.reason) for f in ws.follow_ups().items if f.case_id == case_id]


# -- referrals and sharing consent --------------------------------------------------------------


def test_identifying_referral_without_consent_is_refused(case: Case) -> None:
    with pytest.raises(ConsentRequired) as raised:
        case.ws.add_referral(referral(case.case_id))
    assert "Jobcenter" in str(raised.value)
    assert case.ws.client_file(case.client_id).referrals == ()
    assert not any(e.action.startswith("referral") for e in case.ws.audit_log(case.case_id))
    assert open_follow_ups(case.ws, case.case_id) == []
    # A blank override reason is no reason.
    with pytest.raises(ConsentRequired):
        case.ws.add_referral(referral(case.case_id, override_reason="   "))


def test_consent_for_another_agency_does_not_count(case: Case) -> None:
    case.ws.add_consent(
        case.case_id,
        ConsentDraft(ConsentPurpose.SHARE_AGENCY, FIRST_CONTACT, agency="agentur_arbeit"),
    )
    with pytest.raises(ConsentRequired):
        case.ws.add_referral(referral(case.case_id))


def test_matching_consent_needs_no_override(case: Case) -> None:
    case.ws.add_consent(
        case.case_id, ConsentDraft(ConsentPurpose.SHARE_AGENCY, FIRST_CONTACT, agency="jobcenter")
    )
    referral_id = case.ws.add_referral(referral(case.case_id, override_reason="unnötig"))
    (view,) = case.ws.client_file(case.client_id).referrals
    assert view.id == referral_id and view.override_reason == ""
    assert not any(e.action == "referral.consent_override" for e in case.ws.audit_log())


def test_consent_withdrawn_before_the_sent_date_does_not_count(case: Case) -> None:
    consent_id = case.ws.add_consent(
        case.case_id, ConsentDraft(ConsentPurpose.SHARE_AGENCY, FIRST_CONTACT, agency="jobcenter")
    )
    case.ws.withdraw_consent(consent_id, D(2026, 11, 15))
    assert not case.ws.sharing_consent_for(case.case_id, "jobcenter", D(2026, 11, 20))
    assert not case.ws.sharing_consent_for(case.case_id, "jobcenter", D(2026, 11, 15))
    assert case.ws.sharing_consent_for(case.case_id, "jobcenter", D(2026, 11, 14))
    with pytest.raises(ConsentRequired):
        case.ws.add_referral(referral(case.case_id))
    # A referral sent before the withdrawal was covered.
    case.ws.add_referral(referral(case.case_id, sent_on=D(2026, 11, 10)))


def test_consent_given_after_the_sent_date_does_not_count(case: Case) -> None:
    case.ws.add_consent(
        case.case_id,
        ConsentDraft(ConsentPurpose.SHARE_AGENCY, D(2026, 11, 21), agency="jobcenter"),
    )
    with pytest.raises(ConsentRequired):
        case.ws.add_referral(referral(case.case_id))


def test_no_override_needed_without_identifying_data(case: Case) -> None:
    case.ws.add_referral(referral(case.case_id, passes_identifying_data=False))
    (view,) = case.ws.client_file(case.client_id).referrals
    assert not view.passes_identifying_data and view.override_reason == ""
    # Even a given reason is not stored: nothing was overridden.
    case.ws.add_referral(
        referral(case.case_id, passes_identifying_data=False, override_reason="egal")
    )
    assert all(r.override_reason == "" for r in case.ws.client_file(case.client_id).referrals)
    assert not any(e.action == "referral.consent_override" for e in case.ws.audit_log())


def test_override_is_audited_without_the_reason(case: Case) -> None:
    reason = "Frist läuft ab, Klientin mündlich einverstanden"
    referral_id = case.ws.add_referral(referral(case.case_id, override_reason=reason))
    (event,) = [e for e in case.ws.audit_log() if e.action == "referral.consent_override"]
    assert event.entity_id == referral_id
    assert event.detail == "jobcenter"
    assert all(reason not in e.detail and "Nguyen" not in e.detail for e in case.ws.audit_log())


def test_referral_outcome_done_retires_the_feedback_follow_up(case: Case) -> None:
    referral_id = case.ws.add_referral(referral(case.case_id, passes_identifying_data=False))
    assert open_follow_ups(case.ws, case.case_id) == [
        (FollowUpSource.REFERRAL, "Rückmeldung erwartet: Jobcenter")
    ]
    case.ws.record_referral_outcome(referral_id, "accepted", "", None)
    assert len(open_follow_ups(case.ws, case.case_id)) == 1  # still waiting for results
    case.ws.record_referral_outcome(referral_id, "done", "Bescheid erteilt", D(2026, 11, 24))
    assert open_follow_ups(case.ws, case.case_id) == []
    with pytest.raises(ValidationError):
        case.ws.record_referral_outcome(referral_id, "vergessen", "", None)


# -- closure and reopening ----------------------------------------------------------------------


def test_closing_before_the_first_contact_is_refused(case: Case) -> None:
    with pytest.raises(ValidationError) as raised:
        case.ws.close_case(ClosureDraft(case.case_id, D(2026, 9, 30), "moved_away"))
    assert "closed_on" in raised.value.problems
    assert case.ws.client_file(case.client_id).closed_on is None
    # The first-contact day itself is fine.
    case.ws.close_case(ClosureDraft(case.case_id, FIRST_CONTACT, "moved_away"))
    assert case.ws.client_file(case.client_id).closed_on == FIRST_CONTACT


def test_closing_needs_a_catalog_reason_and_no_future_date(case: Case) -> None:
    with pytest.raises(ValidationError):
        case.ws.close_case(ClosureDraft(case.case_id, FIXED_TODAY, "keine Lust"))
    with pytest.raises(ValidationError):
        case.ws.close_case(ClosureDraft(case.case_id, D(2026, 11, 25), "moved_away"))
    assert case.ws.client_file(case.client_id).closed_on is None


def test_reopening_an_open_case_is_refused(case: Case) -> None:
    with pytest.raises(ValidationError) as raised:
        case.ws.reopen_case(case.case_id)
    assert "nicht abgeschlossen" in str(raised.value)


def test_closing_twice_is_refused(case: Case) -> None:
    case.ws.close_case(ClosureDraft(case.case_id, FIXED_TODAY, "goals_reached"))
    with pytest.raises(ValidationError):
        case.ws.close_case(ClosureDraft(case.case_id, FIXED_TODAY, "goals_reached"))


def test_a_closed_case_refuses_new_goals_and_referrals(case: Case) -> None:
    agreement_id = case.ws.add_goal_agreement(agreement(case.case_id))
    case.ws.close_case(ClosureDraft(case.case_id, FIXED_TODAY, "goals_reached"))
    with pytest.raises(ValidationError) as raised:
        case.ws.add_goal(agreement_id, GoalDraft("housing", "Wohnung finden"))
    assert "abgeschlossen" in str(raised.value)
    with pytest.raises(ValidationError):
        case.ws.add_goal_agreement(agreement(case.case_id))
    with pytest.raises(ValidationError):
        case.ws.add_referral(referral(case.case_id, passes_identifying_data=False))
    (saved,) = case.ws.goal_agreements(case.case_id)
    assert len(saved.goals) == 1
    # Reopened, goals can be added again.
    case.ws.reopen_case(case.case_id)
    case.ws.add_goal(agreement_id, GoalDraft("housing", "Wohnung finden"))
    assert len(case.ws.goal_agreements(case.case_id)[0].goals) == 2


def test_work_done_while_closed_does_not_come_back_on_reopening(case: Case) -> None:
    """A step ticked off or a referral answered after closure stays off the list."""
    case.ws.add_goal_agreement(
        agreement(case.case_id, StepDraft("Lebenslauf schreiben", "client", D(2026, 12, 1)))
    )
    referral_id = case.ws.add_referral(referral(case.case_id, passes_identifying_data=False))
    case.ws.close_case(ClosureDraft(case.case_id, FIXED_TODAY, "goals_reached"))
    # Only the erasure due at the end of retention stays open for a closed case.
    assert open_follow_ups(case.ws, case.case_id) == [
        (FollowUpSource.RETENTION, "Löschung fällig: Aufbewahrung endete am 31.12.2029")
    ]
    (step,) = case.ws.goal_agreements(case.case_id)[0].goals[0].steps
    case.ws.set_step_done(step.id, FIXED_TODAY)
    case.ws.record_referral_outcome(referral_id, "done", "erledigt", FIXED_TODAY)
    case.ws.reopen_case(case.case_id)
    assert open_follow_ups(case.ws, case.case_id) == [
        (FollowUpSource.REVIEW, "Überprüfung Zielvereinbarung")
    ]


# -- themes -------------------------------------------------------------------------------------


def test_themes_reject_unknown_codes_and_keep_free_text(case: Case) -> None:
    with pytest.raises(ValidationError) as raised:
        case.ws.set_themes(case.case_id, ("housing_shortage", "gibt_es_nicht"))
    assert "gibt_es_nicht" in str(raised.value)
    assert case.ws.client_file(case.client_id).themes == ()
    case.ws.set_themes(
        case.case_id,
        ("housing_shortage", " ", "text:Wartezeit Kinderarzt", "housing_shortage"),
    )
    assert case.ws.client_file(case.client_id).themes == (
        "housing_shortage",
        "text:Wartezeit Kinderarzt",
    )
    # The audit detail names the catalog codes only, never the free text.
    (event,) = [e for e in case.ws.audit_log(case.case_id) if e.action == "case.themes"]
    assert event.detail == "housing_shortage"
    case.ws.set_themes(case.case_id, ())
    assert case.ws.client_file(case.client_id).themes == ()


# -- steps --------------------------------------------------------------------------------------


def test_step_done_toggling_reopens_its_follow_up(case: Case) -> None:
    case.ws.add_goal_agreement(
        agreement(
            case.case_id,
            StepDraft("Lebenslauf schreiben", "client", D(2026, 12, 1)),
            StepDraft("Ohne Datum", "coach"),
        )
    )
    step_reason = (FollowUpSource.STEP, "Schritt: Lebenslauf schreiben")
    assert step_reason in open_follow_ups(case.ws, case.case_id)
    assert len(open_follow_ups(case.ws, case.case_id)) == 2  # a step without a date has none
    step, undated = case.ws.goal_agreements(case.case_id)[0].goals[0].steps
    case.ws.set_step_done(step.id, FIXED_TODAY)
    assert step_reason not in open_follow_ups(case.ws, case.case_id)
    assert case.ws.goal_agreements(case.case_id)[0].goals[0].steps[0].done_on == FIXED_TODAY
    case.ws.set_step_done(step.id, None)
    assert step_reason in open_follow_ups(case.ws, case.case_id)
    assert case.ws.goal_agreements(case.case_id)[0].goals[0].steps[0].done_on is None
    assert [e.action for e in case.ws.audit_log(case.case_id)][:2] == ["step.reopen", "step.done"]
    case.ws.set_step_done(undated.id, FIXED_TODAY)  # no follow-up to retire: fine
    assert len(open_follow_ups(case.ws, case.case_id)) == 2


def test_the_steps_of_a_goal_with_its_result_no_longer_remind(case: Case) -> None:
    """A goal dropped, achieved or not achieved leaves nothing to do for its open steps:
    their reminders go (a later step correction does not bring them back); set back in
    progress, the goal's steps remind again."""
    case.ws.add_goal_agreement(
        agreement(case.case_id, StepDraft("Lebenslauf schreiben", "client", D(2026, 12, 1)))
    )
    step_reason = (FollowUpSource.STEP, "Schritt: Lebenslauf schreiben")
    goal = case.ws.goal_agreements(case.case_id)[0].goals[0]
    (step,) = goal.steps
    for result in ("dropped", "achieved", "not_achieved"):
        case.ws.set_goal_status(goal.id, result)
        assert step_reason not in open_follow_ups(case.ws, case.case_id), result
        case.ws.correct_step(step.id, StepDraft("Lebenslauf schreiben", "client", D(2026, 12, 2)))
        assert step_reason not in open_follow_ups(case.ws, case.case_id), result
        case.ws.set_goal_status(goal.id, "in_progress")
        assert step_reason in open_follow_ups(case.ws, case.case_id), result


def test_step_done_from_the_list_can_be_reopened_in_the_file(case: Case) -> None:
    """Ticked off in the Wiedervorlagen (x), then reopened with `d`: the reminder returns."""
    case.ws.add_goal_agreement(
        agreement(case.case_id, StepDraft("Lebenslauf schreiben", "client", D(2026, 12, 1)))
    )
    (item,) = [f for f in case.ws.follow_ups().items if f.source is FollowUpSource.STEP]
    case.ws.complete_follow_up(item.id, "erledigt")
    (step,) = case.ws.goal_agreements(case.case_id)[0].goals[0].steps
    assert step.done_on == FIXED_TODAY
    case.ws.set_step_done(step.id, None)
    assert (FollowUpSource.STEP, "Schritt: Lebenslauf schreiben") in open_follow_ups(
        case.ws, case.case_id
    )


def test_a_one_word_override_reason_is_refused(case: Case) -> None:
    with pytest.raises(ValidationError) as raised:
        case.ws.add_referral(referral(case.case_id, override_reason="x"))
    assert "mindestens 20" in str(raised.value)
    assert case.ws.client_file(case.client_id).referrals == ()
