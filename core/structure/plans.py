"""Yearly plans of the organizations under one parent, edited as one grid and saved all at
once: whole numbers ≥ 0 only, each row checked against the version it was read at."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from core.access.audit import record_audit, snapshot
from core.access.scope import Actor, ScopeError, Subtree, org_in_scope
from core.i18n import t
from core.procedure.pipeline import FormError, StaleEditError
from core.procedure.stages import Role
from core.storage.db import bump_data_version
from core.storage.models import Organization, YearPlan

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


def parent_target(session: Session, parent: Subtree, *, year: int) -> int:
    """The parent's own target for the year (0 when it has no plan)."""
    plan = session.exec(select(YearPlan).where(YearPlan.organization_id == parent.id, YearPlan.year == year)).first()
    return plan.target if plan else 0


def copy_of_year(grid: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """The grid with last year's targets and members filled in (versions kept: saving still
    checks nobody changed this year's plans meanwhile)."""
    last = previous.set_index("code")
    copied = grid.copy()
    copied["target"] = [int(last["target"].get(code, 0)) for code in copied["code"]]
    copied["members_start"] = pd.array([last["members_start"].get(code, pd.NA) for code in copied["code"]], dtype="Int64")
    return copied


def _whole(value: object, org: str, field: str, errors: list[tuple[str, str]], *, optional: bool = False) -> int | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA or value == "":
        if optional:
            return None
        errors.append((field, t("form.whole_number", org=org, field=t(f"field.{field}"))))
        return None
    try:
        number = float(str(value).replace(".", "").replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        number = -1.0
    if number < 0 or number != int(number):
        errors.append((field, t("form.whole_number", org=org, field=t(f"field.{field}"))))
        return None
    return int(number)


def checked_plan(org_name: str, target: object, members_start: object) -> tuple[int | None, int | None, list[tuple[str, str]]]:
    """The target and the members at the start of the year as whole numbers ≥ 0 (members may
    be left empty), with (field, Vietnamese message) for each value that is not."""
    errors: list[tuple[str, str]] = []
    whole_target = _whole(target, org_name, "target", errors)
    members = _whole(members_start, org_name, "members_start", errors, optional=True)
    return whole_target, members, errors


def write_plan(
    session: Session, actor: Actor, *, org: Organization, year: int, target: int, members_start: int | None,
    plan: YearPlan | None, action: str = "save_plans",
) -> bool:
    """Create or change one checked plan and audit it, in the caller's transaction (the caller
    bumps the data version). False when the plan already holds these figures."""
    if plan is not None and (plan.target, plan.members_start) == (target, members_start):
        return False
    before = snapshot(plan)
    if plan is None:
        plan = YearPlan(organization_id=org.id, year=year, target=target, members_start=members_start)
    else:
        plan.target, plan.members_start, plan.version = target, members_start, plan.version + 1
    session.add(plan)
    session.flush()
    record_audit(session, username=actor.username, action=action, entity="organization", entity_id=org.id,
                 before=before, after=snapshot(plan))
    return True


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
    changed = sum(
        write_plan(session, actor, org=org, year=year, target=target, members_start=members, plan=plans.get(org.id))
        for org, target, members in checked
    )
    if changed:
        bump_data_version(session)
    return changed
