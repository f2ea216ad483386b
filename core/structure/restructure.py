"""Changes of the tree with an effective date: move, merge, split, dissolve, a dated rename, a new root.

Each change is one transaction, all or nothing, and keeps the past where it was
(core.structure.dated): from the effective date E, the organizations moved stand under their
new parent, and every candidate with them; the days before E keep their old paths, names and
kinds as OrganizationEra and CandidatePlace rows, so every figure of a past day is what it was.

- **move**: an organization and its subtree go under another parent from E.
- **merge** (sáp nhập, hợp nhất): one or more organizations into an existing one, or two or
  more into a new one. The children of each go under the target, the candidates of a chi bộ
  merged into a chi bộ go to it (with their history; stage events are not touched), the
  accounts of the merged go to the target, and they end on E - 1.
- **split** (chia tách): the children of one organization are shared out among others (new or
  existing); every child must be given somewhere, and the organization ends on E - 1.
- **dissolve** (giải thể): an organization with nothing left under it ends on E - 1; refused
  while it still has organizations or candidates, or plans of later years with no organization
  named to take them (`plans_to`), and for the root.
- **rename** with a date: the name (and kind) change from E; before E documents and screens use
  the old ones. A rename without a date corrects a name (core.structure.organizations).
- **new root**: an organization above the whole tree from E (Tỉnh ủy Ninh Bình above an
  existing Kim Bảng database), the old root moved under it, and the admin accounts of the old
  root moved up to it (they keep the whole tree).

Plans: the plans of years after E's go with the organizations to the one that takes them over
(added to its own; a split shares them by the chi bộ each receiving organization gets). E's
year has a plan for each part (the issue of 2025): an ending organization keeps the part of its
plan for the days before E, the organizations taking it over get the rest; the part is the
admin's (`parts`, `part`), else shared by days (`default_part`) and shown in the preview before
anything is written. Members at the start of E's year stay with the ending organization (they
were members there on 01/01); later years' go with the plans. A change on 01/01 leaves the
ending organization nothing of E's year: that year goes whole, members too.

Accounts: those of merged organizations go to the target. An organization split or dissolved
has no one successor: its admin and leader accounts go to its parent (they read and manage
above anyway), its secretary and projector accounts are disabled for an admin to give them
their new organization, as a secretary moved to the parent would see more than their own.

Every refusal names each problem in Vietnamese and writes nothing, not even to the session
(all is checked before the first write): an effective date missing, in the future, or before
a change already recorded in what ends or moves (an organization placed anew or ended later)
or where it goes (an organization placed anew later); a candidate's own later move (a transfer
recorded before the reorganisation was) does not refuse it: the candidate's places are cut at
E (`_move_places`), the part before kept, the part after moved with the chi bộ; an
organization that ended or did not exist yet on E; a cycle; an organization left with
candidates or plans nowhere; the same person open in two merged chi bộ; a stale version.
Changes on one day may follow each other (the reorganisation of 01/7/2025 is a sequence of
them); an organization placed anew on E and ended on E - 1 keeps the place it had before.

`preview` runs a change inside a savepoint and rolls it back: what would move and the figures
before and after, computed by the same code that writes it.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import String, and_, case, delete, func, insert, literal, or_, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from core.access.audit import record_audit
from core.access.scope import Actor, NotFoundError, ScopeError, org_by_code
from core.errors import FormError
from core.format import clean_text, date_range_error, fmt_date
from core.i18n import t
from core.procedure.pipeline import StaleEditError
from core.procedure.stages import CELL_KINDS, OrgKind, Role
from core.storage import kept
from core.storage.limits import too_long
from core.storage.models import (
    Candidate,
    CandidatePlace,
    Organization,
    OrganizationEra,
    OrgSuccession,
    Restructuring,
    User,
    YearPlan,
)
from core.storage.versions import bump_data_version
from core.structure.dated import current_start
from core.structure.organizations import check_new_organization
from core.structure.tree import child_path, in_subtree, is_within

KINDS = ("move", "merge", "split", "dissolve", "rename", "new_root")
# Accounts that keep working under the parent of an organization that ends without one successor.
_ROLES_TO_PARENT = (Role.ADMIN.value, Role.LEADER.value)


@dataclass
class Outcome:
    """What a change did (or, in a preview, would do)."""

    kind: str
    effective_date: date
    organizations_moved: int = 0
    candidates_moved: int = 0
    users_moved: int = 0
    ended: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    plans: list[tuple[str, int, int, int]] = field(default_factory=list)  # (name, year, before, after)
    restructuring_id: int | None = None
    users_disabled: int = 0


@dataclass(frozen=True)
class NewOrg:
    """An organization a merge or a split creates (under `parent_code`, from E)."""

    parent_code: str
    code: str
    name: str
    kind: str
    sector: str


# --- checks (they read, never write) ------------------------------------------------------------

def _admin(actor: Actor, *orgs: Organization) -> None:
    outside = next((o for o in orgs if not actor.covers(o.path)), None)
    if actor.role is not Role.ADMIN or outside is not None:
        code = outside.code if outside is not None else (orgs[0].code if orgs else "")
        raise ScopeError(t("error.out_of_scope", code=code))


def _stale(org: Organization, expected_version: int | None) -> None:
    if expected_version is not None and org.version != expected_version:
        raise StaleEditError()


def _effective(effective: date | None, today: date) -> date:
    if effective is None:
        raise FormError([t("restructure.date_required")])
    if message := date_range_error(effective):
        raise FormError([message])
    if effective > today:
        raise FormError([t("restructure.future", date=fmt_date(effective))])
    return effective


def _alive_errors(org: Organization, effective: date) -> list[str]:
    """The organization exists on `effective` (founded by then, not ended)."""
    if org.valid_to is not None:
        return [t("restructure.ended", org=org.name, date=fmt_date(org.valid_to))]
    if org.valid_from is not None and org.valid_from > effective:
        return [t("restructure.not_yet", org=org.name, date=fmt_date(org.valid_from))]
    return []


def _latest_change(session: Session, path: str) -> date | None:
    """The last day from which an organization of the subtree holds anew: placed there, or the
    day after one of it ended. Candidates' own moves (transfers) may come later: a change dated
    before them cuts their places at its date (_move_places)."""
    placed = session.exec(select(func.max(current_start())).where(in_subtree(path), Organization.valid_to.is_(None))).one()
    ended = session.exec(select(func.max(Organization.valid_to)).where(in_subtree(path))).one()
    days = [d for d in (placed, ended + timedelta(days=1) if ended else None) if d is not None]
    return max(days) if days else None


def _leaving_errors(session: Session, effective: date, org: Organization) -> list[str]:
    """What moves or ends from `effective`: alive then, and nothing in its subtree changed later."""
    errors = _alive_errors(org, effective)
    latest = _latest_change(session, org.path)
    if latest is not None and latest > effective:
        errors.append(t("restructure.before_last", date=fmt_date(effective), org=org.name, last=fmt_date(latest)))
    return errors


def _receiving_errors(effective: date, org: Organization) -> list[str]:
    """Where something goes from `effective`: alive then, and on the place (path) it has now."""
    errors = _alive_errors(org, effective)
    start = org.placed_from or org.valid_from
    if not errors and start is not None and start > effective:
        errors.append(t("restructure.before_last", date=fmt_date(effective), org=org.name, last=fmt_date(start)))
    return errors


def _refuse(errors: list[str]) -> None:
    if errors:
        raise FormError(list(dict.fromkeys(errors)))


def _document(document_number: str) -> str:
    document_number = clean_text(document_number)
    if message := too_long(document_number, Restructuring, "document_number", t("restructure.document")):
        raise FormError([message])
    return document_number


def _live_children(session: Session, org: Organization) -> list[Organization]:
    return list(session.exec(select(Organization).where(Organization.parent_id == org.id,
                                                        Organization.valid_to.is_(None))
                             .order_by(Organization.path)).all())


def _candidates_in(session: Session, org: Organization) -> int:
    return session.exec(select(func.count()).select_from(Candidate).where(Candidate.organization_id == org.id)).one()


def _ends_errors(org: Organization, effective: date) -> list[str]:
    if org.valid_from is not None and org.valid_from >= effective:
        return [t("restructure.ends_before_start", org=org.name, date=fmt_date(org.valid_from))]
    return []


def _same_people(session: Session, cells: list[Organization]) -> list[str]:
    """The persons open (no exit) in two of the chi bộ `cells` that are to become one."""
    names = {o.id: o.name for o in cells}
    rows = session.exec(select(Candidate.identity_key, Candidate.full_name, Candidate.organization_id).where(
        Candidate.organization_id.in_(list(names)), Candidate.exit.is_(None)).order_by(Candidate.id)).all()
    first: dict[str, int] = {}
    errors = []
    for key, name, org_id in rows:
        if key in first and first[key] != org_id:
            errors.append(t("restructure.same_person", name=name, source=names[org_id], target=names[first[key]]))
        first.setdefault(key, org_id)
    return errors


def _new_org_errors(session: Session, actor: Actor, spec: NewOrg, effective: date,
                    ending: Iterable[Organization]) -> tuple[Organization, list[str]]:
    """The parent of a new organization, and what stops it being founded under it on E."""
    parent = org_by_code(session, spec.parent_code)
    _admin(actor, parent)
    errors = _receiving_errors(effective, parent)
    if parent.kind in CELL_KINDS:
        errors.append(t("restructure.under_cell", parent=parent.name))
    if gone := next((o for o in ending if is_within(parent.path, o.path)), None):
        errors.append(t("restructure.new_under_ending", org=spec.name, parent=parent.name, ending=gone.name))
    try:
        check_new_organization(session, code=spec.code, name=spec.name, kind=spec.kind, sector=spec.sector)
    except FormError as refused:
        errors += refused.errors
    return parent, errors


def _new_codes_errors(specs: list[NewOrg]) -> list[str]:
    repeated = [c for c, n in Counter(clean_text(s.code).upper() for s in specs).items() if n > 1]
    return [t("form.code_exists", code=c) for c in repeated]


def _plan(session: Session, org_id: int, year: int) -> YearPlan | None:
    return session.exec(select(YearPlan).where(YearPlan.organization_id == org_id, YearPlan.year == year)).first()


def _part_errors(session: Session, org: Organization, effective: date, part: int | None) -> list[str]:
    plan = _plan(session, org.id, effective.year)
    if part is None or plan is None or _first_of_year(effective):
        return []
    if not 0 <= part <= plan.target:
        return [t("restructure.bad_part", org=org.name, target=plan.target)]
    return []


# --- the writes ---------------------------------------------------------------------------------

def _moved_path(column, old: str, new: str) -> ColumnElement[str]:
    """SQL: a path under `old` rewritten under `new` (`new || substr(path, len(old) + 1)`)."""
    return literal(new, String) + func.substr(column, len(old) + 1)


def _relocate(session: Session, org: Organization, parent: Organization | None, effective: date) -> tuple[int, int]:
    """Put `org` and what is under it (alive) under `parent` from `effective`; the days before
    keep their paths. Returns (organizations moved, candidates moved)."""
    session.flush()
    old = org.path
    new = child_path(parent.path if parent is not None else None, org.id)
    depth_change = (parent.depth + 1 if parent is not None else 0) - org.depth
    last_day = effective - timedelta(days=1)
    live = (in_subtree(old), Organization.valid_to.is_(None))
    began_before = or_(current_start().is_(None), current_start() < effective)
    moved = session.exec(select(func.count()).select_from(Organization).where(*live)).one()
    session.execute(insert(OrganizationEra).from_select(
        ["organization_id", "parent_id", "path", "depth", "name", "kind", "valid_from", "valid_to"],
        select(Organization.id, Organization.parent_id, Organization.path, Organization.depth, Organization.name,
               Organization.kind, current_start(), literal(last_day)).where(*live, began_before)))
    session.execute(
        update(Organization).where(*live)
        .values(path=_moved_path(Organization.path, old, new), depth=Organization.depth + depth_change,
                placed_from=effective)
        .execution_options(synchronize_session=False))
    session.execute(update(Organization).where(Organization.id == org.id)
                    .values(parent_id=parent.id if parent is not None else None, version=Organization.version + 1)
                    .execution_options(synchronize_session=False))
    in_old = in_subtree(old, Candidate.org_path)
    people = session.exec(select(func.count()).select_from(Candidate).where(in_old)).one()
    _move_places(session, effective, now=in_old, before=in_subtree(old, CandidatePlace.org_path),
                 path=lambda column: _moved_path(column, old, new))
    session.expire_all()
    return moved, people


def _move_places(session: Session, effective: date, *, now, before, path, organization_id=None) -> None:
    """Move candidates from `effective` on: those matching `now` (Candidate) and the past places
    matching `before` (CandidatePlace) that reach that day, to `path(column)` (and to
    `organization_id` when given). A stretch that began before `effective` is cut there, the
    part before kept as it was: so a change recorded after a later transfer is still right."""
    last_day = effective - timedelta(days=1)
    columns = ["candidate_id", "organization_id", "org_path", "valid_from", "valid_to"]
    reaching = and_(before, CandidatePlace.valid_to >= effective)
    began_before = or_(CandidatePlace.valid_from.is_(None), CandidatePlace.valid_from < effective)
    session.execute(insert(CandidatePlace).from_select(columns, select(
        CandidatePlace.candidate_id, CandidatePlace.organization_id, CandidatePlace.org_path, CandidatePlace.valid_from,
        literal(last_day)).where(reaching, began_before)))
    moved = {"org_path": path(CandidatePlace.org_path),
             "valid_from": case((began_before, effective), else_=CandidatePlace.valid_from)}
    if organization_id is not None:
        moved["organization_id"] = organization_id
    session.execute(update(CandidatePlace).where(reaching).values(**moved).execution_options(synchronize_session=False))
    placed_before = or_(Candidate.placed_from.is_(None), Candidate.placed_from < effective)
    session.execute(insert(CandidatePlace).from_select(columns, select(
        Candidate.id, Candidate.organization_id, Candidate.org_path, Candidate.placed_from, literal(last_day))
        .where(now, placed_before)))
    current = {"org_path": path(Candidate.org_path),
               "placed_from": case((placed_before, effective), else_=Candidate.placed_from)}
    if organization_id is not None:
        current |= {"organization_id": organization_id, "version": Candidate.version + 1}
    session.execute(update(Candidate).where(now).values(**current).execution_options(synchronize_session=False))


def _move_candidates(session: Session, source: Organization, target: Organization, effective: date) -> int:
    """Every candidate of a chi bộ merged into another goes there, history and all (checked
    beforehand: no one is open in both)."""
    mine = Candidate.organization_id == source.id
    count = session.exec(select(func.count()).select_from(Candidate).where(mine)).one()
    _move_places(session, effective, now=mine, before=CandidatePlace.organization_id == source.id,
                 path=lambda _column: literal(target.path, String), organization_id=target.id)
    session.expire_all()
    return count


def _end(session: Session, org: Organization, effective: date) -> None:
    """The organization's last day is E - 1. Placed anew on E itself (by an earlier change of
    the same day), it never stood there: its last stretch before E becomes its current row."""
    org = session.get(Organization, org.id)
    era = session.exec(select(OrganizationEra).where(OrganizationEra.organization_id == org.id,
                                                     OrganizationEra.valid_to == effective - timedelta(days=1))).first()
    if org.placed_from == effective and era is not None:
        org.parent_id, org.path, org.depth, org.name, org.kind = era.parent_id, era.path, era.depth, era.name, era.kind
        org.placed_from = era.valid_from
        session.execute(delete(OrganizationEra).where(OrganizationEra.id == era.id))
    org.valid_to, org.active, org.version = effective - timedelta(days=1), False, org.version + 1
    session.add(org)
    session.flush()


def _move_users(session: Session, source: Organization, target: Organization, roles: tuple[str, ...] = ()) -> int:
    """The accounts of `source` (of `roles` only, when given) go to `target`."""
    mine = (User.organization_id == source.id, *((User.role.in_(roles),) if roles else ()))
    users = session.exec(select(func.count()).select_from(User).where(*mine)).one()
    session.execute(update(User).where(*mine).values(organization_id=target.id, version=User.version + 1)
                    .execution_options(synchronize_session=False))
    return users


def _rehome_users(session: Session, outcome: Outcome, org: Organization, heir: Organization) -> None:
    """The accounts of an organization ending without one successor (see the module's
    docstring): admins and leaders to `heir` (its parent), the others disabled."""
    outcome.users_moved += _move_users(session, org, heir, _ROLES_TO_PARENT)
    others = (User.organization_id == org.id, User.active)
    outcome.users_disabled += session.exec(select(func.count()).select_from(User).where(*others)).one()
    session.execute(update(User).where(*others).values(active=False, version=User.version + 1)
                    .execution_options(synchronize_session=False))


def _create(session: Session, spec: NewOrg, parent: Organization, effective: date, outcome: Outcome) -> Organization:
    org = Organization(code=clean_text(spec.code).upper(), name=clean_text(spec.name), parent_id=parent.id, path="/",
                       depth=parent.depth + 1, kind=spec.kind, sector=spec.sector, valid_from=effective, version=1)
    session.add(org)
    session.flush()
    org.path = child_path(parent.path, org.id)
    session.add(org)
    session.flush()
    outcome.created.append(org.name)
    return org


# --- plans --------------------------------------------------------------------------------------

def _first_of_year(effective: date) -> bool:
    return effective == date(effective.year, 1, 1)


def default_part(target: int, effective: date) -> int:
    """The part of a year's plan for the days before `effective`, shared by days (half up)."""
    year_days = (date(effective.year, 12, 31) - date(effective.year, 1, 1)).days + 1
    return math.floor(target * (effective - date(effective.year, 1, 1)).days / year_days + 0.5)


def _add_plan(session: Session, outcome: Outcome, org: Organization, year: int, target: int,
              members: int | None) -> None:
    plan = _plan(session, org.id, year)
    before = plan.target if plan is not None else 0
    if plan is None:
        plan = YearPlan(organization_id=org.id, year=year, target=0, members_start=None, version=0)
    plan.target += target
    if members is not None:
        plan.members_start = (plan.members_start or 0) + members
    plan.version += 1
    session.add(plan)
    session.flush()
    outcome.plans.append((org.name, year, before, plan.target))


def _hand_over_plans(session: Session, outcome: Outcome, source: Organization, shares: list[tuple[Organization, float]],
                     effective: date, part: int | None) -> None:
    """The source's plans go to the organizations taking it over, in `shares` (fractions adding
    to 1): later years whole, E's year less the source's own part (`part`, default by days;
    checked beforehand, see _part_errors)."""
    plans = session.exec(select(YearPlan).where(YearPlan.organization_id == source.id,
                                                YearPlan.year >= effective.year).order_by(YearPlan.year)).all()
    for plan in plans:
        if plan.year == effective.year and not _first_of_year(effective):
            kept = default_part(plan.target, effective) if part is None else part
            rest, members = plan.target - kept, None
            outcome.plans.append((source.name, plan.year, plan.target, kept))
            plan.target, plan.version = kept, plan.version + 1
            session.add(plan)
        else:
            rest, members = plan.target, plan.members_start
            outcome.plans.append((source.name, plan.year, plan.target, 0))
            session.delete(plan)
        session.flush()
        given = _shared(rest, [share for _, share in shares])
        given_members = _shared(members, [share for _, share in shares]) if members is not None else [None] * len(shares)
        for (org, _), amount, people in zip(shares, given, given_members):
            if amount or people:
                _add_plan(session, outcome, org, plan.year, amount, people)


def _shared(total: int, shares: list[float]) -> list[int]:
    """`total` in whole parts by `shares`, the remainders to the largest fractions."""
    raw = [total * s for s in shares]
    parts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


# --- the changes --------------------------------------------------------------------------------

def _recorded(session: Session, actor: Actor, outcome: Outcome, *, document_number: str, note: str,
              subject: Organization, successions: list[tuple[Organization, Organization | None]]) -> Outcome:
    row = Restructuring(kind=outcome.kind, effective_date=outcome.effective_date, document_number=document_number,
                        note=clean_text(note), recorded_by=actor.username)
    session.add(row)
    session.flush()
    for source, target in successions:
        session.add(OrgSuccession(restructuring_id=row.id, from_organization_id=source.id,
                                  to_organization_id=target.id if target is not None else None,
                                  effective_date=outcome.effective_date))
    outcome.restructuring_id = row.id
    record_audit(session, username=actor.username, action=f"restructure_{outcome.kind}", entity="organization",
                 entity_id=subject.id, before=None,
                 after=dict(effective_date=outcome.effective_date.isoformat(), document_number=document_number,
                            organizations_moved=outcome.organizations_moved, candidates_moved=outcome.candidates_moved,
                            users_moved=outcome.users_moved, users_disabled=outcome.users_disabled,
                            ended=outcome.ended, created=outcome.created,
                            sources=[s.id for s, _ in successions],
                            targets=[d.id for _, d in successions if d is not None]))
    session.flush()
    if outcome.kind != "rename":  # candidates moved in bulk, past no flush: the kept counts from that year on again
        kept.recount(session, outcome.effective_date.year)
    bump_data_version(session)
    return outcome


def move(session: Session, actor: Actor, *, org_code: str, new_parent_code: str, effective_date: date | None,
         today: date, document_number: str = "", note: str = "", expected_version: int | None = None) -> Outcome:
    """`org_code` and its subtree under `new_parent_code` from `effective_date`."""
    org, parent = org_by_code(session, org_code), org_by_code(session, new_parent_code)
    _admin(actor, org, parent)
    _stale(org, expected_version)
    effective = _effective(effective_date, today)
    document = _document(document_number)
    if is_within(parent.path, org.path):
        raise FormError([t("error.move_cycle", org=org.name, parent=parent.name)])
    if org.parent_id == parent.id:
        raise FormError([t("restructure.already_there", org=org.name, parent=parent.name)])
    errors = _leaving_errors(session, effective, org) + _receiving_errors(effective, parent)
    if parent.kind in CELL_KINDS:
        errors.append(t("restructure.under_cell", parent=parent.name))
    _refuse(errors)
    outcome = Outcome("move", effective)
    outcome.organizations_moved, outcome.candidates_moved = _relocate(session, org, parent, effective)
    return _recorded(session, actor, outcome, document_number=document, note=note, subject=org,
                     successions=[(org, parent)])


def merge(session: Session, actor: Actor, *, source_codes: list[str], effective_date: date | None, today: date,
          target_code: str | None = None, new: NewOrg | None = None, parts: dict[str, int] | None = None,
          document_number: str = "", note: str = "") -> Outcome:
    """The organizations `source_codes` into `target_code` (existing) or `new` from
    `effective_date`; `parts`: {source code: its part of E's year's plan} (default by days)."""
    codes = list(dict.fromkeys(c for c in source_codes if c))
    if len(codes) < (2 if new is not None else 1):
        raise FormError([t("restructure.sources_required")])
    if (target_code is None) == (new is None):
        raise FormError([t("restructure.target_required")])
    sources = [org_by_code(session, c) for c in codes]
    _admin(actor, *sources)
    effective = _effective(effective_date, today)
    document = _document(document_number)
    parts = parts or {}
    errors: list[str] = []
    if new is not None:
        parent, errors = _new_org_errors(session, actor, new, effective, sources)
        target, target_name, target_kind, target_path = None, clean_text(new.name), new.kind, None
    else:
        target = org_by_code(session, target_code)
        _admin(actor, target)
        errors = _receiving_errors(effective, target)
        target_name, target_kind, target_path = target.name, target.kind, target.path
    for source in sources:
        errors += _leaving_errors(session, effective, source) + _ends_errors(source, effective)
        if target is not None and (source.id == target.id or is_within(target_path, source.path)):
            errors.append(t("restructure.into_itself", org=source.name, target=target_name))
        if within := next((o for o in sources if o.id != source.id and is_within(source.path, o.path)), None):
            errors.append(t("restructure.nested_sources", org=source.name, other=within.name))
        people = _candidates_in(session, source)
        if people and target_kind not in CELL_KINDS:
            errors.append(t("restructure.people_need_cell", org=source.name, count=people, target=target_name))
        if target_kind in CELL_KINDS and _live_children(session, source):
            errors.append(t("restructure.under_cell", parent=target_name))
        errors += _part_errors(session, source, effective, parts.get(source.code))
    if target_kind in CELL_KINDS:
        errors += _same_people(session, [*([target] if target is not None else []), *sources])
    _refuse(errors)

    outcome = Outcome("merge", effective)
    if target is None:
        target = _create(session, new, parent, effective, outcome)
    target_id = target.id
    for source in sources:
        for child in _live_children(session, source):
            orgs, people = _relocate(session, child, session.get(Organization, target_id), effective)
            outcome.organizations_moved += orgs
            outcome.candidates_moved += people
        target = session.get(Organization, target_id)
        outcome.candidates_moved += _move_candidates(session, source, target, effective)
        outcome.users_moved += _move_users(session, source, target)
        _hand_over_plans(session, outcome, source, [(target, 1.0)], effective, parts.get(source.code))
        _end(session, source, effective)
        outcome.ended.append(source.name)
    target = session.get(Organization, target_id)
    return _recorded(session, actor, outcome, document_number=document, note=note, subject=target,
                     successions=[(s, target) for s in sources])


def _cells_under(session: Session, org: Organization) -> int:
    """The chi bộ (alive) in the organization's subtree, itself included."""
    return session.exec(select(func.count()).select_from(Organization).where(
        in_subtree(org.path), Organization.valid_to.is_(None),
        Organization.kind.in_([k.value for k in CELL_KINDS]))).one()


def split(session: Session, actor: Actor, *, source_code: str, effective_date: date | None, today: date,
          assignment: dict[str, str], new: list[NewOrg] = (), part: int | None = None,
          document_number: str = "", note: str = "") -> Outcome:
    """The children of `source_code` shared out: `assignment` {child code: code of the
    organization it goes to, existing or one of `new`}; the source ends on E - 1. Its plans go
    to the receiving organizations in proportion to the chi bộ each receives (`part`: the
    source's own part of E's year's plan, default by days)."""
    source = org_by_code(session, source_code)
    _admin(actor, source)
    effective = _effective(effective_date, today)
    document = _document(document_number)
    children = _live_children(session, source)
    if not children:
        raise FormError([t("restructure.nothing_to_split", org=source.name)])
    errors = _leaving_errors(session, effective, source) + _ends_errors(source, effective)
    if missing := [c.name for c in children if not clean_text(assignment.get(c.code) or "")]:
        errors.append(t("restructure.left_nowhere", names=", ".join(missing), org=source.name))
    if people := _candidates_in(session, source):
        errors.append(t("restructure.people_left", org=source.name, count=people))
    errors += _part_errors(session, source, effective, part)
    new = list(new)
    errors += _new_codes_errors(new)
    parents: dict[str, Organization] = {}
    for spec in new:
        parents[clean_text(spec.code).upper()], found = _new_org_errors(session, actor, spec, effective, [source])
        errors += found
    targets: dict[str, Organization | str] = {}  # child code: an existing organization, or a new one's code
    for child in children:
        code = clean_text(assignment.get(child.code) or "").upper()
        if not code:
            continue
        if code in parents:
            targets[child.code] = code
            continue
        try:
            target = org_by_code(session, code)
        except NotFoundError as unknown:
            errors.append(str(unknown))
            continue
        _admin(actor, target)
        if target.id == source.id or is_within(target.path, child.path):
            errors.append(t("restructure.into_itself", org=child.name, target=target.name))
        elif target.kind in CELL_KINDS:
            errors.append(t("restructure.under_cell", parent=target.name))
        errors += _receiving_errors(effective, target)
        targets[child.code] = target
    if kinds := [s for s in new if s.kind in CELL_KINDS and clean_text(s.code).upper() in targets.values()]:
        errors += [t("restructure.under_cell", parent=clean_text(s.name)) for s in kinds]
    _refuse(errors)

    outcome = Outcome("split", effective)
    created = {code: _create(session, spec, parents[code], effective, outcome).id
               for code, spec in ((clean_text(s.code).upper(), s) for s in new)}
    chosen = {c: created[x] if isinstance(x, str) else x.id for c, x in targets.items()}
    weights = {child.code: _cells_under(session, child) for child in children}
    if not any(weights.values()):
        weights = {code: 1 for code in weights}
    received: dict[int, int] = {}
    for child in children:
        target = session.get(Organization, chosen[child.code])
        orgs, people = _relocate(session, child, target, effective)
        outcome.organizations_moved += orgs
        outcome.candidates_moved += people
        received[target.id] = received.get(target.id, 0) + weights[child.code]
    total = sum(received.values())
    shares = [(session.get(Organization, org_id), n / total) for org_id, n in received.items() if n]
    source = session.get(Organization, source.id)
    _hand_over_plans(session, outcome, source, shares, effective, part)
    # A root split has no parent: its admins go where most of it went.
    heir = session.get(Organization, source.parent_id) if source.parent_id else max(shares, key=lambda s: s[1])[0]
    _rehome_users(session, outcome, source, heir)
    _end(session, source, effective)
    outcome.ended.append(source.name)
    return _recorded(session, actor, outcome, document_number=document, note=note, subject=source,
                     successions=[(source, session.get(Organization, org_id)) for org_id in received])


def dissolve(session: Session, actor: Actor, *, org_code: str, effective_date: date | None, today: date,
             plans_to: str | None = None, part: int | None = None, document_number: str = "",
             note: str = "") -> Outcome:
    """End an organization that has nothing left under it (its accounts: see the module's
    docstring); refused, with every reason, while organizations or candidates remain, or plans
    of later years with nobody to take them (`plans_to`: the organization that does, later
    years whole and E's year less the dissolved one's own `part`, as a merge hands them), and
    for the root."""
    org = org_by_code(session, org_code)
    _admin(actor, org)
    effective = _effective(effective_date, today)
    document = _document(document_number)
    errors = _leaving_errors(session, effective, org) + _ends_errors(org, effective)
    heir = org_by_code(session, plans_to) if plans_to else None
    if heir is not None:
        _admin(actor, heir)
        errors += _receiving_errors(effective, heir) + _part_errors(session, org, effective, part)
        if heir.id == org.id:
            errors.append(t("restructure.into_itself", org=org.name, target=heir.name))
    if children := _live_children(session, org):
        errors.append(t("restructure.children_left", org=org.name, count=len(children)))
    if people := _candidates_in(session, org):
        errors.append(t("restructure.people_left", org=org.name, count=people))
    first_gone = effective.year if _first_of_year(effective) else effective.year + 1
    later = session.exec(select(YearPlan.year).where(YearPlan.organization_id == org.id,
                                                     YearPlan.year >= first_gone)).all()
    if later and heir is None:
        errors.append(t("restructure.plans_left", org=org.name, years=", ".join(str(y) for y in sorted(later))))
    if org.parent_id is None:
        errors.append(t("restructure.root_dissolved", org=org.name))
    _refuse(errors)
    outcome = Outcome("dissolve", effective)
    if heir is not None:
        _hand_over_plans(session, outcome, org, [(heir, 1.0)], effective, part)
    _rehome_users(session, outcome, org, session.get(Organization, org.parent_id))
    _end(session, org, effective)
    outcome.ended.append(org.name)
    return _recorded(session, actor, outcome, document_number=document, note=note, subject=org,
                     successions=[(org, heir)])


def rename(session: Session, actor: Actor, *, org_code: str, name: str, effective_date: date | None, today: date,
           kind: str | None = None, document_number: str = "", note: str = "",
           expected_version: int | None = None) -> Outcome:
    """A new name (and kind) from `effective_date`: documents and screens of earlier days keep
    the old ones (Đảng bộ tỉnh Hà Nam, until 30/6/2025)."""
    org = org_by_code(session, org_code)
    _admin(actor, org)
    _stale(org, expected_version)
    effective = _effective(effective_date, today)
    document = _document(document_number)
    name = clean_text(name)
    errors = _receiving_errors(effective, org)
    if not name:
        errors.append(t("form.org_name_required"))
    elif message := too_long(name, Organization, "name", t("org.name")):
        errors.append(message)
    kind = kind or org.kind
    if kind not in OrgKind._value2member_map_:
        errors.append(t("form.bad_choice", field=t("org.kind")))
    elif kind in CELL_KINDS and (children := _live_children(session, org)):
        errors.append(t("restructure.cell_with_children", org=org.name, count=len(children)))
    if name == org.name and kind == org.kind:
        errors.append(t("restructure.nothing_renamed", org=org.name))
    _refuse(errors)
    start = org.placed_from or org.valid_from
    if start is None or start < effective:
        session.add(OrganizationEra(organization_id=org.id, parent_id=org.parent_id, path=org.path, depth=org.depth,
                                    name=org.name, kind=org.kind, valid_from=start,
                                    valid_to=effective - timedelta(days=1)))
    # Entries into the stages are kept for every organization but a chi bộ (core.storage.kept):
    # one that becomes or stops being a chi bộ is counted again, every year of it.
    crossed = (kind in CELL_KINDS) != (org.kind in CELL_KINDS)
    org.name, org.kind, org.placed_from, org.version = name, kind, effective, org.version + 1
    session.add(org)
    session.flush()
    outcome = _recorded(session, actor, Outcome("rename", effective), document_number=document, note=note,
                        subject=org, successions=[])
    if crossed:
        kept.recount_flows(session)
    return outcome


def new_root(session: Session, actor: Actor, *, code: str, name: str, kind: str, sector: str,
             effective_date: date | None, today: date, document_number: str = "", note: str = "") -> Outcome:
    """An organization above the whole tree from `effective_date`; the old root goes under it,
    and its admin accounts (over the whole tree) go up to the new root."""
    old = session.exec(select(Organization).where(Organization.parent_id.is_(None),
                                                  Organization.valid_to.is_(None))).all()
    _admin(actor, *old)
    if actor.role is not Role.ADMIN or any(o.path != actor.root_path for o in old):
        raise ScopeError(t("error.out_of_scope", code=next((o.code for o in old if o.path != actor.root_path), code)))
    effective = _effective(effective_date, today)
    document = _document(document_number)
    errors = [e for o in old for e in _leaving_errors(session, effective, o)]
    try:
        code, name = check_new_organization(session, code=code, name=name, kind=kind, sector=sector)
    except FormError as refused:
        errors += refused.errors
    _refuse(errors)
    outcome = Outcome("new_root", effective)
    root = Organization(code=code, name=name, parent_id=None, path="/", depth=0, kind=kind, sector=sector,
                        valid_from=effective, version=1)
    session.add(root)
    session.flush()
    root.path = child_path(None, root.id)
    session.add(root)
    session.flush()
    root_id = root.id
    outcome.created.append(root.name)
    for org in old:
        orgs, people = _relocate(session, org, session.get(Organization, root_id), effective)
        outcome.organizations_moved += orgs
        outcome.candidates_moved += people
        # The accounts over the whole tree keep the whole tree.
        outcome.users_moved += _move_users(session, org, session.get(Organization, root_id), (Role.ADMIN.value,))
    return _recorded(session, actor, outcome, document_number=document, note=note,
                     subject=session.get(Organization, root_id), successions=[(o, root) for o in old])


# --- preview --------------------------------------------------------------------------------------

@dataclass
class Preview:
    """A change as it would be: its outcome, and what the caller measured before and after."""

    outcome: Outcome
    before: object
    after: object


def preview(session: Session, change: Callable[[Session], Outcome], measure: Callable[[Session], object]) -> Preview:
    """Run `change` in a savepoint, measure, and roll it back: nothing is written, and the
    session carries on as before (its objects expired, reloaded on their next use). A refusal
    raises as the change itself would. `measure` should return plain values (a DataFrame, a
    dataclass), not database objects, which the rollback expires."""
    before = measure(session)
    savepoint = session.begin_nested()
    try:
        outcome = change(session)
        session.flush()
        after = measure(session)
    finally:
        savepoint.rollback()
        session.expire_all()
    return Preview(outcome=replace(outcome, restructuring_id=None), before=before, after=after)
