"""Rows ↔ views: the one place that turns vault rows into frozen `domain.model` views and drafts
into rows. Screens never see a row; the services never build a view by hand.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import (
    AreaRatingView,
    AssessmentView,
    ClientDraft,
    ConsentDraft,
    ConsentForm,
    ConsentPurpose,
    ConsentView,
    ContactView,
    GoalAgreementView,
    GoalView,
    HouseholdMember,
    ReferralView,
    ResidenceDraft,
    ResidenceFactsDraft,
    ResidenceView,
    StepView,
)
from kim_tui.domain.text import fold
from kim_tui.store.models import (
    AreaRating,
    Assessment,
    Case,
    Client,
    Consent,
    ContactNote,
    Goal,
    GoalAgreement,
    Referral,
    ResidenceRecord,
    Step,
)


def codes(values: tuple[str, ...] | list[str]) -> str:
    """A code list as stored: space-delimited with a space at both ends (see store.models)."""
    return f" {' '.join(values)} " if values else ""


def uncodes(value: str) -> tuple[str, ...]:
    """A stored code list as a tuple of codes."""
    return tuple(value.split())


def display_name(given: str, family: str) -> str:
    """How a client is named in lists: "Family, Given"."""
    if given and family:
        return f"{family}, {given}"
    return family or given


def search_key(given: str, family: str, other_names: str) -> str:
    """Folded names, both orders, for diacritic- and case-insensitive substring search."""
    parts = [fold(given), fold(family), fold(other_names)]
    return " | ".join([f"{parts[0]} {parts[1]}", f"{parts[1]} {parts[0]}", parts[2]])


# -- clients -------------------------------------------------------------------------------------


def apply_client(row: Client, draft: ClientDraft) -> None:
    """Write a client draft into its row, with the folded search and sort keys."""
    row.given_name = draft.given_name.strip()
    row.family_name = draft.family_name.strip()
    row.other_names = draft.other_names.strip()
    row.birth_date = draft.birth_date
    row.birth_precision = draft.birth_precision if draft.birth_date else "day"
    row.gender = draft.gender
    row.nationality = draft.nationality
    row.country_of_birth = draft.country_of_birth
    row.languages = codes(list(draft.languages))
    row.interpreter_needed = draft.interpreter_needed
    row.address = draft.address
    row.phone = draft.phone
    row.household_json = json.dumps(
        [
            {
                "name": m.name,
                "relation": m.relation,
                "birth_date": m.birth_date.isoformat() if m.birth_date else None,
            }
            for m in draft.household
        ],
        ensure_ascii=False,
    )
    row.search_key = search_key(row.given_name, row.family_name, row.other_names)
    row.sort_key = f"{fold(row.family_name)} {fold(row.given_name)}"


def client_draft(row: Client) -> ClientDraft:
    """A client row as the draft the intake and correction forms edit."""
    household = tuple(
        HouseholdMember(
            name=m.get("name", ""),
            relation=m.get("relation", ""),
            birth_date=date.fromisoformat(m["birth_date"]) if m.get("birth_date") else None,
        )
        for m in json.loads(row.household_json or "[]")
    )
    return ClientDraft(
        given_name=row.given_name,
        family_name=row.family_name,
        birth_date=row.birth_date,
        other_names=row.other_names,
        gender=row.gender,
        nationality=row.nationality,
        country_of_birth=row.country_of_birth,
        languages=uncodes(row.languages),
        interpreter_needed=row.interpreter_needed,
        address=row.address,
        phone=row.phone,
        household=household,
        birth_precision=row.birth_precision,
    )


def facts_of(client: Client) -> ResidenceFactsDraft:
    """The residence-path facts of a client row."""
    return ResidenceFactsDraft(
        entry_on=client.entry_on,
        german_level=client.german_level,
        german_certificate_on=client.german_certificate_on,
        livelihood_share=client.livelihood_share,
        in_school_or_training=client.in_school_or_training,
        school_months=client.school_months,
        pension_months=client.pension_months,
        conviction_over_threshold=client.conviction_over_threshold or "unknown",
        identity_clarified=client.identity_clarified,
    )


def apply_facts(client: Client, facts: ResidenceFactsDraft) -> None:
    """Write the residence-path facts into a client row."""
    client.entry_on = facts.entry_on
    client.german_level = facts.german_level
    client.german_certificate_on = facts.german_certificate_on
    client.livelihood_share = facts.livelihood_share
    client.in_school_or_training = facts.in_school_or_training
    client.school_months = facts.school_months
    client.pension_months = facts.pension_months
    client.conviction_over_threshold = facts.conviction_over_threshold
    client.identity_clarified = facts.identity_clarified


# -- consents and residence ----------------------------------------------------------------------


def consent_row(consent: ConsentDraft, client_id: str, case_id: str) -> Consent:
    """A new consent row from its draft."""
    return Consent(
        client_id=client_id,
        case_id=case_id,
        purpose=consent.purpose.value,
        agency=consent.agency,
        given_on=consent.given_on,
        form=consent.form.value,
        recipient=consent.recipient.strip(),
        scope=consent.scope.strip(),
        special_categories=consent.special_categories,
        witness=consent.witness.strip(),
        recorded_by=consent.recorded_by.strip(),
    )


def consent_view(row: Consent) -> ConsentView:
    """A consent row as shown in the client file."""
    return ConsentView(
        row.id,
        ConsentPurpose(row.purpose),
        row.given_on,
        ConsentForm(row.form),
        row.agency,
        row.withdrawn_on,
        recipient=row.recipient,
        scope=row.scope,
        special_categories=row.special_categories,
        witness=row.witness,
        recorded_by=row.recorded_by,
        renews_id=row.renews_id,
        superseded_on=row.superseded_on,
    )


def residence_row(client_id: str, draft: ResidenceDraft) -> ResidenceRecord:
    """A new residence record; without a legal basis, the status's usual one from the catalog."""
    entry = catalog("residence_statuses").get(draft.status)
    legal_basis = draft.legal_basis
    if not legal_basis and entry is not None:
        legal_basis = entry.extra.get("legal_basis", "")
    return ResidenceRecord(
        client_id=client_id,
        status=draft.status,
        legal_basis=legal_basis,
        valid_from=draft.valid_from,
        valid_until=draft.valid_until,
    )


def residence_view(row: ResidenceRecord) -> ResidenceView:
    """A residence record as shown in the client file."""
    return ResidenceView(
        row.id,
        row.status,
        row.legal_basis,
        row.valid_from,
        row.valid_until,
        recorded_on=local_day(row.created_at),
    )


def local_day(at: datetime) -> date:
    """The coach's calendar day of a stored moment: SQLite keeps the UTC time without its zone,
    and a paper recorded at 00:30 in Germany was recorded that day, not the day before."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().date()


# -- case work -----------------------------------------------------------------------------------


def themes_of(case: Case) -> tuple[str, ...]:
    """The structural themes stored with a case (an unreadable value counts as none)."""
    try:
        value = json.loads(case.themes) if case.themes else []
    except ValueError:
        value = []
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def assessment_views(session: Session, case_id: str) -> tuple[AssessmentView, ...]:
    """Every assessment of the case, oldest first, ratings in priority-area order."""
    rows = session.exec(
        select(Assessment)
        .where(col(Assessment.case_id) == case_id, col(Assessment.deleted_at).is_(None))
        .order_by(col(Assessment.assessed_on), col(Assessment.created_at))
    ).all()
    if not rows:
        return ()
    ratings: dict[str, list[AreaRatingView]] = {r.id: [] for r in rows}
    order = {e.code: i for i, e in enumerate(catalog("priority_areas"))}
    for rating in session.exec(
        select(AreaRating).where(
            col(AreaRating.assessment_id).in_(list(ratings)), col(AreaRating.deleted_at).is_(None)
        )
    ).all():
        ratings[rating.assessment_id].append(
            AreaRatingView(rating.area, rating.level, rating.situation, rating.resources)
        )
    return tuple(
        AssessmentView(
            r.id,
            r.assessed_on,
            r.assessed_by,
            tuple(sorted(ratings[r.id], key=lambda x: order.get(x.area, 99))),
        )
        for r in rows
    )


def agreement_views(session: Session, case_id: str) -> tuple[GoalAgreementView, ...]:
    """Every goal agreement of the case with its goals and steps, oldest first."""
    agreements = session.exec(
        select(GoalAgreement)
        .where(col(GoalAgreement.case_id) == case_id, col(GoalAgreement.deleted_at).is_(None))
        .order_by(col(GoalAgreement.agreed_on), col(GoalAgreement.created_at))
    ).all()
    if not agreements:
        return ()
    goals = session.exec(
        select(Goal)
        .where(
            col(Goal.agreement_id).in_([a.id for a in agreements]), col(Goal.deleted_at).is_(None)
        )
        .order_by(col(Goal.created_at))
    ).all()
    steps = session.exec(
        select(Step)
        .where(col(Step.goal_id).in_([g.id for g in goals]), col(Step.deleted_at).is_(None))
        .order_by(col(Step.created_at))
    ).all()
    steps_by_goal: dict[str, list[StepView]] = {}
    for st in steps:
        steps_by_goal.setdefault(st.goal_id, []).append(
            StepView(st.id, st.text, st.owner, st.due_on, st.done_on)
        )
    goals_by_agreement: dict[str, list[GoalView]] = {}
    for g in goals:
        goals_by_agreement.setdefault(g.agreement_id, []).append(
            GoalView(
                g.id,
                g.area,
                g.title,
                g.indicator,
                g.target_on,
                g.status,
                g.evaluation,
                tuple(steps_by_goal.get(g.id, ())),
            )
        )
    return tuple(
        GoalAgreementView(a.id, a.agreed_on, a.review_on, tuple(goals_by_agreement.get(a.id, ())))
        for a in agreements
    )


def referral_views(session: Session, case_id: str) -> tuple[ReferralView, ...]:
    """Every referral of the case, newest first."""
    rows = session.exec(
        select(Referral)
        .where(col(Referral.case_id) == case_id, col(Referral.deleted_at).is_(None))
        .order_by(col(Referral.sent_on).desc())
    ).all()
    return tuple(
        ReferralView(
            r.id,
            r.agency,
            r.legal_domain,
            r.reason,
            r.sent_on,
            r.feedback_due_on,
            r.status,
            r.outcome,
            r.outcome_on,
            r.passes_identifying_data,
            r.override_reason,
        )
        for r in rows
    )


def contact_views(session: Session, case_id: str) -> tuple[ContactView, ...]:
    """Every contact of the case, newest first."""
    rows = session.exec(
        select(ContactNote)
        .where(col(ContactNote.case_id) == case_id, col(ContactNote.deleted_at).is_(None))
        .order_by(col(ContactNote.on).desc(), col(ContactNote.created_at).desc())
    ).all()
    return tuple(ContactView(c.id, c.on, c.kind, c.minutes, c.interpreter, c.note) for c in rows)
