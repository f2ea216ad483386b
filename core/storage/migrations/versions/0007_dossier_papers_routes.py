"""The dossier's papers and the introduction routes.

- dossier_paper: one row per paper of a candidate's dossier, append-only like stage_event. No
  row is created for existing candidates: a paper nobody recorded is shown as missing ("chưa
  ghi"), never invented. The class_done date already recorded counts as the first awareness
  certificate (CN-NTVĐ) without a row, as it did before.
- organization.has_youth_union: set where it is sure a Đoàn organization exists (rural and
  urban residential chi bộ, schools, the armed forces), False elsewhere; the admin corrects it
  in the organization form.
- candidate.introduction_route ("" on existing rows: inferred from the Đoàn membership as
  before), trade_union_member, sponsorN_official (NULL: not asked yet; the vote then asks) and
  sponsorN_replacement_decision ("").
- candidate.education_exemption, the old tick box, is kept for old data; the records still in
  the procedure that rely on it are listed in the migration's log (and in the to-do list:
  their decision needs the province's written consent, recorded as a paper).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# Sectors where a Đoàn organization is sure to exist (Điều lệ Điều 4; domain.md "Introduction routes").
YOUTH_UNION_SECTORS = ('rural', 'urban', 'school', 'armed_forces')


def upgrade() -> None:
    op.create_table(
        'dossier_paper',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('candidate_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('document_number', sa.String(length=64), nullable=False),
        sa.Column('issue_date', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('holder', sa.String(length=255), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('replaces_paper_id', sa.Integer(), nullable=True),
        sa.Column('voids', sa.Boolean(), nullable=False),
        sa.Column('recorded_by', sa.String(length=64), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id']),
        sa.ForeignKeyConstraint(['replaces_paper_id'], ['dossier_paper.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_dossier_paper_candidate_id', 'dossier_paper', ['candidate_id'])
    op.create_index('ix_dossier_paper_replaces_paper_id', 'dossier_paper', ['replaces_paper_id'])
    # Plain ADD COLUMN with a constant default: no table rebuild on SQLite, none on PostgreSQL.
    op.add_column('organization', sa.Column('has_youth_union', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('candidate', sa.Column('introduction_route', sa.String(length=16), nullable=False, server_default=''))
    op.add_column('candidate', sa.Column('trade_union_member', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('candidate', sa.Column('sponsor1_official', sa.Boolean(), nullable=True))
    op.add_column('candidate', sa.Column('sponsor2_official', sa.Boolean(), nullable=True))
    op.add_column('candidate', sa.Column('sponsor1_replacement_decision', sa.String(length=128), nullable=False,
                                         server_default=''))
    op.add_column('candidate', sa.Column('sponsor2_replacement_decision', sa.String(length=128), nullable=False,
                                         server_default=''))
    organization = sa.table('organization', sa.column('sector', sa.String), sa.column('has_youth_union', sa.Boolean))
    op.execute(organization.update().where(organization.c.sector.in_(YOUTH_UNION_SECTORS))
               .values(has_youth_union=True))
    relying = op.get_bind().execute(sa.text(
        "SELECT id FROM candidate WHERE education_exemption AND exit IS NULL AND decision_date IS NULL "
        "ORDER BY id")).scalars().all()
    for candidate_id in relying:
        log.warning("candidate %s relies on the old education exemption tick box: its decision needs the "
                    "province's written consent, recorded as a dossier paper", candidate_id)
    if relying:
        log.warning("%s candidate record(s) in the procedure rely on the old education exemption", len(relying))


def downgrade() -> None:
    op.drop_index('ix_dossier_paper_replaces_paper_id', table_name='dossier_paper')
    op.drop_index('ix_dossier_paper_candidate_id', table_name='dossier_paper')
    op.drop_table('dossier_paper')
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+, PostgreSQL): a batch rebuild of the
    # candidate table would break the foreign keys of its stage events.
    for table, column in (('candidate', 'sponsor2_replacement_decision'), ('candidate', 'sponsor1_replacement_decision'),
                          ('candidate', 'sponsor2_official'), ('candidate', 'sponsor1_official'),
                          ('candidate', 'trade_union_member'), ('candidate', 'introduction_route'),
                          ('organization', 'has_youth_union')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
