"""households: one ``householdmembership`` row per client in a household

No free text: the household is a random id, the role a catalog code.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "householdmembership" not in sa.inspect(bind).get_table_names():
        op.create_table(
            "householdmembership",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.Column("revision", sa.Integer(), nullable=False),
            sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
            sa.Column("household_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("client_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    for column in ("household_id", "client_id", "revision"):
        op.execute(
            f"CREATE INDEX IF NOT EXISTS ix_householdmembership_{column} "
            f"ON householdmembership ({column})"
        )


def downgrade() -> None:
    op.drop_table("householdmembership")
