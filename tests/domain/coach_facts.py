"""What a coach records for a well-integrated adult, shared by the eligibility tests."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from kim_tui.domain.eligibility import ResidenceFacts


def coach_facts(**changes: Any) -> ResidenceFacts:
    """A well-integrated adult; tests set status, papers and entry through `changes`."""
    base = ResidenceFacts(
        birth_date=date(1990, 6, 15),
        nationality="SYR",
        german_level="B1",
        livelihood_share=100,
        minor_children_in_household=False,
        in_school_or_training=False,
        school_attendance_months=0,
        school_or_vocational_degree=False,
        vocational_training_contract=True,
        employment_months_20h=24,
        pension_contribution_months=120,
        civic_knowledge_proven=True,
        naturalisation_test_passed=True,
        identity_clarified=True,
        conviction_over_threshold="no",
    )
    return dataclasses.replace(base, **changes)
