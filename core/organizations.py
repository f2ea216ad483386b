"""Write side of the organization tree: moving an organization keeps its whole subtree,
its candidates and their events; only paths and depths change, in one statement."""
from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session

from core.audit import record_audit, snapshot
from core.db import bump_data_version
from core.i18n import t
from core.models import Organization
from core.pipeline import StaleEditError
from core.scope import Actor, ScopeError, org_by_code
from core.stages import Role
from core.tree import in_subtree, is_within


class TreeError(ValueError):
    """A change the tree cannot take (a cycle, an unknown parent...)."""


def move_organization(
    session: Session, actor: Actor, *, org_code: str, new_parent_code: str, expected_version: int | None
) -> Organization:
    """Put an organization (and everything under it) under another parent."""
    if actor.role is not Role.ADMIN:
        raise ScopeError(t("error.out_of_scope", code=org_code))
    org = org_by_code(session, org_code)
    parent = org_by_code(session, new_parent_code)
    if not actor.covers(org.path) or not actor.covers(parent.path):
        raise ScopeError(t("error.out_of_scope", code=org_code))
    if expected_version is not None and org.version != expected_version:
        raise StaleEditError()
    if is_within(parent.path, org.path):
        raise TreeError(t("error.move_cycle", org=org.name, parent=parent.name))
    before = snapshot(org)
    old_path, new_path = org.path, f"{parent.path}{org.id}/"
    depth_change = parent.depth + 1 - org.depth
    session.execute(
        update(Organization)
        .where(in_subtree(old_path))
        .values(path=new_path + func.substr(Organization.path, len(old_path) + 1), depth=Organization.depth + depth_change)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Organization).where(Organization.id == org.id).values(parent_id=parent.id, version=Organization.version + 1)
    )
    session.expire_all()
    moved = session.get(Organization, org.id)
    record_audit(session, username=actor.username, action="move_organization", entity="organization",
                 entity_id=org.id, before=before, after=snapshot(moved))
    bump_data_version(session)
    return moved
