"""initial schema: the coordinator store's tables as `create_all` made them before Alembic

Revision ID: 0001
Revises: 
Create Date: 2026-12-02 19:50:00

Stores made before Alembic have exactly these tables and no version table: opening one stamps
it with this revision instead of running it (see `CoordinatorStore._adopt_unversioned_schema`).
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coord_bundle',
    sa.Column('coach', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('prev', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('rev_after', sa.Integer(), nullable=False),
    sa.Column('rev_upto', sa.Integer(), nullable=False),
    sa.Column('week', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('counts', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('coach', 'seq')
    )
    op.create_table('coord_coach',
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sign_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('enrolled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('fingerprint')
    )
    op.create_table('coord_decision',
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('coach', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('link')
    )
    with op.batch_alter_table('coord_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coord_decision_coach'), ['coach'], unique=False)

    op.create_table('coord_held',
    sa.Column('link', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('coach', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('received_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('link')
    )
    with op.batch_alter_table('coord_held', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coord_held_coach'), ['coach'], unique=False)

    op.create_table('coord_record',
    sa.Column('coach', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('table', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('bundle_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('coach', 'table', 'id')
    )
    op.create_table('coord_setting',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade() -> None:
    op.drop_table('coord_setting')
    op.drop_table('coord_record')
    with op.batch_alter_table('coord_held', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coord_held_coach'))

    op.drop_table('coord_held')
    with op.batch_alter_table('coord_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coord_decision_coach'))

    op.drop_table('coord_decision')
    op.drop_table('coord_coach')
    op.drop_table('coord_bundle')
