"""consent lifecycle: recipient, scope, special categories, witness, renewal

A consent now says to whom (an agency code, or a free-text organisation in ``recipient``), what
(``scope``), whether it covers special categories of data (Art. 9 DSGVO), who witnessed an oral
one, and which consent it renewed (``renews_id``); a renewed consent keeps its row and gets the
day the renewal replaced it (``superseded_on``).

Revision ID: 0008
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None



def _columns() -> list[sa.Column[object]]:
    return [
        sa.Column("recipient", sa.String(), nullable=False, server_default=""),
        sa.Column("scope", sa.String(), nullable=False, server_default=""),
        sa.Column("special_categories", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("witness", sa.String(), nullable=False, server_default=""),
        sa.Column("renews_id", sa.String(), nullable=True),
        sa.Column("superseded_on", sa.Date(), nullable=True),
    ]


def upgrade() -> None:
    # Each step can run again: the driver commits DDL as it goes (see 0006).
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("consent")}
    missing = [c for c in _columns() if c.name not in present]
    if missing:
        with op.batch_alter_table("consent", schema=None) as batch_op:
            for column in missing:
                batch_op.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("consent", schema=None) as batch_op:
        for column in reversed(_columns()):
            batch_op.drop_column(column.name)
