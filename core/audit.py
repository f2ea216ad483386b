"""The audit trail: who changed what, when, with the values before and after."""
from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, SQLModel

from core.models import AuditEntry

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
    session.add(
        AuditEntry(
            username=username,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=json.dumps(before, ensure_ascii=False, default=str) if before is not None else "",
            after=json.dumps(after, ensure_ascii=False, default=str) if after is not None else "",
        )
    )
