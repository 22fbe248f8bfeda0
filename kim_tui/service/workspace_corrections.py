"""The `Workspace` methods that correct and delete what a coach wrote, and read back its history
(Art. 16 DSGVO, issue 11), kept apart so the façade stays within its size limit; `Workspace`
inherits them and sets `_corrections`."""

from __future__ import annotations

from kim_tui.domain.case_data import CaseDataDraft
from kim_tui.domain.model import (
    AssessmentDraft,
    ConsentDraft,
    ContactDraft,
    EntryKind,
    FollowUpDraft,
    GoalDraft,
    RecordChangeView,
    ReferralDraft,
    ResidenceDraft,
    StepDraft,
)
from kim_tui.service.corrections import CorrectionService


class CorrectionFacade:
    """Correct, delete, and list the correction history (`service.corrections`)."""

    _corrections: CorrectionService

    def correct_consent(self, consent_id: str, draft: ConsentDraft) -> None:
        """Correct a consent entered wrongly (purpose, agency, date, form)."""
        self._corrections.correct_consent(consent_id, draft)

    def correct_residence_record(self, record_id: str, draft: ResidenceDraft) -> None:
        """Correct a residence entry; its expiry reminder follows."""
        self._corrections.correct_residence_record(record_id, draft)

    def correct_assessment(self, assessment_id: str, draft: AssessmentDraft) -> None:
        """Correct an assessment's date and ratings."""
        self._corrections.correct_assessment(assessment_id, draft)

    def correct_goal(self, goal_id: str, draft: GoalDraft) -> None:
        """Correct a goal's area, title, indicator and target date."""
        self._corrections.correct_goal(goal_id, draft)

    def correct_step(self, step_id: str, draft: StepDraft) -> None:
        """Correct a step's text, owner and due date; its reminder follows."""
        self._corrections.correct_step(step_id, draft)

    def correct_referral(self, referral_id: str, draft: ReferralDraft) -> None:
        """Correct a referral (consent check as when it was made)."""
        self._corrections.correct_referral(referral_id, draft)

    def correct_contact(self, contact_id: str, draft: ContactDraft) -> None:
        """Correct a contact."""
        self._corrections.correct_contact(contact_id, draft)

    def correct_follow_up(self, follow_up_id: str, draft: FollowUpDraft) -> None:
        """Correct a manual follow-up's reason and due date."""
        self._corrections.correct_follow_up(follow_up_id, draft)

    def correct_case_data(self, case_id: str, draft: CaseDataDraft) -> None:
        """Correct a case's first contact, access route, legal domains and target groups."""
        self._corrections.correct_case_data(case_id, draft)

    def delete_entry(self, kind: EntryKind, entry_id: str, reason: str) -> None:
        """Delete an entry made in error, with a reason; it stays in the history only."""
        self._corrections.delete_entry(kind, entry_id, reason)

    def record_history(self, client_id: str) -> tuple[RecordChangeView, ...]:
        """Every correction and deletion of the client's record, newest first (old and new
        value, who, when, why)."""
        return self._corrections.record_history(client_id)
