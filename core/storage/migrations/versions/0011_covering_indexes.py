"""Two indexes that answer the figures' largest reads from the index alone.

- ix_candidate_settled_path holds the sub-committee's appraisal date again. Since 0006 the late
  pipeline also counts a candidate whose đảng bộ bộ phận has appraised the dossier, but the
  index was not extended, so every pipeline count and the funnel's standing read the rows
  themselves instead of the index alone (at the national tier on PostgreSQL, 286 ms instead of
  76 for one count).
- ix_year_plan_year_sums (year, organization_id, target, members_start) replaces
  ix_year_plan_year (year): the sums of a year's targets over the organizations below a
  screen's bottom row (200.000 at the national root) no longer visit the plans' rows.

No row changes.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

SETTLED_BEFORE = ['settled_date', 'org_path', 'decision_date', 'admitted_date', 'source_date', 'outstanding_date',
                  'class_done_date', 'dossier_date', 'branch_resolution_date', 'committee_resolution_date']
SETTLED_AFTER = [*SETTLED_BEFORE[:-1], 'sub_committee_appraisal_date', SETTLED_BEFORE[-1]]


def upgrade() -> None:
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_candidate_settled_path')
        batch_op.create_index('ix_candidate_settled_path', SETTLED_AFTER, unique=False)
    with op.batch_alter_table('year_plan', schema=None) as batch_op:
        batch_op.drop_index('ix_year_plan_year')
        batch_op.create_index('ix_year_plan_year_sums', ['year', 'organization_id', 'target', 'members_start'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('year_plan', schema=None) as batch_op:
        batch_op.drop_index('ix_year_plan_year_sums')
        batch_op.create_index('ix_year_plan_year', ['year'], unique=False)
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_candidate_settled_path')
        batch_op.create_index('ix_candidate_settled_path', SETTLED_BEFORE, unique=False)
