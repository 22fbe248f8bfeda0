"""how much of a birth date is known: client.birth_precision

Papers write an unknown day or month as 00 (00.00.1990); the date is kept with the 1st in its
place, and this column says so (``day``, ``month``, ``year``), so the client file, the lists and
the Art. 15 copy show the date as written, and age limits are judged on the safe side. Existing
clients are ``day``: what was typed as 00 before was stored as the 1st without a trace.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("client")}
    if "birth_precision" not in columns:
        with op.batch_alter_table("client", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("birth_precision", sa.String(), nullable=False, server_default="day")
            )


def downgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_column("birth_precision")
