"""The tree through time: which organizations stood where on a day, and where each candidate was.

An Organization row is what the organization is now: its parent, path, depth, name and kind
hold from `placed_from` (NULL: always), and it exists from `valid_from` to `valid_to` (NULL:
open). What it was before lies in OrganizationEra rows, one per stretch of days. A stretch of
an organization is an `Era` here, with its first and last day (None: open).

A path names the whole chain of ids above an organization, so a path means the same thing on
every day it was held: "/1/2/7/23/" is chi bộ 23 under 7 under 2 under 1, whenever that was.
A figure therefore counts each event on the path the candidate had on the day of the event
(`placed_candidates`): a chi bộ moved from a district's commune to a new commune on 01/7/2025
counts its first half-year under the district and its second under the new commune, and the
organizations above add up across the change. An organization's subtree over a period is the
ranges of the paths of its eras in that period (`subtree_paths`).

Nothing here writes; core.structure.restructure does (and core.procedure.transfers, for a
candidate's places), keeping these invariants: the eras of an organization do not overlap and
end where the next begins; `placed_from`, where set, is not before `valid_from`, nor after
`valid_to` (an organization ended holds its last place); a change's effective date is not
before any change it follows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, and_, func, literal, or_, true, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from core.storage.models import (
    NOT_SETTLED,
    Candidate,
    CandidatePlace,
    Organization,
    OrganizationEra,
)
from core.storage.sqlfuncs import one_of
from core.structure.tree import path_ids


@dataclass(frozen=True)
class Era:
    """One stretch of days of an organization, with what it was then."""

    id: int
    code: str
    name: str
    parent_id: int | None
    path: str
    depth: int
    kind: str
    sector: str
    active: bool
    start: date | None  # first day of the stretch (None: since ever)
    end: date | None  # last day of the stretch (None: it still holds)
    founded: date | None = None  # the organization's first and last days (Organization.valid_from, valid_to)
    ended: date | None = None

    def holds_on(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or self.end >= day)


def overlaps(first, last, lo: date, hi: date) -> ColumnElement[bool]:
    """SQL: the stretch [first, last] (NULL: open) has a day in [lo, hi]."""
    return and_(or_(first.is_(None), first <= hi), or_(last.is_(None), last >= lo))


def current_start():
    """SQL: the first day of an organization's current stretch."""
    return func.coalesce(Organization.placed_from, Organization.valid_from)


def _current(*conditions):
    return select(Organization.id, Organization.code, Organization.name, Organization.parent_id, Organization.path,
                  Organization.depth, Organization.kind, Organization.sector, Organization.active,
                  current_start(), Organization.valid_to, Organization.valid_from, Organization.valid_to).where(*conditions)


def _past(*conditions):
    return (select(Organization.id, Organization.code, OrganizationEra.name, OrganizationEra.parent_id,
                   OrganizationEra.path, OrganizationEra.depth, OrganizationEra.kind, Organization.sector,
                   Organization.active, OrganizationEra.valid_from, OrganizationEra.valid_to, Organization.valid_from,
                   Organization.valid_to)
            .join(Organization, Organization.id == OrganizationEra.organization_id).where(*conditions))


def _eras(session: Session, current_condition, past_condition, lo: date, hi: date) -> list[Era]:
    rows = session.exec(_current(current_condition, overlaps(current_start(), Organization.valid_to, lo, hi))).all()
    if has_past(session):
        rows += session.exec(_past(past_condition, overlaps(OrganizationEra.valid_from, OrganizationEra.valid_to, lo, hi))).all()
    return [Era(*row) for row in rows]


def has_past(session: Session) -> bool:
    """Whether any organization has a past stretch (a tree never restructured has none).

    A screen asks a dozen times: once the answer is yes, the session remembers it (asking again
    while it is no, since a restructuring in the session can make it yes). Should the past be
    gone again in that session, the queries of the past only find nothing."""
    if session.info.get("has_past"):
        return True
    found = session.exec(select(OrganizationEra.id).limit(1)).first() is not None
    if found:
        session.info["has_past"] = True
    return found


def eras_of(session: Session, org_id: int, lo: date = date.min, hi: date = NOT_SETTLED) -> list[Era]:
    """The stretches of one organization with a day in [lo, hi], oldest first."""
    eras = _eras(session, Organization.id == org_id, OrganizationEra.organization_id == org_id, lo, hi)
    return sorted(eras, key=lambda e: e.start or date.min)


def era_at(session: Session, org_id: int, day: date) -> Era | None:
    """What the organization was on `day`, or None when it did not exist then."""
    eras = eras_of(session, org_id, day, day)
    return eras[0] if eras else None


def children_eras(session: Session, parent_ids: list[int], lo: date, hi: date) -> list[Era]:
    """The stretches, with a day in [lo, hi], of organizations while they stood under one of
    `parent_ids`: a chi bộ moved between two communes in the period has one under each."""
    return [era for chunk in chunked(parent_ids) for era in _eras(
        session, one_of(Organization.parent_id, chunk), one_of(OrganizationEra.parent_id, chunk), lo, hi)]


# Ids per IN (…) list: PostgreSQL takes at most 65.535 parameters a statement, SQLite 32.766.
IDS_PER_QUERY = 10_000


def chunked(ids: list[int]) -> list[list[int]]:
    """`ids` in lists short enough for one IN (…) each."""
    ids = list(ids)
    return [ids[i:i + IDS_PER_QUERY] for i in range(0, len(ids), IDS_PER_QUERY)]


def subtree_paths(session: Session, org_id: int, lo: date, hi: date) -> list[str]:
    """The paths the organization had in [lo, hi] (usually one): its subtree over the period is
    the union of their ranges."""
    return sorted({e.path for e in eras_of(session, org_id, lo, hi)})


def paths_of(session: Session, org_ids: list[int], lo: date, hi: date) -> dict[int, tuple[str, ...]]:
    """{organization id: every path it had in [lo, hi]}: what matches its rows when figures
    of several years are rolled up (a chi bộ moved in 2025 has its 2024 admissions on the old
    path)."""
    rows = []
    for chunk in chunked(org_ids):
        rows += session.exec(select(Organization.id, Organization.path).where(
            one_of(Organization.id, chunk), overlaps(current_start(), Organization.valid_to, lo, hi))).all()
        if has_past(session):
            rows += session.exec(select(OrganizationEra.organization_id, OrganizationEra.path).where(
                one_of(OrganizationEra.organization_id, chunk),
                overlaps(OrganizationEra.valid_from, OrganizationEra.valid_to, lo, hi))).all()
    found: dict[int, set[str]] = {}
    for org_id, path in rows:
        found.setdefault(org_id, set()).add(path)
    return {org_id: tuple(sorted(paths)) for org_id, paths in found.items()}


def era_on(session: Session, org_id: int, day: date) -> Era:
    """What the organization was on `day`; for a day it did not exist (a document dated before
    its founding or after its end), the stretch nearest to that day."""
    found = era_at(session, org_id, day)
    if found is not None:
        return found
    eras = eras_of(session, org_id)
    return next((e for e in eras if e.start is not None and e.start > day), eras[-1])


def chain_on(session: Session, org_id: int, day: date) -> list[Era]:
    """The organization on `day` and the ones above it then, nearest first. A path names the
    whole chain it held, so the chain is the path of that day's stretch. For a day the
    organization did not exist, the chain of its nearest day (its first or last)."""
    era = era_on(session, org_id, day)
    if not era.holds_on(day):
        day = era.start if era.start is not None and era.start > day else era.end
    return [era, *(era_on(session, i, day) for i in reversed(path_ids(era.path)[:-1]))]


def roots_on(session: Session, day: date) -> list[Era]:
    """The organizations with no parent on `day` (one, in a tree of one đảng bộ)."""
    return sorted((e for e in _eras(session, Organization.parent_id.is_(None), OrganizationEra.parent_id.is_(None),
                                    day, day) if e.parent_id is None), key=lambda e: e.path)


@dataclass(frozen=True)
class Placed:
    """The candidates as the figures of a period count them: `entity` is used like Candidate
    (its columns have the same names), and `on(day)` is the condition that a row is where the
    candidate stood on that day. Where nobody moved in the period, `entity` is Candidate itself
    and `on` is always true, so those queries are exactly what they were before the tree had a
    past; otherwise a candidate has a row per place, with its first and last day."""

    entity: Any
    span_from: Any = None
    span_to: Any = None

    def on(self, day) -> ColumnElement[bool]:
        if self.span_from is None:
            return true()
        return and_(or_(self.span_from.is_(None), self.span_from <= day), self.span_to >= day)


_CANDIDATE_COLUMNS = [c.name for c in Candidate.__table__.columns]


def placed_candidates(session: Session, since: date) -> Placed:
    """The candidates placed for counting events and standings from `since` on (see Placed)."""
    table, place = Candidate.__table__, CandidatePlace.__table__
    moved = session.exec(select(CandidatePlace.id).where(CandidatePlace.valid_to >= since).limit(1)).first() \
        or session.exec(select(Candidate.id).where(Candidate.placed_from > since).limit(1)).first()
    if not moved:
        return Placed(Candidate)
    now = select(*[table.c[n] for n in _CANDIDATE_COLUMNS], table.c.placed_from.label("span_from"),
                 literal(NOT_SETTLED, Date).label("span_to"))
    before = (
        select(*[place.c[n].label(n) if n in ("organization_id", "org_path") else table.c[n] for n in _CANDIDATE_COLUMNS],
               place.c.valid_from.label("span_from"), place.c.valid_to.label("span_to"))
        .select_from(place.join(table, table.c.id == place.c.candidate_id))
        .where(place.c.valid_to >= since)
    )
    placed = union_all(now, before).subquery("placed")
    return Placed(aliased(Candidate, placed, adapt_on_names=True), placed.c.span_from, placed.c.span_to)
