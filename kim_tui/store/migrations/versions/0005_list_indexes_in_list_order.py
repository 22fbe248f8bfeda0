"""list indexes in list order: the id tie-breaker joins both list indexes

Both lists order by their visible keys and then by ``id`` so that equal names keep a stable
order between windows. Without ``id`` in the index SQLite still needs a temporary B-tree for the
last ORDER BY term, and with statistics of a large vault (50,000 clients, many equal family
names in ``sort_key``) it then judged a full scan of ``case`` plus a sort cheaper than walking
``ix_client_list``: every caseload keystroke took 48-50 ms. With ``id`` in the index the walk
yields rows in final order and stops after one window (1-4 ms at 50,000).

``search_key`` stays the last column, so the name filter is still checked on the index entry
before the row is read.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # IF EXISTS / IF NOT EXISTS: a vault whose 0003 indexes were ever lost still gets the new
    # ones, and an upgrade cut short after this step (DDL commits as it goes) can run it again.
    op.execute("DROP INDEX IF EXISTS ix_client_list")
    op.execute("DROP INDEX IF EXISTS ix_followup_list")
    op.execute("CREATE INDEX IF NOT EXISTS ix_client_list ON client (sort_key, id, search_key)")
    op.execute(
        "CREATE INDEX IF NOT EXISTS ix_followup_list "
        "ON followup (open, due_on, client_name, id, search_key)"
    )


def downgrade() -> None:
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_list")
        batch_op.create_index(
            "ix_followup_list", ["open", "due_on", "client_name", "search_key"], unique=False
        )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index("ix_client_list")
        batch_op.create_index("ix_client_list", ["sort_key", "search_key"], unique=False)
