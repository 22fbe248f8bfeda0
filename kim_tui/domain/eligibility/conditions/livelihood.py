"""The ``livelihood`` condition: the share of the livelihood covered by own income."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome, condition_result
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule


def livelihood(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """Own income covers at least ``min_share`` percent (waived in school if the rule says so)."""
    share = spec.min_share or 0
    if share >= 100:
        label = ("Lebensunterhalt gesichert", "livelihood secured")
    else:
        label = (
            f"Lebensunterhalt zu mindestens {share} % gesichert",
            f"livelihood at least {share} % secured",
        )
    if spec.waived_in_school and facts.in_school_or_training is True:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.MET,
                "Entfällt: Schule, Ausbildung oder Studium.",
                "Waived: school, training or study.",
                with_note=False,
            )
        )
    if facts.livelihood_share is None:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Anteil aus eigenem Einkommen nicht erfasst.",
                "Share from own income not recorded.",
            )
        )
    ok = facts.livelihood_share >= share
    return Outcome(
        condition_result(
            spec,
            *label,
            ConditionState.MET if ok else ConditionState.MISSING,
            f"Erfasst: {facts.livelihood_share} % aus eigenem Einkommen.",
            f"Recorded: {facts.livelihood_share} % from own income.",
        )
    )
