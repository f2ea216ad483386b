"""Tables as people read them: Vietnamese headers from the catalog, figures formatted by
core.format. Pages, the command line and exports show these, never raw frames."""
from __future__ import annotations

import pandas as pd

from core.alerts import Alert
from core.format import fmt_date, fmt_datetime, fmt_number, fmt_percent
from core.i18n import has, label, t
from core.stages import STAGE_ORDER


def progress_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One line per organization: admitted/target, % of plan, % of members, status."""
    return pd.DataFrame(
        {
            t("col.organization"): rows["name"].tolist(),
            t("col.admitted_target"): [f"{fmt_number(a)}/{fmt_number(b)}" for a, b in zip(rows["admitted"], rows["target"])],
            t("col.percent_plan"): [fmt_percent(p) for p in rows["percent_plan"]],
            t("col.percent_members"): [fmt_percent(p, 2) for p in rows["percent_members"]],
            t("col.status"): [label("status", s) for s in rows["status"]],
        }
    )


def alerts_table(alerts: list[Alert]) -> pd.DataFrame:
    """One line per alert, worst first as given."""
    return pd.DataFrame(
        {
            t("col.alert_kind"): [label("alert_kind", a.kind) for a in alerts],
            t("col.organization"): [a.org_name for a in alerts],
            t("col.message"): [a.message for a in alerts],
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
    """A candidate's events as recorded, corrections shown as such."""
    if events.empty:
        return pd.DataFrame(columns=[t("col.event_date"), t("col.stage"), t("col.document"), t("col.note"), t("col.recorded")])
    stage_or_exit = [label("stage", s) if s in STAGE_ORDER else label("exit", s) for s in events["stage"]]
    return pd.DataFrame(
        {
            t("col.event_date"): [fmt_date(d) for d in events["event_date"]],
            t("col.stage"): [t("history.voided", stage=s) if v else s for s, v in zip(stage_or_exit, events["voids"])],
            t("col.document"): events["document_number"].tolist(),
            t("col.note"): events["note"].tolist(),
            t("col.recorded"): [f"{u} – {fmt_datetime(at)}" for u, at in zip(events["recorded_by"], events["recorded_at"])],
        }
    )


def users_table(users: list[dict]) -> pd.DataFrame:
    """Users for the admin: name, role, organization, state, last activity."""
    def state(u: dict) -> str:
        if not u["active"]:
            return t("user.disabled")
        if u["locked"]:
            return t("user.locked")
        return t("user.must_change") if u["must_change_password"] else t("user.active")

    return pd.DataFrame(
        {
            t("col.username"): [u["username"] for u in users],
            t("col.display_name"): [u["display_name"] for u in users],
            t("col.role"): [label("role", u["role"]) for u in users],
            t("col.organization"): [u["org_name"] for u in users],
            t("col.user_state"): [state(u) for u in users],
            t("col.last_seen"): [fmt_datetime(u["last_seen_at"]) for u in users],
        }
    )


def audit_table(entries: pd.DataFrame) -> pd.DataFrame:
    """The audit log: when, who, what, on which record, before and after."""
    return pd.DataFrame(
        {
            t("col.at"): [fmt_datetime(a) for a in entries["at"]],
            t("col.username"): entries["username"].tolist(),
            t("col.action"): [t(f"action.{a}") if has(f"action.{a}") else a for a in entries["action"]],
            t("col.entity"): [e if pd.isna(i) else f"{e} #{int(i)}" for e, i in zip(entries["entity"], entries["entity_id"])],
            t("col.before"): entries["before"].tolist(),
            t("col.after"): entries["after"].tolist(),
        }
    )

