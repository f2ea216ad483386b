"""Admissions kept by month: admission_month (core.storage.kept).

A new table, filled from the candidates and their places as they stand: each admission in the
month of its date, for the organization where the candidate stood that day and each one above
it (admission_count's counting, by month); and an index of admission_count by year (the
organizations of a subtree that admitted in a year). Nothing existing changes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('admission_month',
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('admitted', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('basis', 'organization_id', 'year', 'month')
    )
    op.create_index('ix_admission_count_year', 'admission_count', ['basis', 'year', 'organization_id', 'admitted'])
    # The counting is the application's own, run on the migration's connection in its transaction.
    from core.storage.kept import recount_months
    with Session(bind=op.get_bind()) as session:
        recount_months(session)


def downgrade() -> None:
    op.drop_index('ix_admission_count_year', table_name='admission_count')
    op.drop_table('admission_month')
