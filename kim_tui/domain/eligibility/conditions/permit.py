"""The ``permit_valid`` condition: the current paper is still valid; its expiry is a deadline."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.dates import format_date
from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import Outcome, condition_result
from kim_tui.domain.eligibility.results import ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule


def permit_valid(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """The current paper has not expired on ``on``; its last day becomes the hint's deadline
    (apply before it expires). Unknown when no expiry is recorded."""
    label = ("aktuelles Papier noch gültig", "current paper still valid")
    current = [p for p in facts.periods if p.status == facts.status and p.valid_from <= on]
    until = max((p.valid_until for p in current if p.valid_until is not None), default=None)
    if not current or until is None:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Gültigkeit nicht erfasst.",
                "Validity not recorded.",
            )
        )
    if until < on:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.MISSING,
                f"Abgelaufen am {format_date(until)}.",
                f"Expired on {format_date(until)}.",
            ),
            final=True,
        )
    return Outcome(
        condition_result(
            spec,
            *label,
            ConditionState.MET,
            f"Gültig bis {format_date(until)}.",
            f"Valid until {format_date(until)}.",
            latest=until,
        )
    )
