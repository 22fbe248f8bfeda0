"""data protection: restriction flag on the client and the erasure register

``client.restricted_on`` marks an Art. 18 restriction (the file is read-only while it is set).
``erasedclient`` keeps the random id of every erased client (no personal data), so a restored
older backup and the coordinator can tell that the client must stay erased. The regime and the
retention rule are vault settings (``vaultsetting`` rows), which need no schema change.

Revision ID: 0010
Revises: 0006
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Each step can run again (the driver commits DDL as it goes).
    bind = op.get_bind()
    columns = {c["name"] for c in sa.inspect(bind).get_columns("client")}
    if "restricted_on" not in columns:
        with op.batch_alter_table("client", schema=None) as batch_op:
            batch_op.add_column(sa.Column("restricted_on", sa.Date(), nullable=True))
    if "erasedclient" not in sa.inspect(bind).get_table_names():
        op.create_table(
            "erasedclient",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("revision", sa.Integer(), nullable=False),
            sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("erased_on", sa.Date(), nullable=False),
            sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("records_removed", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_erasedclient_revision ON erasedclient (revision)"
    )


def downgrade() -> None:
    op.drop_index("ix_erasedclient_revision", table_name="erasedclient")
    op.drop_table("erasedclient")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("restricted_on")
