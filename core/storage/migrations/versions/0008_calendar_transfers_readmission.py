"""The admin's working-day calendar (work_day_override), transfers inside the tree
(candidate_transfer) and re-admissions (readmission).

Three new tables, nothing existing rewritten: every candidate stays in its chi bộ with its
history; a database without them upgrades with its calendar as the `holidays` library has it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('work_day_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('work_day_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_day_override_day'), ['day'], unique=True)

    op.create_table('candidate_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('from_organization_id', sa.Integer(), nullable=False),
    sa.Column('to_organization_id', sa.Integer(), nullable=False),
    sa.Column('transfer_date', sa.Date(), nullable=False),
    sa.Column('document_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ),
    sa.ForeignKeyConstraint(['from_organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['to_organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('candidate_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_transfer_candidate_id'), ['candidate_id'], unique=False)

    op.create_table('readmission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('previous_candidate_id', sa.Integer(), nullable=False),
    sa.Column('consent_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('consent_date', sa.Date(), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ),
    sa.ForeignKeyConstraint(['previous_candidate_id'], ['candidate.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('readmission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_readmission_candidate_id'), ['candidate_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_readmission_previous_candidate_id'), ['previous_candidate_id'], unique=True)


def downgrade() -> None:
    op.drop_table('readmission')
    op.drop_table('candidate_transfer')
    op.drop_table('work_day_override')
