"""list indexes: covering indexes for the follow-up and caseload lists

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index("ix_client_search_key")
        batch_op.drop_index("ix_client_sort_key")
        batch_op.create_index("ix_client_list", ["sort_key", "search_key"], unique=False)
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_open_due")
        batch_op.drop_index("ix_followup_open")
        batch_op.create_index(
            "ix_followup_list", ["open", "due_on", "client_name", "search_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index("ix_client_list")
        batch_op.create_index("ix_client_sort_key", ["sort_key"], unique=False)
        batch_op.create_index("ix_client_search_key", ["search_key"], unique=False)
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_list")
        batch_op.create_index("ix_followup_open", ["open"], unique=False)
        batch_op.create_index("ix_followup_open_due", ["open", "due_on"], unique=False)
