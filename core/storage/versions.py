"""What cached views key on, so that an edit shows at the next rerun of every view it changes
and of no other (a secretary's write in one province leaves another province's views warm).

Two counters, both raised in the transaction of the write itself:
- the data version (one row): raised by what every view reads, the tree (an organization's
  name, kind, sector, state; a restructuring), the calendar of days off, a reload of the data;
- a version per organization (SubtreeVersion): raised for every organization whose view can
  show what was written: the organizations on a path a written candidate stands on or has
  stood on (its events, papers, transfers, details), or on a path of an organization whose plan
  was written; and, for each of those, every organization it stands or stood under (`reach`).

A view of an organization shows its subtree and the organizations under it (two levels, for
the alerts) with figures over their whole history: C1-A, under C2 since a restructuring, shows
on C2's alerts with admissions made while it stood under C1, so a correction of one of those
raises C2 too. So (data version, the organization's version) changes whenever its figures can.
Writes that change nothing a view reads (accounts, sessions, the audit log) raise neither.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.storage.models import (
    Candidate,
    CandidatePlace,
    DataVersion,
    Organization,
    OrganizationEra,
    SubtreeVersion,
)
from core.structure.dated import chunked
from core.structure.tree import path_ids

Version = tuple[int, int]  # (data version, the organization's own)


def data_version(session: Session) -> int:
    """The version of what every view reads (one tiny query)."""
    return session.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar_one()


def bump_data_version(session: Session) -> None:
    """Raise the data version inside the caller's transaction: every view is read afresh."""
    session.execute(update(DataVersion).where(DataVersion.id == 1).values(version=DataVersion.version + 1))


def view_version(session: Session, org_id: int) -> Version:
    """What a view of the organization's subtree keys on: one query for both counters (an
    organization nothing was written below since the table began has version 0)."""
    own = select(SubtreeVersion.version).where(SubtreeVersion.organization_id == org_id).scalar_subquery()
    found, mine = session.execute(select(DataVersion.version, own).where(DataVersion.id == 1)).one()
    return int(found), int(mine or 0)


def bump_paths(session: Session, paths: Iterable[str]) -> None:
    """Raise the version of every organization on these paths (as `reach` gives them), in the
    caller's transaction. In ascending id order, so two writers never wait on each other's rows
    in opposite orders."""
    ids = sorted({org_id for path in paths if path for org_id in path_ids(path)})
    if not ids:
        return
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    table = SubtreeVersion.__table__
    for chunk in chunked(ids):
        stmt = insert(table).values([{"organization_id": org_id, "version": 1} for org_id in chunk])
        connection.execute(stmt.on_conflict_do_update(index_elements=["organization_id"],
                                                      set_={"version": table.c.version + 1}))


def _paths(session: Session, ids: Iterable[int], *sources) -> set[str]:
    """The paths of the rows of these ids in each (path column, id column) of `sources`."""
    ids = sorted({int(i) for i in ids if i is not None})
    paths: set[str] = set()
    for chunk in chunked(ids):
        for path, owner in sources:
            paths.update(session.execute(select(path).where(owner.in_(chunk))).scalars())
    return paths


def candidate_paths(session: Session, candidate_ids: Iterable[int]) -> set[str]:
    """Every path these candidates stand on now or stood on before (their places)."""
    return _paths(session, candidate_ids, (Candidate.org_path, Candidate.id),
                  (CandidatePlace.org_path, CandidatePlace.candidate_id))


def organization_paths(session: Session, org_ids: Iterable[int]) -> set[str]:
    """Every path these organizations stand on now or stood on before (their eras)."""
    return _paths(session, org_ids, (Organization.path, Organization.id),
                  (OrganizationEra.path, OrganizationEra.organization_id))


def reach(session: Session, paths: Iterable[str]) -> set[str]:
    """The paths whose views can show what lies on `paths`: these paths, and every path each
    organization on them has now or had before (its eras), where its figures show too."""
    paths = {path for path in paths if path}
    return paths | organization_paths(session, {org_id for path in paths for org_id in path_ids(path)})


def bump_candidates(session: Session, candidate_ids: Iterable[int], *, also: Iterable[str] = ()) -> None:
    """A write about these candidates: every view that can show them (and those of the paths
    `also`, a chi bộ a transfer left, say) is read afresh."""
    bump_paths(session, reach(session, candidate_paths(session, candidate_ids) | set(also)))

