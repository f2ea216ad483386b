"""The tree through time: organizations and candidates placed from a date to a date.

New tables: organization_era (what an organization was before its current stretch),
candidate_place (where a candidate stood before), restructuring and org_succession (the
tree's changes with their effective dates). New columns, all NULL on existing rows (since
ever, still so): organization.valid_from, valid_to, placed_from and candidate.placed_from.

Nothing existing is rewritten, with one exception that makes the past right: a candidate
transferred to another chi bộ (candidate_transfer, 0008) was counted wholly in the receiving
chi bộ; each transfer now gives a candidate_place row, so the days before it are counted in
the chi bộ that sent the candidate (its admission in the year of the decision, say).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""
from datetime import date, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('restructuring',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('document_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('restructuring', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_restructuring_effective_date'), ['effective_date'], unique=False)

    op.create_table('org_succession',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('restructuring_id', sa.Integer(), nullable=False),
    sa.Column('from_organization_id', sa.Integer(), nullable=False),
    sa.Column('to_organization_id', sa.Integer(), nullable=True),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['from_organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['restructuring_id'], ['restructuring.id'], ),
    sa.ForeignKeyConstraint(['to_organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('org_succession', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_org_succession_from_organization_id'), ['from_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_succession_restructuring_id'), ['restructuring_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_org_succession_to_organization_id'), ['to_organization_id'], unique=False)

    op.create_table('organization_era',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=400).with_variant(sa.String(length=400, collation='C'), 'postgresql'), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['parent_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organization_era', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_era_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index('ix_organization_era_parent', ['parent_id', 'valid_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_organization_era_path'), ['path'], unique=False)

    op.create_table('candidate_place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('org_path', sa.String(length=400).with_variant(sa.String(length=400, collation='C'), 'postgresql'), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['candidate_id'], ['candidate.id'], ),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('candidate_place', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidate_place_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index('ix_candidate_place_until', ['valid_to', 'org_path'], unique=False)

    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('placed_from', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_candidate_placed_from'), ['placed_from'], unique=False)

    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('valid_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('placed_from', sa.Date(), nullable=True))

    _places_from_transfers()


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _places_from_transfers() -> None:
    """Each recorded transfer closes the stretch the candidate spent in the sending chi bộ."""
    conn = op.get_bind()
    paths = dict(conn.execute(sa.text("SELECT id, path FROM organization")).all())
    transfers = conn.execute(sa.text(
        "SELECT candidate_id, from_organization_id, transfer_date FROM candidate_transfer "
        "ORDER BY candidate_id, transfer_date, id")).all()
    last: dict[int, date] = {}
    for candidate_id, from_org, when in transfers:
        when = _as_date(when)
        conn.execute(sa.text(
            "INSERT INTO candidate_place (candidate_id, organization_id, org_path, valid_from, valid_to) "
            "VALUES (:c, :o, :p, :f, :t)"),
            dict(c=candidate_id, o=from_org, p=paths[from_org], f=last.get(candidate_id), t=when - timedelta(days=1)))
        last[candidate_id] = when
    for candidate_id, when in last.items():
        conn.execute(sa.text("UPDATE candidate SET placed_from = :d WHERE id = :c"), dict(d=when, c=candidate_id))


def downgrade() -> None:
    """The tree's past is dropped: every organization and candidate stays where it is now."""
    for table in ('candidate_place', 'organization_era', 'org_succession', 'restructuring'):
        op.drop_table(table)
    op.drop_index('ix_candidate_placed_from', table_name='candidate')
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+, PostgreSQL): a batch rebuild of the
    # candidate and organization tables would break the foreign keys that point at them.
    for table, column in (('organization', 'placed_from'), ('organization', 'valid_to'), ('organization', 'valid_from'),
                          ('candidate', 'placed_from')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
