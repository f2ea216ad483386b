"""Projector mode: which panels, how fast they rotate, which theme, compared with which day,
read from the URL; and the aggregates the panels show (never a person)."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func
from sqlmodel import Session

from core.access.filters import View, parse_view
from core.access.scope import Actor, Subtree
from core.config import RuleSettings
from core.figures.progress import (
    Period,
    children_of,
    counted_date_column,
    counting,
    counts_by_prefix,
    expected_count,
    orgs_on_screen,
    roll_to_screen,
)
from core.format import (
    fmt_date,
    fmt_echo,
    fmt_number,
    is_clean_url_text,
    parse_ascii_int,
)
from core.i18n import label, t

PANELS = ("headline", "ranking", "funnel", "lagging", "month", "change")
THEMES = ("dark", "light")
DEFAULT_SECONDS = 20
MIN_SECONDS, MAX_SECONDS = 5, 600
DEFAULT_SINCE_DAYS = 30  # "since the last meeting": a month earlier unless ?since= says otherwise
MONTH_WINDOW_MIN_DAYS = 7  # the "month" panel never shows fewer days than this
URL_PARAMETERS = ("year", "org", "asof", "since", "panels", "seconds", "theme")
# Rows on one page of a paged panel: as many as fit whole, with the headline, the axis and
# legend, the page indicator and the controls, at 1280×720 and 1920×1080 (the type grows with
# the screen, so one size serves both); tests/browser/test_projector.py measures it.
ROWS_PER_PAGE = {"ranking": 8, "lagging": 6}
LAGGING_STATUSES = ("missed", "at_risk", "behind")
MOVERS_SHOWN = 6  # lines of the "month" and "change" panels; the rest are counted in one more line


def month_window(as_of: date) -> tuple[date, date]:
    """The days the "month" panel counts: the month so far, and in its first week the whole of
    the month before as well (on the 1st, "this month" would be one day, and empty)."""
    start = as_of.replace(day=1)
    if as_of.day < MONTH_WINDOW_MIN_DAYS:
        start = (start - timedelta(days=1)).replace(day=1)
    return start, as_of


def month_heading(as_of: date, admitted: int) -> str:
    """What the "month" panel counts, said in its first line; in a month's first days, why
    the month before is in it too."""
    start, end = month_window(as_of)
    values = dict(start=fmt_date(start), end=fmt_date(end), total=fmt_number(admitted))
    if start.month != end.month:
        return t("projector.month_heading_early", month=end.month, **values)
    return t("projector.month_heading", **values)


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
    unknown = [name for name in params if name not in URL_PARAMETERS]
    if unknown:
        notices.append(t("projector.unknown_parameters", names=", ".join(f"«{fmt_echo(n)}»" for n in unknown)))
    return ProjectorView(view, panels, seconds, theme), notices


def admitted_between(
    session: Session, subtree: Subtree, *, start: date, end: date, rules: RuleSettings
) -> pd.DataFrame:
    """Admissions between two dates for each organization directly under the subtree's root, rolled
    up from their subtrees, most first. Columns: code, name, admitted.

    On the tree as it stood (core.figures.progress.counting): each admission where the candidate
    stood on the day, under the organizations that stood under the root then, each part of a
    window that runs into another year on that year's tree (the first days of January with
    December before them)."""
    parts = []
    for year in range(start.year, end.year + 1):
        part = Period(year, end, opened=max(start, date(year, 1, 1)), closed=min(end, date(year, 12, 31)))
        orgs = orgs_on_screen(session, subtree, 1, part)
        counted = counting(session, subtree, part)
        day = counted_date_column(rules, counted.C)
        counts = counts_by_prefix(session, counted, 1, {"admitted": func.count()},
                                  day >= part.start, day <= part.end, counted.on(day))
        orgs["admitted"] = roll_to_screen(orgs, counts)["admitted"]
        parts.append(orgs[orgs["parent_id"] == subtree.id][["code", "name", "admitted"]])
    children = pd.concat(parts)
    # An organization on both sides of New Year is one line, under the name it had last.
    children = children.groupby(level=0).agg(code=("code", "last"), name=("name", "last"), admitted=("admitted", "sum"))
    return children.sort_values(["admitted", "name"], ascending=[False, True])[["code", "name", "admitted"]]


@dataclass(frozen=True)
class Slide:
    """One screen of the rotation: a panel, and which of its pages (1-based) of how many."""

    panel: str
    page: int = 1
    pages: int = 1


def lagging_rows(figures: pd.DataFrame) -> pd.DataFrame:
    """Every organization of the level shown that has missed its plan, is at risk or behind
    pace, worst first."""
    children = children_of(figures)
    return children[children["status"].isin(LAGGING_STATUSES)]


def ranking_rows(figures: pd.DataFrame) -> pd.DataFrame:
    """Every organization of the level shown, best % of plan first (those without a target
    last), ties by name; with its place in the ranking ("rank", from 1)."""
    ranked = children_of(figures).sort_values(["percent_plan", "name"], ascending=[False, True], na_position="last",
                                              kind="stable")
    return ranked.assign(rank=range(1, len(ranked) + 1))


PANEL_ROWS = {"ranking": ranking_rows, "lagging": lagging_rows}


def page_count(rows: int, per_page: int) -> int:
    """Pages needed to show `rows` rows, `per_page` at most on each; an empty list is one page
    (which says so)."""
    return max(1, math.ceil(rows / per_page))


def page_bounds(rows: int, per_page: int, page: int) -> tuple[int, int]:
    """The rows [start, stop) on page `page` (1-based). The rows are shared out evenly, the
    first pages taking one more where they do not divide: 22 by 6 gives 6, 6, 5, 5 (not a
    last page of 4), so no page looks like the end of the list."""
    pages = page_count(rows, per_page)
    if not 1 <= page <= pages:
        raise ValueError(f"page {page} of {pages}")
    size, extra = divmod(rows, pages)
    start = (page - 1) * size + min(page - 1, extra)
    return start, start + size + (1 if page <= extra else 0)


def slides(panels: Sequence[str], figures: pd.DataFrame) -> list[Slide]:
    """The rotation: the panels in the order asked, a paged panel as one slide per page, so
    that one full turn shows every organization of the level in each paged panel."""
    turn: list[Slide] = []
    for panel in panels:
        if panel in ROWS_PER_PAGE:
            pages = page_count(len(PANEL_ROWS[panel](figures)), ROWS_PER_PAGE[panel])
            turn += [Slide(panel, page, pages) for page in range(1, pages + 1)]
        else:
            turn.append(Slide(panel))
    return turn


def slide_rows(slide: Slide, figures: pd.DataFrame) -> pd.DataFrame:
    """The organizations a paged panel's slide shows (its page of the panel's rows)."""
    rows = PANEL_ROWS[slide.panel](figures)
    start, stop = page_bounds(len(rows), ROWS_PER_PAGE[slide.panel], slide.page)
    return rows.iloc[start:stop]


def first_slide(turn: Sequence[Slide], panel: str) -> int:
    """Where a panel starts in the rotation (its first page)."""
    return next(i for i, slide in enumerate(turn) if slide.panel == panel)


def short_reason(row: Mapping) -> str:
    """Why an organization is on the lagging panel, in a few words for a projected line (the
    overview and the alerts say it in full: core.figures.progress.status_reason)."""
    target, admitted, late = int(row["target"]), int(row["admitted"]), int(row["late_pipeline"])
    key = f"projector.reason.{row['status']}" + ("_none" if late == 0 and row["status"] == "at_risk" else "")
    return t(key, expected=fmt_number(expected_count(float(row["expected"]))),
             late=fmt_number(late), short=fmt_number(max(target - admitted, 0)))


def top_movers(rows: pd.DataFrame, column: str) -> tuple[pd.DataFrame, int, int]:
    """The organizations with a positive `column`, in the order given, as many as a slide
    shows; and how many more there are, with their sum, for the line that says so."""
    moving = rows[rows[column] > 0]
    rest = moving.iloc[MOVERS_SHOWN:]
    return moving.head(MOVERS_SHOWN), len(rest), int(rest[column].sum())
