"""what each weekly bundle carried of whom: ``bundledisclosure``

One row per client and bundle, with or without the name, written by the export. Bundles made
before this schema have no rows: ``sync.disclosures_from`` (a vault setting) is the first
bundle number with them, and the Art. 15 copy works out the earlier ones from the audit trail as
before, saying so.

No personal data: the client is a random id.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "bundledisclosure" not in sa.inspect(bind).get_table_names():
        # id = "<client id>:<chain>:<seq>": one B-tree (no rowid, no further index), read by
        # range.
        op.create_table(
            "bundledisclosure",
            sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("seq", sa.Integer(), nullable=False),
            sa.Column("client_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
            sa.Column("personal", sa.Integer(), nullable=False),
            sa.Column("chain", sa.Integer(), nullable=False, server_default="0"),
            sa.PrimaryKeyConstraint("id"),
            sqlite_with_rowid=False,
        )
    last = bind.execute(
        sa.text("SELECT value FROM vaultsetting WHERE key = 'sync.last_seq'")
    ).scalar()
    first = int(last) + 1 if last else 1
    bind.execute(
        sa.text(
            "INSERT OR IGNORE INTO vaultsetting (key, value) VALUES ('sync.disclosures_from', :v)"
        ),
        {"v": str(first)},
    )


def downgrade() -> None:
    op.drop_table("bundledisclosure")
    op.execute("DELETE FROM vaultsetting WHERE key = 'sync.disclosures_from'")
