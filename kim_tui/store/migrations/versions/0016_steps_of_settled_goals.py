"""step reminders of goals with their result retired

Since this version a goal's open steps stop reminding once the goal is achieved, not achieved
or dropped (`domain.followups.due_for_step`). Goals that had their result before kept the
reminders of their open steps: they are retired here, and each touched case's next due date is
worked out again (the caseload sorts by it). Follow-ups do not travel in the weekly bundle, so
no revision is needed. Nothing to undo on downgrade: an older kim re-derives a step's reminder
when the step or its goal is next written.

Revision ID: 0016
Revises: 0015
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_SETTLED = "('achieved', 'not_achieved', 'dropped')"
_STALE = (
    "followup.source = 'step' AND followup.deleted_at IS NULL AND followup.source_id IN ("
    "SELECT step.id FROM step JOIN goal ON goal.id = step.goal_id "
    f"WHERE goal.status IN {_SETTLED})"
)


def upgrade() -> None:
    bind = op.get_bind()
    cases = [
        row[0]
        for row in bind.execute(sa.text(f"SELECT DISTINCT case_id FROM followup WHERE {_STALE}"))
    ]
    if not cases:
        return
    # The format SQLAlchemy writes a DateTime in (UTC without its zone, as `utcnow` stores).
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    bind.execute(
        sa.text(f"UPDATE followup SET deleted_at = :now, open = 0 WHERE {_STALE}"), {"now": now}
    )
    for case_id in cases:
        bind.execute(
            sa.text(
                'UPDATE "case" SET next_due_on = (SELECT min(due_on) FROM followup '
                "WHERE followup.case_id = :case AND followup.open = 1) WHERE id = :case"
            ),
            {"case": case_id},
        )


def downgrade() -> None:
    pass
