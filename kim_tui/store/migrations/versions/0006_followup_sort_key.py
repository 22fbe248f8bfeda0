"""follow-up sort key: names within one due date in the caseload's order

The Wiedervorlagen list ordered equal due dates by ``client_name`` ("Family, Given") in binary
order, so "Çelik" came after "Weber" while the caseload (``client.sort_key``: folded family and
given name) puts it with the Cs. The follow-up keeps a copy of the client's sort key, filled
here from the client and kept by the service wherever it keeps ``client_name``; the list index
orders by it.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Each step can run again: the driver commits DDL as it goes, so an upgrade cut short after
    # a step (before the version row moved on) repeats it at the next open.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("followup")}
    if "sort_key" not in columns:
        with op.batch_alter_table("followup", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("sort_key", sa.String(), nullable=False, server_default="")
            )
    op.execute(
        "UPDATE followup SET sort_key = "
        "COALESCE((SELECT client.sort_key FROM client WHERE client.id = followup.client_id), '')"
    )
    op.execute("DROP INDEX IF EXISTS ix_followup_list")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_followup_list "
        "ON followup (open, due_on, sort_key, id, search_key)"
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_followup_list")
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.create_index(
            "ix_followup_list",
            ["open", "due_on", "client_name", "id", "search_key"],
            unique=False,
        )
        batch_op.drop_column("sort_key")
