"""record changes: the correction history (Art. 16 DSGVO)

One row per corrected field or deleted entry, written by the unit of work's flush listener.
Existing vaults start with an empty history: what was changed before this version is only in
the audit trail (actions, no values).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Can run again: the driver commits DDL as it goes (see 0006).
    if "recordchange" not in sa.inspect(op.get_bind()).get_table_names():
        op.create_table(
            "recordchange",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("revision", sa.Integer(), nullable=False),
            sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("entity_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("client_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("case_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
            sa.Column("field", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("old_value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("new_value", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_recordchange_client_id ON recordchange (client_id)"
    )
    op.execute("CREATE INDEX IF NOT EXISTS ix_recordchange_revision ON recordchange (revision)")


def downgrade() -> None:
    op.drop_table("recordchange")
