"""Goal agreements (Zielvereinbarungen): goals per priority area with steps, their status and
the printable agreement for signature."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from kim_tui.domain import followups as fu
from kim_tui.domain.model import (
    FollowUpSource,
    GoalAgreementDraft,
    GoalAgreementView,
    GoalDraft,
    StepDraft,
)
from kim_tui.domain.validation import validate_goal_status, validate_goals, validate_step
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, live, open_case, require_valid, stored_text
from kim_tui.service.converters import agreement_views, local_day
from kim_tui.service.derived import refresh_case, sync_follow_up, sync_step
from kim_tui.service.privacy import RESTRICTED_MESSAGE
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import (
    AuditEvent,
    Case,
    Client,
    FollowUp,
    Goal,
    GoalAgreement,
    Step,
)
from kim_tui.store.unit_of_work import Transaction


class GoalService:
    """Agreements, goals and steps of a case; step due dates and reviews become follow-ups."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add_goal_agreement(self, draft: GoalAgreementDraft) -> str:
        """Agreed goals with steps; step due dates and the review date become follow-ups."""
        require_valid(validate_goals(draft.goals))
        with self._ctx.uow.write("goalagreement.add", "goalagreement", case_id=draft.case_id) as tx:
            case = open_case(tx.session, draft.case_id)
            client = live(tx.session, Client, case.client_id)
            agreement = GoalAgreement(
                case_id=case.id, agreed_on=draft.agreed_on, review_on=draft.review_on
            )
            tx.session.add(agreement)
            tx.session.flush()
            tx.entity_id = agreement.id
            review = fu.due_for_review(agreement.id, draft.review_on, self._ctx.calendar)
            sync_follow_up(tx, case, client, review)
            for goal_draft in draft.goals:
                self._insert_goal(tx, case, client, agreement.id, goal_draft)
            refresh_case(tx, case)
            return agreement.id

    def add_goal(self, agreement_id: str, draft: GoalDraft) -> str:
        """Add a goal (with its steps) to an existing agreement."""
        require_valid(validate_goals((draft,)))
        with self._ctx.uow.write("goal.add", "goal", detail=draft.area) as tx:
            agreement = live(tx.session, GoalAgreement, agreement_id)
            case = open_case(tx.session, agreement.case_id)
            client = live(tx.session, Client, case.client_id)
            tx.case_id = case.id
            goal_id = self._insert_goal(tx, case, client, agreement.id, draft)
            tx.entity_id = goal_id
            refresh_case(tx, case)
            return goal_id

    def add_step(self, goal_id: str, draft: StepDraft) -> str:
        """Add a step to a goal; its due date becomes a follow-up."""
        require_valid(validate_step(draft))
        with self._ctx.uow.write("step.add", "step") as tx:
            goal = live(tx.session, Goal, goal_id)
            agreement = live(tx.session, GoalAgreement, goal.agreement_id)
            case = open_case(tx.session, agreement.case_id)
            client = live(tx.session, Client, case.client_id)
            tx.case_id = case.id
            step_id = self._insert_step(tx, case, client, goal.id, draft)
            tx.entity_id = step_id
            refresh_case(tx, case)
            return step_id

    def set_step_done(self, step_id: str, done_on: date | None) -> None:
        """Mark a step done (its follow-up closes) or open again (None)."""
        action = "step.done" if done_on else "step.reopen"
        with self._ctx.uow.write(action, "step", step_id) as tx:
            step = live(tx.session, Step, step_id)
            goal = live(tx.session, Goal, step.goal_id)
            agreement = live(tx.session, GoalAgreement, goal.agreement_id)
            case = live(tx.session, Case, agreement.case_id)
            client = live(tx.session, Client, case.client_id)
            tx.case_id = case.id
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
            sync_step(tx, case, client, step, goal.status, self._ctx.calendar)
            refresh_case(tx, case)

    def set_goal_status(self, goal_id: str, status: str, evaluation: str | None = None) -> None:
        """Set a goal's status (and its evaluation, if given)."""
        require_valid(validate_goal_status(status))
        with self._ctx.uow.write("goal.status", "goal", goal_id, detail=status) as tx:
            goal = live(tx.session, Goal, goal_id)
            agreement = live(tx.session, GoalAgreement, goal.agreement_id)
            tx.case_id = agreement.case_id
            goal.status = status
            if evaluation is not None:
                goal.evaluation = stored_text(evaluation)
            tx.session.add(goal)
            # A goal with its result (achieved, not achieved, dropped) has no open steps to be
            # reminded of; set back in progress, they remind again.
            case = live(tx.session, Case, agreement.case_id)
            client = live(tx.session, Client, case.client_id)
            for step in tx.session.exec(
                select(Step).where(col(Step.goal_id) == goal.id, col(Step.deleted_at).is_(None))
            ).all():
                sync_step(tx, case, client, step, status, self._ctx.calendar)
            # A goal's result can complete the evaluation (phase, domain.stage).
            refresh_case(tx, case)

    def goal_agreements(self, case_id: str) -> tuple[GoalAgreementView, ...]:
        """Every goal agreement of the case, oldest first."""
        with self._ctx.uow.read() as s:
            return agreement_views(s, case_id)

    def print_goal_agreement(
        self, agreement_id: str, path: str, *, coach: str, organisation: str
    ) -> str:
        """Write the agreement as a German PDF for signature to `path` (never overwrites);
        it holds exactly the agreement, nothing else of the case. Returns the path written."""
        from kim_tui.documents.agreement_pdf import agreement_document, write_agreement_pdf

        target = Path(path).expanduser()
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        if target.exists():
            raise ValidationError(
                {
                    "path": tr(
                        f"{target} existiert bereits; bitte anderen Namen.",
                        f"{target} already exists; please choose another name.",
                    )
                }
            )
        if not target.parent.is_dir():
            raise ValidationError(
                {
                    "path": tr(
                        f"Verzeichnis {target.parent} gibt es nicht.",
                        f"Folder {target.parent} does not exist.",
                    )
                }
            )
        with self._ctx.uow.read() as s:
            agreement = live(s, GoalAgreement, agreement_id)
            case = live(s, Case, agreement.case_id)
            client = live(s, Client, case.client_id)
            if client.restricted_on is not None:
                # A printout is processing beyond storage (Art. 18 Abs. 2); the Art. 15 copy
                # stays available.
                raise ValidationError({"client": tr(*RESTRICTED_MESSAGE)})
            view = next(a for a in agreement_views(s, case.id) if a.id == agreement_id)
            version, changed_on = _agreement_history(s, agreement)
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
            birth_precision=client.birth_precision,
            coach_name=coach,
            organisation=organisation,
            changed_on=changed_on,
            printed_on=self._ctx.today(),
            version=version,
        )
        try:
            write_agreement_pdf(document, target)
        except FileExistsError:
            raise ValidationError(
                {"path": tr(f"{target} existiert bereits.", f"{target} already exists.")}
            ) from None
        except OSError as exc:
            raise ValidationError(
                {
                    "path": tr(
                        f"{target} lässt sich nicht schreiben: {exc.strerror}",
                        f"{target} cannot be written: {exc.strerror}",
                    )
                }
            ) from None
        # The export is audited (DP-11), without the path: it may contain the client's name.
        # The version printed is in the history, so a signed paper can be matched to it.
        self._ctx.uow.audit_only(
            "goalagreement.print", "goalagreement", agreement_id, case.id, detail=f"v{version}"
        )
        return str(target)

    def _insert_goal(
        self, tx: Transaction, case: Case, client: Client, agreement_id: str, draft: GoalDraft
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

    def _insert_step(
        self, tx: Transaction, case: Case, client: Client, goal_id: str, d: StepDraft
    ) -> str:
        step = Step(
            goal_id=goal_id, text=d.text.strip(), owner=d.owner, due_on=d.due_on, done_on=d.done_on
        )
        tx.session.add(step)
        tx.session.flush()
        goal = live(tx.session, Goal, goal_id)
        due = fu.due_for_step(
            step.id, step.text, step.due_on, step.done_on, self._ctx.calendar, goal.status
        )
        sync_follow_up(tx, case, client, due)
        return step.id


PRINT_ACTION = "goalagreement.print"


def _agreement_history(s: Session, agreement: GoalAgreement) -> tuple[int, date | None]:
    """The agreement's version and the day it last changed, from the audit log: every write
    to the agreement, one of its goals or steps (edits, status, done) counts once; prints do
    not. Version 1 is the agreement as agreed."""
    goal_ids = list(s.exec(select(Goal.id).where(col(Goal.agreement_id) == agreement.id)).all())
    step_ids = list(s.exec(select(Step.id).where(col(Step.goal_id).in_(goal_ids))).all())
    stamps = s.exec(
        select(AuditEvent.at).where(
            col(AuditEvent.entity_id).in_([agreement.id, *goal_ids, *step_ids]),
            col(AuditEvent.action) != PRINT_ACTION,
        )
    ).all()
    if not stamps:
        return 1, None
    return max(1, len(stamps)), local_day(max(stamps))
