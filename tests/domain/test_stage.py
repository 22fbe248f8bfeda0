"""Stage derivation table."""

from __future__ import annotations

import pytest

from kim_tui.domain.model import CaseStage
from kim_tui.domain.stage import derive_stage


@pytest.mark.parametrize(
    ("closed", "assessment", "agreement", "open_refs", "any_refs", "expected"),
    [
        (False, False, False, 0, 0, CaseStage.INTAKE),
        (False, True, False, 0, 0, CaseStage.ASSESSMENT),
        (False, True, True, 0, 0, CaseStage.GOAL_AGREEMENT),
        (False, True, True, 1, 1, CaseStage.LINKING),
        (False, True, True, 1, 3, CaseStage.LINKING),
        (False, True, True, 0, 2, CaseStage.MONITORING),
        (True, True, True, 1, 1, CaseStage.CLOSED),
        (True, False, False, 0, 0, CaseStage.CLOSED),
        # Earlier phases missing win over later data (e.g. a referral made at intake).
        (False, False, False, 1, 1, CaseStage.INTAKE),
        (False, True, False, 0, 1, CaseStage.ASSESSMENT),
    ],
)
def test_derive_stage(
    closed: bool,
    assessment: bool,
    agreement: bool,
    open_refs: int,
    any_refs: int,
    expected: CaseStage,
) -> None:
    stage = derive_stage(
        closed=closed,
        has_assessment=assessment,
        has_goal_agreement=agreement,
        open_referrals=open_refs,
        any_referrals=any_refs,
    )
    assert stage is expected
