"""The ``conviction`` condition, against the rule's Tagessätze limit or a weighing."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.eligibility.facts import CONVICTION_REFERENCE_TAGESSAETZE, ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome, condition_result
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule


def conviction(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """No conviction above the limit; with a higher limit or a weighing "yes" means "check"."""
    if spec.weighing:
        label = (
            "keine Verurteilung, die der Erteilung entgegensteht (Einzelfallabwägung)",
            "no conviction standing in the way (case-by-case weighing)",
        )
    else:
        limit = spec.threshold_tagessaetze or 0
        extra_de = (
            f" ({spec.threshold_foreigner_offences} bei Straftaten, die nur Ausländer*innen"
            " begehen können)"
            if spec.threshold_foreigner_offences
            else ""
        )
        extra_en = (
            f" ({spec.threshold_foreigner_offences} for offences only foreigners can commit)"
            if spec.threshold_foreigner_offences
            else ""
        )
        label = (
            f"keine Verurteilung über {limit} Tagessätze{extra_de}",
            f"no conviction above {limit} daily rates{extra_en}",
        )
    code = facts.conviction_over_threshold
    if code == "no":
        return Outcome(
            condition_result(spec, *label, ConditionState.MET, "Erfasst: nein.", "Recorded: no.")
        )
    if code == "unknown":
        return Outcome(
            condition_result(
                spec, *label, ConditionState.UNKNOWN, "Nicht erfasst.", "Not recorded."
            )
        )
    if spec.weighing or (spec.threshold_tagessaetze or 0) > CONVICTION_REFERENCE_TAGESSAETZE:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                f"Erfasst: über {CONVICTION_REFERENCE_TAGESSAETZE} Tagessätze –"
                " hier im Einzelfall prüfen.",
                f"Recorded: above {CONVICTION_REFERENCE_TAGESSAETZE} daily rates –"
                " check the case here.",
            )
        )
    return Outcome(
        condition_result(spec, *label, ConditionState.MISSING, "Erfasst: ja.", "Recorded: yes.")
    )
