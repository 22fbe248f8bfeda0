"""The ``safe_country`` condition: a warning for nationals of a safe country of origin."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.dates import format_date
from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome, condition_result
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.safe_countries import load_safe_countries
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule

_UNKNOWN_NATIONALITY = frozenset({"", "XXX"})


def safe_country(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """Met when the nationality is not on the safe-country list; unknown ("check") when it is,
    because the work ban of § 60a Abs. 6 depends on facts the file does not hold (asylum
    application after 31.08.2015 rejected or withdrawn)."""
    label = (
        "kein Arbeitsverbot wegen sicheren Herkunftsstaats",
        "no work ban for a safe country of origin",
    )
    if facts.nationality is None or facts.nationality in _UNKNOWN_NATIONALITY:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Staatsangehörigkeit nicht erfasst.",
                "Nationality not recorded.",
            )
        )
    listed = load_safe_countries()
    country = listed.get(facts.nationality)
    if country is None:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.MET,
                "Kein sicherer Herkunftsstaat.",
                "Not a safe country of origin.",
                with_note=False,
            )
        )
    stand = format_date(listed.as_of)
    return Outcome(
        condition_result(
            spec,
            *label,
            ConditionState.UNKNOWN,
            f"{country.name_de} gilt als sicherer Herkunftsstaat ({listed.source}, Stand"
            f" {stand}): Arbeitsverbot nach § 60a Abs. 6 prüfen.",
            f"{country.name_en} is a safe country of origin ({listed.source}, as of {stand}):"
            " check the work ban under § 60a(6).",
        )
    )
