"""Corrections and deletions of what a coach wrote (Art. 16 DSGVO), and their history.

Every entry of a client file can be corrected in place: the current value is always the
corrected one. The old value is not kept here: the unit of work's flush listener records every
changed field as a `RecordChange` (see `store.unit_of_work`), so a correction made by any write
keeps its history. A deletion is a tombstone (`deleted_at`) with a reason; the entry leaves every
list, count and follow-up, stays readable in the history and travels to the coordinator as a
tombstone in the next weekly bundle. Derived follow-ups follow their source row.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from kim_tui.domain import followups as fu
from kim_tui.domain.case_data import CaseDataDraft
from kim_tui.domain.model import (
    AssessmentDraft,
    ConsentDraft,
    ConsentPurpose,
    ContactDraft,
    EntryKind,
    FollowUpDraft,
    FollowUpSource,
    GoalDraft,
    RecordChangeView,
    ReferralDraft,
    ResidenceDraft,
    StepDraft,
)
from kim_tui.domain.validation import (
    not_in_future,
    validate_case_data,
    validate_contact,
    validate_delete_reason,
    validate_goals,
    validate_ratings,
    validate_referral,
    validate_residence_correction,
    validate_step,
)
from kim_tui.i18n import language, tr
from kim_tui.service.consents import has_sharing_consent
from kim_tui.service.context import (
    ServiceContext,
    cases_of,
    live,
    require_valid,
    stored_text,
)
from kim_tui.service.converters import codes
from kim_tui.service.derived import (
    refresh_case,
    residence_reminder_weeks,
    sync_current_residence,
    sync_follow_up,
    sync_referral,
    sync_step,
)
from kim_tui.store.errors import ConsentRequired, ValidationError
from kim_tui.store.models import (
    AreaRating,
    Assessment,
    Case,
    Client,
    Consent,
    ContactNote,
    FollowUp,
    Goal,
    GoalAgreement,
    Record,
    RecordChange,
    Referral,
    ResidenceRecord,
    Step,
    utcnow,
)
from kim_tui.store.unit_of_work import Transaction


class CorrectionService:
    """Correct any entry of a client file, delete one with a reason, read the history."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- corrections -------------------------------------------------------------------------

    def correct_case_data(self, case_id: str, draft: CaseDataDraft) -> None:
        """Correct how a case came in: first contact, access route (and the referring
        agency), legal domains and target groups. Each changed field keeps its old value in
        the history."""
        with self._ctx.uow.write("case.correct", "case", case_id) as tx:
            case = live(tx.session, Case, case_id)
            client = live(tx.session, Client, case.client_id)
            require_valid(
                validate_case_data(draft, self._ctx.today(), client.birth_date, case.closed_on)
            )
            tx.case_id = case.id
            case.first_contact_on = draft.first_contact_on
            case.access_route = draft.access_route
            # A case that came by itself names no referring agency (the old one stays in the
            # history).
            case.referred_by = draft.referred_by if draft.access_route == "referred" else None
            case.legal_domains = codes(draft.legal_domains)
            case.target_groups = codes(draft.target_groups)
            tx.session.add(case)
            refresh_case(tx, case)

    def correct_consent(self, consent_id: str, draft: ConsentDraft) -> None:
        """Correct what a consent covers, when and how it was given (a wrong entry; a new
        consent or a withdrawal is recorded, not corrected)."""
        sharing = draft.purpose == ConsentPurpose.SHARE_AGENCY
        if sharing and not draft.agency:
            raise ValidationError(
                {"agency": tr("Bitte die Stelle angeben.", "Please name the agency.")}
            )
        with self._ctx.uow.write(
            "consent.correct", "consent", consent_id, detail=draft.purpose.value
        ) as tx:
            row = live(tx.session, Consent, consent_id)
            if row.withdrawn_on is not None and draft.given_on > row.withdrawn_on:
                raise ValidationError(
                    {
                        "given_on": tr(
                            "Erteilung nach dem Widerruf.", "Given after it was withdrawn."
                        )
                    }
                )
            tx.case_id = row.case_id
            row.purpose = draft.purpose.value
            row.agency = draft.agency if sharing else None
            row.given_on = draft.given_on
            row.form = draft.form.value
            tx.session.add(row)

    def correct_residence_record(self, record_id: str, draft: ResidenceDraft) -> None:
        """Correct a residence entry; its expiry reminder follows the corrected dates."""
        require_valid(validate_residence_correction(draft))
        with self._ctx.uow.write(
            "residence.correct", "residencerecord", record_id, detail=draft.status
        ) as tx:
            row = live(tx.session, ResidenceRecord, record_id)
            client = live(tx.session, Client, row.client_id)
            row.status = draft.status
            row.legal_basis = draft.legal_basis.strip()
            row.valid_from = draft.valid_from
            row.valid_until = draft.valid_until
            tx.session.add(row)
            _resync_residence(tx, self._ctx, client)

    def correct_assessment(self, assessment_id: str, draft: AssessmentDraft) -> None:
        """Correct an assessment's date and ratings (level, situation, resources per area);
        an area no longer rated is removed from it."""
        require_valid(validate_ratings(draft.ratings))
        require_valid(
            not_in_future(
                "assessed_on",
                draft.assessed_on,
                self._ctx.today(),
                tr("Das Datum liegt in der Zukunft.", "The date is in the future."),
            )
        )
        with self._ctx.uow.write("assessment.correct", "assessment", assessment_id) as tx:
            row = live(tx.session, Assessment, assessment_id)
            case = live(tx.session, Case, row.case_id)
            tx.case_id = case.id
            row.assessed_on = draft.assessed_on
            if draft.assessed_by:
                row.assessed_by = draft.assessed_by
            tx.session.add(row)
            existing = {
                r.area: r
                for r in tx.session.exec(
                    select(AreaRating).where(
                        col(AreaRating.assessment_id) == row.id,
                        col(AreaRating.deleted_at).is_(None),
                    )
                ).all()
            }
            for rating in draft.ratings:
                found = existing.pop(rating.area, None)
                if found is None:
                    found = AreaRating(assessment_id=row.id, area=rating.area, level=rating.level)
                found.level = rating.level
                found.situation = stored_text(rating.situation)
                found.resources = stored_text(rating.resources)
                tx.session.add(found)
            for dropped in existing.values():
                dropped.deleted_at = utcnow()
                tx.session.add(dropped)
            refresh_case(tx, case)

    def correct_goal(self, goal_id: str, draft: GoalDraft) -> None:
        """Correct a goal's area, title, indicator and target date (its status has its own
        action; its steps are corrected one by one)."""
        require_valid(validate_goals((draft,)))
        with self._ctx.uow.write("goal.correct", "goal", goal_id, detail=draft.area) as tx:
            goal = live(tx.session, Goal, goal_id)
            agreement = live(tx.session, GoalAgreement, goal.agreement_id)
            tx.case_id = agreement.case_id
            goal.area = draft.area
            goal.title = stored_text(draft.title)
            goal.indicator = stored_text(draft.indicator)
            goal.target_on = draft.target_on
            tx.session.add(goal)

    def correct_step(self, step_id: str, draft: StepDraft) -> None:
        """Correct a step's text, owner and due date; its reminder follows."""
        require_valid(validate_step(draft))
        with self._ctx.uow.write("step.correct", "step", step_id) as tx:
            step = live(tx.session, Step, step_id)
            case, client = _case_of_goal(tx.session, step.goal_id)
            tx.case_id = case.id
            step.text = stored_text(draft.text)
            step.owner = draft.owner
            step.due_on = draft.due_on
            tx.session.add(step)
            goal = live(tx.session, Goal, step.goal_id)
            sync_step(tx, case, client, step, goal.status, self._ctx.calendar)
            refresh_case(tx, case)

    def correct_referral(self, referral_id: str, draft: ReferralDraft) -> None:
        """Correct a referral (agency, legal domain, reason, dates, status, outcome). Passing
        identifying data to another agency needs its consent or an override reason, as when
        the referral was made (raises `ConsentRequired`)."""
        require_valid(validate_referral(draft, self._ctx.today()))
        override = draft.override_reason.strip()
        with self._ctx.uow.write(
            "referral.correct", "referral", referral_id, detail=draft.legal_domain
        ) as tx:
            row = live(tx.session, Referral, referral_id)
            case = live(tx.session, Case, row.case_id)
            client = live(tx.session, Client, case.client_id)
            tx.case_id = case.id
            consented = has_sharing_consent(tx.session, case.id, draft.agency, draft.sent_on)
            needs_reason = draft.passes_identifying_data and not consented
            if needs_reason and not (override or row.override_reason):
                from kim_tui.domain.catalogs import catalog

                raise ConsentRequired(catalog("agencies").label(draft.agency, language()))
            row.agency = draft.agency
            row.legal_domain = draft.legal_domain
            row.reason = stored_text(draft.reason)
            row.sent_on = draft.sent_on
            row.feedback_due_on = draft.feedback_due_on
            row.status = draft.status
            row.outcome = stored_text(draft.outcome)
            row.passes_identifying_data = draft.passes_identifying_data
            if needs_reason:
                if override and override != row.override_reason:
                    require_valid(validate_delete_reason(override, "override_reason"))
                    row.override_reason = stored_text(override)
                    tx.record_consent_override(row.id, case.id, draft.agency)
            else:
                row.override_reason = ""
            tx.session.add(row)
            sync_referral(tx, case, client, row, self._ctx.calendar)
            refresh_case(tx, case)

    def correct_contact(self, contact_id: str, draft: ContactDraft) -> None:
        """Correct a contact's date, kind, duration, interpreter and note."""
        require_valid(validate_contact(draft, self._ctx.today()))
        with self._ctx.uow.write(
            "contact.correct", "contactnote", contact_id, detail=draft.kind
        ) as tx:
            row = live(tx.session, ContactNote, contact_id)
            tx.case_id = row.case_id
            row.on = draft.on
            row.kind = draft.kind
            row.minutes = draft.minutes
            row.interpreter = draft.interpreter or draft.kind == "interpreted"
            row.note = stored_text(draft.note)
            tx.session.add(row)

    def correct_follow_up(self, follow_up_id: str, draft: FollowUpDraft) -> None:
        """Correct a manual follow-up's reason and due date (a weekend or holiday moves to the
        next working day). A derived one is corrected at its source (step, referral …)."""
        reason = draft.reason.strip()
        if not reason:
            raise ValidationError(
                {"reason": tr("Bitte einen Anlass angeben.", "Please give a reason.")}
            )
        with self._ctx.uow.write("followup.correct", "followup", follow_up_id) as tx:
            row = live(tx.session, FollowUp, follow_up_id)
            if row.source != FollowUpSource.MANUAL.value:
                raise ValidationError(
                    {
                        "source": tr(
                            "Diese Wiedervorlage folgt ihrer Quelle; bitte dort korrigieren.",
                            "This follow-up follows its source; please correct it there.",
                        )
                    }
                )
            case = live(tx.session, Case, row.case_id)
            tx.case_id = case.id
            row.reason = stored_text(reason)
            if row.original_due_on != draft.due_on:
                row.original_due_on = draft.due_on
                row.due_on = fu.due_for_manual(draft.due_on, self._ctx.calendar)
            tx.session.add(row)
            refresh_case(tx, case)

    # -- deletion ----------------------------------------------------------------------------

    def delete_entry(self, kind: EntryKind, entry_id: str, reason: str) -> None:
        """Delete an entry made in error, with a reason (at least `MIN_REASON_LENGTH`
        characters). It leaves every list, count and follow-up, stays in the history with the
        reason, and travels to the coordinator as a tombstone."""
        kind = EntryKind(kind)
        require_valid(validate_delete_reason(reason))
        with self._ctx.uow.write("entry.delete", kind.value, entry_id, detail=kind.value) as tx:
            tx.correcting(reason.strip())
            tx.case_id = _DELETERS[kind](self, tx, entry_id)

    def _delete_consent(self, tx: Transaction, entry_id: str) -> str | None:
        row = live(tx.session, Consent, entry_id)
        _tombstone(tx, row)
        return row.case_id

    def _delete_residence(self, tx: Transaction, entry_id: str) -> str | None:
        row = live(tx.session, ResidenceRecord, entry_id)
        client = live(tx.session, Client, row.client_id)
        _tombstone(tx, row)
        tx.session.flush()
        for case in cases_of(tx.session, client.id, include_closed=True):
            sync_follow_up(
                tx, case, client, None, source=FollowUpSource.RESIDENCE, source_id=row.id
            )
        _resync_residence(tx, self._ctx, client)
        cases = cases_of(tx.session, client.id, include_closed=True)
        return cases[0].id if cases else None

    def _delete_assessment(self, tx: Transaction, entry_id: str) -> str | None:
        row = live(tx.session, Assessment, entry_id)
        case = live(tx.session, Case, row.case_id)
        for rating in tx.session.exec(
            select(AreaRating).where(
                col(AreaRating.assessment_id) == row.id, col(AreaRating.deleted_at).is_(None)
            )
        ).all():
            _tombstone(tx, rating)
        _tombstone(tx, row)
        refresh_case(tx, case)
        return case.id

    def _delete_goal(self, tx: Transaction, entry_id: str) -> str | None:
        goal = live(tx.session, Goal, entry_id)
        case, client = _case_of_goal(tx.session, goal.agreement_id, is_agreement=True)
        for step in tx.session.exec(
            select(Step).where(col(Step.goal_id) == goal.id, col(Step.deleted_at).is_(None))
        ).all():
            self._retire_step(tx, case, client, step)
        _tombstone(tx, goal)
        refresh_case(tx, case)
        return case.id

    def _delete_step(self, tx: Transaction, entry_id: str) -> str | None:
        step = live(tx.session, Step, entry_id)
        case, client = _case_of_goal(tx.session, step.goal_id)
        self._retire_step(tx, case, client, step)
        refresh_case(tx, case)
        return case.id

    def _retire_step(self, tx: Transaction, case: Case, client: Client, step: Step) -> None:
        _tombstone(tx, step)
        sync_follow_up(tx, case, client, None, source=FollowUpSource.STEP, source_id=step.id)

    def _delete_referral(self, tx: Transaction, entry_id: str) -> str | None:
        row = live(tx.session, Referral, entry_id)
        case = live(tx.session, Case, row.case_id)
        client = live(tx.session, Client, case.client_id)
        _tombstone(tx, row)
        sync_follow_up(tx, case, client, None, source=FollowUpSource.REFERRAL, source_id=row.id)
        refresh_case(tx, case)
        return case.id

    def _delete_contact(self, tx: Transaction, entry_id: str) -> str | None:
        row = live(tx.session, ContactNote, entry_id)
        _tombstone(tx, row)
        return row.case_id

    def _delete_follow_up(self, tx: Transaction, entry_id: str) -> str | None:
        row = live(tx.session, FollowUp, entry_id)
        if row.source != FollowUpSource.MANUAL.value:
            raise ValidationError(
                {
                    "source": tr(
                        "Diese Wiedervorlage folgt ihrer Quelle; bitte dort löschen.",
                        "This follow-up follows its source; please delete it there.",
                    )
                }
            )
        case = live(tx.session, Case, row.case_id)
        row.open = 0
        _tombstone(tx, row)
        refresh_case(tx, case)
        return case.id

    # -- history -----------------------------------------------------------------------------

    def record_history(self, client_id: str) -> tuple[RecordChangeView, ...]:
        """Every correction and deletion of the client's record, newest first."""
        with self._ctx.uow.read() as s:
            rows = s.exec(
                select(RecordChange)
                .where(col(RecordChange.client_id) == client_id)
                .order_by(col(RecordChange.revision).desc(), col(RecordChange.created_at))
            ).all()
            return tuple(
                RecordChangeView(
                    at=r.created_at,
                    revision=r.revision,
                    entity=r.entity,
                    entity_id=r.entity_id,
                    case_id=r.case_id,
                    field=r.field,
                    old_value=r.old_value,
                    new_value=r.new_value,
                    kind=r.kind,
                    reason=r.reason,
                    by=r.by,
                )
                for r in rows
            )


_DELETERS = {
    EntryKind.CONSENT: CorrectionService._delete_consent,
    EntryKind.RESIDENCE: CorrectionService._delete_residence,
    EntryKind.ASSESSMENT: CorrectionService._delete_assessment,
    EntryKind.GOAL: CorrectionService._delete_goal,
    EntryKind.STEP: CorrectionService._delete_step,
    EntryKind.REFERRAL: CorrectionService._delete_referral,
    EntryKind.CONTACT: CorrectionService._delete_contact,
    EntryKind.FOLLOW_UP: CorrectionService._delete_follow_up,
}


def _tombstone(tx: Transaction, row: Record) -> None:
    row.deleted_at = utcnow()
    tx.session.add(row)


def _case_of_goal(session: Session, key: str, *, is_agreement: bool = False) -> tuple[Case, Client]:
    """The case and client of a goal (or, with `is_agreement`, of an agreement)."""
    agreement_id = key if is_agreement else live(session, Goal, key).agreement_id
    agreement = live(session, GoalAgreement, agreement_id)
    case = live(session, Case, agreement.case_id)
    return case, live(session, Client, case.client_id)


def _resync_residence(tx: Transaction, ctx: ServiceContext, client: Client) -> None:
    """After a paper is corrected or deleted, the current paper (`domain.residence.
    current_paper`, not the one recorded last) reminds again, and no other paper does."""
    tx.session.flush()
    weeks = residence_reminder_weeks(tx.session)
    for case in cases_of(tx.session, client.id):
        sync_current_residence(tx, case, client, weeks, ctx.calendar, ctx.today())
        refresh_case(tx, case)
