"""The work list of a subtree: one card per candidate still in the procedure, with the next
step, the nearest deadline in words, and what the record still lacks; and, above the chi bộ,
how many overdue and due-soon cards each organization directly below holds.

Plain values built from core.procedure (clocks, rules, next stages): the pages only draw them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from core.access.scope import ScopeError, Subtree
from core.config import RuleSettings
from core.format import fmt_days_left
from core.i18n import t
from core.procedure.candidates import next_stages
from core.procedure.clocks import STATE_RANK, Clock, candidate_clocks
from core.procedure.days_off import calendar_installed
from core.procedure.pipeline import facts_of, papers_of, routes_for
from core.procedure.rules import Finding, open_findings
from core.procedure.stages import CELL_KINDS
from core.storage.models import Candidate, Organization
from core.structure.tree import in_subtree, path_ids

# States worth a line in the roll-up, and on the branch page's to-do.
URGENT_STATES = ("overdue", "due_soon")


@dataclass(frozen=True)
class WorkCard:
    """One candidate still in the procedure: where it stands, what comes next and by when."""

    candidate_id: int
    full_name: str
    org_code: str
    org_name: str
    org_path: str
    stage: str
    stage_date: date
    next_stage: str | None
    clock: str | None  # the nearest deadline's kind, None when no clock runs
    due: date | None
    state: str | None  # "overdue", "due_soon", "ok"; None without a clock
    deadline: str | None  # in words: "quá hạn 12 ngày làm việc", "sắp đến hạn: còn 5 ngày", "còn 40 ngày"
    findings: tuple[Finding, ...]  # what the record lacks today (core.procedure.rules.open_findings)
    version: int
    clocks: tuple[Clock, ...] = ()  # every clock that applies today, the most urgent first

    @property
    def is_urgent(self) -> bool:
        return self.state in URGENT_STATES


@dataclass(frozen=True)
class RollUp:
    """An organization directly below the one viewed, and its cards overdue and due soon."""

    org_code: str
    org_name: str
    overdue: int
    due_soon: int


def work_cards(session: Session, subtree: Subtree, *, today: date, rules: RuleSettings) -> list[WorkCard]:
    """Every candidate of the subtree still in the procedure (not left, not yet official), the
    most urgent first: overdue, then due soon, then the others by their nearest due date, those
    without a clock last. Refused for roles that may not see personal data."""
    if not subtree.actor.sees_personal_data:
        raise ScopeError(t("error.no_personal_data", what=subtree.code))
    rows = session.exec(
        select(Candidate, Organization)
        .join(Organization, Organization.id == Candidate.organization_id)
        .where(in_subtree(subtree.path, Candidate.org_path), Candidate.exit.is_(None), Candidate.official_date.is_(None),
               Candidate.stage.is_not(None))
        .order_by(Organization.path, Candidate.full_name)
    ).all()
    cards = []
    routes = routes_for(session, {org.id: org for _candidate, org in rows}.values())
    papers = papers_of(session, [candidate.id for candidate, _org in rows])
    facts_of_row = {candidate.id: facts_of(candidate, org, route=routes[org.id], papers=papers.get(candidate.id, ()))
                    for candidate, org in rows}
    with calendar_installed(session):
        clocks_of = {candidate.id: candidate_clocks(facts_of_row[candidate.id], today, rules) for candidate, org in rows}
    for candidate, org in rows:
        facts = facts_of_row[candidate.id]
        clocks = clocks_of[candidate.id]
        nearest = clocks[0] if clocks else None
        following = next_stages(candidate, routes[org.id])
        deadline = None
        if nearest is not None:
            deadline = fmt_days_left(nearest.days_left, working=nearest.working_days)
            if nearest.state == "due_soon" and nearest.days_left > 0:  # said in words, not only in a colour
                deadline = t("todo.due_soon_words", words=deadline)
        cards.append(WorkCard(
            candidate_id=candidate.id, full_name=candidate.full_name, org_code=org.code, org_name=org.name,
            org_path=org.path, stage=candidate.stage, stage_date=candidate.stage_date,
            next_stage=following[0].value if following else None,
            clock=nearest.kind if nearest else None, due=nearest.due if nearest else None,
            state=nearest.state if nearest else None, deadline=deadline,
            findings=tuple(open_findings(facts, today, rules)), version=candidate.version, clocks=tuple(clocks),
        ))
    last = len(STATE_RANK)
    return sorted(cards, key=lambda c: (STATE_RANK.get(c.state, last), c.due or date.max))


def has_cells_below(subtree: Subtree) -> bool:
    """A đảng ủy (or any committee) rather than a chi bộ: its work rolls up by organization below."""
    return subtree.kind not in CELL_KINDS


def roll_up(session: Session, subtree: Subtree, cards: list[WorkCard]) -> list[RollUp]:
    """Per organization directly below the subtree (a đảng ủy's chi bộ), the cards overdue and
    due soon, only those that have any, the most overdue first; [] for a chi bộ."""
    if not has_cells_below(subtree):
        return []
    depth = len(path_ids(subtree.path))
    counts: dict[int, list[int]] = {}
    for card in cards:
        if card.is_urgent:
            ids = path_ids(card.org_path)
            child = ids[depth] if len(ids) > depth else ids[-1]
            tally = counts.setdefault(child, [0, 0])
            tally[0 if card.state == "overdue" else 1] += 1
    if not counts:
        return []
    orgs = session.exec(select(Organization).where(Organization.id.in_(list(counts)))).all()
    rows = [RollUp(o.code, o.name, *counts[o.id]) for o in orgs]
    return sorted(rows, key=lambda r: (-r.overdue, -r.due_soon, r.org_name))
