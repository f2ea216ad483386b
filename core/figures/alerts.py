"""Lagging organizations and statutory clocks running out, worst first, each with one
Vietnamese sentence saying why.

Organization alerts come from `org_figures` (and, for the streaks, the admissions of the
previous years kept per organization as they were written, core.storage.kept, each year on the
tree as it stood); clock alerts from the pipeline candidates of the subtree, whose clocks are
computed by core.procedure.clocks. Candidate names appear only in `candidate_clocks_list`, and
only for roles that may see them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, or_
from sqlmodel import Session, select

from core.access.scope import ScopeError, Subtree
from core.config import RuleSettings
from core.figures.progress import (
    Period,
    counted_date_column,
    expected_count,
    org_figures,
    year_left_text,
)
from core.format import fmt_date, fmt_days_left, fmt_number
from core.i18n import label, t
from core.procedure.clocks import STATE_RANK, candidate_clocks
from core.procedure.days_off import calendar_installed
from core.procedure.pipeline import facts_of, papers_of, routes_for
from core.procedure.stages import CELL_KINDS
from core.storage import kept
from core.storage.models import Candidate, Organization, YearPlan
from core.storage.sqlfuncs import one_of
from core.structure.dated import chunked, placed_candidates, subtree_paths
from core.structure.tree import in_subtree, is_within

# Order of severity, worst first.
ALERT_KINDS = (
    "clock_overdue",
    "no_source",
    "pipeline_short",
    "behind_pace",
    "missed_target_years",
    "no_admission_years",
    "children_short",
    "clock_due_soon",
)
SEVERITY = {kind: rank for rank, kind in enumerate(ALERT_KINDS)}


@dataclass(frozen=True)
class Alert:
    """One alert about one organization."""

    kind: str
    org_code: str
    org_name: str
    message: str
    count: int = 1
    clock: str | None = None  # for a clock alert: which deadline (the candidates concerned have it)
    detail: str = ""  # the sentence without the organization's name, for under its heading

    @property
    def severity(self) -> int:
        return SEVERITY[self.kind]


def make_alert(kind: str, org_code: str, org_name: str, *, count: int = 1, clock: str | None = None,
               **values: object) -> Alert:
    """An alert with its two sentences: one naming the organization (lists, exports), one
    for under the organization's name ("Chưa kết nạp được đảng viên nào trong 4 năm liền.")."""
    values = {"count": fmt_number(count), **values}
    return Alert(kind, org_code, org_name, t(f"alert.{kind}", org=org_name, **values), count=count, clock=clock,
                 detail=t(f"alert_detail.{kind}", **values))


def _in_use(orgs: pd.DataFrame) -> pd.Series:
    """The organizations of a screen that stood in the period (those ended since included:
    the screen has them for the days they existed), not those deactivated without a date."""
    return orgs["active"] | orgs["ended"].notna()


def _outside_this_year(session: Session, figures: pd.DataFrame, root: Subtree, period: Period,
                       rules: RuleSettings) -> dict[int, int]:
    """{organization on screen: its admissions of the year up to the as-of day made while it
    stood outside the root's subtree} (a chi bộ that came from another commune in the year),
    which the screen's own figures leave out; nothing for the others."""
    root_paths = tuple(subtree_paths(session, root.id, period.start, period.last_day)) or (root.path,)
    outside = {org_id: [p for p in own if not any(is_within(p, r) for r in root_paths)]
               for org_id, own in zip(figures.index, figures["paths"])}
    outside = {org_id: own for org_id, own in outside.items() if own}
    if not outside:
        return {}
    placed = placed_candidates(session, period.start)
    C = placed.entity
    day = counted_date_column(rules, C)
    return {org_id: session.exec(select(func.count()).select_from(C).where(
        or_(*[in_subtree(p, C.org_path) for p in own]), day >= period.start, day <= period.end, placed.on(day))).one()
        for org_id, own in outside.items()}


def _admitted_by_year(session: Session, figures: pd.DataFrame, root: Subtree, years: range, as_of: date,
                      rules: RuleSettings) -> dict[tuple[int, int], int]:
    """{(organization on screen, year): the admissions of its subtree}, each counted where the
    candidate stood on the day (core.structure.dated), also where the organization stood
    outside the root's subtree. Complete years come from the counts kept as written
    (core.storage.kept); the chosen year, while it runs, from the screen's own figures (up to
    the as-of day) and what the organizations admitted elsewhere before they came. The as-of
    day lies in the chosen year or after it (Period keeps it there)."""
    basis = counted_date_column(rules).name
    complete = range(years.start, min(years.stop, as_of.year + (as_of >= date(as_of.year, 12, 31))))
    admitted = kept.admitted_by_year(session, basis, figures.index.tolist(), complete)
    running = years.stop - 1
    if running not in complete:
        elsewhere = _outside_this_year(session, figures, root, Period(running, as_of), rules)
        for org_id, n in zip(figures.index, figures["admitted"]):
            admitted[(int(org_id), running)] = int(n) + elsewhere.get(org_id, 0)
    return admitted


def _streaks(
    session: Session, orgs: pd.DataFrame, root: Subtree, year: int, as_of: date, rules: RuleSettings
) -> tuple[dict[int, int], dict[int, int]]:
    """Per organization on screen (`orgs`: the screen's org_figures): years in a row with no
    admission (cells), and completed years in a row with the target missed, counted back from
    the chosen year, each year on the tree as it stood (a chi bộ moved in 2025 keeps its 2024
    admissions). Years before an organization was founded are not counted; a year it ended in
    is complete once it ended."""
    lookback = max(rules.no_admission_years, rules.missed_target_years) + 3
    first_year = year - lookback + 1
    admitted = _admitted_by_year(session, orgs, root, range(first_year, year + 1), max(as_of, date(year, 1, 1)), rules)
    # Plain dicts: thousands of organizations at the national root, a lookup per year each.
    targets = {(o, y): t for chunk in chunked(orgs.index.tolist()) for o, y, t in session.exec(
        select(YearPlan.organization_id, YearPlan.year, YearPlan.target)
        .where(one_of(YearPlan.organization_id, chunk), YearPlan.year >= first_year, YearPlan.year <= year)).all()}
    first_plan_year = min((y for _o, y in targets), default=year)
    founded_of, ended_of = dict(zip(orgs.index, orgs["founded"])), dict(zip(orgs.index, orgs["ended"]))

    def first_year_of(org: int) -> int:
        founded = founded_of[org]
        return max(first_year, founded.year) if isinstance(founded, date) else first_year

    in_use = orgs[_in_use(orgs)]
    no_admission: dict[int, int] = {}
    for org in in_use.index[in_use["kind"].isin(list(CELL_KINDS))]:
        streak = 0
        for y in range(year, max(first_year_of(org), first_plan_year) - 1, -1):
            if admitted.get((org, y), 0):
                break
            streak += 1
        no_admission[org] = streak

    missed: dict[int, int] = {}
    for org in orgs.index:
        streak = 0
        over = Period(year, as_of).of(founded_of[org], ended_of[org]).is_over
        for y in range(year if over else year - 1, first_year_of(org) - 1, -1):
            target = targets.get((org, y), 0)
            if target <= 0 or admitted.get((org, y), 0) >= target:
                break
            streak += 1
        missed[org] = streak
    return no_admission, missed


# Lagging organizations are looked for this far below the one chosen (a district sees its
# communes and their chi bộ; the whole Party its provinces and their districts): deeper
# ones show when one drills down, so the list stays one that a meeting can act on.
ALERT_LEVELS = 2


@dataclass(frozen=True)
class Alerts:
    """The alerts of a screen, worst first, and how many of the organizations they looked at
    had no target for the year (the pace and source alerts leave those out: the page says so)."""

    items: tuple[Alert, ...]
    unplanned: int

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


# What the alerts read of each organization's figures.
_ALERT_FIGURES = ["code", "name", "founded", "ended", "target", "admitted", "active_pipeline", "late_pipeline",
                  "status", "expected", "children_target"]


def organization_alerts(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings
) -> Alerts:
    """Lagging organizations down to ALERT_LEVELS below the chosen one, worst first: those that
    stood there in the year (on the tree as it stood), each over the part of the year it existed."""
    figures = org_figures(session, subtree, year=year, as_of=as_of, rules=rules, levels=ALERT_LEVELS,
                          summary=False)
    no_admission, missed = _streaks(session, figures, subtree, year, as_of, rules)
    alerts: list[Alert] = []
    shown = figures[_in_use(figures)]
    # Plain dicts from the columns' lists, neither iterrows (a Series per row, its attrs deep-copied)
    # nor to_dict (a check of every value): 7.752 rows at the national root.
    rows = (dict(zip(_ALERT_FIGURES, values)) for values in zip(*(shown[c].tolist() for c in _ALERT_FIGURES)))
    for org_id, row in zip(shown.index, rows):
        period = Period(year, as_of).of(row["founded"], row["ended"])  # an organization of part of the year: that part
        found: dict[str, dict[str, object]] = {}  # kind -> what its sentences say
        target, admitted = int(row["target"]), int(row["admitted"])
        remaining = target - admitted
        if target > 0 and remaining > 0 and not period.is_over:
            if row["active_pipeline"] == 0:
                found["no_source"] = dict(target=fmt_number(target))
            elif row["late_pipeline"] < remaining:
                found["pipeline_short"] = dict(remaining=fmt_number(remaining),
                                               late=fmt_number(int(row["late_pipeline"])))
            if row["status"] in ("behind", "at_risk"):
                found["behind_pace"] = dict(
                    admitted=fmt_number(admitted), target=fmt_number(target),
                    expected=fmt_number(expected_count(row["expected"])), as_of=fmt_date(period.end),
                    short=fmt_number(remaining), remaining=year_left_text(period.end))
        if row["children_target"] and row["children_target"] < target:
            found["children_short"] = dict(children=fmt_number(int(row["children_target"])), target=fmt_number(target))
        if no_admission.get(org_id, 0) >= rules.no_admission_years:
            found["no_admission_years"] = dict(years=no_admission[org_id])
        if missed.get(org_id, 0) >= rules.missed_target_years:
            found["missed_target_years"] = dict(years=missed[org_id])
        alerts += [make_alert(kind, row["code"], row["name"], **values) for kind, values in found.items()]
    return Alerts(tuple(sorted(alerts, key=lambda a: (a.severity, a.org_name, a.org_code))),
                  unplanned=int((shown["target"] <= 0).sum()))


def _pipeline_clocks(session: Session, root: Subtree, today: date, rules: RuleSettings):
    """(candidate, organization, clock) for every clock of the subtree's candidates that were
    still in the procedure on `today` (not left, not yet official), as the events stood then."""
    rows = session.exec(
        select(Candidate, Organization)
        .join(Organization, Organization.id == Candidate.organization_id)
        .where(
            in_subtree(root.path, Candidate.org_path),
            Organization.active,
            or_(Candidate.exit_date.is_(None), Candidate.exit_date > today),
            or_(Candidate.official_date.is_(None), Candidate.official_date > today),
            Candidate.source_date <= today,
        )
    ).all()
    routes = routes_for(session, {org.id: org for _candidate, org in rows}.values())
    papers = papers_of(session, [candidate.id for candidate, _org in rows])  # a class taken again renews the certificate
    with calendar_installed(session):  # this database's working days, counted before anything is yielded
        found = [(candidate, org, clock) for candidate, org in rows
                 for clock in candidate_clocks(facts_of(candidate, org, as_of=today, route=routes[org.id],
                                                        papers=papers.get(candidate.id, ())), today, rules)]
    yield from found


def candidate_clocks_list(
    session: Session, subtree: Subtree, *, today: date, rules: RuleSettings,
    kinds: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Every overdue or soon-due clock of the subtree's candidates, most urgent first.

    Refused for roles that may not see personal data. Columns: candidate_id, full_name,
    org_code, org_name, stage, clock, due, state, days_left, working_days (days_left counts
    working days).
    """
    if not subtree.actor.sees_personal_data:
        raise ScopeError(t("error.out_of_scope", code=subtree.code))
    rows = [
        {
            "candidate_id": candidate.id, "full_name": candidate.full_name, "org_code": org.code,
            "org_name": org.name, "stage": candidate.stage, "clock": clock.kind, "due": clock.due,
            "state": clock.state, "days_left": clock.days_left, "working_days": clock.working_days,
        }
        for candidate, org, clock in _pipeline_clocks(session, subtree, today, rules)
        if clock.state != "ok" and (kinds is None or clock.kind in kinds)
    ]
    frame = pd.DataFrame(rows, columns=["candidate_id", "full_name", "org_code", "org_name", "stage", "clock", "due",
                                        "state", "days_left", "working_days"])
    if frame.empty:
        return frame
    frame["rank"] = frame["state"].map(STATE_RANK)
    return frame.sort_values(["rank", "due"]).drop(columns="rank").reset_index(drop=True)


def clock_alerts(
    session: Session, subtree: Subtree, *, today: date, rules: RuleSettings
) -> list[Alert]:
    """Overdue and soon-due clocks counted per organization and kind: no names, any role."""
    counts: dict[tuple[str, str, str, str], int] = {}
    for _candidate, org, clock in _pipeline_clocks(session, subtree, today, rules):
        if clock.state != "ok":
            key = (org.code, org.name, clock.kind, clock.state)
            counts[key] = counts.get(key, 0) + 1
    alerts = [
        make_alert(f"clock_{state}", code, name, count=n, clock=kind, clock_label=label("clock", kind))
        for (code, name, kind, state), n in counts.items()
    ]
    return sorted(alerts, key=lambda a: (a.severity, -a.count, a.org_name))


def all_alerts(
    session: Session, subtree: Subtree, *, year: int, as_of: date, rules: RuleSettings,
    with_clocks: bool = True,
) -> Alerts:
    """Organization and (unless told not to) clock alerts together, grouped by organization:
    the organizations with the worst alert first (then the most alerts), each organization's
    alerts worst first."""
    lagging = organization_alerts(session, subtree, year=year, as_of=as_of, rules=rules)
    alerts = list(lagging.items)
    if with_clocks:
        alerts += clock_alerts(session, subtree, today=as_of, rules=rules)
    worst: dict[str, int] = {}
    count: dict[str, int] = {}
    for a in alerts:
        worst[a.org_code] = min(worst.get(a.org_code, a.severity), a.severity)
        count[a.org_code] = count.get(a.org_code, 0) + 1
    # The code after the name: two chi bộ of different communes may bear the same name.
    ordered = sorted(alerts, key=lambda a: (worst[a.org_code], -count[a.org_code], a.org_name, a.org_code, a.severity))
    return Alerts(tuple(ordered), unplanned=lagging.unplanned)


@dataclass(frozen=True)
class AlertGroup:
    """One organization's alerts, worst first: a block of the alerts page."""

    org_code: str
    org_name: str
    alerts: tuple[Alert, ...]

    @property
    def summary(self) -> str:
        """ "3 cảnh báo: Quá hạn thủ tục, Chậm tiến độ", the kinds worst first."""
        kinds = dict.fromkeys(a.kind for a in self.alerts)
        return t("alerts.group_summary", count=fmt_number(len(self.alerts)),
                 kinds=", ".join(label("alert_kind", k) for k in kinds))


def group_alerts(alerts: list[Alert]) -> list[AlertGroup]:
    """The alerts (as all_alerts orders them: worst organization first) one group per
    organization, in the order the organizations first appear; each group worst first."""
    by_org: dict[str, list[Alert]] = {}
    for a in alerts:
        by_org.setdefault(a.org_code, []).append(a)
    return [AlertGroup(code, found[0].org_name, tuple(sorted(found, key=lambda a: a.severity)))
            for code, found in by_org.items()]


def due_line(clock: str, due: date, days_left: int, working_days: bool) -> str:
    """One deadline in a sentence: "Dừng lâu ở một bước: hạn 01/06/2022, quá hạn 1.644 ngày."."""
    return t("alerts.due_line", clock=label("clock", clock), due=fmt_date(due),
             left=fmt_days_left(int(days_left), working=bool(working_days)))


@dataclass(frozen=True)
class CandidateDue:
    """A candidate's overdue and soon-due deadlines, each as (state, sentence), most urgent first."""

    candidate_id: int
    full_name: str
    org_name: str
    lines: tuple[tuple[str, str], ...]


def due_by_candidate(clocks: pd.DataFrame) -> list[CandidateDue]:
    """candidate_clocks_list read per candidate, the most urgent candidate first."""
    by_id: dict[int, list[dict]] = {}
    for row in clocks.to_dict("records"):
        by_id.setdefault(int(row["candidate_id"]), []).append(row)
    return [
        CandidateDue(cid, rows[0]["full_name"], rows[0]["org_name"],
                     tuple((r["state"], due_line(r["clock"], r["due"], r["days_left"], r["working_days"])) for r in rows))
        for cid, rows in by_id.items()
    ]


def candidates_concerned(clocks: pd.DataFrame, alert: Alert) -> list[tuple[int, str]]:
    """For a clock alert, the candidates it counts, as (id, "Lê Văn Nam – quá hạn 1.644
    ngày"), in the order given (the most urgent first); none for an organization's alert."""
    if alert.clock is None or clocks.empty:
        return []
    state = alert.kind.removeprefix("clock_")
    rows = clocks[(clocks["org_code"] == alert.org_code) & (clocks["clock"] == alert.clock) & (clocks["state"] == state)]
    return [(int(r["candidate_id"]),
             t("alerts.concerned", name=r["full_name"], left=fmt_days_left(int(r["days_left"]), working=bool(r["working_days"]))))
            for r in rows.to_dict("records")]

