"""Case work on one client's file: assessments, goal agreements, referrals, contacts, residence
facts, structural themes, closure and reopening. Mixed into `Workspace`, whose transaction,
audit and follow-up machinery it uses.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from kim_tui.domain import followups as fu
from kim_tui.domain.catalogs import catalog
from kim_tui.domain.model import (
    MAX_NOTE_LENGTH,
    AreaRatingDraft,
    AreaRatingView,
    AssessmentDraft,
    AssessmentView,
    ClosureDraft,
    ConsentPurpose,
    ContactDraft,
    ContactView,
    FollowUpSource,
    GoalAgreementDraft,
    GoalAgreementView,
    GoalDraft,
    GoalView,
    ReferralDraft,
    ReferralView,
    ResidenceFactsDraft,
    StepDraft,
    StepView,
)
from kim_tui.domain.scheduling import WorkingDays
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
    Referral,
    Step,
)

if TYPE_CHECKING:
    from kim_tui.store.workspace import _Tx

GOAL_STATUSES = ("open", "in_progress", "achieved", "not_achieved", "dropped")
REFERRAL_STATUSES = ("open", "accepted", "rejected", "done", "withdrawn")
LEVELS = (0, 1, 2, 3)
MAX_TEXT = MAX_NOTE_LENGTH


class CaseWork:
    """The case-management method on one file (see domain note § 2)."""

    if TYPE_CHECKING:
        calendar: WorkingDays

        def today(self) -> date: ...
        def _read(self) -> Session: ...
        def _write(
            self,
            action: str,
            entity: str,
            entity_id: str | None = None,
            case_id: str | None = None,
            detail: str = "",
        ) -> AbstractContextManager[_Tx]: ...
        @staticmethod
        def _get(session: Session, model: type[Any], key: str) -> Any: ...
        def _sync(
            self,
            tx: _Tx,
            case: Case,
            client: Client,
            derived: fu.DerivedDue | None,
            *,
            source: FollowUpSource | None = None,
            source_id: str | None = None,
        ) -> None: ...
        def _refresh_case(self, tx: _Tx, case: Case) -> None: ...
        def _audit_only(
            self,
            action: str,
            entity: str,
            entity_id: str | None = None,
            case_id: str | None = None,
            detail: str = "",
        ) -> None: ...

    # -- assessment --------------------------------------------------------------------------

    def add_assessment(self, draft: AssessmentDraft) -> str:
        """A dated rating of every priority area; earlier assessments stay for comparison."""
        _validate_ratings(draft.ratings)
        if draft.assessed_on > self.today():
            raise ValidationError({"assessed_on": "Das Datum liegt in der Zukunft."})
        with self._write("assessment.add", "assessment", case_id=draft.case_id) as tx:
            case = self._open_case(tx.session, draft.case_id)
            row = Assessment(
                case_id=case.id, assessed_on=draft.assessed_on, assessed_by=draft.assessed_by
            )
            tx.session.add(row)
            tx.session.flush()
            for rating in draft.ratings:
                tx.session.add(
                    AreaRating(
                        assessment_id=row.id,
                        area=rating.area,
                        level=rating.level,
                        situation=rating.situation.strip(),
                        resources=rating.resources.strip(),
                    )
                )
            tx.session.info["entity_id"] = row.id
            self._refresh_case(tx, case)
            return row.id

    def assessments(self, case_id: str) -> tuple[AssessmentView, ...]:
        """Every assessment of the case, oldest first."""
        with self._read() as s:
            return _assessments(s, case_id)

    # -- goal agreement ----------------------------------------------------------------------

    def add_goal_agreement(self, draft: GoalAgreementDraft) -> str:
        """Agreed goals with steps; step due dates and the review date become follow-ups."""
        _validate_goals(draft.goals)
        with self._write("goalagreement.add", "goalagreement", case_id=draft.case_id) as tx:
            case = self._open_case(tx.session, draft.case_id)
            client = self._get(tx.session, Client, case.client_id)
            agreement = GoalAgreement(
                case_id=case.id, agreed_on=draft.agreed_on, review_on=draft.review_on
            )
            tx.session.add(agreement)
            tx.session.flush()
            tx.session.info["entity_id"] = agreement.id
            self._sync(
                tx, case, client, fu.due_for_review(agreement.id, draft.review_on, self.calendar)
            )
            for goal_draft in draft.goals:
                self._insert_goal(tx, case, client, agreement.id, goal_draft)
            self._refresh_case(tx, case)
            return agreement.id

    def add_goal(self, agreement_id: str, draft: GoalDraft) -> str:
        """Add a goal (with its steps) to an existing agreement."""
        _validate_goals((draft,))
        with self._write("goal.add", "goal", detail=draft.area) as tx:
            agreement = self._get(tx.session, GoalAgreement, agreement_id)
            case = self._open_case(tx.session, agreement.case_id)
            client = self._get(tx.session, Client, case.client_id)
            tx.session.info["case_id"] = case.id
            goal_id = self._insert_goal(tx, case, client, agreement.id, draft)
            tx.session.info["entity_id"] = goal_id
            self._refresh_case(tx, case)
            return goal_id

    def add_step(self, goal_id: str, draft: StepDraft) -> str:
        _validate_step(draft)
        with self._write("step.add", "step") as tx:
            goal = self._get(tx.session, Goal, goal_id)
            agreement = self._get(tx.session, GoalAgreement, goal.agreement_id)
            case = self._open_case(tx.session, agreement.case_id)
            client = self._get(tx.session, Client, case.client_id)
            tx.session.info["case_id"] = case.id
            step_id = self._insert_step(tx, case, client, goal.id, draft)
            tx.session.info["entity_id"] = step_id
            self._refresh_case(tx, case)
            return step_id

    def set_step_done(self, step_id: str, done_on: date | None) -> None:
        """Mark a step done (its follow-up closes) or open again (None)."""
        with self._write("step.done" if done_on else "step.reopen", "step", step_id) as tx:
            step = self._get(tx.session, Step, step_id)
            goal = self._get(tx.session, Goal, step.goal_id)
            agreement = self._get(tx.session, GoalAgreement, goal.agreement_id)
            case = self._get(tx.session, Case, agreement.case_id)
            client = self._get(tx.session, Client, case.client_id)
            tx.session.info["case_id"] = case.id
            step.done_on = done_on
            tx.session.add(step)
            if done_on is None:
                # Ticked off in the Wiedervorlagen list (x): that follow-up is done, not just
                # retired; reopening the step must bring the reminder back.
                for row in tx.session.exec(
                    select(FollowUp).where(
                        col(FollowUp.source) == FollowUpSource.STEP.value,
                        col(FollowUp.source_id) == step.id,
                        col(FollowUp.case_id) == case.id,
                    )
                ).all():
                    row.done_on = None
                    tx.session.add(row)
            derived = fu.due_for_step(step.id, step.text, step.due_on, done_on, self.calendar)
            self._sync(tx, case, client, derived, source=FollowUpSource.STEP, source_id=step.id)
            self._refresh_case(tx, case)

    def set_goal_status(self, goal_id: str, status: str, evaluation: str | None = None) -> None:
        if status not in GOAL_STATUSES:
            raise ValidationError({"status": f"Unbekannter Zielstatus {status!r}."})
        with self._write("goal.status", "goal", goal_id, detail=status) as tx:
            goal = self._get(tx.session, Goal, goal_id)
            agreement = self._get(tx.session, GoalAgreement, goal.agreement_id)
            tx.session.info["case_id"] = agreement.case_id
            goal.status = status
            if evaluation is not None:
                goal.evaluation = _text(evaluation)
            tx.session.add(goal)

    def print_goal_agreement(
        self, agreement_id: str, path: str, *, coach: str, organisation: str
    ) -> str:
        """Write the agreement as a German PDF for signature to `path` (never overwrites);
        it holds exactly the agreement, nothing else of the case. Returns the path written."""
        from pathlib import Path

        from kim_tui.documents.agreement_pdf import agreement_document, write_agreement_pdf

        target = Path(path).expanduser()
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        if target.exists():
            raise ValidationError({"path": f"{target} existiert bereits; bitte anderen Namen."})
        if not target.parent.is_dir():
            raise ValidationError({"path": f"Verzeichnis {target.parent} gibt es nicht."})
        with self._read() as s:
            agreement = self._get(s, GoalAgreement, agreement_id)
            case = self._get(s, Case, agreement.case_id)
            client = self._get(s, Client, case.client_id)
            view = next(a for a in _agreements(s, case.id) if a.id == agreement_id)
        draft = GoalAgreementDraft(
            case_id=case.id,
            agreed_on=view.agreed_on,
            review_on=view.review_on,
            goals=tuple(
                GoalDraft(
                    area=g.area,
                    title=g.title,
                    indicator=g.indicator,
                    target_on=g.target_on,
                    status=g.status,
                    steps=tuple(
                        StepDraft(st.text, st.owner, st.due_on, st.done_on) for st in g.steps
                    ),
                )
                for g in view.goals
            ),
        )
        document = agreement_document(
            draft,
            client_name=f"{client.given_name} {client.family_name}".strip(),
            birth_date=client.birth_date,
            coach_name=coach,
            organisation=organisation,
        )
        try:
            write_agreement_pdf(document, target)
        except FileExistsError:
            raise ValidationError({"path": f"{target} existiert bereits."}) from None
        except OSError as exc:
            raise ValidationError(
                {"path": f"{target} lässt sich nicht schreiben: {exc.strerror}"}
            ) from None
        # The export is audited (DP-11), without the path: it may contain the client's name.
        self._audit_only("goalagreement.print", "goalagreement", agreement_id, case.id)
        return str(target)

    def goal_agreements(self, case_id: str) -> tuple[GoalAgreementView, ...]:
        with self._read() as s:
            return _agreements(s, case_id)

    def _insert_goal(
        self, tx: _Tx, case: Case, client: Client, agreement_id: str, draft: GoalDraft
    ) -> str:
        goal = Goal(
            agreement_id=agreement_id,
            area=draft.area,
            title=draft.title.strip(),
            indicator=draft.indicator.strip(),
            target_on=draft.target_on,
            status=draft.status,
        )
        tx.session.add(goal)
        tx.session.flush()
        for step in draft.steps:
            self._insert_step(tx, case, client, goal.id, step)
        return goal.id

    def _insert_step(self, tx: _Tx, case: Case, client: Client, goal_id: str, d: StepDraft) -> str:
        step = Step(
            goal_id=goal_id, text=d.text.strip(), owner=d.owner, due_on=d.due_on, done_on=d.done_on
        )
        tx.session.add(step)
        tx.session.flush()
        self._sync(
            tx,
            case,
            client,
            fu.due_for_step(step.id, step.text, step.due_on, step.done_on, self.calendar),
        )
        return step.id

    # -- referrals ---------------------------------------------------------------------------

    def sharing_consent_for(self, case_id: str, agency: str, on: date) -> bool:
        """True if a valid (given, not withdrawn by `on`) consent allows sharing with `agency`."""
        with self._read() as s:
            return _has_sharing_consent(s, case_id, agency, on)

    def add_referral(self, draft: ReferralDraft) -> str:
        """A referral to an agency. Passing identifying data needs a matching sharing consent;
        without one the coach must give an override reason, which the audit trail records
        (DP-3). Raises `ConsentRequired` when neither is there."""
        problems: dict[str, str] = {}
        if draft.agency not in catalog("agencies"):
            problems["agency"] = f"Unbekannte Stelle {draft.agency!r}."
        if draft.legal_domain not in catalog("legal_domains"):
            problems["legal_domain"] = f"Unbekannter Rechtskreis {draft.legal_domain!r}."
        if draft.status not in REFERRAL_STATUSES:
            problems["status"] = f"Unbekannter Status {draft.status!r}."
        if draft.sent_on > self.today():
            problems["sent_on"] = "Das Versanddatum liegt in der Zukunft."
        if draft.feedback_due_on is not None and draft.feedback_due_on < draft.sent_on:
            problems["feedback_due_on"] = "Die Rückmeldung kann nicht vor dem Versand fällig sein."
        if problems:
            raise ValidationError(problems)
        override = draft.override_reason.strip()
        with self._write(
            "referral.add", "referral", case_id=draft.case_id, detail=draft.legal_domain
        ) as tx:
            case = self._open_case(tx.session, draft.case_id)
            client = self._get(tx.session, Client, case.client_id)
            consented = _has_sharing_consent(tx.session, case.id, draft.agency, draft.sent_on)
            if draft.passes_identifying_data and not consented and not override:
                raise ConsentRequired(catalog("agencies").label(draft.agency))
            row = Referral(
                case_id=case.id,
                agency=draft.agency,
                legal_domain=draft.legal_domain,
                reason=_text(draft.reason),
                sent_on=draft.sent_on,
                feedback_due_on=draft.feedback_due_on,
                status=draft.status,
                outcome=_text(draft.outcome),
                passes_identifying_data=draft.passes_identifying_data,
                override_reason=override if draft.passes_identifying_data and not consented else "",
            )
            tx.session.add(row)
            tx.session.flush()
            tx.session.info["entity_id"] = row.id
            if row.override_reason:
                # The override itself is an audit event of its own (who, when, which referral);
                # the reason text stays in the encrypted referral row, not in the audit log.
                from kim_tui.store.models import AuditEvent

                tx.session.add(
                    AuditEvent(
                        action="referral.consent_override",
                        entity="referral",
                        entity_id=row.id,
                        case_id=case.id,
                        detail=draft.agency,
                    )
                )
            self._sync_referral(tx, case, client, row)
            self._refresh_case(tx, case)
            return row.id

    def record_referral_outcome(
        self, referral_id: str, status: str, outcome: str, outcome_on: date | None
    ) -> None:
        """Results come back: status and outcome; a closed referral leaves the follow-ups."""
        if status not in REFERRAL_STATUSES:
            raise ValidationError({"status": f"Unbekannter Status {status!r}."})
        if outcome_on is not None and outcome_on > self.today():
            raise ValidationError({"outcome_on": "Das Datum liegt in der Zukunft."})
        with self._write("referral.outcome", "referral", referral_id, detail=status) as tx:
            row = self._get(tx.session, Referral, referral_id)
            case = self._get(tx.session, Case, row.case_id)
            client = self._get(tx.session, Client, case.client_id)
            tx.session.info["case_id"] = case.id
            row.status = status
            row.outcome = _text(outcome)
            row.outcome_on = outcome_on
            tx.session.add(row)
            self._sync_referral(tx, case, client, row)
            self._refresh_case(tx, case)

    def _sync_referral(self, tx: _Tx, case: Case, client: Client, row: Referral) -> None:
        label = catalog("agencies").label(row.agency)
        derived = fu.due_for_referral(row.id, label, row.feedback_due_on, row.status, self.calendar)
        self._sync(tx, case, client, derived, source=FollowUpSource.REFERRAL, source_id=row.id)

    # -- contacts ----------------------------------------------------------------------------

    def add_contact(self, draft: ContactDraft) -> str:
        problems: dict[str, str] = {}
        if draft.kind not in catalog("contact_kinds"):
            problems["kind"] = f"Unbekannte Kontaktart {draft.kind!r}."
        if not 0 <= draft.minutes <= 24 * 60:
            problems["minutes"] = "Dauer bitte in Minuten zwischen 0 und 1440."
        if draft.on > self.today():
            problems["on"] = "Das Datum liegt in der Zukunft."
        if problems:
            raise ValidationError(problems)
        with self._write(
            "contact.add", "contactnote", case_id=draft.case_id, detail=draft.kind
        ) as tx:
            case = self._get(tx.session, Case, draft.case_id)
            row = ContactNote(
                case_id=case.id,
                on=draft.on,
                kind=draft.kind,
                minutes=draft.minutes,
                interpreter=draft.interpreter or draft.kind == "interpreted",
                note=_text(draft.note),
            )
            tx.session.add(row)
            tx.session.info["entity_id"] = row.id
            return row.id

    # -- residence facts ---------------------------------------------------------------------

    def set_residence_facts(self, client_id: str, facts: ResidenceFactsDraft) -> None:
        """Record the facts the residence-path hints need."""
        problems: dict[str, str] = {}
        today = self.today()
        if facts.german_level not in (None, "A1", "A2", "B1", "B2", "C1", "C2"):
            problems["german_level"] = "Sprachniveau bitte als A1 … C2."
        if facts.livelihood_share is not None and not 0 <= facts.livelihood_share <= 100:
            problems["livelihood_share"] = "Anteil bitte zwischen 0 und 100 %."
        for name, value in (
            ("school_months", facts.school_months),
            ("pension_months", facts.pension_months),
        ):
            if value is not None and not 0 <= value <= 600:
                problems[name] = "Monate bitte zwischen 0 und 600."
        if facts.conviction_over_threshold not in ("yes", "no", "unknown"):
            problems["conviction_over_threshold"] = "Nur ja, nein oder unbekannt."
        for name, day in (
            ("entry_on", facts.entry_on),
            ("german_certificate_on", facts.german_certificate_on),
        ):
            if day is not None and day > today:
                problems[name] = "Das Datum liegt in der Zukunft."
        if problems:
            raise ValidationError(problems)
        with self._write("client.facts", "client", client_id) as tx:
            client = self._get(tx.session, Client, client_id)
            client.entry_on = facts.entry_on
            client.german_level = facts.german_level
            client.german_certificate_on = facts.german_certificate_on
            client.livelihood_share = facts.livelihood_share
            client.in_school_or_training = facts.in_school_or_training
            client.school_months = facts.school_months
            client.pension_months = facts.pension_months
            client.conviction_over_threshold = facts.conviction_over_threshold
            client.identity_clarified = facts.identity_clarified
            tx.session.add(client)

    # -- themes, closure ---------------------------------------------------------------------

    def set_themes(self, case_id: str, themes: tuple[str, ...]) -> None:
        """Structural themes (generative Themen): catalog codes or ``text:`` free text."""
        cleaned: list[str] = []
        known = catalog("themes")
        for theme in themes:
            theme = theme.strip()
            if not theme:
                continue
            if not theme.startswith("text:") and theme not in known:
                raise ValidationError({"themes": f"Unbekanntes Thema {theme!r}."})
            if theme not in cleaned:
                cleaned.append(theme[:300])
        with self._write(
            "case.themes",
            "case",
            case_id,
            case_id=case_id,
            detail=" ".join(t for t in cleaned if not t.startswith("text:")),
        ) as tx:
            case = self._get(tx.session, Case, case_id)
            case.themes = json.dumps(cleaned, ensure_ascii=False)
            tx.session.add(case)

    def close_case(self, draft: ClosureDraft) -> None:
        """Close with a reason and a final evaluation per goal; the case leaves the follow-ups."""
        if draft.reason not in catalog("closure_reasons"):
            raise ValidationError({"reason": "Bitte einen Abschlussgrund wählen."})
        if draft.closed_on > self.today():
            raise ValidationError({"closed_on": "Das Abschlussdatum liegt in der Zukunft."})
        for _goal_id, status, _evaluation in draft.evaluations:
            if status not in GOAL_STATUSES:
                raise ValidationError({"evaluations": f"Unbekannter Zielstatus {status!r}."})
        with self._write(
            "case.close", "case", draft.case_id, case_id=draft.case_id, detail=draft.reason
        ) as tx:
            case = self._open_case(tx.session, draft.case_id)
            if draft.closed_on < case.first_contact_on:
                raise ValidationError({"closed_on": "Abschluss vor dem Erstkontakt."})
            case.closed_on = draft.closed_on
            case.closure_reason = draft.reason
            tx.session.add(case)
            for goal_id, status, evaluation in draft.evaluations:
                goal = self._get(tx.session, Goal, goal_id)
                goal.status = status
                goal.evaluation = _text(evaluation)
                tx.session.add(goal)
            for row in tx.session.exec(
                select(FollowUp).where(col(FollowUp.case_id) == case.id, col(FollowUp.open) == 1)
            ).all():
                row.open = 0
                tx.session.add(row)
            self._refresh_case(tx, case)

    def reopen_case(self, case_id: str) -> None:
        """Reopen a closed case; its undone follow-ups come back."""
        with self._write("case.reopen", "case", case_id, case_id=case_id) as tx:
            case = self._get(tx.session, Case, case_id)
            if case.closed_on is None:
                raise ValidationError({"case": "Der Fall ist nicht abgeschlossen."})
            case.closed_on = None
            case.closure_reason = None
            tx.session.add(case)
            for row in tx.session.exec(
                select(FollowUp).where(
                    col(FollowUp.case_id) == case.id,
                    col(FollowUp.done_on).is_(None),
                    col(FollowUp.deleted_at).is_(None),
                )
            ).all():
                row.open = 1
                tx.session.add(row)
            # Steps ticked off and referrals answered while the case was closed did not retire
            # their follow-ups (a closed case's are all shut): derive those again.
            client = self._get(tx.session, Client, case.client_id)
            for agreement in _agreements(tx.session, case.id):
                for goal in agreement.goals:
                    for st in goal.steps:
                        derived = fu.due_for_step(
                            st.id, st.text, st.due_on, st.done_on, self.calendar
                        )
                        self._sync(
                            tx, case, client, derived, source=FollowUpSource.STEP, source_id=st.id
                        )
            for referral in tx.session.exec(
                select(Referral).where(
                    col(Referral.case_id) == case.id, col(Referral.deleted_at).is_(None)
                )
            ).all():
                self._sync_referral(tx, case, client, referral)
            self._refresh_case(tx, case)

    # -- helpers -----------------------------------------------------------------------------

    def _open_case(self, session: Session, case_id: str) -> Case:
        case: Case = self._get(session, Case, case_id)
        if case.closed_on is not None:
            raise ValidationError({"case": "Der Fall ist abgeschlossen; bitte erst wieder öffnen."})
        return case


def _text(value: str) -> str:
    """A free text as stored: trimmed; too long is refused, never silently cut."""
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise ValidationError(
            {"text": f"Der Text ist zu lang ({len(value)} Zeichen, höchstens {MAX_TEXT})."}
        )
    return value


def _has_sharing_consent(session: Session, case_id: str, agency: str, on: date) -> bool:
    rows = session.exec(
        select(Consent).where(
            col(Consent.case_id) == case_id,
            col(Consent.purpose) == ConsentPurpose.SHARE_AGENCY.value,
            col(Consent.agency) == agency,
            col(Consent.deleted_at).is_(None),
        )
    ).all()
    return any(c.given_on <= on and (c.withdrawn_on is None or c.withdrawn_on > on) for c in rows)


def _assessments(session: Session, case_id: str) -> tuple[AssessmentView, ...]:
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


def _agreements(session: Session, case_id: str) -> tuple[GoalAgreementView, ...]:
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
    rows = session.exec(
        select(ContactNote)
        .where(col(ContactNote.case_id) == case_id, col(ContactNote.deleted_at).is_(None))
        .order_by(col(ContactNote.on).desc(), col(ContactNote.created_at).desc())
    ).all()
    return tuple(ContactView(c.id, c.on, c.kind, c.minutes, c.interpreter, c.note) for c in rows)


def assessment_views(session: Session, case_id: str) -> tuple[AssessmentView, ...]:
    return _assessments(session, case_id)


def agreement_views(session: Session, case_id: str) -> tuple[GoalAgreementView, ...]:
    return _agreements(session, case_id)


def facts_of(client: Client) -> ResidenceFactsDraft:
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


def themes_of(case: Case) -> tuple[str, ...]:
    try:
        value = json.loads(case.themes) if case.themes else []
    except ValueError:
        value = []
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _validate_ratings(ratings: tuple[AreaRatingDraft, ...]) -> None:
    areas = catalog("priority_areas")
    problems: dict[str, str] = {}
    seen: set[str] = set()
    for rating in ratings:
        if rating.area not in areas:
            problems[rating.area] = "unbekanntes Handlungsfeld"
        elif rating.level not in LEVELS:
            problems[rating.area] = "Bedarf muss 0 bis 3 sein"
        elif rating.area in seen:
            problems[rating.area] = "Handlungsfeld doppelt bewertet"
        seen.add(rating.area)
    if not ratings:
        problems["ratings"] = "Mindestens ein Handlungsfeld bewerten."
    if problems:
        raise ValidationError(problems)


def _validate_step(step: StepDraft) -> None:
    if not step.text.strip():
        raise ValidationError({"step": "Bitte den Schritt beschreiben."})
    if step.owner not in catalog("step_owners"):
        raise ValidationError({"owner": f"Unbekannte Zuständigkeit {step.owner!r}."})


def _validate_goals(goals: tuple[GoalDraft, ...] | Iterator[GoalDraft]) -> None:
    areas = catalog("priority_areas")
    for goal in goals:
        if goal.area not in areas:
            raise ValidationError({"area": f"Unbekanntes Handlungsfeld {goal.area!r}."})
        if not goal.title.strip():
            raise ValidationError({"title": "Bitte das Ziel benennen."})
        if goal.status not in GOAL_STATUSES:
            raise ValidationError({"status": f"Unbekannter Zielstatus {goal.status!r}."})
        for step in goal.steps:
            _validate_step(step)
