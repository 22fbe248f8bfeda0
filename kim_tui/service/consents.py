"""Consents: given, withdrawn (for future processing only), and checked before sharing."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from kim_tui.domain.model import ConsentDraft, ConsentPurpose
from kim_tui.service.context import ServiceContext, live
from kim_tui.service.converters import consent_row
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import Case, Consent


class ConsentService:
    """Purpose-bound, dated, withdrawable consents of a case."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add_consent(self, case_id: str, consent: ConsentDraft) -> str:
        """Record a consent given for the case's client."""
        with self._ctx.uow.write(
            "consent.give", "consent", case_id=case_id, detail=consent.purpose
        ) as tx:
            case = live(tx.session, Case, case_id)
            row = consent_row(consent, case.client_id, case.id)
            tx.session.add(row)
            tx.entity_id = row.id
            return row.id

    def withdraw_consent(self, consent_id: str, on: date) -> None:
        """Withdrawal counts for future processing only: the consent row stays, dated."""
        with self._ctx.uow.write("consent.withdraw", "consent", entity_id=consent_id) as tx:
            row = live(tx.session, Consent, consent_id)
            if row.withdrawn_on is not None:
                raise ValidationError({"consent": "Diese Einwilligung ist bereits widerrufen."})
            if on < row.given_on:
                raise ValidationError({"on": "Widerruf kann nicht vor der Erteilung liegen."})
            row.withdrawn_on = on
            tx.case_id = row.case_id
            tx.session.add(row)

    def sharing_consent_for(self, case_id: str, agency: str, on: date) -> bool:
        """True if a valid (given, not withdrawn by `on`) consent allows sharing with `agency`."""
        with self._ctx.uow.read() as s:
            return has_sharing_consent(s, case_id, agency, on)


def has_sharing_consent(session: Session, case_id: str, agency: str, on: date) -> bool:
    """Whether a consent valid on `on` allows passing the case's data to `agency`."""
    rows = session.exec(
        select(Consent).where(
            col(Consent.case_id) == case_id,
            col(Consent.purpose) == ConsentPurpose.SHARE_AGENCY.value,
            col(Consent.agency) == agency,
            col(Consent.deleted_at).is_(None),
        )
    ).all()
    return any(c.given_on <= on and (c.withdrawn_on is None or c.withdrawn_on > on) for c in rows)
