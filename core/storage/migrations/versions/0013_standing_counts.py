"""Entries and standing kept as they are written: stage_flow, standing_count and kept_through
(core.storage.kept).

Three new tables, filled from the candidates as they stand: each entry into a stage in the
year of its date, for every organization that is not a chi bộ where the candidate stood that
day and above it, and whether it moved on within that year; each candidate not gone, at the
last stage it entered, for the organization it belongs to and each one above it, under that
organization's sector; and the last date of any candidate. Nothing existing changes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stage_flow',
    sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('entered', sa.Integer(), nullable=False),
    sa.Column('moved', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('organization_id', 'year', 'stage')
    )
    op.create_table('standing_count',
    sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('sector', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('standing', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('organization_id', 'sector', 'stage')
    )
    op.create_table('kept_through',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # The counting is the application's own (one definition of what stands where), run on the
    # migration's connection inside its transaction.
    from core.storage.kept import recount_flows, recount_standing
    with Session(bind=op.get_bind()) as session:
        recount_flows(session)
        recount_standing(session)


def downgrade() -> None:
    op.drop_table('kept_through')
    op.drop_table('standing_count')
    op.drop_table('stage_flow')
