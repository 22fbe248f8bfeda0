"""The copy for a subject-access request (DP-7): everything stored about one client, and every
time their identifying data left the vault.

Disclosures are gathered from four places: referrals that passed identifying data (the referral
rows, with the consent or the override reason), handovers (the links the sender keeps),
stand-ins (the copies lent to a colleague), and every weekly bundle that carried records of the
client, with the name or pseudonymised (pseudonymised data is still the person's data): the
export's ledger says which (`sync.disclosure_ledger`); bundles made before the ledger are
worked out from the audit trail, on the safe side.
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
from kim_tui.domain.dates import format_date
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
    local_day,
    referral_views,
    residence_view,
    themes_of,
    uncodes,
)
from kim_tui.service.handover import same_organisation
from kim_tui.service.merge import files_merged_into
from kim_tui.service.printouts import case_reference
from kim_tui.service.retention import retention_rule
from kim_tui.service.stand_in import RECENT_DAYS
from kim_tui.store.errors import NotFound, StorageError, ValidationError
from kim_tui.store.models import (
    AuditEvent,
    Case,
    Client,
    Consent,
    FollowUp,
    HandoverLink,
    HouseholdMembership,
    ResidenceRecord,
    StandIn,
)
from kim_tui.sync import coach_state as cs
from kim_tui.sync import disclosure_ledger as ledger

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


def _stand_in_disclosures(client_ids: list[str], s: Session) -> list[Disclosure]:
    """One line per copy lent to a colleague (Vertretung): what the copy holds, until when.
    The basis follows the rule the copy was made under: within the same provider no transfer to
    another controller; to another provider only with the client's consent."""
    rows = s.exec(
        select(StandIn).where(
            col(StandIn.client_ref).in_(client_ids), col(StandIn.direction) == "out"
        )
    ).all()
    try:
        mine = cs.coach_public(s).organisation
    except cs.SyncSetupError:
        mine = ""
    organisation_of = {c.fingerprint: c.organisation for c in cs.colleagues(s)}
    out = []
    for row in sorted(rows, key=lambda r: (r.created_at, r.id)):
        theirs = organisation_of.get(row.counterpart)
        name = row.counterpart_name or f"Kolleg*in {row.counterpart[:16]}"
        same = theirs is not None and same_organisation(mine, theirs)
        out.append(
            Disclosure(
                on=local_day(row.created_at),
                kind="stand_in",
                recipient=f"{name} ({theirs})" if theirs else name,
                content=(
                    f"befristete Vertretungskopie bis {format_date(row.until)} (danach dort "
                    "gelöscht): Stammdaten, aktuelles Aufenthaltspapier, offener Fall mit "
                    "Einwilligungen, Zielvereinbarungen, Wiedervorlagen und den Kontakten der "
                    f"letzten {RECENT_DAYS} Tage"
                ),
                basis=(
                    "Vertretung beim selben Träger"
                    if same
                    else "Einwilligung (Schweigepflichtentbindung)"
                ),
            )
        )
    return out


_WITH_NAME = (
    "mit Namen: Name, weitere Schreibweisen, Geburtsdatum, Geburtsland, Sprachen, Anschrift "
    "und Telefon, soweit erfasst; dazu "
)
_PSEUDONYMOUS = (
    "pseudonymisiert (Kennung statt Name, Geburtsjahr statt Datum, keine Freitexte): "
    "Geschlecht, Staatsangehörigkeit, Dolmetschbedarf, Haushalt, Fallangaben, Bedarf je "
    "Handlungsfeld (auch Gesundheit), Ziele, Vermittlungen und Kontakte, soweit neu oder geändert"
)


def _bundle_line(
    on: date, seq: int, week: str, coordinator: str, personal: bool, *, worked_out: bool = False
) -> Disclosure:
    return Disclosure(
        on=on,
        kind="bundle",
        recipient=f"KIM-Koordinierung ({coordinator})",
        content=f"Wochenpaket {week} (Nr. {seq}), "
        + (_WITH_NAME if personal else "")
        + _PSEUDONYMOUS
        + (" (aus dem Protokoll erschlossen)" if worked_out else ""),
        basis=(
            "Einwilligung: Weitergabe an die Koordinierung (mit besonderen Kategorien)"
            if personal
            else "Meldung an die Koordinierung, pseudonymisiert (Verzeichnis der "
            "Verarbeitungstätigkeiten)"
        ),
    )


def _bundle_disclosures(
    client: Client,
    client_ids: list[str],
    case_ids: list[str],
    consents: Sequence[Consent],
    s: Session,
) -> list[Disclosure]:
    """Every bundle that carried records of the client (`client_ids`: the client and the
    files merged into it), with the name or pseudonymised, to the connected coordinator and to
    any connected earlier. From the export's ledger where it holds the bundle; for bundles
    made before it (schema 0018) worked out from the audit trail, on the safe side: with the
    name whenever a sharing consent was valid, as kim did then."""
    try:
        current_name = cs.coordinator(s).name
    except cs.SyncSetupError:
        current_name = "Koordinierung"
    current = tuple(
        sent for seq in range(1, cs.last_seq(s) + 1) if (sent := cs.sent_bundle(s, seq))
    )
    chains = [
        (c.number, c.coordinator_name, c.disclosures_from, c.bundles) for c in cs.past_chains(s)
    ]
    chains.append((0, current_name, ledger.disclosures_from(s), current))
    logged = ledger.carried(s, client_ids)
    out = []
    for chain, name, first_logged, bundles in chains:
        for sent in bundles:
            on = date.fromisoformat(sent.created_at[:10])
            if sent.seq >= first_logged:
                if (chain, sent.seq) in logged:
                    personal = logged[(chain, sent.seq)]
                    out.append(_bundle_line(on, sent.seq, sent.week, name, personal))
                continue
            carried, personal = _worked_out(client, client_ids, case_ids, consents, sent, on, s)
            if carried:
                out.append(_bundle_line(on, sent.seq, sent.week, name, personal, worked_out=True))
    return out


def _worked_out(
    client: Client,
    client_ids: list[str],
    case_ids: list[str],
    consents: Sequence[Consent],
    sent: cs.SentBundle,
    on: date,
    s: Session,
) -> tuple[bool, bool]:
    """(carried anything, carried the name) for a bundle made before the ledger: anything when
    a write of the client's records lies in its revision range, the name when a write of the
    client row or a sharing consent does and such a consent was valid that day."""
    in_range = (col(AuditEvent.revision) > sent.rev_after) & (
        col(AuditEvent.revision) <= sent.rev_upto
    )
    events = s.exec(
        select(AuditEvent.entity, AuditEvent.entity_id).where(
            in_range,
            or_(col(AuditEvent.entity_id).in_(client_ids), col(AuditEvent.case_id).in_(case_ids)),
        )
    ).all()
    revisions = [client.revision] + [c.revision for c in consents if c.purpose == ps.SHARE_PURPOSE]
    row_went = any(sent.rev_after < rev <= sent.rev_upto for rev in revisions) or any(
        entity in _CLIENT_ENTITIES for entity, _id in events
    )
    carried = row_went or bool(events)
    return carried, row_went and _valid_on(consents, on, ps.SHARE_PURPOSE, None)


def _household_link(s: Session, client_id: str) -> tuple[str | None, int]:
    """The client's role in a linked household and how many other files it links."""
    mine = s.exec(
        select(HouseholdMembership).where(
            col(HouseholdMembership.client_id) == client_id,
            col(HouseholdMembership.deleted_at).is_(None),
        )
    ).first()
    if mine is None:
        return None, 0
    others = s.exec(
        select(HouseholdMembership.id).where(
            col(HouseholdMembership.household_id) == mine.household_id,
            col(HouseholdMembership.client_id) != client_id,
            col(HouseholdMembership.deleted_at).is_(None),
        )
    ).all()
    return mine.role, len(others)


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
    merged = [c.id for c in files_merged_into(s, client_id)]
    disclosures = [d for i in (client_id, *merged) for d in _handover_disclosures(i, s)]
    disclosures += _stand_in_disclosures([client_id, *merged], s)
    # The files merged into this one: their folded cases (tombstones) are theirs too.
    merged_cases = (
        list(s.exec(select(Case.id).where(col(Case.client_id).in_(merged))).all()) if merged else []
    )
    disclosures += _bundle_disclosures(
        client, [client_id, *merged], case_ids + merged_cases, consents, s
    )
    for case in cases:
        disclosures += _referral_disclosures(case, consents, s)
    rule = retention_rule(s)
    all_closed = all(c.closed_on is not None for c in cases)
    last_closed = max(c.closed_on for c in cases if c.closed_on) if all_closed else None
    role, others = _household_link(s, client_id)
    return SubjectAccessInput(
        restricted_on=client.restricted_on,
        household_role=role,
        household_others=others,
        retention_years=rule.years,
        retention_end=rule.end(last_closed) if last_closed is not None else None,
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
                phase_by_hand=c.stage_by_hand,
                phase_reason=c.stage_by_hand_reason,
                phase_on=c.stage_by_hand_on,
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
