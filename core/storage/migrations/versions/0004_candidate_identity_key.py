"""The same person twice made impossible: candidate.identity_key (normalised full name and
birth date) and a unique index over (organization_id, identity_key) among the candidates
without an exit.

Existing rows get their key from core.storage.models.identity_key. A database that already
holds the same person twice in one chi bộ, both still in the procedure, upgrades without
losing a row: the oldest record keeps the plain key, each later one gets the key followed by
"#<its id>" (so the index holds), and every such pair is reported, in the migration's log and
as an audit entry ("identity_duplicate") the admin sees in Quản trị → Nhật ký thay đổi, for
the chi bộ to decide which record to close.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
import json
import logging
from datetime import date

import sqlalchemy as sa
from alembic import op

from core.storage.models import IDENTITY_KEY_LENGTH, identity_key

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
BATCH = 5_000


def _keys(connection) -> tuple[list[dict], list[tuple[int, int, str]]]:
    """({id, key} for every candidate, (kept id, duplicate id, key) for each duplicate found)."""
    rows = connection.execute(sa.text(
        "SELECT id, organization_id, full_name, birth_date, exit FROM candidate ORDER BY id")).all()
    open_records: dict[tuple[int, str], int] = {}
    updates, duplicates = [], []
    for cid, org_id, full_name, born, exit_ in rows:
        if isinstance(born, str):  # SQLite hands a plain text query's dates back as text
            born = date.fromisoformat(born[:10])
        key = identity_key(full_name, born)
        if exit_ is None:
            kept = open_records.setdefault((org_id, key), cid)
            if kept != cid:
                duplicates.append((kept, cid, key))
                key = f"{key}#{cid}"
        updates.append({"cid": cid, "key": key})
    return updates, duplicates


def upgrade() -> None:
    connection = op.get_bind()
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        # NOT NULL at once, with a default filled below: making it NOT NULL afterwards would rebuild the
        # table on SQLite, which foreign keys from stage_event forbid.
        batch_op.add_column(sa.Column('identity_key', sa.String(length=IDENTITY_KEY_LENGTH), nullable=False,
                                      server_default=''))
    updates, duplicates = _keys(connection)
    update = sa.text("UPDATE candidate SET identity_key = :key WHERE id = :cid")
    for start in range(0, len(updates), BATCH):
        connection.execute(update, updates[start:start + BATCH])
    audit = sa.text("INSERT INTO audit_entry (at, username, action, entity, entity_id, before, after) "
                    "VALUES (CURRENT_TIMESTAMP, 'migration', 'identity_duplicate', 'candidate', :cid, '', :after)")
    for kept, duplicate, key in duplicates:
        log.warning("candidate %s is the same person as candidate %s (%s): kept as %s#%s", duplicate, kept, key,
                    key, duplicate)
        connection.execute(audit, {"cid": duplicate, "after": json.dumps(
            {"same_as": kept, "identity_key": f"{key}#{duplicate}"}, ensure_ascii=False)})
    if duplicates:
        log.warning("%s candidate record(s) duplicate an earlier one; see the audit log (identity_duplicate)",
                    len(duplicates))
    op.create_index('uq_candidate_identity_open', 'candidate', ['organization_id', 'identity_key'], unique=True,
                    sqlite_where=sa.text("exit IS NULL"), postgresql_where=sa.text("exit IS NULL"))


def downgrade() -> None:
    op.drop_index('uq_candidate_identity_open', table_name='candidate')
    # Not through a batch: rebuilding the table on SQLite is refused while stage events refer to it.
    op.execute("ALTER TABLE candidate DROP COLUMN identity_key")
