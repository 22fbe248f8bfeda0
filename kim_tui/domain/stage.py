"""Derivation of a case's workflow stage from its data (never typed by hand)."""

from __future__ import annotations

from kim_tui.domain.model import CaseStage


def derive_stage(
    *,
    closed: bool,
    has_assessment: bool,
    has_goal_agreement: bool,
    open_referrals: int,
    any_referrals: int,
) -> CaseStage:
    """Return the stage a case is in, following the KIM case-management phases in order.

    Like Primero, the stage is derived from what has been recorded, so it can never disagree
    with the case file:

    - closed: a closure was recorded (wins over everything else);
    - intake: no Bestandsaufnahme yet, so the case is still in Zugang/Erstberatung;
    - assessment: assessed, but no Zielvereinbarung agreed yet;
    - goal_agreement: agreement exists, but nothing has been referred (no linking yet);
    - linking: at least one referral is still open (waiting for the agency);
    - monitoring: referrals exist and all came back, so the coach accompanies the client.

    ``open_referrals`` counts referrals still waiting for a result (open or accepted);
    ``any_referrals`` counts all referrals of the case.
    """
    if closed:
        return CaseStage.CLOSED
    if not has_assessment:
        return CaseStage.INTAKE
    if not has_goal_agreement:
        return CaseStage.ASSESSMENT
    if any_referrals <= 0 and open_referrals <= 0:
        return CaseStage.GOAL_AGREEMENT
    if open_referrals > 0:
        return CaseStage.LINKING
    return CaseStage.MONITORING
