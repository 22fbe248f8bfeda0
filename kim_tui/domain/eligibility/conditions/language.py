"""The ``language`` condition: the proven level of German."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.dates import format_date
from kim_tui.domain.eligibility.facts import GERMAN_LEVELS, ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome, condition_result
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule


def language(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """The recorded level of German is at least ``level``."""
    level = spec.level or "A1"
    oral_de, oral_en = ("mündlich ", "oral ") if spec.oral else ("", "")
    label = (f"Deutschkenntnisse {oral_de}{level}", f"{oral_en}German {level}")
    if facts.german_level is None:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Sprachniveau nicht erfasst.",
                "Level not recorded.",
            )
        )
    cert_de = (
        f" (Nachweis vom {format_date(facts.german_certificate_on)})"
        if facts.german_certificate_on
        else ""
    )
    cert_en = (
        f" (certificate of {format_date(facts.german_certificate_on)})"
        if facts.german_certificate_on
        else ""
    )
    ok = GERMAN_LEVELS.index(facts.german_level) >= GERMAN_LEVELS.index(level)
    return Outcome(
        condition_result(
            spec,
            *label,
            ConditionState.MET if ok else ConditionState.MISSING,
            f"Erfasst: {facts.german_level}{cert_de}.",
            f"Recorded: {facts.german_level}{cert_en}.",
        )
    )
