"""Yearly plans of the organizations under one parent, edited as one grid and saved all at
once, and the parent's own plan: whole numbers ≥ 0 only, read the Vietnamese way ("1.000" is
one thousand, "1,5" a fraction, refused), cell by cell, each row checked against the version
it was read at."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from sqlmodel import Session, select

from core.access.audit import record_audit, snapshot
from core.access.scope import Actor, ScopeError, Subtree, org_in_scope
from core.format import fmt_number, is_missing, parse_number
from core.i18n import t
from core.procedure.pipeline import FormError, StaleEditError
from core.procedure.stages import Role
from core.storage.limits import max_integer
from core.storage.models import Organization, YearPlan
from core.storage.versions import bump_paths, organization_paths, reach

GRID_COLUMNS = ["code", "name", "target", "members_start", "version"]


@dataclass(frozen=True)
class PlanRow:
    """One line of the grid as submitted: `version` is the plan's version when it was read
    (0 for a plan that did not exist yet)."""

    code: str
    target: object
    members_start: object
    version: int


def plans_grid(session: Session, parent: Subtree, *, year: int) -> pd.DataFrame:
    """The active children of an organization with their plan for the year (0 where none).
    Columns: code, name, target, members_start, version."""
    rows = session.exec(
        select(Organization.code, Organization.name, YearPlan.target, YearPlan.members_start, YearPlan.version)
        .outerjoin(YearPlan, (YearPlan.organization_id == Organization.id) & (YearPlan.year == year))
        .where(Organization.parent_id == parent.id, Organization.active)
        .order_by(Organization.name)
    ).all()
    frame = pd.DataFrame(rows, columns=GRID_COLUMNS)
    frame["target"] = frame["target"].fillna(0).astype("int64")
    frame["members_start"] = frame["members_start"].astype("Int64")
    frame["version"] = frame["version"].fillna(0).astype("int64")
    return frame


def own_plan(session: Session, org: Subtree, *, year: int) -> PlanRow:
    """The organization's own plan for the year, as the row its form starts from (target 0,
    members empty and version 0 when it has none)."""
    plan = session.exec(select(YearPlan).where(YearPlan.organization_id == org.id, YearPlan.year == year)).first()
    if plan is None:
        return PlanRow(org.code, 0, None, 0)
    return PlanRow(org.code, plan.target, plan.members_start, plan.version)


def children_total(rows: list[PlanRow]) -> int | None:
    """The sum of the grid's targets as typed; None while any of them is not a whole number ≥ 0
    (a coverage check over cells that will be refused would say nothing true)."""
    total = 0
    for row in rows:
        errors: list[tuple[str, str]] = []
        target = _whole(row.target, row.code, "target", errors)
        if errors:
            return None
        total += target
    return total


def copy_of_year(grid: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """The grid with last year's targets and members filled in (versions kept: saving still
    checks nobody changed this year's plans meanwhile)."""
    last = previous.set_index("code")
    copied = grid.copy()
    copied["target"] = [int(last["target"].get(code, 0)) for code in copied["code"]]
    copied["members_start"] = pd.array([last["members_start"].get(code, pd.NA) for code in copied["code"]], dtype="Int64")
    return copied


def plans_text(grid: pd.DataFrame) -> pd.DataFrame:
    """The grid with its figures as people read and type them ("1.000"; members left empty
    as ""), for an editor that hands back exactly what was typed."""
    shown = grid.copy()
    for column in ("target", "members_start"):
        shown[column] = ["" if is_missing(v) else fmt_number(int(v)) for v in grid[column]]
    return shown


def _whole(value: object, org: str, field: str, errors: list[tuple[str, str]], *, optional: bool = False) -> int | None:
    """A cell as a whole number ≥ 0: text read the Vietnamese way, a number as it is; None with
    (field, message naming the organization, the column and the value) added otherwise."""
    column = t(f"field.{field}")
    if is_missing(value) or (isinstance(value, str) and not value.strip()):
        if not optional:
            errors.append((field, t("form.whole_number", org=org, field=column)))
        return None
    shown = _shown(value.strip()) if isinstance(value, str) else ""
    try:
        shown = shown or _shown(str(value))  # str() of a whole number beyond 4.300 digits raises ValueError
        if isinstance(value, bool):
            raise ValueError(value)
        number = parse_number(value) if isinstance(value, str) else Decimal(str(value))
        if not number.is_finite():
            raise ValueError(value)
    except (ArithmeticError, TypeError, ValueError):
        errors.append((field, t("form.bad_number", org=org, field=column, value=shown)))
        return None
    largest = max_integer(YearPlan, field)
    decimals = max(0, -number.as_tuple().exponent)
    if not isinstance(value, str) and abs(number) < 10**SHOWN_MAX and decimals <= SHOWN_MAX:
        shown = fmt_number(number, decimals)  # a number from a file, shown the Vietnamese way
    if number != number.to_integral_value():
        errors.append((field, t("form.fraction", org=org, field=column, value=shown)))
        return None
    if number < 0:
        errors.append((field, t("form.negative", org=org, field=column, value=shown)))
        return None
    if number > largest:
        errors.append((field, t("limit.too_large", org=org, field=column, value=shown, max=fmt_number(largest))))
        return None
    return int(number)


SHOWN_MAX = 24  # a value quoted in a message: a 400-digit number is shown by its start and length


def _shown(text: str) -> str:
    if len(text) <= SHOWN_MAX:
        return text
    return t("limit.value_cut", start=text[:SHOWN_MAX // 2], length=fmt_number(len(text)))


def checked_plan(org_name: str, target: object, members_start: object) -> tuple[int | None, int | None, list[tuple[str, str]]]:
    """The target and the members at the start of the year as whole numbers ≥ 0 (members may
    be left empty), with (field, Vietnamese message) for each value that is not. Text is read
    the Vietnamese way (core.format.parse_number): "1.000" is 1000, "1,5" a fraction."""
    errors: list[tuple[str, str]] = []
    whole_target = _whole(target, org_name, "target", errors)
    members = _whole(members_start, org_name, "members_start", errors, optional=True)
    return whole_target, members, errors


@dataclass(frozen=True)
class PlanChange:
    """One checked plan to write: the organization, the year, the figures, and the plan as
    read (None when it does not exist yet)."""

    org: Organization
    year: int
    target: int
    members_start: int | None
    plan: YearPlan | None


def write_plans(session: Session, actor: Actor, *, changes: list[PlanChange], action: str = "save_plans"
                ) -> list[tuple[dict | None, YearPlan]]:
    """Create or change checked plans and audit each, in the caller's transaction, and raise the
    versions of the views they count in (core.storage.versions): every row is prepared first
    and written in one flush, so a large file holds the write lock for the writing alone.
    Returns (before, plan) for each plan that changed (before None: created); a plan already
    holding its figures is left as it is."""
    changed = [c for c in changes
               if c.plan is None or (c.plan.target, c.plan.members_start) != (c.target, c.members_start)]
    paths = reach(session, organization_paths(session, [c.org.id for c in changed]))  # read before the first write
    written = []
    for change in changed:
        plan = change.plan
        before = snapshot(plan)
        if plan is None:
            plan = YearPlan(organization_id=change.org.id, year=change.year, target=change.target,
                            members_start=change.members_start)
        else:
            plan.target, plan.members_start, plan.version = change.target, change.members_start, plan.version + 1
        session.add(plan)
        written.append((change.org, before, plan))
    session.flush()
    for org, before, plan in written:
        record_audit(session, username=actor.username, action=action, entity="organization", entity_id=org.id,
                     before=before, after=snapshot(plan))
    bump_paths(session, paths)
    return [(before, plan) for _org, before, plan in written]


def save_plans(session: Session, actor: Actor, *, parent_code: str | None, year: int, rows: list[PlanRow]) -> int:
    """Write the grid in one transaction; every row is checked first, and one bad or stale row
    means nothing is written. Returns how many plans changed."""
    if actor.role is not Role.ADMIN:
        raise ScopeError(t("error.out_of_scope", code=parent_code or ""))
    parent = org_in_scope(session, actor, parent_code)
    children = {o.code: o for o in session.exec(select(Organization).where(Organization.parent_id == parent.id)).all()}
    plans = {p.organization_id: p for p in session.exec(
        select(YearPlan).where(YearPlan.year == year, YearPlan.organization_id.in_([o.id for o in children.values()]))
    ).all()}
    errors: list[str] = []
    checked = []
    stale = False
    for row in rows:
        org = children.get(row.code)
        if org is None:
            errors.append(t("form.not_a_child", code=row.code, parent=parent.name))
            continue
        target, members, problems = checked_plan(org.name, row.target, row.members_start)
        errors += [message for _field, message in problems]
        checked.append((org, target, members))
        stale = stale or (plans[org.id].version if org.id in plans else 0) != row.version
    if errors:
        raise FormError(errors)
    if stale:
        raise StaleEditError()
    return len(write_plans(session, actor, changes=[PlanChange(org, year, target, members, plans.get(org.id))
                                                    for org, target, members in checked]))


def save_own_plan(session: Session, actor: Actor, *, org_code: str, year: int, row: PlanRow) -> bool:
    """Write an organization's own plan for the year (the row above its children's grid: the
    district's target, say) with the grid's checks, version guard and audit. False when it
    already held these figures."""
    if actor.role is not Role.ADMIN:
        raise ScopeError(t("error.out_of_scope", code=org_code))
    org = org_in_scope(session, actor, org_code)
    plan = session.exec(select(YearPlan).where(YearPlan.organization_id == org.id, YearPlan.year == year)).first()
    target, members, problems = checked_plan(org.name, row.target, row.members_start)
    if problems:
        raise FormError([message for _field, message in problems])
    if (plan.version if plan else 0) != row.version:
        raise StaleEditError()
    return bool(write_plans(session, actor, changes=[PlanChange(org, year, target, members, plan)]))
