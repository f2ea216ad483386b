"""The write side of the candidate pipeline: add a candidate, record a stage, an exit, a
correction. Each function checks the caller's scope, the rules and the record's version,
then writes in the caller's transaction (events, the derived candidate columns, an audit
entry, the data version), or raises and writes nothing.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from core.audit import record_audit, snapshot
from core.config import RuleSettings
from core.db import bump_data_version
from core.i18n import t
from core.models import Candidate, Organization, StageEvent, utcnow
from core.rules import CandidateFacts, Finding, Sponsor, blocking, check_exit, check_stage, current_stage, exceptions
from core.scope import Actor, NotFoundError, ScopeError
from core.stages import STAGES, Exit, OrgKind, Stage, stage_date_column


class RuleViolation(ValueError):
    """A step the rules forbid, or that needs an exception nobody acknowledged."""

    def __init__(self, findings: list[Finding], *, needs_ack: bool = False):
        self.findings = findings
        self.needs_ack = needs_ack
        key = "error.needs_ack" if needs_ack else "error.rule_blocked"
        super().__init__(t(key, reasons=" ".join(f.message for f in findings)))


class StaleEditError(RuntimeError):
    """The record changed since the form was opened."""

    def __init__(self) -> None:
        super().__init__(t("error.stale"))


@dataclass(frozen=True)
class EventRow:
    """The part of a stage event that decides a candidate's state."""

    id: int
    stage: str
    event_date: date
    replaces_event_id: int | None = None
    voids: bool = False


def effective_events(events: Iterable[EventRow]) -> list[EventRow]:
    """The events still in force: not replaced by a correction, and not voiding ones."""
    events = list(events)
    replaced = {e.replaces_event_id for e in events if e.replaces_event_id is not None}
    return [e for e in events if e.id not in replaced and not e.voids]


def derive_state(events: Iterable[EventRow]) -> dict[str, object]:
    """The derived candidate columns (stage dates, current stage, exit) from its events."""
    state: dict[str, object] = {stage_date_column(s): None for s in STAGES}
    state.update(stage=None, stage_date=None, exit=None, exit_date=None)
    stage_dates: dict[Stage, date] = {}
    for e in effective_events(events):
        if e.stage in Stage._value2member_map_:
            stage_dates[Stage(e.stage)] = e.event_date
            state[stage_date_column(e.stage)] = e.event_date
        else:
            state["exit"], state["exit_date"] = e.stage, e.event_date
    stage = current_stage(stage_dates)
    if stage is not None:
        state["stage"], state["stage_date"] = stage.value, stage_dates[stage]
    return state


def stage_dates_of(candidate: Candidate, as_of: date | None = None) -> dict[Stage, date]:
    """The stage dates held on a candidate row (those on or before `as_of`, when given)."""
    dates = {s: getattr(candidate, stage_date_column(s)) for s in STAGES}
    return {s: d for s, d in dates.items() if d is not None and (as_of is None or d <= as_of)}


def facts_of(candidate: Candidate, org: Organization, as_of: date | None = None) -> CandidateFacts:
    """The rule inputs of a candidate in its organization (as they stood on `as_of`, when given)."""
    left = candidate.exit is not None and (as_of is None or candidate.exit_date <= as_of)
    return CandidateFacts(
        birth_date=candidate.birth_date,
        general_education=candidate.general_education,
        education_exemption=candidate.education_exemption,
        youth_union_member=candidate.youth_union_member,
        youth_union_resolution_date=candidate.youth_union_resolution_date,
        sponsors=(
            Sponsor(candidate.sponsor1_name, candidate.sponsor1_since),
            Sponsor(candidate.sponsor2_name, candidate.sponsor2_since),
        ),
        new_member_class_date=candidate.new_member_class_date,
        grassroots_cell=org.kind == OrgKind.GRASSROOTS_CELL,
        stage_dates=stage_dates_of(candidate, as_of),
        exit=candidate.exit if left else None,
        exit_date=candidate.exit_date if left else None,
    )


def _editable_candidate(session: Session, actor: Actor, candidate_id: int, expected_version: int | None):
    candidate = session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFoundError(t("error.not_found"))
    org = session.get(Organization, candidate.organization_id)
    if not actor.edits_candidates or not actor.covers(org.path):
        raise ScopeError(t("error.out_of_scope", code=org.code))
    if expected_version is not None and candidate.version != expected_version:
        raise StaleEditError()
    return candidate, org


def _refresh_derived(session: Session, candidate: Candidate) -> None:
    rows = session.exec(select(StageEvent).where(StageEvent.candidate_id == candidate.id).order_by(StageEvent.id)).all()
    state = derive_state(EventRow(e.id, e.stage, e.event_date, e.replaces_event_id, e.voids) for e in rows)
    for column, value in state.items():
        setattr(candidate, column, value)
    candidate.version += 1
    candidate.updated_at = utcnow()
    session.add(candidate)


def _append_event(session: Session, actor: Actor, candidate: Candidate, event: StageEvent, action: str) -> StageEvent:
    before = snapshot(candidate)
    session.add(event)
    session.flush()
    _refresh_derived(session, candidate)
    session.flush()
    record_audit(
        session,
        username=actor.username,
        action=action,
        entity="candidate",
        entity_id=candidate.id,
        before=before,
        after={**snapshot(candidate), "event": snapshot(event)},
    )
    bump_data_version(session)
    return event


def record_stage(
    session: Session,
    actor: Actor,
    *,
    candidate_id: int,
    expected_version: int | None,
    stage: Stage,
    event_date: date,
    today: date,
    rules: RuleSettings,
    document_number: str = "",
    note: str = "",
    votes_for: int | None = None,
    votes_total: int | None = None,
    acknowledge_exceptions: bool = False,
) -> StageEvent:
    """Record that the candidate entered `stage` on `event_date`, after every rule is checked."""
    candidate, org = _editable_candidate(session, actor, candidate_id, expected_version)
    findings = check_stage(
        facts_of(candidate, org), stage, event_date, today=today, rules=rules, votes_for=votes_for, votes_total=votes_total
    )
    if blocking(findings):
        raise RuleViolation(blocking(findings))
    acked = exceptions(findings)
    if acked and not acknowledge_exceptions:
        raise RuleViolation(acked, needs_ack=True)
    event = StageEvent(
        candidate_id=candidate.id,
        stage=stage.value,
        event_date=event_date,
        document_number=document_number.strip(),
        note=note.strip(),
        votes_for=votes_for,
        votes_total=votes_total,
        acknowledged=",".join(f.code for f in acked),
        recorded_by=actor.username,
    )
    return _append_event(session, actor, candidate, event, "record_stage")


def record_exit(
    session: Session,
    actor: Actor,
    *,
    candidate_id: int,
    expected_version: int | None,
    exit_: Exit,
    event_date: date,
    today: date,
    reason: str,
    document_number: str = "",
) -> StageEvent:
    """Record a stop, a removal after failed probation, or a transfer; a reason is required."""
    candidate, org = _editable_candidate(session, actor, candidate_id, expected_version)
    findings = check_exit(facts_of(candidate, org), exit_, event_date, today=today)
    if not reason.strip():
        findings.append(Finding("reason_missing", True, t("rule.reason_missing")))
    if blocking(findings):
        raise RuleViolation(blocking(findings))
    event = StageEvent(
        candidate_id=candidate.id,
        stage=exit_.value,
        event_date=event_date,
        document_number=document_number.strip(),
        note=reason.strip(),
        recorded_by=actor.username,
    )
    return _append_event(session, actor, candidate, event, "record_exit")


def void_event(
    session: Session,
    actor: Actor,
    *,
    candidate_id: int,
    expected_version: int | None,
    event_id: int,
    reason: str,
) -> StageEvent:
    """Cancel a wrongly recorded event with a new one; the history keeps both.

    Only the latest event in force can be voided, so the remaining history stays in order;
    a wrong date is put right by voiding and recording the stage again.
    """
    candidate, _org = _editable_candidate(session, actor, candidate_id, expected_version)
    rows = session.exec(select(StageEvent).where(StageEvent.candidate_id == candidate.id)).all()
    in_force = effective_events(EventRow(e.id, e.stage, e.event_date, e.replaces_event_id, e.voids) for e in rows)
    latest = max(in_force, key=lambda e: (e.event_date, e.id), default=None)
    if latest is None or latest.id != event_id:
        raise RuleViolation([Finding("not_latest", True, t("rule.void_not_latest"))])
    if not reason.strip():
        raise RuleViolation([Finding("reason_missing", True, t("rule.reason_missing"))])
    original = next(e for e in rows if e.id == event_id)
    event = StageEvent(
        candidate_id=candidate.id,
        stage=original.stage,
        event_date=original.event_date,
        note=reason.strip(),
        replaces_event_id=event_id,
        voids=True,
        recorded_by=actor.username,
    )
    return _append_event(session, actor, candidate, event, "void_event")
