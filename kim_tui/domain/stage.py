"""Derivation of a case's phase (workflow stage) from what has been recorded.

The phase follows the case-management cycle of KIM (and of the DGCC's Handlungsschritte):
Zugang/Erstberatung → Bestandsaufnahme (assessment) → Zielvereinbarung (Hilfeplanung) →
Leistungssteuerung (linking and referrals) → Monitoring → Evaluation → Abschluss. The case's
records are replayed in the order they happened and each one moves the phase by the table
`PHASE_RULES`; a rule moves the phase *forward* only, except the one practice asks for: a new
goal agreement starts a new planning cycle (the "Regelkreis": evaluation leads to re-planning).
Because the phase is replayed from the records, a correction or deletion of a record corrects
the phase too, and a bundle's stage never disagrees with its case file.

A coach can set the phase by hand with a reason (`validate_phase_reason`); that phase holds
until the coach clears it, then the derivation takes over again (`effective_phase`). A closure
always wins: a closed case is closed, whatever was set by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kim_tui.domain.model import CaseStage
from kim_tui.i18n import tr

PHASE_ORDER: tuple[CaseStage, ...] = (
    CaseStage.INTAKE,
    CaseStage.ASSESSMENT,
    CaseStage.GOAL_AGREEMENT,
    CaseStage.LINKING,
    CaseStage.MONITORING,
    CaseStage.EVALUATION,
    CaseStage.CLOSED,
)
"""The phases in the order of the case-management cycle."""

MIN_PHASE_REASON_CHARS = 10
"""A hand-set phase needs a reason of at least this many characters (a short sentence)."""

FINAL_GOAL_STATUSES = frozenset({"achieved", "not_achieved", "dropped"})
"""Goal statuses that are an evaluation result (goal_statuses.toml)."""

POSITIVE_REFERRAL_STATUSES = frozenset({"accepted", "done"})
"""Referral outcomes that link the client to a service (referral_statuses.toml)."""

NEGATIVE_REFERRAL_STATUSES = frozenset({"rejected", "withdrawn"})
"""Referral outcomes that end a referral without a service."""


class PhaseEventKind(StrEnum):
    """What happened in a case, as far as its phase is concerned."""

    ASSESSMENT = "assessment"
    GOAL_AGREEMENT = "goal_agreement"
    REFERRAL_SENT = "referral_sent"
    REFERRAL_LINKED = "referral_linked"
    REFERRAL_NOT_LINKED = "referral_not_linked"
    GOALS_EVALUATED = "goals_evaluated"


@dataclass(frozen=True)
class PhaseRule:
    """Where an event leads: `target`, and whether it may move the phase backwards."""

    target: CaseStage
    may_go_back: bool = False


PHASE_RULES: dict[PhaseEventKind, PhaseRule | None] = {
    PhaseEventKind.ASSESSMENT: PhaseRule(CaseStage.ASSESSMENT),
    # A new agreement is a new planning cycle, also after monitoring or evaluation.
    PhaseEventKind.GOAL_AGREEMENT: PhaseRule(CaseStage.GOAL_AGREEMENT, may_go_back=True),
    # In monitoring or evaluation an added referral adjusts the plan: the phase stays.
    PhaseEventKind.REFERRAL_SENT: PhaseRule(CaseStage.LINKING),
    # Linked: monitoring once no other referral still awaits its answer (see `derive_phase`).
    PhaseEventKind.REFERRAL_LINKED: PhaseRule(CaseStage.MONITORING),
    # Rejected or withdrawn: no service yet, the coach looks for another; never monitoring.
    PhaseEventKind.REFERRAL_NOT_LINKED: None,
    PhaseEventKind.GOALS_EVALUATED: PhaseRule(CaseStage.EVALUATION),
}
"""Each event → the phase it leads to (None: the phase stays). The README's table says the same."""


@dataclass(frozen=True)
class PhaseEvent:
    """One recorded event of a case: on which day, recorded when (orders events of one day)."""

    on: date
    recorded_at: datetime
    kind: PhaseEventKind
    key: str = ""
    """The record it belongs to (a referral's id pairs its sending with its answer)."""


def _rank(stage: CaseStage) -> int:
    return PHASE_ORDER.index(stage)


def derive_phase(events: Iterable[PhaseEvent], *, closed: bool = False) -> CaseStage:
    """Replay a case's events in the order they happened and return the phase they lead to.

    Starts in intake (Erstberatung). Each event moves the phase by `PHASE_RULES`: forward
    only, except a new goal agreement, which starts a new planning cycle. A linked referral
    leads to monitoring only when no other referral still waits for an answer; a rejected or
    withdrawn one never does. A closed case is closed.
    """
    if closed:
        return CaseStage.CLOSED
    phase = CaseStage.INTAKE
    waiting: set[str] = set()
    for event in sorted(events, key=lambda e: (e.on, e.recorded_at, e.kind.value, e.key)):
        if event.kind is PhaseEventKind.REFERRAL_SENT:
            waiting.add(event.key)
        elif event.kind in (PhaseEventKind.REFERRAL_LINKED, PhaseEventKind.REFERRAL_NOT_LINKED):
            waiting.discard(event.key)
        rule = PHASE_RULES[event.kind]
        if rule is None:
            continue
        target = rule.target
        if event.kind is PhaseEventKind.REFERRAL_LINKED and waiting:
            target = CaseStage.LINKING
        if rule.may_go_back or _rank(target) > _rank(phase):
            phase = target
    return phase


def effective_phase(
    derived: CaseStage, by_hand: CaseStage | None, *, closed: bool = False
) -> CaseStage:
    """The phase a case shows: closed wins, then a phase set by hand, then the derived one."""
    if closed:
        return CaseStage.CLOSED
    return by_hand if by_hand is not None else derived


def validate_phase_by_hand(stage: str, reason: str) -> dict[str, str]:
    """Problems with a phase set by hand (field → message in the UI language); empty when all is
    well.

    Any phase but closed (closing has its own form with a reason and goal evaluations); the
    reason must be a short sentence, at least `MIN_PHASE_REASON_CHARS` characters.
    """
    problems: dict[str, str] = {}
    codes = {s.value for s in PHASE_ORDER if s is not CaseStage.CLOSED}
    if stage not in codes:
        problems["stage"] = (
            tr(
                "Abgeschlossen wird ein Fall über „Fall abschließen“ (a).",
                "A case is closed with “Close the case” (a).",
            )
            if stage == CaseStage.CLOSED.value
            else tr("Bitte eine Phase auswählen.", "Please choose a phase.")
        )
    length = len(reason.strip())
    if length < MIN_PHASE_REASON_CHARS:
        problems["reason"] = tr(
            f"Bitte den Grund in einem kurzen Satz angeben: mindestens "
            f"{MIN_PHASE_REASON_CHARS} Zeichen (bisher {length}).",
            f"Please give the reason in a short sentence: at least "
            f"{MIN_PHASE_REASON_CHARS} characters (so far {length}).",
        )
    return problems
