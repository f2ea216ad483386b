"""Tables as people read them: Vietnamese headers from the catalog, figures formatted by
core.format. Pages, the command line and exports show these, never raw frames."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd

from core.access.audit_text import CANDIDATE_FIELDS, value_text
from core.figures.breakdowns import Mix
from core.figures.style import status_text
from core.figures.todo import WorkCard
from core.format import (
    fmt_date,
    fmt_datetime,
    fmt_days_left,
    fmt_number,
    fmt_percent,
    is_missing,
)
from core.i18n import has, label, t
from core.procedure.candidates import latest_in_force
from core.procedure.stages import STAGES, Qualification
from core.procedure.votes import vote_text

SHOWN_QUALIFICATIONS = (Qualification.UNIVERSITY, Qualification.COLLEGE, Qualification.INTERMEDIATE)


def progress_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One line per organization: admitted/target, % of plan, expected by now, % of members,
    status (with its symbol, so it reads in greyscale) and why, in words."""
    return pd.DataFrame(
        {
            t("col.organization"): [f"{name} ({part})" if part else name for name, part in
                                    zip(rows["name"], rows["part"] if "part" in rows else [""] * len(rows))],
            t("col.admitted_target"): [f"{fmt_number(a)}/{fmt_number(b)}" for a, b in zip(rows["admitted"], rows["target"])],
            t("col.percent_plan"): [fmt_percent(p) for p in rows["percent_plan"]],
            t("col.expected"): [fmt_number(e, 1) for e in rows["expected"]],
            t("col.percent_members"): [fmt_percent(p, 2) for p in rows["percent_members"]],
            t("col.status"): [status_text(s) for s in rows["status"]],
            t("col.reason"): rows["reason"].tolist(),
        }
    )


def mix_table(mix: Mix) -> pd.DataFrame:
    """The mix of the admitted: each group's count and share of the total."""
    def share(n: int) -> str:
        return fmt_percent(100 * n / mix.total) if mix.total else "–"

    groups = [(label("mix", k), n) for k, n in mix.flags.items()]
    groups += [(label("qualification", k), n) for k, n in mix.qualification.items() if k in SHOWN_QUALIFICATIONS]
    groups += [(label("occupation", k), n) for k, n in mix.occupation.items() if n]
    return pd.DataFrame(
        {
            t("col.group"): [name for name, _ in groups],
            t("col.count"): [fmt_number(n) for _, n in groups],
            t("col.share"): [share(n) for _, n in groups],
        }
    )


def sector_table(standing: pd.DataFrame) -> pd.DataFrame:
    """Candidates standing at each stage (columns) per sector (rows)."""
    if standing.empty:
        return pd.DataFrame()
    pivot = standing.pivot_table(index="sector", columns="stage", values="count", aggfunc="sum", fill_value=0)
    pivot = pivot.reindex(columns=[s.value for s in STAGES if s.value in pivot.columns])
    table = pd.DataFrame({t("col.sector"): [label("sector", s) for s in pivot.index]})
    for stage in pivot.columns:
        table[label("stage", stage)] = [fmt_number(n) for n in pivot[stage]]
    return table


def record_link(candidate_id: int) -> str:
    """The relative link to a candidate's record page."""
    return f"ho-so?id={int(candidate_id)}"


def worklist_table(cards: list[WorkCard]) -> pd.DataFrame:
    """A branch's candidates (core.figures.todo.work_cards): stage and since when, next step, its
    nearest deadline and how long is left, the record."""
    return pd.DataFrame(
        {
            t("col.full_name"): [c.full_name for c in cards],
            t("col.organization"): [c.org_name for c in cards],
            t("col.current_stage"): [label("stage", c.stage) for c in cards],
            t("col.since"): [fmt_date(c.stage_date) for c in cards],
            t("col.next_step"): [label("stage", c.next_stage) if c.next_stage else "–" for c in cards],
            t("col.due"): [fmt_date(c.due) for c in cards],
            t("col.days_left"): [c.deadline or "–" for c in cards],
            t("col.record"): [record_link(c.candidate_id) for c in cards],
        }
    )


def clocks_table(clocks: pd.DataFrame) -> pd.DataFrame:
    """Candidates' clocks: who, where, what is due, by when, how late, and the record."""
    return pd.DataFrame(
        {
            t("col.full_name"): clocks["full_name"].tolist(),
            t("col.organization"): clocks["org_name"].tolist(),
            t("col.clock"): [label("clock", c) for c in clocks["clock"]],
            t("col.due"): [fmt_date(d) for d in clocks["due"]],
            t("col.clock_state"): [label("clock_state", s) for s in clocks["state"]],
            t("col.days_left"): [fmt_days_left(int(d), working=bool(w)) for d, w in zip(clocks["days_left"], clocks["working_days"])],
            t("col.record"): [record_link(i) for i in clocks["candidate_id"]],
        }
    )


def students_table(students: pd.DataFrame) -> pd.DataFrame:
    """Students of age by the next 03/02: name, school, stage, the day they turn 18."""
    return pd.DataFrame(
        {
            t("col.full_name"): students["full_name"].tolist(),
            t("col.birth_date"): [fmt_date(d) for d in students["birth_date"]],
            t("col.organization"): students["org_name"].tolist(),
            t("col.current_stage"): [label("stage", s) for s in students["stage"]],
            t("col.of_age_on"): [fmt_date(d) for d in students["of_age_on"]],
        }
    )


def funnel_table(stages: pd.DataFrame) -> pd.DataFrame:
    """The funnel: standing, entered in the year, moved on, conversion, median days."""
    return pd.DataFrame(
        {
            t("col.stage"): [label("stage", s) for s in stages["stage"]],
            t("col.standing"): [fmt_number(n) for n in stages["standing"]],
            t("col.entered"): [fmt_number(n) for n in stages["entered"]],
            t("col.moved_on"): [fmt_number(n) for n in stages["moved_on"]],
            t("col.conversion"): [fmt_percent(p) for p in stages["conversion"]],
            t("col.median_days"): [fmt_number(d) for d in stages["median_days"]],
        }
    )


def candidates_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Candidates of a branch: name, birth date, organization, current stage and since when."""
    return pd.DataFrame(
        {
            t("col.full_name"): frame["full_name"].tolist(),
            t("col.birth_date"): [fmt_date(d) for d in frame["birth_date"]],
            t("col.organization"): frame["org_name"].tolist(),
            t("col.current_stage"): [label("exit", e) if e else label("stage", s) for s, e in zip(frame["stage"], frame["exit"])],
            t("col.since"): [fmt_date(d) for d in frame["stage_date"]],
        }
    )


def history_table(events: pd.DataFrame) -> pd.DataFrame:
    """A candidate's events as recorded, corrections shown as such, a resolution with its vote
    (an old one without its denominator says so: core.procedure.votes.vote_text)."""
    if events.empty:
        return pd.DataFrame(columns=[t("col.event_date"), t("col.stage"), t("col.document"), t("col.votes"), t("col.note"),
                                     t("col.recorded")])
    def column(name: str) -> list:
        return events[name].tolist() if name in events else [None] * len(events)

    stage_or_exit = [_dated_step(s, received, effective) for s, received, effective
                     in zip(events["stage"], column("received_date"), column("effective_date"))]
    members, excused, against = column("members_total"), column("members_excused"), column("votes_against")
    return pd.DataFrame(
        {
            t("col.event_date"): [fmt_date(d) for d in events["event_date"]],
            t("col.stage"): [t("history.voided", stage=s) if v else s for s, v in zip(stage_or_exit, events["voids"])],
            t("col.document"): events["document_number"].tolist(),
            t("col.votes"): [_with_against(vote_text(votes_for=f, present=p, members_total=m, members_excused=x), a)
                             for f, p, m, x, a in zip(events["votes_for"], events["votes_total"], members, excused,
                                                      against)],
            t("col.note"): events["note"].tolist(),
            t("col.recorded"): [f"{u} – {fmt_datetime(at)}" for u, at in zip(events["recorded_by"], events["recorded_at"])],
        }
    )


def unrecorded_table(recognitions: pd.DataFrame) -> pd.DataFrame:
    """core.procedure.recognition.unrecorded_recognitions as the admin reads it: who, where,
    admitted when, official from when (the end of the probation)."""
    return pd.DataFrame({
        t("col.full_name"): recognitions["full_name"].tolist(),
        t("col.organization"): recognitions["organization"].tolist(),
        t("col.admitted_date"): [fmt_date(d) for d in recognitions["admitted_date"]],
        t("col.official_date"): [fmt_date(d) for d in recognitions["official_date"]],
    })


def unproven_table(resolutions: pd.DataFrame) -> pd.DataFrame:
    """core.procedure.votes.unproven_resolutions as the admin reads it: who, where, which
    resolution, when, and the vote as the old form recorded it."""
    return pd.DataFrame({
        t("col.full_name"): resolutions["full_name"].tolist(),
        t("col.organization"): resolutions["organization"].tolist(),
        t("col.stage"): resolutions["stage"].tolist(),
        t("col.event_date"): [fmt_date(d) for d in resolutions["event_date"]],
        t("col.votes"): [vote_text(votes_for=f, present=p, members_total=None, members_excused=None)
                         for f, p in zip(resolutions["votes_for"], resolutions["present"])],
    })


def user_state(u: dict) -> str:
    """A user of list_users as the admin reads its state: disabled, locked, on a temporary
    password, or in use."""
    if not u["active"]:
        return t("user.disabled")
    if u["locked"]:
        return t("user.locked")
    return t("user.must_change") if u["must_change_password"] else t("user.active")


def users_table(users: list[dict]) -> pd.DataFrame:
    """Users for the admin: name, role, organization, state, last activity, where reminders go."""
    return pd.DataFrame(
        {
            t("col.username"): [u["username"] for u in users],
            t("col.display_name"): [u["display_name"] for u in users],
            t("col.role"): [label("role", u["role"]) for u in users],
            t("col.organization"): [u["org_name"] for u in users],
            t("col.user_state"): [user_state(u) for u in users],
            t("col.last_seen"): [fmt_datetime(u["last_seen_at"]) for u in users],
            t("col.email"): [u["email"] or "–" for u in users],
            t("col.digest"): [label("digest", u["digest"]) if u["email"] else "–" for u in users],
        }
    )


def organizations_table(tree: list) -> pd.DataFrame:
    """The organization tree, indented by depth, with kind, sector and state."""
    top = min((o.depth for o in tree), default=0)
    return pd.DataFrame(
        {
            t("col.organization"): ["\u2003" * (o.depth - top) + o.name for o in tree],
            t("org.code"): [o.code for o in tree],
            t("org.kind"): [label("kind", o.kind) for o in tree],
            t("col.sector"): [label("sector", o.sector) for o in tree],
            t("org.state"): [t("org.ended_on", date=fmt_date(o.valid_to)) if getattr(o, "valid_to", None)
                             else t(f"org.active_{o.active}") for o in tree],
        }
    )


def audit_table(entries: pd.DataFrame) -> pd.DataFrame:
    """The audit log as people read it: one Vietnamese sentence per entry (core.access.audit_text)."""
    return pd.DataFrame({t("audit.col_entry"): entries["sentence"].tolist()})


def audit_raw_table(entries: pd.DataFrame) -> pd.DataFrame:
    """The same entries with their raw values (the stored fields before and after, as JSON),
    for the admin who needs to check a sentence; password hashes are never stored."""
    def raw(values: dict) -> str:
        return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else ""

    return pd.DataFrame(
        {
            t("col.at"): [fmt_datetime(a) for a in entries["at"]],
            t("col.username"): entries["username"].tolist(),
            t("col.action"): [label("action", a) if has(f"action.{a}") else a for a in entries["action"]],
            t("col.entity"): [label("entity", e) if has(f"entity.{e}") else e for e in entries["entity"]],
            t("audit.col_record_id"): ["" if pd.isna(i) else str(int(i)) for i in entries["entity_id"]],
            t("col.before"): [raw(b) for b in entries["before"]],
            t("col.after"): [raw(a) for a in entries["after"]],
        }
    )


def import_errors_table(errors: list) -> pd.DataFrame:
    """The problems of a refused import: Excel row (or the file as a whole), column, what is wrong."""
    return pd.DataFrame(
        {
            t("import.col.row"): [str(e.row) if e.row else t("import.file_level") for e in errors],
            t("import.col.column"): [e.column for e in errors],
            t("import.col.message"): [e.message for e in errors],
        }
    )


def field_texts(values: dict[str, object]) -> dict[str, str]:
    """A form's values as people read them, by the field's label: dates 19/01/2024, numbers
    4.850, có/không; what was left empty is left out."""
    def text(value: object) -> str:
        if isinstance(value, bool):
            return value_text("bool", value)
        if isinstance(value, date):
            return fmt_date(value)
        if isinstance(value, int):
            return fmt_number(value)
        return str(value).strip()

    given = {name: value for name, value in values.items() if value is not None and not pd.isna(value)}
    return {name: text(value) for name, value in given.items() if text(value)}


def candidate_texts(candidate) -> dict[str, str]:
    """A candidate's fields (the record, or what the details form gives) by label, each read as
    in the audit sentences."""
    def heading(name: str) -> str:
        what = t(f"audit.field.{name}")
        return what[:1].upper() + what[1:]

    return {heading(name): value_text(kind, getattr(candidate, name)) for name, kind in CANDIDATE_FIELDS.items()}


def beside_record_table(typed: dict[str, str], current: dict[str, str], *, only_differences: bool = False
                        ) -> pd.DataFrame:
    """After a write refused because someone else changed the record meanwhile: what the user
    typed beside the record as it is now, one line per field (only those that differ, when
    asked), so nothing typed is lost and nothing stale is sent again."""
    rows = [(name, typed.get(name, ""), current.get(name, "")) for name in dict.fromkeys([*typed, *current])
            if not (only_differences and typed.get(name, "") == current.get(name, ""))]
    return pd.DataFrame(rows, columns=[t("stale.field"), t("stale.typed"), t("stale.current")])


def step_name(code: str) -> str:
    """A history event's name: a stage, a record that is not a stage (core.procedure.stages.Record), or an exit."""
    for group in ("stage", "record"):
        if has(f"{group}.{code}"):
            return label(group, code)
    return label("exit", code)


def _dated_step(code: str, received, effective) -> str:
    """The step's name, with the day the decision was received or the official status took effect."""
    name = step_name(code)
    if not is_missing(effective):
        return t("history.effective", stage=name, date=fmt_date(effective))
    if not is_missing(received):
        return t("history.received", stage=name, date=fmt_date(received))
    return name


def _with_against(votes: str, against) -> str:
    if is_missing(against) or not votes:
        return votes
    return t("history.votes_against", votes=votes, against=fmt_number(int(against)))


def step_texts(record, history: pd.DataFrame) -> dict[str, str]:
    """The candidate's current step, named as the step form names its fields."""
    latest = latest_in_force(history)
    return field_texts({
        t("candidate.next_stage"): label("stage", record.stage),
        t("candidate.date"): record.stage_date,
        t("candidate.document"): None if latest is None else latest["document_number"],
    })


def exit_texts(record, _history: pd.DataFrame) -> dict[str, str]:
    """The candidate's exit, if any, named as the exit form names its fields."""
    return field_texts({t("candidate.exit_kind"): label("exit", record.exit) if record.exit else t("audit.empty"),
                        t("candidate.date"): record.exit_date})


def void_texts(_record, history: pd.DataFrame) -> dict[str, str]:
    """The step a void would undo now, as the void form names it."""
    return field_texts({t("candidate.tab_void"): void_target(history)})


def void_target(history: pd.DataFrame) -> str | None:
    """"Chi bộ đề nghị kết nạp, 19/01/2024": the step a void would undo, or None."""
    latest = latest_in_force(history)
    return None if latest is None else f"{step_name(latest['stage'])}, {fmt_date(latest['event_date'])}"


def plans_texts(grid: pd.DataFrame) -> dict[str, str]:
    """A plans grid (columns code, name, target, members_start; figures as typed or as
    plans_text shows them) by "organization – column", for beside_record_table."""
    texts = {}
    for row in grid.itertuples(index=False):
        for column in ("target", "members_start"):
            value = getattr(row, column)
            texts[f"{row.name} – {t(f'field.{column}')}"] = "" if value is None or pd.isna(value) else str(value).strip()
    return texts
