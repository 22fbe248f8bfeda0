"""The copy for a subject-access request (DP-7): everything stored about one client, and every
time their identifying data left the vault.

Disclosures are gathered from three places: referrals that passed identifying data (the referral
rows, with the consent or the override reason), handovers (audit events ``handover.*`` of the
client's cases), and weekly bundles that carried the client's personal record. A bundle carries
it when the client row travels (a write of the client, their case or a consent lies in the
bundle's revision range: the audit events keep those revisions) while a "share with the
coordinator" consent was valid on the bundle's date; everything else in a bundle is pseudonymous.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, or_, select

from kim_tui.documents.subject_access_pdf import write_subject_access_files
from kim_tui.domain import pseudonym as ps
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import ConsentPurpose
from kim_tui.domain.regime import DEFAULT_REGIME
from kim_tui.domain.subject_access import (
    CaseRecord,
    Disclosure,
    FollowUpRecord,
    SubjectAccessInput,
    subject_access_copy,
)
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
from kim_tui.service.printouts import case_reference
from kim_tui.store.errors import NotFound, StorageError, ValidationError
from kim_tui.store.models import (
    AuditEvent,
    Case,
    Client,
    Consent,
    FollowUp,
    HandoverLink,
    ResidenceRecord,
)
from kim_tui.sync import coach_state as cs

_CLIENT_ENTITIES = ("client", "case", "consent")
"""Audit entities whose writes make the client row travel in the next bundle."""


def _valid_on(consents: Sequence[Consent], on: date, purpose: str, agency: str | None) -> bool:
    return any(
        c.purpose == purpose
        and (agency is None or c.agency == agency)
        and c.given_on <= on
        and (c.withdrawn_on is None or c.withdrawn_on > on)
        for c in consents
    )


def _referral_disclosures(case: Case, consents: Sequence[Consent], s: Session) -> list[Disclosure]:
    agencies = catalog("agencies")
    out = []
    for r in referral_views(s, case.id):
        if not r.passes_identifying_data:
            continue
        if _valid_on(consents, r.sent_on, ConsentPurpose.SHARE_AGENCY.value, r.agency):
            basis = "Einwilligung (Schweigepflichtentbindung)"
        else:
            basis = f"ohne Einwilligung; Begründung: {r.override_reason or '–'}"
        out.append(
            Disclosure(
                on=r.sent_on,
                kind="referral",
                recipient=agencies.label(r.agency) if r.agency in agencies else r.agency,
                content="Name, Geburtsdatum, Kontaktdaten und Anlass der Vermittlung",
                basis=basis,
            )
        )
    return out


def _handover_disclosures(client_id: str, s: Session) -> list[Disclosure]:
    """One line per handover made (the link the sender keeps): to whom, and on what basis,
    with the reason when it was made without consent (the person may read why)."""
    links = s.exec(
        select(HandoverLink).where(
            col(HandoverLink.client_id) == client_id, col(HandoverLink.direction) == "out"
        )
    ).all()
    return [
        Disclosure(
            on=link.handed_over_on,
            kind="handover",
            recipient=link.counterpart_name or f"Kolleg*in {link.counterpart[:16]}",
            content="die ganze Akte (Übergabe des Falls)",
            basis=(
                f"ohne Einwilligung; Begründung: {link.override_reason}"
                if link.override_reason
                else "Einwilligung (Schweigepflichtentbindung)"
            ),
        )
        for link in sorted(links, key=lambda link: link.handed_over_on)
    ]


def _bundle_disclosures(
    client: Client, case_ids: list[str], consents: Sequence[Consent], s: Session
) -> list[Disclosure]:
    revisions = set(
        s.exec(
            select(AuditEvent.revision).where(
                or_(
                    col(AuditEvent.entity_id) == client.id,
                    col(AuditEvent.case_id).in_(case_ids)
                    & col(AuditEvent.entity).in_(_CLIENT_ENTITIES),
                )
            )
        ).all()
    )
    revisions.add(client.revision)
    revisions.update(c.revision for c in consents if c.purpose == ps.SHARE_PURPOSE)
    try:
        coordinator_name = cs.coordinator(s).name
    except cs.SyncSetupError:
        coordinator_name = "Koordinierung"
    out = []
    for seq in range(1, cs.last_seq(s) + 1):
        sent = cs.sent_bundle(s, seq)
        if sent is None:
            continue
        on = date.fromisoformat(sent.created_at[:10])
        travelled = any(sent.rev_after < rev <= sent.rev_upto for rev in revisions)
        if travelled and _valid_on(consents, on, ps.SHARE_PURPOSE, None):
            out.append(
                Disclosure(
                    on=on,
                    kind="bundle",
                    recipient=f"KIM-Koordinierung ({coordinator_name})",
                    content=f"Wochenpaket {sent.week} (Nr. {seq}): Name, Geburtsjahr, Fallangaben",
                    basis="Einwilligung: Weitergabe an die Koordinierung",
                )
            )
    return out


def gather_subject_access(s: Session, client_id: str) -> SubjectAccessInput:
    """Read everything stored about one client (and nothing about anyone else)."""
    client = live(s, Client, client_id)
    cases = cases_of(s, client_id, include_closed=True)
    if not cases:
        raise NotFound(tr("Fall", "Case"))
    case_ids = [c.id for c in cases]
    consents = s.exec(
        select(Consent)
        .where(col(Consent.client_id) == client_id, col(Consent.deleted_at).is_(None))
        .order_by(col(Consent.given_on))
    ).all()
    residence = s.exec(
        select(ResidenceRecord)
        .where(
            col(ResidenceRecord.client_id) == client_id,
            col(ResidenceRecord.deleted_at).is_(None),
        )
        .order_by(col(ResidenceRecord.created_at))
    ).all()
    follow_ups = s.exec(
        select(FollowUp)
        .where(col(FollowUp.client_id) == client_id, col(FollowUp.deleted_at).is_(None))
        .order_by(col(FollowUp.due_on))
    ).all()
    disclosures = _handover_disclosures(client_id, s) + _bundle_disclosures(
        client, case_ids, consents, s
    )
    for case in cases:
        disclosures += _referral_disclosures(case, consents, s)
    return SubjectAccessInput(
        client=client_draft(client),
        facts=facts_of(client),
        consents=tuple(consent_view(c) for c in consents),
        residence=tuple(residence_view(r) for r in residence),
        cases=tuple(
            CaseRecord(
                first_contact_on=c.first_contact_on,
                access_route=c.access_route,
                referred_by=c.referred_by,
                legal_domains=uncodes(c.legal_domains),
                target_groups=uncodes(c.target_groups),
                stage=c.stage,
                closed_on=c.closed_on,
                closure_reason=c.closure_reason,
                themes=themes_of(c),
                assessments=assessment_views(s, c.id),
                agreements=agreement_views(s, c.id),
                referrals=referral_views(s, c.id),
                contacts=contact_views(s, c.id),
            )
            for c in cases
        ),
        follow_ups=tuple(
            FollowUpRecord(
                due_on=f.due_on,
                original_due_on=f.original_due_on,
                source=f.source,
                reason=f.reason,
                done_on=f.done_on,
                done_note=f.done_note,
            )
            for f in follow_ups
        ),
        disclosures=tuple(disclosures),
    )


class SubjectAccessService:
    """The Art. 15 copy of one client: its content, and the PDF and JSON files."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def subject_access_copy(
        self,
        client_id: str,
        *,
        regime_code: str = DEFAULT_REGIME,
        organisation: str = "",
        corrections: Sequence[object] = (),
    ) -> dict[str, Any]:
        """Everything stored about the client as one JSON-ready document. Reading it is
        audited (``client.subject_access_read``, DP-11: reads too)."""
        copy = self._copy(client_id, regime_code, organisation, corrections)
        with self._ctx.uow.read() as s:
            case_id = cases_of(s, client_id, include_closed=True)[0].id
        self._ctx.uow.audit_only("client.subject_access_read", "client", client_id, case_id)
        return copy

    def _copy(
        self,
        client_id: str,
        regime_code: str,
        organisation: str,
        corrections: Sequence[object],
    ) -> dict[str, Any]:
        with self._ctx.uow.read() as s:
            data = gather_subject_access(s, client_id)
        return subject_access_copy(
            data,
            generated_on=self._ctx.today(),
            regime_code=regime_code,
            organisation=organisation,
            corrections=corrections,
        )

    def write_subject_access(
        self,
        client_id: str,
        out_dir: str,
        *,
        regime_code: str = DEFAULT_REGIME,
        organisation: str = "",
        corrections: Sequence[object] = (),
    ) -> tuple[str, str]:
        """Write the copy as PDF and JSON into `out_dir` (file names: case reference and date,
        no name; nothing is overwritten). Audited without the path. Returns both paths."""
        folder = Path(out_dir).expanduser()
        if not folder.is_dir():
            raise ValidationError(
                {
                    "out": tr(
                        f"Verzeichnis {folder} gibt es nicht.", f"Folder {folder} does not exist."
                    )
                }
            )
        with self._ctx.uow.read() as s:
            live(s, Client, client_id)
            cases = cases_of(s, client_id, include_closed=True)
        if not cases:
            raise NotFound(tr("Fall", "Case"))
        case_id = cases[0].id
        copy = self._copy(client_id, regime_code, organisation, corrections)
        stem = f"Auskunft-{case_reference(case_id)}-{self._ctx.today().isoformat()}"
        pdf_path, json_path = folder / f"{stem}.pdf", folder / f"{stem}.json"
        for path in (pdf_path, json_path):
            if path.exists():
                raise ValidationError(
                    {"out": tr(f"{path} existiert bereits.", f"{path} already exists.")}
                )
        try:
            write_subject_access_files(copy, pdf_path, json_path)
        except OSError as exc:
            pdf_path.unlink(missing_ok=True)
            raise ValidationError({"out": str(StorageError.from_os_error(exc, folder))}) from None
        self._ctx.uow.audit_only("client.subject_access", "client", client_id, case_id)
        return str(pdf_path), str(json_path)
