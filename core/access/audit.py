"""The audit trail: who changed what, when, with the values before and after."""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import pandas as pd
from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, select

from core.access.audit_text import audit_names, audit_sentence, parsed
from core.access.scope import Actor, ScopeError
from core.i18n import t
from core.procedure.stages import Role
from core.storage.models import AuditEntry, Candidate, Organization, User, utcnow
from core.structure.tree import path_upper_bound

# Never copied into the audit trail.
_SECRET_FIELDS = frozenset({"password_hash"})


def snapshot(record: SQLModel | None) -> dict[str, Any] | None:
    """The fields of a record as plain values, secrets left out."""
    if record is None:
        return None
    return {k: v for k, v in record.model_dump().items() if k not in _SECRET_FIELDS}


def record_audit(
    session: Session,
    *,
    username: str,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an audit entry to the caller's transaction."""
    session.add(audit_entry(username=username, action=action, entity=entity, entity_id=entity_id, before=before,
                            after=after))


def audit_entry(
    *,
    username: str,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """An audit entry, not yet added to a session."""
    return AuditEntry(**audit_row(username=username, action=action, entity=entity, entity_id=entity_id, before=before,
                                  after=after))


def audit_row(
    *,
    username: str,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The column values of an audit entry (a bulk write inserts many at once); the values
    before and after as JSON."""
    return dict(
        at=utcnow(),
        username=username,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=json.dumps(before, ensure_ascii=False, default=str) if before is not None else "",
        after=json.dumps(after, ensure_ascii=False, default=str) if after is not None else "",
    )


def audit_log(
    session: Session,
    actor: Actor,
    *,
    username: str | None = None,
    entity: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The newest audit entries the admin may read (those about its subtree), filtered.

    Columns: see `audit_frame`.
    """
    if actor.role is not Role.ADMIN:
        raise ScopeError(t("error.out_of_scope", code=""))
    org_c, org_u, org_o = aliased(Organization), aliased(Organization), aliased(Organization)
    subject_path = func.coalesce(org_c.path, org_u.path, org_o.path, actor.root_path)
    stmt = (
        select(AuditEntry)
        .outerjoin(Candidate, and_(AuditEntry.entity == "candidate", Candidate.id == AuditEntry.entity_id))
        .outerjoin(org_c, org_c.id == Candidate.organization_id)
        .outerjoin(User, and_(AuditEntry.entity == "user", User.id == AuditEntry.entity_id))
        .outerjoin(org_u, org_u.id == User.organization_id)
        .outerjoin(org_o, and_(AuditEntry.entity == "organization", org_o.id == AuditEntry.entity_id))
        .where(subject_path >= actor.root_path, subject_path < path_upper_bound(actor.root_path))
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    if username:
        stmt = stmt.where(AuditEntry.username == username.strip().lower())
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(since, time.min, tzinfo=timezone.utc))
    if until:
        stmt = stmt.where(AuditEntry.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=timezone.utc))
    return audit_frame(session, actor, session.exec(stmt).all())


AUDIT_COLUMNS = ["at", "username", "action", "entity", "entity_id", "sentence", "before", "after"]


def audit_frame(session: Session, actor: Actor, entries: list[AuditEntry]) -> pd.DataFrame:
    """Entries the caller may read, each with its Vietnamese sentence (names looked up in bulk;
    candidates' names only for a viewer allowed personal data) and its raw values before and
    after as dicts ({} when none). Columns: at, username, action, entity, entity_id, sentence,
    before, after."""
    names = audit_names(session, entries, personal=actor.sees_personal_data)
    return pd.DataFrame(
        [
            {"at": e.at, "username": e.username, "action": e.action, "entity": e.entity, "entity_id": e.entity_id,
             "sentence": audit_sentence(e, names), "before": parsed(e.before), "after": parsed(e.after)}
            for e in entries
        ],
        columns=AUDIT_COLUMNS,
    )
