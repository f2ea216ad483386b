"""Statutory clocks of a candidate: what is due, by when, and whether it is late.

Pure functions over CandidateFacts; working-day deadlines use core.procedure.workdays.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from core.config import RuleSettings
from core.procedure.rules import (
    CandidateFacts,
    ceremony_due,
    current_stage,
    sponsor_findings,
)
from core.procedure.stages import MEMBER_STAGES, Stage
from core.procedure.workdays import (
    add_months,
    add_working_days,
    add_years,
    working_days_between,
)

ClockState = Literal["ok", "due_soon", "overdue"]
STATE_RANK: dict[str, int] = {"overdue": 0, "due_soon": 1, "ok": 2}

# Deadlines that exist in law; the others are reminders that can only come up, never be late.
REMINDERS = frozenset({"probation_end", "turns_18"})
# Deadlines the rules count in working days: their days left are counted the same way.
WORKING_DAY_CLOCKS = frozenset({"decision", "ceremony", "recognition_review", "recognition_decision"})
# To-dos that are due the day they arise: what the record lacks, or what a vote has decided.
DUE_NOW = frozenset({"sponsors_missing", "recognition_referred", "removal_due"})


@dataclass(frozen=True)
class Clock:
    """One deadline of one candidate; `days_left` (negative once overdue) counts working days
    when `working_days`, calendar days otherwise."""

    kind: str
    due: date
    state: ClockState
    days_left: int
    working_days: bool = False


def clock_state(due: date, today: date, due_soon_days: int) -> ClockState:
    """Overdue after the due date; due soon within `due_soon_days` calendar days of it."""
    if today > due:
        return "overdue"
    if (due - today).days <= due_soon_days:
        return "due_soon"
    return "ok"


def candidate_clocks(facts: CandidateFacts, today: date, rules: RuleSettings) -> list[Clock]:
    """Every clock that applies to the candidate today, most urgent first.

    In working days (Quy định 232-QĐ/TW, điểm 4.3; 294-QĐ/TW, điểm 4.1): the decision within
    decision_working_days of the chi bộ's resolution, plus decision_extension_working_days once
    an extension is recorded; the ceremony within ceremony_working_days of receiving the
    decision (of its date when the receipt is not recorded; none once the upper committee
    consented to a later one); after the probation, the chi bộ's recognition resolution within
    recognition_review_working_days, and the competent committee's decision within
    recognition_decision_working_days of the last recognition resolution recorded (the
    committee's, or the chi bộ's while the committee's is awaited or not on the route). A
    recognition vote with 2/3 against, or the third without 2/3 either way, is a to-do at once."""
    if facts.exit or facts.stage_dates.get(Stage.OFFICIAL):
        return []
    d = facts.stage_dates
    due: dict[str, date] = {}
    branch, decision, admitted = d.get(Stage.BRANCH_RESOLUTION), d.get(Stage.DECISION), d.get(Stage.ADMITTED)
    if branch and not decision:
        days = rules.decision_working_days
        if facts.decision_extension_date is not None:
            days += rules.decision_extension_working_days
        due["decision"] = add_working_days(branch, days)
    if decision and not admitted and facts.ceremony_consent_date is None:
        due["ceremony"] = ceremony_due(facts, rules)
    if admitted:
        probation_end = add_months(admitted, rules.probation_months)
        recognition = d.get(Stage.RECOGNITION_COMMITTEE) or d.get(Stage.RECOGNITION_BRANCH)
        if facts.recognition_rejected_date is not None:
            due["removal_due"] = today
        elif recognition is not None:
            due["recognition_decision"] = add_working_days(recognition, rules.recognition_decision_working_days)
        elif today <= probation_end:
            due["probation_end"] = probation_end
        else:
            due["recognition_review"] = add_working_days(probation_end, rules.recognition_review_working_days)
        if facts.recognition_failed_votes >= rules.recognition_failed_votes_referred:
            due["recognition_referred"] = today
        if facts.new_member_class_taken is None:
            due["new_member_class"] = probation_end
    if not branch:
        if facts.certificate_date:  # the latest certificate: a class taken again renews it
            due["certificate_expiry"] = add_months(facts.certificate_date, rules.certificate_valid_months)
        turns_18 = add_years(facts.birth_date, rules.min_age_months // 12)
        if today < turns_18:
            due["turns_18"] = turns_18
        turns_60 = add_years(facts.birth_date, rules.max_age_months // 12)
        if today >= add_months(turns_60, -rules.near_max_age_months):
            due["turns_60"] = turns_60
    stage = current_stage(d)
    if stage is not None and stage not in MEMBER_STAGES:
        due["stuck"] = d[stage] + timedelta(days=rules.stuck_days)
    if stage in (Stage.CLASS_DONE, Stage.DOSSIER) and any(
        f.code == "sponsors_missing" for f in sponsor_findings(facts, today, rules)
    ):
        due["sponsors_missing"] = today  # a to-do now: the dossier cannot go to the vote without them

    clocks = []
    for kind, when in due.items():
        # Turning 60 is only listed once it is near, and is then worth a warning straight away.
        soon = rules.near_max_age_months * 31 if kind == "turns_60" else rules.due_soon_days
        state = clock_state(when, today, soon)
        if kind == "stuck" and state != "overdue":
            continue  # only a stay past the limit is worth a line
        if kind in REMINDERS and state == "overdue":
            continue
        working = kind in WORKING_DAY_CLOCKS
        left = working_days_between(today, when) if working else (when - today).days
        if state == "overdue":
            left = min(left, -1)  # a weekend day after the deadline is still past it
        clocks.append(Clock(kind, when, state, left, working))
    return sorted(clocks, key=lambda c: (STATE_RANK[c.state], c.due))
