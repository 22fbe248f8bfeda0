"""first_seq and superseded_only on coord_record: which bundle first brought a record, and
whether it exists only in a history superseded by a released fork

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 07:10:00

Records merged before this revision get ``first_seq`` 0 (unknown): the bundles are not kept,
so it cannot be worked out afterwards, and an unknown record is never offered for dropping.
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('coord_record', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('first_seq', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(
            sa.Column(
                'superseded_only', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('coord_record', schema=None) as batch_op:
        batch_op.drop_column('superseded_only')
        batch_op.drop_column('first_seq')
