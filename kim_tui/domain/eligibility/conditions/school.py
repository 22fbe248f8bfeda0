"""The ``school`` condition: successful schooling or a recognised degree."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.dates import format_date
from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome, condition_result, months_text
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule
from kim_tui.domain.scheduling import add_months


def school(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """``months`` of successful schooling, or a recognised degree."""
    months = spec.months or 0
    short_de, short_en = months_text(months)
    label = (
        f"{short_de} erfolgreicher Schulbesuch oder anerkannter Abschluss",
        f"{short_en} of successful schooling or a recognised degree",
    )
    if facts.school_or_vocational_degree is True:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.MET,
                "Anerkannter Schul- oder Berufsabschluss.",
                "Recognised school or vocational degree.",
            )
        )
    done = facts.school_attendance_months
    if done is not None and done >= months:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.MET,
                f"{done} Monate Schulbesuch.",
                f"{done} months at school.",
            )
        )
    if done is None:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Schulbesuch nicht erfasst.",
                "School attendance not recorded.",
            )
        )
    if facts.in_school_or_training is True:
        reached = add_months(on, months - done)
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.MISSING,
                f"{done} von {months} Monaten; bei weiterem Schulbesuch erreicht am"
                f" {format_date(reached)}.",
                f"{done} of {months} months; reached on {format_date(reached)}"
                " if school continues.",
                earliest=reached,
                time_based=True,
            )
        )
    state = (
        ConditionState.UNKNOWN
        if facts.school_or_vocational_degree is None
        else ConditionState.MISSING
    )
    return Outcome(
        condition_result(
            spec,
            *label,
            state,
            f"{done} von {months} Monaten; kein laufender Schulbesuch erfasst.",
            f"{done} of {months} months; no current schooling recorded.",
        )
    )
