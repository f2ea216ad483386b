"""Scale: candidate.org_path and candidate.settled_date, with the indexes that use them;
organizations by kind and path.

A subtree's candidates become one range on org_path (no join with organization), and the
candidates still in the procedure on a date one range on settled_date. Existing rows are
filled from their organization and their stage dates.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

PATH_TYPE = sa.String(400).with_variant(sa.String(400, collation="C"), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index('ix_organization_kind_path', ['kind', 'path', 'active'], unique=False)
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_path', PATH_TYPE, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('settled_date', sa.Date(), nullable=False, server_default='9999-12-31'))
    op.execute("UPDATE candidate SET org_path = (SELECT path FROM organization WHERE organization.id = candidate.organization_id)")
    op.execute("""
        UPDATE candidate SET settled_date = CASE
            WHEN admitted_date IS NOT NULL AND (exit_date IS NULL OR admitted_date <= exit_date) THEN admitted_date
            WHEN exit_date IS NOT NULL THEN exit_date
            ELSE settled_date END""")
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index('ix_candidate_path', ['org_path', 'decision_date', 'admitted_date'], unique=False)
        batch_op.create_index('ix_candidate_decision_path', ['decision_date', 'org_path'], unique=False)
        batch_op.create_index('ix_candidate_admitted_path', ['admitted_date', 'exit_date', 'org_path'], unique=False)
        batch_op.create_index('ix_candidate_settled_path', [
            'settled_date', 'org_path', 'decision_date', 'admitted_date', 'source_date', 'outstanding_date',
            'class_done_date', 'dossier_date', 'branch_resolution_date', 'committee_resolution_date'], unique=False)
        batch_op.create_index('ix_candidate_official_path', ['official_date', 'exit_date', 'org_path'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_candidate_official_path')
        batch_op.drop_index('ix_candidate_settled_path')
        batch_op.drop_index('ix_candidate_admitted_path')
        batch_op.drop_index('ix_candidate_decision_path')
        batch_op.drop_index('ix_candidate_path')
        batch_op.drop_column('settled_date')
        batch_op.drop_column('org_path')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index('ix_organization_kind_path')
