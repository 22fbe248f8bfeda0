"""phase set by hand; merged clients

A coach can set a case's phase by hand with a reason; it holds until cleared (``case``:
``stage_by_hand``, ``stage_by_hand_reason``, ``stage_by_hand_on``). Two client files of one
person can be merged; the one merged away stays as a tombstone pointing at the survivor
(``client.merged_into``).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _case_columns() -> tuple[sa.Column[object], ...]:
    return (
        sa.Column("stage_by_hand", sa.String(), nullable=True),
        sa.Column("stage_by_hand_reason", sa.String(), nullable=False, server_default=""),
        sa.Column("stage_by_hand_on", sa.Date(), nullable=True),
    )


def upgrade() -> None:
    # Each step can run again: the driver commits DDL as it goes, so an upgrade cut short after
    # a step (before the version row moved on) repeats it at the next open.
    inspector = sa.inspect(op.get_bind())
    case_columns = {c["name"] for c in inspector.get_columns("case")}
    for column in _case_columns():
        if column.name not in case_columns:
            with op.batch_alter_table("case", schema=None) as batch_op:
                batch_op.add_column(column)
    client_columns = {c["name"] for c in inspector.get_columns("client")}
    if "merged_into" not in client_columns:
        with op.batch_alter_table("client", schema=None) as batch_op:
            batch_op.add_column(sa.Column("merged_into", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("merged_into")
    with op.batch_alter_table("case", schema=None) as batch_op:
        for column in reversed(_case_columns()):
            batch_op.drop_column(column.name)
