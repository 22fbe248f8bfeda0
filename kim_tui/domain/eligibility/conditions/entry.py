"""The ``entry_on_or_before`` condition: entry by a cut-off date."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.dates import format_date
from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome, condition_result
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule


def entry_on_or_before(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """Entered on or before ``cutoff``; a later entry can never meet it."""
    assert spec.cutoff is not None
    label = (
        f"Einreise bis {format_date(spec.cutoff)}",
        f"entry by {format_date(spec.cutoff)}",
    )
    if facts.date_of_entry is None:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Einreisedatum fehlt.",
                "Date of entry missing.",
            )
        )
    entered_de = f"Einreise am {format_date(facts.date_of_entry)}."
    entered_en = f"Entered on {format_date(facts.date_of_entry)}."
    if facts.date_of_entry <= spec.cutoff:
        return Outcome(condition_result(spec, *label, ConditionState.MET, entered_de, entered_en))
    return Outcome(
        condition_result(spec, *label, ConditionState.MISSING, entered_de, entered_en), final=True
    )


def entry_on_or_after(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """Entered on or after ``cutoff`` (e.g. § 24 holders who arrived from 01.04.2025)."""
    assert spec.cutoff is not None
    label = (
        f"Einreise ab {format_date(spec.cutoff)}",
        f"entry from {format_date(spec.cutoff)}",
    )
    if facts.date_of_entry is None:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Einreisedatum fehlt.",
                "Date of entry missing.",
            )
        )
    entered_de = f"Einreise am {format_date(facts.date_of_entry)}."
    entered_en = f"Entered on {format_date(facts.date_of_entry)}."
    if facts.date_of_entry >= spec.cutoff:
        return Outcome(condition_result(spec, *label, ConditionState.MET, entered_de, entered_en))
    return Outcome(
        condition_result(spec, *label, ConditionState.MISSING, entered_de, entered_en), final=True
    )
