"""Projector mode: which panels, how fast they rotate, which theme, compared with which day,
read from the URL; and the aggregates the panels show (never a person)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session

from core.access.filters import View, parse_view
from core.access.scope import Actor, Subtree
from core.config import RuleSettings
from core.figures.progress import (
    candidate_scope,
    counted_date_column,
    counts_by_prefix,
    orgs_on_screen,
    roll_to_screen,
)
from core.format import fmt_echo, is_clean_url_text, parse_ascii_int
from core.i18n import label, t

PANELS = ("headline", "ranking", "funnel", "lagging", "month", "change")
THEMES = ("dark", "light")
DEFAULT_SECONDS = 20
MIN_SECONDS, MAX_SECONDS = 5, 600
DEFAULT_SINCE_DAYS = 30  # "since the last meeting": a month earlier unless ?since= says otherwise
MONTH_WINDOW_MIN_DAYS = 7  # the "month" panel never shows fewer days than this


def month_window(as_of: date) -> tuple[date, date]:
    """The days the "month" panel counts: the month so far, and in its first week the whole of
    the month before as well (on the 1st, "this month" would be one day, and empty)."""
    start = as_of.replace(day=1)
    if as_of.day < MONTH_WINDOW_MIN_DAYS:
        start = (start - timedelta(days=1)).replace(day=1)
    return start, as_of


@dataclass(frozen=True)
class ProjectorView:
    """Everything the meeting-room bookmark fixes."""

    view: View
    panels: tuple[str, ...]
    seconds: int
    theme: str


def parse_projector(
    session: Session, actor: Actor, params: Mapping[str, str], *, today: date
) -> tuple[ProjectorView, list[str]]:
    """The projector view the URL asks for; each bad parameter gets a notice and its default."""
    since = params.get("since")
    view, notices = parse_view(session, actor, {**params, **({"cmp": since} if since else {})}, today=today)
    if not since:
        view = replace(view, compare=view.as_of - timedelta(days=DEFAULT_SINCE_DAYS))
    panels = PANELS
    if params.get("panels"):
        raw = params["panels"]
        asked = tuple(p.strip() for p in raw.split(",") if p.strip()) if is_clean_url_text(raw) else ()
        if asked and all(p in PANELS for p in asked):
            panels = asked
        else:
            notices.append(t("projector.bad_panels", value=fmt_echo(raw),
                             panels=", ".join(label("projector.panel", p) for p in PANELS)))
    seconds = DEFAULT_SECONDS
    if params.get("seconds"):
        raw = params["seconds"]
        asked_seconds = parse_ascii_int(raw, low=MIN_SECONDS, high=MAX_SECONDS)
        if asked_seconds is None:
            notices.append(t("projector.bad_seconds", value=fmt_echo(raw), low=MIN_SECONDS, high=MAX_SECONDS))
        else:
            seconds = asked_seconds
    theme = params.get("theme") or THEMES[0]
    if theme not in THEMES:
        notices.append(t("projector.bad_theme", value=fmt_echo(theme)))
        theme = THEMES[0]
    return ProjectorView(view, panels, seconds, theme), notices


def admitted_between(
    session: Session, subtree: Subtree, *, start: date, end: date, rules: RuleSettings
) -> pd.DataFrame:
    """Admissions between two dates for each organization directly under the subtree's root, rolled
    up from their subtrees, most first. Columns: code, name, admitted."""
    counted = counted_date_column(rules)
    orgs = orgs_on_screen(session, subtree)
    counts = counts_by_prefix(session, subtree, 1, {"admitted": func.count()}, candidate_scope(session, subtree),
                              counted >= start, counted <= end)
    orgs["admitted"] = roll_to_screen(orgs, counts)["admitted"]
    children = orgs[orgs["parent_id"] == subtree.id]
    return children.sort_values(["admitted", "name"], ascending=[False, True])[["code", "name", "admitted"]]
