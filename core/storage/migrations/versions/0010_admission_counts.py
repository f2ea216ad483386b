"""Admissions kept as they are written: admission_count (core.storage.kept).

A new table, filled from the candidates and their places as they stand (every admission in
the year of its date, for the organization where the candidate stood that day and each one
above it). Nothing existing changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admission_count',
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('admitted', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('basis', 'organization_id', 'year')
    )
    # The counting is the application's own (one definition of what an admission counts for),
    # run on the migration's connection inside its transaction.
    from core.storage.kept import recount_admissions
    with Session(bind=op.get_bind()) as session:
        recount_admissions(session)


def downgrade() -> None:
    op.drop_table('admission_count')
