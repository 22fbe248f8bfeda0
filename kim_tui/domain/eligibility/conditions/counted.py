"""The ``pension`` and ``employment`` conditions: months recorded against a minimum."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome, condition_result
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule


def count_fact(
    spec: ConditionSpec,
    value: int | None,
    label: tuple[str, str],
    unit: tuple[str, str],
) -> Outcome:
    """A recorded number of months against the condition's ``months``."""
    months = spec.months or 0
    if value is None:
        return Outcome(
            condition_result(
                spec, *label, ConditionState.UNKNOWN, "Nicht erfasst.", "Not recorded."
            )
        )
    if value >= months:
        return Outcome(
            condition_result(
                spec, *label, ConditionState.MET, f"{value} {unit[0]}.", f"{value} {unit[1]}."
            )
        )
    return Outcome(
        condition_result(
            spec,
            *label,
            ConditionState.MISSING,
            f"{value} {unit[0]}, es fehlen {months - value}.",
            f"{value} {unit[1]}, {months - value} to go.",
        )
    )


def pension(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """Months of pension contributions."""
    months = spec.months or 0
    return count_fact(
        spec,
        facts.pension_contribution_months,
        (f"{months} Monate Rentenbeiträge", f"{months} months of pension contributions"),
        ("Monate", "months"),
    )


def employment(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """Months of insurable employment with the minimum weekly hours."""
    months, hours = spec.months or 0, spec.hours_per_week or 0
    return count_fact(
        spec,
        facts.employment_months_20h,
        (
            f"{months} Monate sozialversicherungspflichtig beschäftigt (≥ {hours} Std./Woche)",
            f"{months} months of insurable employment (≥ {hours} h/week)",
        ),
        ("Monate", "months"),
    )
