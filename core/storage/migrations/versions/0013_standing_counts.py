"""The standing kept as it is written: standing_count and kept_through (core.storage.kept).

Two new tables, filled from the candidates as they stand (each candidate not gone, at the last
stage it entered, for the organization it belongs to and each one above it, under that
organization's sector; and the last date of any candidate). Nothing existing changes.

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
    from core.storage.kept import recount_standing
    with Session(bind=op.get_bind()) as session:
        recount_standing(session)


def downgrade() -> None:
    op.drop_table('kept_through')
    op.drop_table('standing_count')
