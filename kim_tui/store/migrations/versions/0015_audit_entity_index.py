"""audit events found by their record: an index on auditevent.entity_id

A case's Verlauf also lists what was recorded on its client (master data, facts, residence
papers: events without a case), found by the record's id. Without this index that lookup read
the whole audit log at every opening of a client file (one event per opening, for years).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    indexes = {i["name"] for i in sa.inspect(bind).get_indexes("auditevent")}
    if "ix_auditevent_entity_id" not in indexes:
        with op.batch_alter_table("auditevent") as batch:
            batch.create_index("ix_auditevent_entity_id", ["entity_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("auditevent") as batch:
        batch.drop_index("ix_auditevent_entity_id")
