"""A case's structural themes, its phase set by hand, its closure and reopening."""

from __future__ import annotations

import json

from sqlmodel import col, select

from kim_tui.domain.model import CaseStage, ClosureDraft
from kim_tui.domain.stage import validate_phase_by_hand
from kim_tui.domain.validation import clean_themes, validate_closure
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, live, open_case, require_valid, stored_text
from kim_tui.service.converters import agreement_views
from kim_tui.service.derived import (
    refresh_case,
    residence_reminder_weeks,
    sync_current_residence,
    sync_referral,
    sync_step,
)
from kim_tui.service.retention import retention_rule, sync_retention
from kim_tui.store.errors import ValidationError
from kim_tui.store.models import Case, Client, FollowUp, Goal, Referral


class CaseService:
    """Themes, closure and reopening of a case."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def set_themes(self, case_id: str, themes: tuple[str, ...]) -> None:
        """Structural themes (generative Themen): catalog codes or ``text:`` free text."""
        cleaned, problems = clean_themes(themes)
        require_valid(problems)
        # Free-text themes may name a person: the audit event carries only the codes.
        codes = " ".join(t for t in cleaned if not t.startswith("text:"))
        with self._ctx.uow.write(
            "case.themes", "case", case_id, case_id=case_id, detail=codes
        ) as tx:
            case = live(tx.session, Case, case_id)
            case.themes = json.dumps(list(cleaned), ensure_ascii=False)
            tx.session.add(case)

    def close_case(self, draft: ClosureDraft) -> None:
        """Close with a reason and a final evaluation per goal; the case leaves the follow-ups."""
        require_valid(validate_closure(draft, self._ctx.today()))
        with self._ctx.uow.write(
            "case.close", "case", draft.case_id, case_id=draft.case_id, detail=draft.reason
        ) as tx:
            case = open_case(tx.session, draft.case_id)
            if draft.closed_on < case.first_contact_on:
                raise ValidationError(
                    {
                        "closed_on": tr(
                            "Abschluss vor dem Erstkontakt.",
                            "Closing date before the first contact.",
                        )
                    }
                )
            case.closed_on = draft.closed_on
            case.closure_reason = draft.reason
            tx.session.add(case)
            for goal_id, status, evaluation in draft.evaluations:
                goal = live(tx.session, Goal, goal_id)
                goal.status = status
                goal.evaluation = stored_text(evaluation)
                tx.session.add(goal)
            for row in tx.session.exec(
                select(FollowUp).where(col(FollowUp.case_id) == case.id, col(FollowUp.open) == 1)
            ).all():
                row.open = 0
                tx.session.add(row)
            client = live(tx.session, Client, case.client_id)
            sync_retention(tx, case, client, retention_rule(tx.session), self._ctx.calendar)
            refresh_case(tx, case)

    def reopen_case(self, case_id: str) -> None:
        """Reopen a closed case; its undone follow-ups come back, and the expiry reminder is
        that of the client's current paper (one recorded while the case was closed included)."""
        with self._ctx.uow.write("case.reopen", "case", case_id, case_id=case_id) as tx:
            case = live(tx.session, Case, case_id)
            if case.closed_on is None:
                raise ValidationError(
                    {"case": tr("Der Fall ist nicht abgeschlossen.", "The case is not closed.")}
                )
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
            client = live(tx.session, Client, case.client_id)
            calendar = self._ctx.calendar
            sync_retention(tx, case, client, retention_rule(tx.session), calendar)
            for agreement in agreement_views(tx.session, case.id):
                for goal in agreement.goals:
                    for st in goal.steps:
                        sync_step(tx, case, client, st, goal.status, calendar)
            for referral in tx.session.exec(
                select(Referral).where(
                    col(Referral.case_id) == case.id, col(Referral.deleted_at).is_(None)
                )
            ).all():
                sync_referral(tx, case, client, referral, calendar)
            weeks = residence_reminder_weeks(tx.session)
            sync_current_residence(tx, case, client, weeks, calendar, self._ctx.today())
            refresh_case(tx, case)

    def set_phase_by_hand(self, case_id: str, stage: CaseStage | str, reason: str) -> None:
        """Set the case's phase by hand with a reason; it holds until `clear_phase_by_hand`.

        Not for a closed case (its phase is closed) and never to closed (closing has its own
        form). The audit event carries the phase code only, never the reason.
        """
        code = str(stage)
        require_valid(validate_phase_by_hand(code, reason))
        with self._ctx.uow.write(
            "case.phase_set", "case", case_id, case_id=case_id, detail=code
        ) as tx:
            case = open_case(tx.session, case_id)
            case.stage_by_hand = code
            case.stage_by_hand_reason = stored_text(reason)
            case.stage_by_hand_on = self._ctx.today()
            tx.session.add(case)
            refresh_case(tx, case)

    def clear_phase_by_hand(self, case_id: str) -> None:
        """Drop the phase set by hand: the phase is derived from the records again."""
        with self._ctx.uow.write("case.phase_clear", "case", case_id, case_id=case_id) as tx:
            case = live(tx.session, Case, case_id)
            if case.stage_by_hand is None:
                raise ValidationError(
                    {
                        "stage": tr(
                            "Die Phase ist nicht von Hand gesetzt.", "The phase is not set by hand."
                        )
                    }
                )
            case.stage_by_hand = None
            case.stage_by_hand_reason = ""
            case.stage_by_hand_on = None
            tx.session.add(case)
            refresh_case(tx, case)
