"""A version per organization (subtree_version, core.storage.versions): caches of a view key on
it with the data version, so a write below one organization leaves the views of the others warm.

A new table, empty: an organization without a row has version 0 (the caches are the server
process's own, so none made before the upgrade outlives it). Nothing existing changes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('subtree_version',
    sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('organization_id')
    )


def downgrade() -> None:
    op.drop_table('subtree_version')
