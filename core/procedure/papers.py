"""The write side of the dossier's papers: record a paper, cancel one recorded by mistake.

Like the stage events, papers are never updated or deleted: a replacement (a certificate
renewed by taking the class again is simply a later paper of the same kind) or a correction is
a new row; a paper recorded by mistake is cancelled by a row that voids it. Each write checks
the caller's scope and the record's version, writes the paper, bumps the candidate's version
(a form opened on the dossier before is then refused), records an audit entry and raises the
versions of the views the candidate counts in, all in the caller's transaction; or raises and
writes nothing.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlmodel import Session, select

from core.access.audit import record_audit, snapshot
from core.access.scope import Actor
from core.config import RuleSettings
from core.errors import FormError
from core.format import clean_text, fmt_date
from core.i18n import t
from core.procedure.candidates import candidate_detail
from core.procedure.dossier import (
    ChecklistItem,
    PaperKind,
    checklist,
    effective_rows,
    paper_name,
    valid_until,
)
from core.procedure.pipeline import _editable_candidate, facts_of, papers_of, route_for
from core.storage.limits import too_long
from core.storage.models import Candidate, DossierPaper, utcnow
from core.storage.versions import bump_candidates


def paper_input_errors(candidate: Candidate, *, kind: str | None, issue_date: date | None, document_number: str,
                       holder: str, note: str, today: date) -> list[str]:
    """Vietnamese messages for what is wrong with a paper as typed; empty when all is well."""
    errors = []
    if kind not in PaperKind._value2member_map_:
        errors.append(t("paper.kind_required"))
    if issue_date is None:
        errors.append(t("paper.date_required"))
    elif issue_date > today or issue_date < candidate.birth_date:
        errors.append(t("paper.bad_date", date=fmt_date(issue_date)))
    if kind == PaperKind.SPONSOR_INTRODUCTION and not holder.strip():
        errors.append(t("paper.holder_required"))
    for value, column, field in ((document_number, "document_number", "paper.number"), (holder, "holder", "paper.holder"),
                                 (note, "note", "paper.note")):
        if message := too_long(value, DossierPaper, column, t(field)):
            errors.append(message)
    return errors


def _write(session: Session, actor: Actor, candidate: Candidate, paper: DossierPaper, action: str) -> DossierPaper:
    before = snapshot(candidate)
    session.add(paper)
    candidate.version += 1
    candidate.updated_at = utcnow()
    session.add(candidate)
    session.flush()
    record_audit(session, username=actor.username, action=action, entity="candidate", entity_id=candidate.id,
                 before=before, after={**snapshot(candidate), "paper": snapshot(paper)})
    bump_candidates(session, [candidate.id])
    return paper


def record_paper(
    session: Session,
    actor: Actor,
    *,
    candidate_id: int,
    expected_version: int | None,
    kind: str | None,
    issue_date: date | None,
    today: date,
    rules: RuleSettings,
    document_number: str = "",
    holder: str = "",
    note: str = "",
    replaces_paper_id: int | None = None,
) -> DossierPaper:
    """Record a paper of the candidate's dossier (its kind, number, date; whose, for a 3-KNĐ);
    a paper that expires gets its end from the settings (CN-NTVĐ: `certificate_valid_months`).
    With `replaces_paper_id`, a correction taking the place of that paper."""
    candidate, _org = _editable_candidate(session, actor, candidate_id, expected_version)
    document_number, holder, note = clean_text(document_number), clean_text(holder), clean_text(note, one_line=False)
    errors = paper_input_errors(candidate, kind=kind, issue_date=issue_date, document_number=document_number,
                                holder=holder, note=note, today=today)
    if replaces_paper_id is not None and replaces_paper_id not in _in_force(session, candidate.id):
        errors.append(t("paper.void_not_found"))
    if errors:
        raise FormError(errors)
    paper = DossierPaper(candidate_id=candidate.id, kind=kind, document_number=document_number, issue_date=issue_date,
                         valid_until=valid_until(kind, issue_date, rules), holder=holder, note=note,
                         replaces_paper_id=replaces_paper_id, recorded_by=actor.username)
    return _write(session, actor, candidate, paper, "record_paper")


def void_paper(session: Session, actor: Actor, *, candidate_id: int, expected_version: int | None, paper_id: int,
               reason: str) -> DossierPaper:
    """Cancel a paper recorded by mistake with a row that voids it; the history keeps both."""
    candidate, _org = _editable_candidate(session, actor, candidate_id, expected_version)
    in_force = _in_force(session, candidate.id)
    errors = [] if paper_id in in_force else [t("paper.void_not_found")]
    if not reason.strip():
        errors.append(t("rule.reason_missing"))
    if errors:
        raise FormError(errors)
    original = in_force[paper_id]
    paper = DossierPaper(candidate_id=candidate.id, kind=original.kind, document_number=original.document_number,
                         issue_date=original.issue_date, holder=original.holder, note=clean_text(reason, one_line=False),
                         replaces_paper_id=paper_id, voids=True, recorded_by=actor.username)
    return _write(session, actor, candidate, paper, "void_paper")


def _in_force(session: Session, candidate_id: int) -> dict[int, DossierPaper]:
    rows = session.exec(select(DossierPaper).where(DossierPaper.candidate_id == candidate_id)).all()
    return {r.id: r for r in effective_rows(rows)}


def paper_done_text(kind: str, holder: str, issue_date: date, name: str) -> str:
    """The confirmation after a paper is recorded."""
    return t("paper.done", paper=paper_name(kind, holder), date=fmt_date(issue_date), name=name)


def candidate_checklist(session: Session, actor: Actor, candidate_id: int, *, today: date,
                        rules: RuleSettings) -> list[ChecklistItem]:
    """The checklist of one candidate's dossier (core.procedure.dossier.checklist), if the
    caller may see the record."""
    candidate, org = candidate_detail(session, actor, candidate_id)
    papers = papers_of(session, [candidate.id]).get(candidate.id, ())
    return checklist(facts_of(candidate, org, route=route_for(session, org), papers=papers), today, rules)


def checklist_table(items: list[ChecklistItem]) -> pd.DataFrame:
    """The checklist as the record page shows it: step, paper, state in words."""
    return pd.DataFrame({t("paper.col_step"): [t(f"paper.step_{i.step}") for i in items],
                         t("paper.col_paper"): [i.name for i in items],
                         t("paper.col_state"): [i.text for i in items]})
