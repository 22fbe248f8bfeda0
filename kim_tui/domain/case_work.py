"""The case work a coach records once a case is open: the needs assessment across the KIM
priority areas, the goal agreement with its goals and steps, referrals and contacts; the drafts
the screens hand to the service and the views they get back.

Re-exported by `kim_tui.domain.model`, where every object that crosses layers is found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AreaRatingDraft:
    area: str
    """Priority-area code."""
    level: int
    """Need level 0 (none) to 3 (high)."""
    situation: str = ""
    resources: str = ""


@dataclass(frozen=True)
class AssessmentDraft:
    case_id: str
    assessed_on: date
    ratings: tuple[AreaRatingDraft, ...]
    assessed_by: str = ""


@dataclass(frozen=True)
class StepDraft:
    text: str
    owner: str
    """``client``, ``coach`` or ``agency``."""
    due_on: date | None = None
    done_on: date | None = None


@dataclass(frozen=True)
class GoalDraft:
    area: str
    title: str
    indicator: str = ""
    target_on: date | None = None
    status: str = "open"
    """open, in_progress, achieved, not_achieved, dropped."""
    steps: tuple[StepDraft, ...] = ()


@dataclass(frozen=True)
class GoalAgreementDraft:
    case_id: str
    agreed_on: date
    review_on: date | None
    goals: tuple[GoalDraft, ...]


@dataclass(frozen=True)
class ReferralDraft:
    case_id: str
    agency: str
    legal_domain: str
    reason: str
    sent_on: date
    feedback_due_on: date | None = None
    status: str = "open"
    """open, accepted, rejected, done, withdrawn."""
    outcome: str = ""
    passes_identifying_data: bool = True
    override_reason: str = ""


@dataclass(frozen=True)
class ContactDraft:
    case_id: str
    on: date
    kind: str
    """Contact-kind code (in_person, phone, home_visit, digital, interpreted)."""
    minutes: int
    note: str = ""
    interpreter: bool = False


@dataclass(frozen=True)
class AreaRatingView:
    area: str
    level: int
    situation: str
    resources: str


@dataclass(frozen=True)
class AssessmentView:
    id: str
    assessed_on: date
    assessed_by: str
    ratings: tuple[AreaRatingView, ...]

    def level(self, area: str) -> int | None:
        """The need level of `area`, or None if it was not rated."""
        return next((r.level for r in self.ratings if r.area == area), None)


@dataclass(frozen=True)
class StepView:
    id: str
    text: str
    owner: str
    due_on: date | None
    done_on: date | None


@dataclass(frozen=True)
class GoalView:
    id: str
    area: str
    title: str
    indicator: str
    target_on: date | None
    status: str
    evaluation: str
    steps: tuple[StepView, ...]


@dataclass(frozen=True)
class GoalAgreementView:
    id: str
    agreed_on: date
    review_on: date | None
    goals: tuple[GoalView, ...]


@dataclass(frozen=True)
class ReferralView:
    id: str
    agency: str
    legal_domain: str
    reason: str
    sent_on: date
    feedback_due_on: date | None
    status: str
    outcome: str
    outcome_on: date | None
    passes_identifying_data: bool
    override_reason: str


@dataclass(frozen=True)
class ContactView:
    id: str
    on: date
    kind: str
    minutes: int
    interpreter: bool
    note: str
