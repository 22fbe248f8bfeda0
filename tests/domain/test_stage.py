"""The phase of a case: each rule of the derivation table (README "Die Phase eines Falls")
with the practice behind it, and the phase set by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from kim_tui.domain.model import CaseStage
from kim_tui.domain.stage import (
    MIN_PHASE_REASON_CHARS,
    PHASE_RULES,
    PhaseEvent,
    PhaseEventKind,
    derive_phase,
    effective_phase,
    validate_phase_by_hand,
)

K = PhaseEventKind
START = date(2026, 10, 1)


def history(*steps: tuple[PhaseEventKind, str] | PhaseEventKind) -> list[PhaseEvent]:
    """Events one day apart in the order given; a tuple names the referral it belongs to."""
    events = []
    for day, step in enumerate(steps):
        kind, key = step if isinstance(step, tuple) else (step, "")
        on = START + timedelta(days=day)
        events.append(PhaseEvent(on, datetime(on.year, on.month, on.day, 9), kind, key))
    return events


def test_a_new_case_is_in_intake() -> None:
    assert derive_phase([]) is CaseStage.INTAKE


def test_an_assessment_moves_intake_to_assessment() -> None:
    assert derive_phase(history(K.ASSESSMENT)) is CaseStage.ASSESSMENT


def test_a_goal_agreement_moves_the_case_into_planning_even_without_an_assessment() -> None:
    """Seen: a new goal agreement left the case at "Erstberatung"."""
    assert derive_phase(history(K.GOAL_AGREEMENT)) is CaseStage.GOAL_AGREEMENT
    assert derive_phase(history(K.ASSESSMENT, K.GOAL_AGREEMENT)) is CaseStage.GOAL_AGREEMENT


def test_a_referral_moves_the_case_into_linking() -> None:
    events = history(K.ASSESSMENT, K.GOAL_AGREEMENT, (K.REFERRAL_SENT, "r1"))
    assert derive_phase(events) is CaseStage.LINKING


def test_a_rejected_referral_never_leads_to_monitoring() -> None:
    """Seen: a rejected outcome set "Monitoring", the next referral "Leistungssteuerung"
    again. Rejected means no service yet: the coach keeps linking."""
    events = history(K.GOAL_AGREEMENT, (K.REFERRAL_SENT, "r1"), (K.REFERRAL_NOT_LINKED, "r1"))
    assert derive_phase(events) is CaseStage.LINKING


def test_an_accepted_referral_leads_to_monitoring_once_no_other_awaits_its_answer() -> None:
    both_sent = history(
        K.GOAL_AGREEMENT,
        (K.REFERRAL_SENT, "r1"),
        (K.REFERRAL_SENT, "r2"),
        (K.REFERRAL_LINKED, "r1"),
    )
    assert derive_phase(both_sent) is CaseStage.LINKING
    answered = [*both_sent, *history(*[K.ASSESSMENT] * 4, (K.REFERRAL_NOT_LINKED, "r2"))[4:]]
    assert derive_phase(answered) is CaseStage.LINKING  # r2's rejection moves nothing
    linked = [*both_sent, *history(*[K.ASSESSMENT] * 4, (K.REFERRAL_LINKED, "r2"))[4:]]
    assert derive_phase(linked) is CaseStage.MONITORING


def test_a_referral_in_monitoring_keeps_the_case_in_monitoring() -> None:
    """No ping-pong: an added referral adjusts the plan during monitoring."""
    events = history(
        K.GOAL_AGREEMENT,
        (K.REFERRAL_SENT, "r1"),
        (K.REFERRAL_LINKED, "r1"),
        (K.REFERRAL_SENT, "r2"),
    )
    assert derive_phase(events) is CaseStage.MONITORING


def test_an_assessment_later_in_the_case_does_not_move_it_back() -> None:
    events = history(K.GOAL_AGREEMENT, (K.REFERRAL_SENT, "r1"), K.ASSESSMENT)
    assert derive_phase(events) is CaseStage.LINKING


def test_evaluated_goals_lead_to_evaluation() -> None:
    events = history(
        K.GOAL_AGREEMENT, (K.REFERRAL_SENT, "r1"), (K.REFERRAL_LINKED, "r1"), K.GOALS_EVALUATED
    )
    assert derive_phase(events) is CaseStage.EVALUATION


def test_a_new_goal_agreement_after_evaluation_starts_a_new_planning_cycle() -> None:
    """The one way back that practice asks for: evaluation leads to re-planning."""
    events = history(
        K.GOAL_AGREEMENT,
        (K.REFERRAL_SENT, "r1"),
        (K.REFERRAL_LINKED, "r1"),
        K.GOALS_EVALUATED,
        K.GOAL_AGREEMENT,
    )
    assert derive_phase(events) is CaseStage.GOAL_AGREEMENT


def test_events_count_in_the_order_they_happened_not_as_listed() -> None:
    events = history(K.GOAL_AGREEMENT, (K.REFERRAL_SENT, "r1"), (K.REFERRAL_LINKED, "r1"))
    assert derive_phase(reversed(events)) is CaseStage.MONITORING


def test_events_of_one_day_count_in_the_order_they_were_recorded() -> None:
    """An evaluation meeting that ends in a new agreement on the same day: planning."""
    day = date(2026, 11, 2)
    evaluated = PhaseEvent(day, datetime(2026, 11, 2, 10), K.GOALS_EVALUATED)
    agreed = PhaseEvent(day, datetime(2026, 11, 2, 11), K.GOAL_AGREEMENT)
    earlier = history(K.GOAL_AGREEMENT, (K.REFERRAL_SENT, "r1"), (K.REFERRAL_LINKED, "r1"))
    assert derive_phase([*earlier, agreed, evaluated]) is CaseStage.GOAL_AGREEMENT


def test_a_closed_case_is_closed() -> None:
    assert derive_phase(history(K.GOAL_AGREEMENT), closed=True) is CaseStage.CLOSED


def test_every_event_has_a_rule() -> None:
    assert set(PHASE_RULES) == set(PhaseEventKind)


def test_a_phase_set_by_hand_wins_over_the_derived_one_but_not_over_closure() -> None:
    assert effective_phase(CaseStage.LINKING, None) is CaseStage.LINKING
    assert effective_phase(CaseStage.LINKING, CaseStage.MONITORING) is CaseStage.MONITORING
    assert effective_phase(CaseStage.LINKING, CaseStage.MONITORING, closed=True) is (
        CaseStage.CLOSED
    )


@pytest.mark.parametrize(
    ("stage", "reason", "field", "message"),
    [
        ("monitoring", "kurz", "reason", f"mindestens {MIN_PHASE_REASON_CHARS} Zeichen (bisher 4)"),
        ("monitoring", "   x      ", "reason", "(bisher 1)"),
        ("closed", "Klient ist verzogen nach Köln", "stage", "Fall abschließen"),
        ("nonsense", "Klient ist verzogen nach Köln", "stage", "Phase auswählen"),
    ],
)
def test_a_hand_set_phase_needs_a_real_phase_and_a_short_sentence(
    stage: str, reason: str, field: str, message: str
) -> None:
    problems = validate_phase_by_hand(stage, reason)
    assert message in problems[field]


def test_a_valid_hand_set_phase_has_no_problems() -> None:
    assert validate_phase_by_hand("monitoring", "Begleitung läuft über das Jobcenter") == {}
