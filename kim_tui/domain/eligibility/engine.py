"""The engine: applies every rule in force to the facts and sums the conditions up into hints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from kim_tui.domain.eligibility.conditions import evaluate_condition
from kim_tui.domain.eligibility.facts import ResidenceFacts
from kim_tui.domain.eligibility.loader import load_rules
from kim_tui.domain.eligibility.outcome import Outcome
from kim_tui.domain.eligibility.results import ConditionState, Hint, HintStatus
from kim_tui.domain.eligibility.schema import Rule, RuleSet


def _overall(
    rule: Rule, outcomes: Sequence[Outcome], on: date
) -> tuple[HintStatus, date | None, date | None]:
    results = [o.result for o in outcomes]
    latest = [r.latest_date for r in results if r.latest_date is not None]
    if rule.valid_until is not None and rule.valid_until_is_deadline:
        latest.append(rule.valid_until)
    deadline = min(latest) if latest else None
    pending = [
        r.earliest_date
        for r in results
        if r.time_based
        and r.earliest_date is not None
        and r.earliest_date > on
        and r.state is not ConditionState.MET
    ]
    earliest = max(pending) if pending else None
    if any(o.inadmissible or o.final for o in outcomes):
        return HintStatus.NOT_APPLICABLE, None, deadline
    if rule.notice:
        if any(r.state is not ConditionState.MET for r in results):
            return HintStatus.UNCLEAR, None, deadline
        return HintStatus.NOTICE, None, deadline
    if earliest is not None and deadline is not None and earliest > deadline:
        return HintStatus.NOT_APPLICABLE, earliest, deadline
    if any(r.state is ConditionState.MISSING and not r.time_based for r in results):
        return HintStatus.NOT_YET, earliest, deadline
    if any(r.state is ConditionState.UNKNOWN for r in results):
        return HintStatus.UNCLEAR, earliest, deadline
    if any(r.state is ConditionState.MISSING for r in results):
        return HintStatus.POSSIBLE_LATER, earliest, deadline
    return HintStatus.ELIGIBLE_NOW, None, deadline


def _hint(rule: Rule, facts: ResidenceFacts, on: date, rule_set: RuleSet) -> Hint:
    outcomes = [
        evaluate_condition(rule, spec, facts, on) for spec in rule.conditions if spec.applies_on(on)
    ]
    status, earliest, deadline = _overall(rule, outcomes, on)
    return Hint(
        rule_id=rule.id,
        title_de=rule.title_de,
        title_en=rule.title_en,
        legal_basis=rule.legal_basis,
        statute=rule.statute,
        guidance=rule.guidance,
        as_of=rule.as_of,
        verify=rule.verify,
        status=status,
        conditions=tuple(o.result for o in outcomes),
        earliest_date=earliest,
        deadline=deadline,
        verify_note_de=rule.verify_note_de,
        verify_note_en=rule.verify_note_en,
        not_checked_de=rule.not_checked_de,
        not_checked_en=rule.not_checked_en,
        rules_version=rule_set.version,
        rules_date=rule_set.published,
        notice_de=rule.notice_de,
        notice_en=rule.notice_en,
    )


def evaluate(facts: ResidenceFacts, on: date, rules: RuleSet | None = None) -> tuple[Hint, ...]:
    """Apply every rule in force on ``on`` to ``facts``, in file order.

    Rules whose application deadline has passed (or that are not in force yet) are left out.
    Hints with status NOT_APPLICABLE are included; see `relevant` to drop them.
    """
    rule_set = rules if rules is not None else load_rules()
    return tuple(_hint(rule, facts, on, rule_set) for rule in rule_set.rules if rule.in_force(on))


def relevant(hints: Iterable[Hint]) -> tuple[Hint, ...]:
    """The hints worth showing: everything except NOT_APPLICABLE."""
    return tuple(h for h in hints if h.status is not HintStatus.NOT_APPLICABLE)
