"""The projector page: full screen, large type, high contrast, rotating panels that refresh
themselves. Aggregates only: nothing here reads a candidate's row. Streamlit-bound."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, datetime

import altair as alt
import pandas as pd
import streamlit as st

from core.access.filters import View
from core.access.scope import Actor, Subtree
from core.config import current_day
from core.figures.progress import children_of, headline
from core.figures.projector import (
    ProjectorView,
    Slide,
    admitted_between,
    first_slide,
    month_heading,
    month_window,
    parse_projector,
    short_reason,
    slide_rows,
    slides,
    top_movers,
)
from core.figures.style import STATUS_SYMBOLS
from core.format import VIETNAM_TIME, fmt_date, fmt_number, fmt_percent
from core.i18n import label, t
from core.storage.db import session_scope
from ui import auth, faults, text, web
from ui.charts import funnel_chart, progress_chart, vega_spec

THEME = {
    "dark": {"background": "#0B0F14", "text": "#F5F5F5", "muted": "#B8C0C8"},
    "light": {"background": "#FFFFFF", "text": "#111111", "muted": "#444444"},
}
# A static stylesheet of ours (no user text): hide Streamlit's chrome, enlarge type. The root
# size follows the screen (16 px at 1280×720, 24 px at 1920×1080), so every rem below, and
# Streamlit's own, grows with it and a page that fits one of them fits the other.
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer {{ display: none !important; }}
html {{ font-size: max(12px, min(calc(100vh / 45), calc(100vw / 80))) !important; }}
.stApp {{ background: {background}; color: {text}; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100%; padding: 0.6rem 3rem 0.3rem 3rem; }}
.stApp h1 {{ font-size: 2.4rem; padding: 0.2rem 0 0 0; color: {text}; }}
.stApp h2 {{ font-size: 2.2rem; padding: 0; color: {text}; }}
.stApp p, .stApp li {{ font-size: 2rem; color: {text}; }}
.stApp ul {{ list-style: none; padding-left: 0; }}
.stApp li {{ margin: 0; line-height: 1.25; }}
.stApp li li {{ font-size: 1.4rem; color: {muted}; margin: 0 0 0.35rem 0; }}
.stApp li ul {{ margin: 0; padding-left: 2.1rem; }}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{ font-size: 7rem !important;
  line-height: 1.1; color: {text}; }}
[data-testid="stMetricLabel"] p {{ font-size: 2rem; color: {muted}; }}
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"]) {{ display: none; }}
[data-testid="stElementContainer"]:has([data-testid="stVegaLiteChart"]) {{ height: 30rem; }}
[data-testid="stCaptionContainer"] p {{ font-size: 1.1rem; color: {muted}; }}
.stButton button, [data-testid="stButtonGroup"] button {{ background: transparent; border-color: {muted}; }}
.stButton button p, [data-testid="stButtonGroup"] button p {{ font-size: 1.1rem; color: {muted}; }}
</style>
"""


ITEM = text.Md("\n- ")  # a list item of ours; the text after it is escaped
SUB_ITEM = text.Md("\n    - ")  # a line beneath it, in smaller type


# Chart type in proportion to the chart's width, as the page's type follows the screen (22 px
# at 1280 px wide, 33 px at 1920 px): Vega works the size out in the browser.
CHART_FONT = alt.ExprRef("clamp(containerSize()[0] / 54, 12, 48)")
NAME_ROOM = "containerSize()[0] * 0.4"
LABEL_ROOM = 1.6  # the ranking's scale runs to this many times the best % of plan


def _big(chart, theme: str):
    colours = THEME[theme]
    return (chart.configure(background=colours["background"])
            .configure_axis(labelFontSize=CHART_FONT, titleFontSize=CHART_FONT, labelColor=colours["text"],
                            titleColor=colours["text"], labelLimit=alt.ExprRef(NAME_ROOM),
                            gridColor=colours["muted"], gridOpacity=0.3)
            .configure_legend(labelFontSize=CHART_FONT, labelColor=colours["text"], labelLimit=0, columns=3,
                              symbolSize=alt.ExprRef("pow(containerSize()[0] / 54, 2)"))
            .configure_text(fontSize=CHART_FONT, color=colours["text"]).configure_view(stroke=None))


def _for_the_room(spec: dict, theme: str) -> dict:
    """Two changes to a chart built for the dashboards: the builders cut long names at a fixed
    width (ui.charts.NAME_AXIS), here the names' room grows with the chart as their type does;
    and the dark target and pace rules are drawn in the theme's text colour, seen on a dark
    background too."""
    def walk(node: object) -> None:
        if isinstance(node, dict):
            axis = node.get("axis")
            if isinstance(axis, dict) and "labelLimit" in axis:
                axis["labelLimit"] = {"expr": NAME_ROOM}
            mark = node.get("mark")
            if isinstance(mark, dict) and mark.get("type") in ("rule", "tick") and "color" in mark:
                mark["color"] = THEME[theme]["text"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(spec)
    return spec


def _headline(figures: pd.DataFrame) -> None:
    head = headline(figures)
    left, middle, right = st.columns(3)
    left.metric(t("projector.admitted"), f"{fmt_number(head.admitted)}/{fmt_number(head.target)}")
    middle.metric(t("projector.percent_plan"), fmt_percent(head.percent_plan))
    right.metric(t("projector.grassroots"), f"{fmt_number(head.grassroots_admitting)}/{fmt_number(head.grassroots_total)}")
    text.markdown(text.md(t("projector.percent_members"), ": ", text.bold(fmt_percent(head.percent_members, 2)),
                          f" – {label('band', head.band)}" if head.band else ""))


@st.cache_data(ttl=600, max_entries=64, show_spinner=False, hash_funcs=web.SHARED)
def _ranking_spec(version: web.ViewKey, actor: Actor, view: View, theme: str, slide: Slide) -> dict:
    figures = web.cached_org_figures(version, view.subtree, view.year, view.as_of)
    page = slide_rows(slide, figures)
    page = page.assign(name=[t("projector.rank_name", rank=r, name=n) for r, n in zip(page["rank"], page["name"])])
    spec = _for_the_room(vega_spec(_big(progress_chart(page, pace_percent=figures.attrs["pace_percent"]), theme)), theme)
    # One scale for every page (a bar means the same on each), with room right of the longest
    # bar for its label ("✖ Có nguy cơ không đạt 5/7").
    widest = max(100.0, float(children_of(figures)["percent_plan"].max(skipna=True) or 0))
    for layer in spec["layer"]:
        if layer.get("encoding", {}).get("x", {}).get("field") == "percent":
            layer["encoding"]["x"]["scale"] = {"domain": [0, round(widest * LABEL_ROOM)], "nice": False}
    return spec


@st.cache_data(ttl=600, max_entries=64, show_spinner=False, hash_funcs=web.SHARED)
def _funnel_spec(version: web.ViewKey, actor: Actor, view: View, theme: str) -> dict:
    stages = web.cached_funnel(version, view.subtree, view.year, view.as_of)
    return _for_the_room(vega_spec(_big(funnel_chart(stages), theme)), theme)


def _lagging(rows: pd.DataFrame) -> None:
    """One page of the late organizations: symbol, figures and name, and beneath, why."""
    if rows.empty:
        text.markdown(t("projector.no_lagging"))
        return
    text.markdown(text.md(*(
        text.md(ITEM, STATUS_SYMBOLS[row["status"]], " ", text.bold(f"{fmt_number(row['admitted'])}/{fmt_number(row['target'])}"),
                " ", row["name"], SUB_ITEM, label("status", row["status"]), ": ", short_reason(row))
        for _, row in rows.iterrows())))


def _movers(rows: pd.DataFrame, column: str) -> None:
    shown, more, more_total = top_movers(rows, column)
    if shown.empty:
        st.markdown(t("projector.nothing"))
        return
    lines = [text.md(ITEM, n, " — ", text.bold(f"+{fmt_number(v)}")) for n, v in zip(shown["name"], shown[column])]
    if more:
        lines.append(text.md(ITEM, t("projector.more_movers", count=fmt_number(more), total=fmt_number(more_total))))
    text.markdown(text.md(*lines))


def _panel(slide: Slide, figures: pd.DataFrame, actor: Actor, pv: ProjectorView, version: web.ViewKey, theme: str) -> None:
    view, name = pv.view, slide.panel
    panel_title = t(f"projector.panel.{name}")
    text.header(t("projector.page_title", panel=panel_title, page=slide.page, pages=slide.pages)
                if slide.pages > 1 else panel_title)
    if name == "headline":
        _headline(figures)
    elif name == "ranking":
        if slide_rows(slide, figures).empty:
            text.markdown(t("projector.no_orgs"))
        else:
            st.vega_lite_chart(_ranking_spec(version, actor, view, theme, slide), width="stretch", height="stretch")
    elif name == "funnel":
        st.vega_lite_chart(_funnel_spec(version, actor, view, theme), width="stretch", height="stretch")
    elif name == "lagging":
        _lagging(slide_rows(slide, figures))
    elif name == "month":
        start, end = month_window(view.as_of)
        month = _month(version, view.subtree, start, end)
        text.markdown(month_heading(view.as_of, int(month["admitted"].sum())))
        _movers(month, "admitted")
    elif name == "change":
        before = web.cached_org_figures(version, view.subtree, view.year, view.compare)
        now, then = children_of(figures).set_index("code"), before.set_index("code")
        now["delta"] = now["admitted"] - then["admitted"].reindex(now.index).fillna(0).astype("int64")
        text.markdown(t("projector.change_heading", since=fmt_date(view.compare), end=fmt_date(view.as_of),
                      delta=fmt_number(int(headline(figures).admitted - headline(before).admitted))))
        _movers(now.sort_values("delta", ascending=False), "delta")


@st.cache_data(ttl=600, max_entries=64, show_spinner=False, hash_funcs=web.SHARED)
def _month(version: web.ViewKey, subtree: Subtree, start: date, end: date) -> pd.DataFrame:
    del version
    with session_scope(web.engine()) as session:
        return admitted_between(session, subtree, start=start, end=end, rules=web.settings().rules)


def show(actor: Actor) -> None:
    """The whole projector view, as the URL sets it."""
    with session_scope(web.engine()) as session:
        pv, notices = parse_projector(session, actor, st.query_params.to_dict(), today=current_day())
    st.html(CSS.format(**THEME[pv.theme]))
    for notice in notices:
        text.caption(notice)
    # "index": the slide shown, in the rotation of slides (a paged panel has one per page).
    state = st.session_state.setdefault("pj", {"index": 0, "paused": False, "shown_at": time.monotonic()})

    @st.fragment(run_every=pv.seconds)
    @faults.guarded  # the fragment's own reruns run outside app.py's boundary
    def rotating() -> None:
        view = replace(pv.view, subtree=auth.fragment_guard(pv.view.subtree))
        version = web.current_version(view.subtree)  # an edit below shows at the next interval
        figures = web.cached_org_figures(version, view.subtree, view.year, view.as_of)
        turn = slides(pv.panels, figures)  # an edit can change how many pages there are
        state["index"] %= len(turn)
        if not state["paused"] and time.monotonic() - state["shown_at"] >= pv.seconds - 0.5:
            state["index"], state["shown_at"] = (state["index"] + 1) % len(turn), time.monotonic()
        top = st.columns([3, 1], vertical_alignment="center")
        text.title(t("projector.heading", org=headline(figures).name, year=view.year), container=top[0])
        now = datetime.now(VIETNAM_TIME).strftime("%H:%M:%S")
        text.caption(t("projector.updated", time=now, seconds=pv.seconds), container=top[1])
        _panel(turn[state["index"]], figures, view.subtree.actor, replace(pv, view=view), version, pv.theme)
        controls(pv, turn, state)

    rotating()


def controls(pv: ProjectorView, turn: list[Slide], state: dict) -> None:
    """Pause, step through the slides, jump to a panel (by its short name); small type, one
    line at the bottom."""
    @faults.guarded_callback
    def go(index: int) -> None:
        state["index"], state["shown_at"] = index % len(turn), time.monotonic()
        auth.note_click()

    @faults.guarded_callback
    def toggle() -> None:
        state["paused"] = not state["paused"]
        auth.note_click()

    panel = pv.panels.index(turn[state["index"]].panel)
    pick_key = f"pj_pick_{state['index']}"  # a new key per slide: the pills show the panel now on screen

    @faults.guarded_callback
    def pick() -> None:
        chosen = st.session_state.get(pick_key)
        if chosen is not None and chosen != panel:
            go(first_slide(turn, pv.panels[chosen]))

    columns = st.columns([1.3, 1.3, 1.3, 8], vertical_alignment="center")
    columns[0].button(t("projector.previous"), key="pj_prev", on_click=go, args=(state["index"] - 1,))
    columns[1].button(t("projector.play") if state["paused"] else t("projector.pause"), key="pj_pause", on_click=toggle)
    columns[2].button(t("projector.next"), key="pj_next", on_click=go, args=(state["index"] + 1,))
    columns[3].pills(" ", list(range(len(pv.panels))), default=panel, key=pick_key, on_change=pick,
                     format_func=lambda i: t(f"projector.pill.{pv.panels[i]}"), label_visibility="collapsed")
