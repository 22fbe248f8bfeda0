"""One evaluator per condition kind of the rule schema.

Every evaluator has the same signature: it gets the rule, the condition as stored in the rule
data, the facts and the evaluation day, and returns an `Outcome`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from kim_tui.domain.eligibility.conditions.age import age_before, age_min, age_reached_on
from kim_tui.domain.eligibility.conditions.conviction import conviction
from kim_tui.domain.eligibility.conditions.counted import employment, pension
from kim_tui.domain.eligibility.conditions.entry import entry_on_or_after, entry_on_or_before
from kim_tui.domain.eligibility.conditions.flags import flag
from kim_tui.domain.eligibility.conditions.language import language
from kim_tui.domain.eligibility.conditions.livelihood import livelihood
from kim_tui.domain.eligibility.conditions.permit import permit_valid
from kim_tui.domain.eligibility.conditions.safe_country import safe_country
from kim_tui.domain.eligibility.conditions.school import school
from kim_tui.domain.eligibility.conditions.status import current_status
from kim_tui.domain.eligibility.conditions.stay import stay, stay_at_cutoff
from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome
from kim_tui.domain.eligibility.schema import KINDS, ConditionSpec, Rule

__all__ = ["EVALUATORS", "Evaluator", "age_reached_on", "evaluate_condition"]

Evaluator = Callable[[Rule, ConditionSpec, ResidenceFacts, date], Outcome]

EVALUATORS: Mapping[str, Evaluator] = {
    "current_status": current_status,
    "stay": stay,
    "stay_at_cutoff": stay_at_cutoff,
    "age_min": age_min,
    "age_before": age_before,
    "entry_on_or_before": entry_on_or_before,
    "school": school,
    "language": language,
    "livelihood": livelihood,
    "pension": pension,
    "employment": employment,
    "conviction": conviction,
    "identity": flag,
    "civic_knowledge": flag,
    "naturalisation_test": flag,
    "training_contract": flag,
    "entry_on_or_after": entry_on_or_after,
    "safe_country": safe_country,
    "permit_valid": permit_valid,
}
assert set(EVALUATORS) == KINDS, "every condition kind needs an evaluator"


def evaluate_condition(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """Apply one condition of ``rule`` to ``facts`` on the day ``on``."""
    return EVALUATORS[spec.kind](rule, spec, facts, on)
