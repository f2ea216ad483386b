"""Read side of candidates: lists, one candidate, its history. Personal data never leaves
the subtree of the caller, and never reaches the projector role."""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlmodel import Session, select

from core.access.audit import audit_frame
from core.access.filters import MAX_RECORD_ID
from core.access.scope import Actor, NotFoundError, ScopeError, Subtree
from core.i18n import t
from core.procedure.pipeline import effective_events
from core.procedure.stages import (
    STAGE_ORDER,
    STAGES,
    Exit,
    Occupation,
    Record,
    Route,
    Stage,
    required_stages,
    stage_date_column,
)
from core.procedure.workdays import add_years
from core.storage.models import AuditEntry, Candidate, Organization, StageEvent
from core.structure.tree import in_subtree

LIST_COLUMNS = ["id", "full_name", "birth_date", "female", "org_code", "org_name", "stage", "stage_date", "exit", "version"]


def _personal(actor: Actor, what: str) -> None:
    if not actor.sees_personal_data:
        raise ScopeError(t("error.no_personal_data", what=what))


def candidates_in_scope(
    session: Session, subtree: Subtree, *, include_exited: bool = False
) -> pd.DataFrame:
    """The candidates of an organization's subtree (the caller's own by default)."""
    _personal(subtree.actor, subtree.code)
    stmt = (
        select(Candidate.id, Candidate.full_name, Candidate.birth_date, Candidate.female, Organization.code,
               Organization.name, Candidate.stage, Candidate.stage_date, Candidate.exit, Candidate.version)
        .join(Organization, Organization.id == Candidate.organization_id)
        .where(in_subtree(subtree.path, Candidate.org_path))
        .order_by(Organization.path, Candidate.full_name)
    )
    if not include_exited:
        stmt = stmt.where(Candidate.exit.is_(None))
    return pd.DataFrame(session.exec(stmt).all(), columns=LIST_COLUMNS)


RECORD_COLUMNS = [
    "org_code", "org_name", "full_name", "birth_date", "female", "ethnicity", "religion", "general_education",
    "qualification", "occupation", "youth_union_member", "village_head", "education_exemption", "helper_name",
    "sponsor1_name", "sponsor1_since", "sponsor2_name", "sponsor2_since", "youth_union_resolution_date",
    "new_member_class_date", *[stage_date_column(s) for s in STAGES], "stage", "exceptions_acknowledged", "exit",
    "exit_date", "exit_reason",
]


def candidate_records(session: Session, subtree: Subtree) -> pd.DataFrame:
    """Every candidate of the subtree, exits included, with all its personal fields, the date
    of each stage, whether an exception was acknowledged and the reason for an exit: the
    candidate list as exported (and imported back). Columns: RECORD_COLUMNS."""
    _personal(subtree.actor, subtree.code)
    rows = session.exec(
        select(Candidate, Organization.code, Organization.name)
        .join(Organization, Organization.id == Candidate.organization_id)
        .where(in_subtree(subtree.path, Candidate.org_path))
        .order_by(Organization.path, Candidate.full_name, Candidate.birth_date, Candidate.id)
    ).all()
    ids = [candidate.id for candidate, _code, _name in rows]
    acknowledged: set[int] = set()
    reasons: dict[int, str] = {}
    for chunk in (ids[i : i + 1000] for i in range(0, len(ids), 1000)):  # bound the IN list
        events = session.exec(select(StageEvent).where(StageEvent.candidate_id.in_(chunk))).all()
        in_force = effective_events(events)  # a StageEvent has what an EventRow has
        acknowledged |= {e.candidate_id for e in in_force if e.acknowledged}
        reasons |= {e.candidate_id: e.note for e in in_force if e.stage in Exit._value2member_map_}
    records = [
        {**candidate.model_dump(), "org_code": code, "org_name": name,
         "exceptions_acknowledged": candidate.id in acknowledged, "exit_reason": reasons.get(candidate.id, "")}
        for candidate, code, name in rows
    ]
    return pd.DataFrame(records, columns=RECORD_COLUMNS)


def candidate_detail(session: Session, actor: Actor, candidate_id: int) -> tuple[Candidate, Organization]:
    """One candidate and its organization, if the caller may see it."""
    _personal(actor, str(candidate_id))
    # An id the database cannot hold is one it has no record of (not an error with SQL in it).
    candidate = session.get(Candidate, candidate_id) if 0 < candidate_id <= MAX_RECORD_ID else None
    if candidate is None:
        raise NotFoundError(t("error.not_found"))
    org = session.get(Organization, candidate.organization_id)
    if not actor.covers(org.path):
        raise ScopeError(t("error.out_of_scope", code=org.code))
    return candidate, org


def candidate_history(session: Session, actor: Actor, candidate_id: int) -> pd.DataFrame:
    """Every event of a candidate, in the order recorded, corrections included.

    Columns: id, stage, event_date, document_number, note, votes_for, votes_total,
    acknowledged, replaces_event_id, voids, recorded_by, recorded_at.
    """
    candidate, _org = candidate_detail(session, actor, candidate_id)
    events = session.exec(select(StageEvent).where(StageEvent.candidate_id == candidate.id).order_by(StageEvent.id)).all()
    return pd.DataFrame([e.model_dump(exclude={"candidate_id"}) for e in events])


def latest_in_force(history: pd.DataFrame) -> pd.Series | None:
    """The last event of a candidate_history still in force (neither a void nor voided): the
    one a void would undo; None when there is none."""
    if history.empty:
        return None
    standing = history[~history["voids"] & ~history["id"].isin(history["replaces_event_id"].dropna())]
    return standing.iloc[-1] if not standing.empty else None


def candidate_audit(session: Session, actor: Actor, candidate_id: int) -> pd.DataFrame:
    """The audit entries of one candidate, oldest first, each with its sentence and its raw
    values before and after (columns of core.access.audit.audit_frame)."""
    candidate, _org = candidate_detail(session, actor, candidate_id)
    entries = session.exec(
        select(AuditEntry).where(AuditEntry.entity == "candidate", AuditEntry.entity_id == candidate.id).order_by(AuditEntry.id)
    ).all()
    return audit_frame(session, actor, list(entries))


def next_anniversary(today: date) -> date:
    """The next 03/02 (founding of the Party) on or after today: the date dossiers aim for."""
    this_year = date(today.year, 2, 3)
    return this_year if today <= this_year else date(today.year + 1, 2, 3)


def students_turning_18(
    session: Session, subtree: Subtree, *, today: date, min_age_years: int = 18
) -> pd.DataFrame:
    """High-school students not yet voted on who are of age by the next 03/02, so schools can
    prepare them before they graduate. Columns: id, full_name, birth_date, org_name, stage,
    of_age_on (the day they turn 18)."""
    _personal(subtree.actor, subtree.code)
    deadline = next_anniversary(today)
    rows = session.exec(
        select(Candidate.id, Candidate.full_name, Candidate.birth_date, Organization.name, Candidate.stage)
        .join(Organization, Organization.id == Candidate.organization_id)
        .where(
            in_subtree(subtree.path, Candidate.org_path),
            Candidate.occupation == Occupation.HIGH_SCHOOL_STUDENT.value,
            Candidate.exit.is_(None),
            Candidate.branch_resolution_date.is_(None),
            Candidate.stage.is_not(None),
            Candidate.birth_date <= add_years(deadline, -min_age_years),
        )
        .order_by(Candidate.birth_date.desc())
    ).all()
    frame = pd.DataFrame(rows, columns=["id", "full_name", "birth_date", "org_name", "stage"])
    frame["of_age_on"] = [add_years(b, min_age_years) for b in frame["birth_date"]]
    return frame


def next_stages(candidate: Candidate, route: Route) -> list[Stage]:
    """The stage that may be entered next on the candidate's route (core.procedure.pipeline.
    route_for): none once left or official, nor after a recognition vote of 2/3 against
    (the removal follows)."""
    if candidate.exit or candidate.official_date or candidate.recognition_rejected_date:
        return []
    order = required_stages(route)
    if candidate.stage is None:
        return [order[0]]
    reached = STAGE_ORDER[candidate.stage]
    return [s for s in order if STAGE_ORDER[s] > reached][:1]


def next_steps(candidate: Candidate, route: Route) -> list[str]:
    """What the step form offers: next_stages first, then the records that fit now: the
    extension of the decision's clock while the chi bộ's resolution waits for its decision, the
    upper committee's consent to a late ceremony while the decision waits for its ceremony
    (each once)."""
    steps = [s.value for s in next_stages(candidate, route)]
    if candidate.exit:
        return steps
    if candidate.branch_resolution_date and not candidate.decision_date and not candidate.decision_extension_date:
        steps.append(Record.DECISION_EXTENSION.value)
    if candidate.decision_date and not candidate.admitted_date and not candidate.ceremony_consent_date:
        steps.append(Record.CEREMONY_CONSENT.value)
    return steps
