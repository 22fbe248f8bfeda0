"""handovers between coaches: one ``handoverlink`` row per handover, on each side

No personal data: the client is this vault's random id, the counterpart a coach fingerprint.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "handoverlink" not in sa.inspect(bind).get_table_names():
        op.create_table(
            "handoverlink",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("revision", sa.Integer(), nullable=False),
            sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("client_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("handed_over_on", sa.Date(), nullable=False),
            sa.Column("counterpart", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("counterpart_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    op.execute("CREATE INDEX IF NOT EXISTS ix_handoverlink_client_id ON handoverlink (client_id)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_handoverlink_revision ON handoverlink (revision)")


def downgrade() -> None:
    op.drop_table("handoverlink")
