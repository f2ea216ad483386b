"""The denominators of a resolution's vote: stage_event.members_total (the chi bộ's official
members; for a committee's resolution, all its members) and stage_event.members_excused (on
temporary transfer elsewhere or exempted, chi bộ only).

Existing rows keep votes_total, which the old form asked as those present, and it stays their
number present. The new columns stay NULL on them: how many official members the chi bộ had
that day is not known, and is never invented. Such resolutions are listed for the admin
(core.procedure.votes.unproven_resolutions) rather than rewritten or silently accepted.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable, no default): no table rebuild on SQLite, none on PostgreSQL.
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('members_total', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('members_excused', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('stage_event', schema=None) as batch_op:
        batch_op.drop_column('members_excused')
        batch_op.drop_column('members_total')
