"""The client file (the read model of one client and their case) and the audit trail."""

from __future__ import annotations

from sqlmodel import Session, col, select

from kim_tui.domain.followups import render_reason
from kim_tui.domain.model import AuditEntry, CaseStage, ClientFile, DoneFollowUpView
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, cases_of, live
from kim_tui.service.converters import (
    agreement_views,
    assessment_views,
    client_draft,
    consent_view,
    contact_views,
    facts_of,
    referral_views,
    residence_view,
    themes_of,
    uncodes,
)
from kim_tui.service.retention import retention_rule
from kim_tui.store.errors import NotFound
from kim_tui.store.models import AuditEvent, Client, Consent, FollowUp, ResidenceRecord


class ClientFileService:
    """Everything the client file shows, and who did what when."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def client_file(self, client_id: str, *, audited: bool = True) -> ClientFile:
        """Everything the client file shows; opening it is audited (DP-11: reads too), once
        per opening: showing the open file again after a dialog is no new read."""
        with self._ctx.uow.read() as s:
            client = live(s, Client, client_id)
            cases = cases_of(s, client_id, include_closed=True)
            if not cases:
                raise NotFound(tr("Fall", "Case"))
            case = cases[0]
            records = s.exec(
                select(ResidenceRecord)
                .where(
                    col(ResidenceRecord.client_id) == client_id,
                    col(ResidenceRecord.deleted_at).is_(None),
                )
                .order_by(col(ResidenceRecord.created_at).desc())
            ).all()
            consents = s.exec(
                select(Consent)
                .where(col(Consent.client_id) == client_id, col(Consent.deleted_at).is_(None))
                .order_by(col(Consent.given_on))
            ).all()
            view = ClientFile(
                client_id=client.id,
                case_id=case.id,
                client=client_draft(client),
                first_contact_on=case.first_contact_on,
                access_route=case.access_route,
                referred_by=case.referred_by,
                legal_domains=uncodes(case.legal_domains),
                target_groups=uncodes(case.target_groups),
                stage=CaseStage(case.stage),
                next_due_on=case.next_due_on,
                residence=tuple(residence_view(r) for r in records),
                consents=tuple(consent_view(c) for c in consents),
                closed_on=case.closed_on,
                closure_reason=case.closure_reason,
                assessments=assessment_views(s, case.id),
                agreements=agreement_views(s, case.id),
                referrals=referral_views(s, case.id),
                contacts=contact_views(s, case.id),
                themes=themes_of(case),
                facts=facts_of(client),
                restricted_on=client.restricted_on,
                retention_end=(
                    retention_rule(s).end(case.closed_on) if case.closed_on is not None else None
                ),
                stage_by_hand=case.stage_by_hand is not None,
                stage_by_hand_reason=case.stage_by_hand_reason,
                stage_by_hand_on=case.stage_by_hand_on,
                done_follow_ups=done_follow_ups(s, case.id),
            )
        if audited:
            self._ctx.uow.audit_only("client.open", "client", client_id, case.id)
        return view

    def audit_log(
        self, case_id: str | None = None, limit: int = 200, *, client_id: str | None = None
    ) -> tuple[AuditEntry, ...]:
        """The newest audit events (of one case, if given). With `client_id` too, the events
        of the client's own records as well (master data, facts, residence papers, a
        restriction): they belong to no case, but a case's history without them would not
        say when a paper was recorded."""
        with self._ctx.uow.read() as s:
            stmt = select(AuditEvent).order_by(col(AuditEvent.at).desc()).limit(limit)
            if case_id is not None and client_id is not None:
                papers = select(ResidenceRecord.id).where(
                    col(ResidenceRecord.client_id) == client_id
                )
                # Only events of no case: a reading of the file during another case of the
                # same client stays in that case's history.
                of_no_case = col(AuditEvent.case_id).is_(None)
                stmt = stmt.where(
                    (col(AuditEvent.case_id) == case_id)
                    | (
                        of_no_case
                        & (col(AuditEvent.entity) == "client")
                        & (col(AuditEvent.entity_id) == client_id)
                    )
                    | (
                        of_no_case
                        & (col(AuditEvent.entity) == "residencerecord")
                        & col(AuditEvent.entity_id).in_(papers)
                    )
                )
            elif case_id is not None:
                stmt = stmt.where(col(AuditEvent.case_id) == case_id)
            return tuple(
                AuditEntry(e.at, e.action, e.entity, e.entity_id, e.detail, e.revision or None)
                for e in s.exec(stmt).all()
            )


def done_follow_ups(session: Session, case_id: str) -> tuple[DoneFollowUpView, ...]:
    """The case's follow-ups marked done, newest first, each with its done note."""
    rows = session.exec(
        select(FollowUp)
        .where(
            col(FollowUp.case_id) == case_id,
            col(FollowUp.done_on).is_not(None),
            col(FollowUp.deleted_at).is_(None),
        )
        .order_by(col(FollowUp.done_on).desc(), col(FollowUp.due_on).desc())
    ).all()
    return tuple(
        DoneFollowUpView(
            render_reason(row.reason, "de"),
            row.due_on,
            row.done_on,
            row.done_note,
            render_reason(row.reason, "en"),
        )
        for row in rows
        if row.done_on is not None
    )
