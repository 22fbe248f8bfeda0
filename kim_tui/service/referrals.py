"""Referrals (Vermittlungen): to an agency in a legal domain; the outcome comes back."""

from __future__ import annotations

from datetime import date

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import ReferralDraft
from kim_tui.domain.validation import (
    validate_override_reason,
    validate_referral,
    validate_referral_outcome,
)
from kim_tui.i18n import language
from kim_tui.service.consents import has_sharing_consent
from kim_tui.service.context import ServiceContext, live, open_case, require_valid, stored_text
from kim_tui.service.derived import refresh_case, sync_referral
from kim_tui.store.errors import ConsentRequired
from kim_tui.store.models import Case, Client, Referral


class ReferralService:
    """Referrals of a case, guarded by the sharing consent (DP-3)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add_referral(self, draft: ReferralDraft) -> str:
        """A referral to an agency. Passing identifying data needs a matching sharing consent;
        without one the coach must give an override reason, which the audit trail records
        (DP-3). Raises `ConsentRequired` when neither is there, `ValidationError` when the
        reason is shorter than `MIN_OVERRIDE_REASON` characters."""
        require_valid(validate_referral(draft, self._ctx.today()))
        override = draft.override_reason.strip()
        with self._ctx.uow.write(
            "referral.add", "referral", case_id=draft.case_id, detail=draft.legal_domain
        ) as tx:
            case = open_case(tx.session, draft.case_id)
            client = live(tx.session, Client, case.client_id)
            consented = has_sharing_consent(tx.session, case.id, draft.agency, draft.sent_on)
            if draft.passes_identifying_data and not consented and not override:
                raise ConsentRequired(catalog("agencies").label(draft.agency, language()))
            if draft.passes_identifying_data and not consented:
                require_valid(validate_override_reason(override))
            row = Referral(
                case_id=case.id,
                agency=draft.agency,
                legal_domain=draft.legal_domain,
                reason=stored_text(draft.reason),
                sent_on=draft.sent_on,
                feedback_due_on=draft.feedback_due_on,
                status=draft.status,
                outcome=stored_text(draft.outcome),
                passes_identifying_data=draft.passes_identifying_data,
                override_reason=override if draft.passes_identifying_data and not consented else "",
            )
            tx.session.add(row)
            tx.session.flush()
            tx.entity_id = row.id
            if row.override_reason:
                tx.record_consent_override(row.id, case.id, draft.agency)
            sync_referral(tx, case, client, row, self._ctx.calendar)
            refresh_case(tx, case)
            return row.id

    def record_referral_outcome(
        self, referral_id: str, status: str, outcome: str, outcome_on: date | None
    ) -> None:
        """Results come back: status and outcome; a closed referral leaves the follow-ups."""
        require_valid(validate_referral_outcome(status, outcome_on, self._ctx.today()))
        with self._ctx.uow.write("referral.outcome", "referral", referral_id, detail=status) as tx:
            row = live(tx.session, Referral, referral_id)
            case = live(tx.session, Case, row.case_id)
            client = live(tx.session, Client, case.client_id)
            tx.case_id = case.id
            row.status = status
            row.outcome = stored_text(outcome)
            row.outcome_on = outcome_on
            tx.session.add(row)
            sync_referral(tx, case, client, row, self._ctx.calendar)
            refresh_case(tx, case)
