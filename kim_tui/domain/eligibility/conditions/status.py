"""The ``current_status`` condition: does the current residence status fit the rule?"""

from __future__ import annotations

from datetime import date

from kim_tui.domain.dates import format_date
from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.outcome import (
    Outcome,
    condition_result,
    join_sentences,
    status_label_de,
    status_label_en,
)
from kim_tui.domain.eligibility.results import ConditionResult, ConditionState
from kim_tui.domain.eligibility.schema import ConditionSpec, Rule, matches_status


def current_status(rule: Rule, spec: ConditionSpec, facts: ResidenceFacts, on: date) -> Outcome:
    """The current status is allowed, blocked, to be checked, or not admissible for the rule."""
    label = ("aktueller Aufenthaltsstatus passt", "current residence status fits")
    status = facts.status
    if status is None:
        return Outcome(
            condition_result(
                spec,
                *label,
                ConditionState.UNKNOWN,
                "Aktueller Status nicht erfasst.",
                "Current status not recorded.",
            )
        )
    name_de, name_en = status_label_de(status), status_label_en(status)
    ended = next(
        (until for code, until in spec.allowed_until if code == status and until < on), None
    )
    if ended is not None:
        return Outcome(
            ConditionResult(
                label_de=spec.label_de or label[0],
                label_en=spec.label_en or label[1],
                state=ConditionState.MISSING,
                detail_de=f"{name_de}: nur bis {format_date(ended)} vorgesehen.",
                detail_en=f"{name_en}: only until {format_date(ended)}.",
                verify=spec.verify,
            ),
            inadmissible=True,
        )
    if matches_status(status, spec.allowed):
        return Outcome(
            condition_result(
                spec, *label, ConditionState.MET, f"{name_de}.", f"{name_en}.", with_note=False
            )
        )
    if matches_status(status, spec.blocked):
        return Outcome(
            condition_result(spec, *label, ConditionState.MISSING, f"{name_de}.", f"{name_en}.")
        )
    if matches_status(status, spec.check):
        return Outcome(
            condition_result(spec, *label, ConditionState.UNKNOWN, f"{name_de}.", f"{name_en}.")
        )
    result = ConditionResult(
        label_de=spec.label_de or label[0],
        label_en=spec.label_en or label[1],
        state=ConditionState.MISSING,
        detail_de=join_sentences(
            f"{name_de}: hierfür nicht vorgesehen.", rule.not_admissible_note_de
        ),
        detail_en=join_sentences(f"{name_en}: not eligible for this.", rule.not_admissible_note_en),
        verify=spec.verify,
    )
    return Outcome(result, inadmissible=True)
