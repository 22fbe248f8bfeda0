"""Yes/no conditions: identity, civic knowledge, naturalisation test, training contract."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome, condition_result
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule

FLAG_LABELS: Mapping[str, tuple[str, str, str]] = {
    "identity": ("identity_clarified", "Identität geklärt", "identity clarified"),
    "civic_knowledge": (
        "civic_knowledge_proven",
        "Grundkenntnisse der Rechts- und Gesellschaftsordnung",
        "basic knowledge of the legal and social order",
    ),
    "naturalisation_test": (
        "naturalisation_test_passed",
        "Einbürgerungstest (oder deutscher Schulabschluss)",
        "naturalisation test (or German school certificate)",
    ),
    "training_contract": (
        "vocational_training_contract",
        "Ausbildungsvertrag (qualifizierte Berufsausbildung)",
        "training contract (qualified vocational training)",
    ),
}


def flag(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """A yes/no fact of the file named by the condition kind."""
    attr, label_de, label_en = FLAG_LABELS[spec.kind]
    value: bool | None = getattr(facts, attr)
    if value is None:
        return Outcome(
            condition_result(
                spec, label_de, label_en, ConditionState.UNKNOWN, "Nicht erfasst.", "Not recorded."
            )
        )
    if value:
        return Outcome(
            condition_result(spec, label_de, label_en, ConditionState.MET, "Ja.", "Yes.")
        )
    return Outcome(
        condition_result(spec, label_de, label_en, ConditionState.MISSING, "Nein.", "No.")
    )
