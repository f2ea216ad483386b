"""The procedure's timeline: the đảng bộ bộ phận's appraisal (7-KNĐ), recognition in three steps
(the chi bộ's 13-KNĐ, the committee's 15-KNĐ, the decision), official status effective from
the end of the probation, and the clocks' records.

New columns: organization.authorized (an authorized đảng ủy cơ sở decides itself); on
candidate the dates of the new stages and the columns derived from the non-stage records
(decision received, decision extended, consent to a late ceremony, failed recognition votes);
on stage_event votes_against, received_date and effective_date.

Today's `official` events were one step for the whole recognition. Each is kept as it is and
becomes the recognition decision: its event_date stays the day it was recorded, its
effective_date (and the candidate's official_date) becomes the end of the probation, the
admission's date plus 12 months (Điều lệ Điều 5), when that is earlier; an official date that
is already earlier, or a candidate without an admission date, is left as it was. The chi bộ's
and the committee's recognition resolutions before it were never recorded: they stay NULL
(the record page says "chưa ghi"), nothing is invented, and
core.procedure.recognition.unrecorded_recognitions lists them for the admin.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from datetime import date

import sqlalchemy as sa
from alembic import op

from core.procedure.workdays import add_months

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# The Charter's probation (Điều lệ Điều 5); the setting RuleSettings.probation_months has it too,
# but a migration must give the same result whatever a deployment's settings say later.
PROBATION_MONTHS = 12
BATCH = 5_000


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def upgrade() -> None:
    # Plain ADD COLUMN: no table rebuild on SQLite (organization and candidate are referenced by
    # other tables, whose foreign keys a rebuild would trip), none on PostgreSQL.
    op.add_column('organization', sa.Column('authorized', sa.Boolean(), nullable=False, server_default=sa.false()))
    for column in ('sub_committee_appraisal_date', 'recognition_branch_date', 'recognition_committee_date',
                   'decision_received_date', 'decision_extension_date', 'ceremony_consent_date',
                   'recognition_rejected_date'):
        op.add_column('candidate', sa.Column(column, sa.Date(), nullable=True))
    op.add_column('candidate', sa.Column('recognition_failed_votes', sa.Integer(), nullable=False, server_default='0'))
    for column, kind in (('votes_against', sa.Integer()), ('received_date', sa.Date()), ('effective_date', sa.Date())):
        op.add_column('stage_event', sa.Column(column, kind, nullable=True))

    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT e.id, e.candidate_id, e.event_date, c.admitted_date FROM stage_event e "
        "JOIN candidate c ON c.id = e.candidate_id WHERE e.stage = 'official' AND NOT e.voids "
        "AND NOT EXISTS (SELECT 1 FROM stage_event r WHERE r.replaces_event_id = e.id) ORDER BY e.id")).all()
    events, candidates = [], {}
    for event_id, candidate_id, event_date, admitted in rows:
        event_date, admitted = _as_date(event_date), _as_date(admitted)
        effective = event_date
        if admitted is not None:
            effective = min(event_date, add_months(admitted, PROBATION_MONTHS))
        events.append({"id": event_id, "effective": effective})
        candidates[candidate_id] = effective  # the last one in force, as derive_state reads it
    update_event = sa.text("UPDATE stage_event SET effective_date = :effective WHERE id = :id")
    for start in range(0, len(events), BATCH):
        connection.execute(update_event, events[start:start + BATCH])
    # The candidate's official date moves to the effective date, its stage date with it when
    # official is its stage.
    updates = [{"id": cid, "effective": when} for cid, when in candidates.items()]
    update_candidate = sa.text(
        "UPDATE candidate SET official_date = :effective, "
        "stage_date = CASE WHEN stage = 'official' THEN :effective ELSE stage_date END WHERE id = :id")
    for start in range(0, len(updates), BATCH):
        connection.execute(update_candidate, updates[start:start + BATCH])


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later, PostgreSQL): a batch would rebuild organization
    # and candidate, which other tables reference, and SQLite's foreign keys refuse that.
    columns = {
        'stage_event': ('effective_date', 'received_date', 'votes_against'),
        'candidate': ('recognition_failed_votes', 'recognition_rejected_date', 'ceremony_consent_date',
                      'decision_extension_date', 'decision_received_date', 'recognition_committee_date',
                      'recognition_branch_date', 'sub_committee_appraisal_date'),
        'organization': ('authorized',),
    }
    for table, names in columns.items():
        for name in names:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
