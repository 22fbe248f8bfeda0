"""Consents as a lifecycle: recorded at any time, renewed (the old one stays, superseded) and
withdrawn (for future processing only), and checked before sharing."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from kim_tui.domain.consents import in_force, validate_consent
from kim_tui.domain.model import ConsentDraft, ConsentPurpose
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, live, require_valid
from kim_tui.service.converters import consent_row, consent_view
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import Case, Consent


class ConsentService:
    """Purpose-bound, dated, renewable and withdrawable consents of a case."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add_consent(self, case_id: str, consent: ConsentDraft) -> str:
        """Record a consent given for the case's client (an oral one names its witness)."""
        require_valid(validate_consent(consent, self._ctx.today()))
        with self._ctx.uow.write(
            "consent.give", "consent", case_id=case_id, detail=consent.purpose
        ) as tx:
            case = live(tx.session, Case, case_id)
            row = consent_row(consent, case.client_id, case.id)
            tx.session.add(row)
            tx.entity_id = row.id
            return row.id

    def renew_consent(self, consent_id: str, consent: ConsentDraft) -> str:
        """Record `consent` as the renewal of `consent_id`: the new one is in force from its
        date, the old one stays in the history, superseded on that day. Same purpose only."""
        require_valid(validate_consent(consent, self._ctx.today()))
        with self._ctx.uow.write("consent.renew", "consent", detail=consent.purpose) as tx:
            old = live(tx.session, Consent, consent_id)
            if old.withdrawn_on is not None:
                raise ValidationError(
                    {
                        "consent": tr(
                            "Diese Einwilligung ist widerrufen: bitte neu erfassen (c).",
                            "This consent has been withdrawn: please record a new one (c).",
                        )
                    }
                )
            if old.superseded_on is not None:
                raise ValidationError(
                    {
                        "consent": tr(
                            "Diese Einwilligung ist schon erneuert: bitte die neue erneuern.",
                            "This consent has been renewed already: please renew the new one.",
                        )
                    }
                )
            if consent.purpose.value != old.purpose:
                raise ValidationError(
                    {
                        "purpose": tr(
                            "Eine Erneuerung gilt demselben Zweck wie die bisherige.",
                            "A renewal is for the same purpose as the consent it renews.",
                        )
                    }
                )
            if consent.given_on < old.given_on:
                raise ValidationError(
                    {
                        "given_on": tr(
                            "Die Erneuerung kann nicht vor der bisherigen Einwilligung liegen.",
                            "The renewal cannot be dated before the consent it renews.",
                        )
                    }
                )
            row = consent_row(consent, old.client_id, old.case_id)
            row.renews_id = old.id
            old.superseded_on = consent.given_on
            tx.session.add(old)
            tx.session.add(row)
            tx.entity_id = row.id
            tx.case_id = old.case_id
            return row.id

    def withdraw_consent(self, consent_id: str, on: date) -> None:
        """Withdrawal counts for future processing only: the consent row stays, dated."""
        with self._ctx.uow.write("consent.withdraw", "consent", entity_id=consent_id) as tx:
            row = live(tx.session, Consent, consent_id)
            if row.withdrawn_on is not None:
                raise ValidationError(
                    {
                        "consent": tr(
                            "Diese Einwilligung ist bereits widerrufen.",
                            "This consent has already been withdrawn.",
                        )
                    }
                )
            if row.superseded_on is not None:
                raise ValidationError(
                    {
                        "consent": tr(
                            "Diese Einwilligung ist erneuert: bitte die neue widerrufen.",
                            "This consent has been renewed: please withdraw the new one.",
                        )
                    }
                )
            if on < row.given_on:
                raise ValidationError(
                    {
                        "on": tr(
                            "Widerruf kann nicht vor der Erteilung liegen.",
                            "A withdrawal cannot be dated before the consent was given.",
                        )
                    }
                )
            row.withdrawn_on = on
            tx.case_id = row.case_id
            tx.session.add(row)

    def sharing_consent_for(self, case_id: str, agency: str, on: date) -> bool:
        """True if a valid (given, not withdrawn by `on`) consent allows sharing with `agency`."""
        with self._ctx.uow.read() as s:
            return has_sharing_consent(s, case_id, agency, on)


def has_sharing_consent(session: Session, case_id: str, agency: str, on: date) -> bool:
    """Whether a consent in force on `on` allows passing the case's data to `agency`."""
    rows = session.exec(
        select(Consent).where(
            col(Consent.case_id) == case_id,
            col(Consent.purpose) == ConsentPurpose.SHARE_AGENCY.value,
            col(Consent.agency) == agency,
            col(Consent.deleted_at).is_(None),
        )
    ).all()
    return any(in_force(consent_view(c), on) for c in rows)


def clients_without_case_consent(session: Session, client_ids: list[str], on: date) -> set[str]:
    """Those of `client_ids` without a case-management consent in force on `on`."""
    if not client_ids:
        return set()
    rows = session.exec(
        select(Consent).where(
            col(Consent.client_id).in_(client_ids),
            col(Consent.purpose) == ConsentPurpose.CASE_MANAGEMENT.value,
            col(Consent.deleted_at).is_(None),
        )
    ).all()
    covered = {c.client_id for c in rows if in_force(consent_view(c), on)}
    return set(client_ids) - covered
