"""Assessments (Bestandsaufnahme): a dated rating of every priority area."""

from __future__ import annotations

from kim_tui.domain.model import AssessmentDraft, AssessmentView
from kim_tui.domain.validation import not_in_future, validate_ratings
from kim_tui.i18n import tr
from kim_tui.service.context import ServiceContext, open_case, require_valid
from kim_tui.service.converters import assessment_views
from kim_tui.service.derived import refresh_case
from kim_tui.store.models import AreaRating, Assessment


class AssessmentService:
    """Assessments of a case; earlier ones stay for comparison."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add_assessment(self, draft: AssessmentDraft) -> str:
        """A dated rating of every priority area; earlier assessments stay for comparison."""
        require_valid(validate_ratings(draft.ratings))
        require_valid(
            not_in_future(
                "assessed_on",
                draft.assessed_on,
                self._ctx.today(),
                tr("Das Datum liegt in der Zukunft.", "The date is in the future."),
            )
        )
        with self._ctx.uow.write("assessment.add", "assessment", case_id=draft.case_id) as tx:
            case = open_case(tx.session, draft.case_id)
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
            tx.entity_id = row.id
            refresh_case(tx, case)
            return row.id

    def assessments(self, case_id: str) -> tuple[AssessmentView, ...]:
        """Every assessment of the case, oldest first."""
        with self._ctx.uow.read() as s:
            return assessment_views(s, case_id)
