"""report columns: whether a stored record was checked against the bundle schema, and why not

Records merged by this version were checked when their bundle was imported (`checked` = 1,
`problem` empty). Rows of older stores start unchecked: the next report checks each once and
writes the result back, so no report parses and checks every record again.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coord_record") as batch:
        batch.add_column(
            sa.Column("checked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("problem", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coord_record") as batch:
        batch.drop_column("problem")
        batch.drop_column("checked")
