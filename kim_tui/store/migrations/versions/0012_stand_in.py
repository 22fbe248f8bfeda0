"""stand-ins between coaches: one ``standin`` row per client of a stand-in, on each side

No personal data: the client is a random id, the counterpart a coach fingerprint.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "standin" not in sa.inspect(bind).get_table_names():
        op.create_table(
            "standin",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("revision", sa.Integer(), nullable=False),
            sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("stand_in_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("client_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("case_ref", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("until", sa.Date(), nullable=False),
            sa.Column("counterpart", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("counterpart_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("state", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("received_revision", sa.Integer(), nullable=False),
            sa.Column("returned_on", sa.Date(), nullable=True),
            sa.Column("return_ids", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    op.execute("CREATE INDEX IF NOT EXISTS ix_standin_stand_in_id ON standin (stand_in_id)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_standin_client_ref ON standin (client_ref)")
    op.execute("CREATE INDEX IF NOT EXISTS ix_standin_revision ON standin (revision)")


def downgrade() -> None:
    op.drop_table("standin")
