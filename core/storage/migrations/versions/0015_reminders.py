"""Reminders by e-mail (core.notify): an address and a digest choice per user, and the record
of every run and message (reminder_run, reminder_send).

Every existing user gets no address and no digest ("off"): nobody receives anything until an
address is set. Nothing existing changes.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.add_column(sa.Column('email', sa.String(length=254), nullable=False, server_default=''))
        batch.add_column(sa.Column('digest', sa.String(length=8), nullable=False, server_default='off'))
    op.create_table('reminder_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('sent', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_reminder_run_started_at', 'reminder_run', ['started_at'])
    op.create_table('reminder_send',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('error', sa.String(length=1000), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['reminder_run.id']),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id']),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_reminder_send_run_id', 'reminder_send', ['run_id'])
    op.create_index('ix_reminder_send_user_id', 'reminder_send', ['user_id'])
    op.create_index('ux_reminder_send_once', 'reminder_send', ['user_id', 'kind', 'period'], unique=True,
                    sqlite_where=sa.text("status != 'failed'"), postgresql_where=sa.text("status != 'failed'"))


def downgrade() -> None:
    op.drop_table('reminder_send')
    op.drop_table('reminder_run')
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('digest')
        batch.drop_column('email')
