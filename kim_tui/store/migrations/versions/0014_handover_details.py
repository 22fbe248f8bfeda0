"""handover details: the override reason of a handover made without a recorded consent

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    columns = {c["name"] for c in sa.inspect(bind).get_columns("handoverlink")}
    if "override_reason" not in columns:
        with op.batch_alter_table("handoverlink") as batch:
            batch.add_column(
                sa.Column(
                    "override_reason",
                    sqlmodel.sql.sqltypes.AutoString(),
                    nullable=False,
                    server_default="",
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("handoverlink") as batch:
        batch.drop_column("override_reason")
