"""Who is asking: the caller's identity and the subtree it may see.

Every read and write function in core takes an Actor and checks the organization it is
asked about against the actor's subtree, so a page cannot reach data out of scope.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from core.i18n import t
from core.procedure.stages import Role
from core.storage.models import Organization
from core.structure.tree import is_within


class ScopeError(PermissionError):
    """The caller asked for something outside what it may see or do."""


class NotFoundError(LookupError):
    """The record asked for does not exist."""


@dataclass(frozen=True)
class Actor:
    """A signed-in user (or a command-line operator) and its scope."""

    username: str
    role: Role
    root_path: str

    @property
    def sees_personal_data(self) -> bool:
        """Names and personal fields of candidates: never for the projector role."""
        return self.role is not Role.PROJECTOR

    @property
    def edits_candidates(self) -> bool:
        return self.role in (Role.ADMIN, Role.SECRETARY)

    def covers(self, path: str) -> bool:
        return is_within(path, self.root_path)


def org_by_code(session: Session, code: str) -> Organization:
    """The organization with this code, or NotFoundError with a Vietnamese message."""
    org = session.exec(select(Organization).where(Organization.code == code)).first()
    if org is None:
        raise NotFoundError(t("error.unknown_org", code=code))
    return org


def org_in_scope(session: Session, actor: Actor, code: str | None) -> Organization:
    """The organization `code` (the actor's own root when None), refused when out of scope."""
    if code is None:
        org = session.exec(select(Organization).where(Organization.path == actor.root_path)).first()
        if org is None:
            raise NotFoundError(t("error.no_data"))
        return org
    org = org_by_code(session, code)
    if not actor.covers(org.path):
        raise ScopeError(t("error.out_of_scope", code=code))
    return org


def ancestors(session: Session, actor: Actor, org: Organization) -> list[Organization]:
    """The organizations from the actor's own down to `org` (included), for a breadcrumb."""
    ids = [int(part) for part in org.path.strip("/").split("/")]
    rows = session.exec(select(Organization).where(Organization.id.in_(ids))).all()
    by_id = {o.id: o for o in rows}
    return [by_id[i] for i in ids if actor.covers(by_id[i].path)]


def root_organization(session: Session) -> Organization:
    """The top of the tree (the first root), for operators working on the whole database."""
    org = session.exec(select(Organization).where(Organization.parent_id.is_(None)).order_by(Organization.id)).first()
    if org is None:
        raise NotFoundError(t("error.no_data"))
    return org


def operator(session: Session, username: str = "cli") -> Actor:
    """An admin over the whole tree, for the command line and the demo loader."""
    return Actor(username=username, role=Role.ADMIN, root_path=root_organization(session).path)
