"""Who is asking: the caller's identity and the subtree it may see.

Every read and write function in core takes an Actor and checks the organization it is
asked about against the actor's subtree, so a page cannot reach data out of scope.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from core.i18n import t
from core.procedure.stages import Role
from core.storage.models import Organization, OrgSuccession
from core.structure.dated import chain_on
from core.structure.tree import is_within, path_ids


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
    if not actor.covers(org.path) and not _taken_over_within(session, actor, org):
        raise ScopeError(t("error.out_of_scope", code=code))
    return org


def _taken_over_within(session: Session, actor: Actor, org: Organization, hops: int = 6) -> bool:
    """An organization that ended where the actor's subtree took it over (merged, dissolved or
    put under a new root, core.structure.restructure): its past is the actor's to see, though its
    last path lies outside (Huyện ủy Kim Bảng, ended on 30/6/2025, for Tỉnh ủy Ninh Bình)."""
    if org.valid_to is None and org.parent_id is not None:
        return False
    frontier = {org.id}
    for _ in range(hops):
        heirs = set(session.exec(select(OrgSuccession.to_organization_id).where(
            OrgSuccession.from_organization_id.in_(frontier), OrgSuccession.to_organization_id.is_not(None))).all())
        if not heirs:
            return False
        paths = session.exec(select(Organization.path).where(Organization.id.in_(heirs))).all()
        if any(actor.covers(path) for path in paths):
            return True
        frontier = heirs
    return False


@dataclass(frozen=True)
class Subtree:
    """An organization whose subtree the caller was checked against, once per request: what
    every read below takes, so none of them looks the organization or the scope up again.

    A plain value (no database object), so it can be a cache key and cross sessions.
    """

    actor: Actor
    id: int
    code: str
    name: str
    parent_id: int | None
    path: str
    depth: int
    kind: str
    sector: str
    active: bool


def resolve(session: Session, actor: Actor, code: str | None) -> Subtree:
    """The subtree of `code` (the actor's own root when None), refused when out of scope."""
    org = org_in_scope(session, actor, code)
    return Subtree(actor=actor, id=org.id, code=org.code, name=org.name, parent_id=org.parent_id, path=org.path,
                   depth=org.depth, kind=org.kind, sector=org.sector, active=org.active)


def ancestors(session: Session, subtree: Subtree, on: date | None = None) -> list[tuple[str, str]]:
    """(code, name) of the organizations from the caller's own down to the subtree's (included),
    for a breadcrumb: today's chain, or the chain as it stood on `on` (2023: Tỉnh ủy Hà Nam ›
    Huyện ủy Kim Bảng › Đảng bộ HĐND & UBND huyện), with the names of that day."""
    if on is not None:
        chain = [(e.id, e.code, e.name) for e in reversed(chain_on(session, subtree.id, on))]
    else:
        ids = path_ids(subtree.path)
        rows = {o.id: o for o in session.exec(select(Organization).where(Organization.id.in_(ids))).all()}
        chain = [(rows[i].id, rows[i].code, rows[i].name) for i in ids]
    orgs = {o.id: o for o in session.exec(select(Organization).where(Organization.id.in_([c[0] for c in chain]))).all()}
    return [(code, name) for org_id, code, name in chain
            if subtree.actor.covers(orgs[org_id].path) or _taken_over_within(session, subtree.actor, orgs[org_id])]


def root_organization(session: Session) -> Organization:
    """The top of the tree today (the first root that has not ended), for operators working on
    the whole database. A tree put under a new root (core.structure.restructure.new_root) has
    that one; what stood at the top on an earlier day is core.structure.dated.roots_on."""
    org = session.exec(select(Organization).where(Organization.parent_id.is_(None))
                       .order_by(Organization.valid_to.is_not(None), Organization.id)).first()
    if org is None:
        raise NotFoundError(t("error.no_data"))
    return org


def operator(session: Session, username: str = "cli") -> Actor:
    """An admin over the whole tree, for the command line and the demo loader."""
    return Actor(username=username, role=Role.ADMIN, root_path=root_organization(session).path)
