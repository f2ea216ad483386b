"""Initial schema: organizations, plans, candidates, stage events, users, audit, data version.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.Text(), nullable=False),
    sa.Column('after', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_entity_id'), ['entity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_username'), ['username'], unique=False)

    data_version = op.create_table('data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # The one row every write bumps.
    op.bulk_insert(data_version, [{'id': 1, 'version': 0}])
    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=400).with_variant(sa.String(length=400, collation='C'), 'postgresql'), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_organization_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_path'), ['path'], unique=False)

    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_user_username'), ['username'], unique=True)

    op.create_table('candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('female', sa.Boolean(), nullable=False),
    sa.Column('ethnicity', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('ethnic_minority', sa.Boolean(), nullable=False),
    sa.Column('religion', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('general_education', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('qualification', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('occupation', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('youth_union_member', sa.Boolean(), nullable=False),
    sa.Column('village_head', sa.Boolean(), nullable=False),
    sa.Column('education_exemption', sa.Boolean(), nullable=False),
    sa.Column('helper_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('sponsor1_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('sponsor1_since', sa.Date(), nullable=True),
    sa.Column('sponsor2_name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('sponsor2_since', sa.Date(), nullable=True),
    sa.Column('youth_union_resolution_date', sa.Date(), nullable=True),
    sa.Column('new_member_class_date', sa.Date(), nullable=True),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('stage_date', sa.Date(), nullable=True),
    sa.Column('exit', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('exit_date', sa.Date(), nullable=True),
    sa.Column('source_date', sa.Date(), nullable=True),
    sa.Column('outstanding_date', sa.Date(), nullable=True),
    sa.Column('class_done_date', sa.Date(), nullable=True),
    sa.Column('dossier_date', sa.Date(), nullable=True),
    sa.Column('branch_resolution_date', sa.Date(), nullable=True),
    sa.Column('committee_resolution_date', sa.Date(), nullable=True),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('admitted_date', sa.Date(), nullable=True),
    sa.Column('official_date', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.create_index('ix_candidate_org_admitted', ['organization_id', 'admitted_date'], unique=False)
        batch_op.create_index('ix_candidate_org_decision', ['organization_id', 'decision_date'], unique=False)
        batch_op.create_index('ix_candidate_org_stage', ['organization_id', 'stage'], unique=False)

    op.create_table('year_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('target', sa.Integer(), nullable=False),
    sa.Column('members_start', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organization_id', 'year', name='uq_year_plan_org_year')
    )
    with op.batch_alter_table('year_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_year_plan_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_year_plan_year'), ['year'], unique=False)

    op.create_table('stage_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('document_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('votes_for', sa.Integer(), nullable=True),
    sa.Column('votes_total', sa.Integer(), nullable=True),
    sa.Column('acknowledged', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('replaces_event_id', sa.Integer(), nullable=True),
    sa.Column('voids', sa.Boolean(), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ),
    sa.ForeignKeyConstraint(['replaces_event_id'], ['stage_event.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_event_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stage_event_replaces_event_id'), ['replaces_event_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stage_event_replaces_event_id'))
        batch_op.drop_index(batch_op.f('ix_stage_event_candidate_id'))

    op.drop_table('stage_event')
    with op.batch_alter_table('year_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_year_plan_year'))
        batch_op.drop_index(batch_op.f('ix_year_plan_organization_id'))

    op.drop_table('year_plan')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_index('ix_candidate_org_stage')
        batch_op.drop_index('ix_candidate_org_decision')
        batch_op.drop_index('ix_candidate_org_admitted')

    op.drop_table('candidate')
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_username'))

    op.drop_table('app_user')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_path'))
        batch_op.drop_index(batch_op.f('ix_organization_parent_id'))
        batch_op.drop_index(batch_op.f('ix_organization_code'))

    op.drop_table('organization')
    op.drop_table('data_version')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_username'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_entity_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))

    op.drop_table('audit_entry')
