"""The projector page: full screen, large type, high contrast, rotating panels that refresh
themselves. Aggregates only: nothing here reads a candidate's row. Streamlit-bound."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, datetime

import pandas as pd
import streamlit as st

from core.access.filters import View
from core.access.scope import Actor, Subtree
from core.figures.progress import children_of, headline
from core.figures.projector import (
    ProjectorView,
    admitted_between,
    month_window,
    parse_projector,
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
# A static stylesheet of ours (no user text): hide Streamlit's chrome, enlarge type.
CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer {{ display: none !important; }}
.stApp {{ background: {background}; color: {text}; }}
[data-testid="stMainBlockContainer"] {{ max-width: 100%; padding: 1.2rem 3rem 0.5rem 3rem; }}
.stApp h1 {{ font-size: 3.4rem; color: {text}; }}
.stApp h2 {{ font-size: 2.8rem; color: {text}; }}
.stApp p, .stApp li {{ font-size: 2.1rem; color: {text}; }}
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{ font-size: 7rem !important;
  line-height: 1.1; color: {text}; }}
[data-testid="stMetricLabel"] p {{ font-size: 2rem; color: {muted}; }}
[data-testid="stCaptionContainer"] p {{ font-size: 1.1rem; color: {muted}; }}
.stButton button, [data-testid="stButtonGroup"] button {{ background: transparent; border-color: {muted}; }}
.stButton button p, [data-testid="stButtonGroup"] button p {{ font-size: 1.1rem; color: {muted}; }}
</style>
"""


ITEM = text.Md("\n- ")  # a list item of ours; the text after it is escaped


def _big(chart, theme: str):
    colours = THEME[theme]
    return (chart.configure(background=colours["background"])
            .configure_axis(labelFontSize=22, titleFontSize=22, labelColor=colours["text"], titleColor=colours["text"],
                            labelLimit=520, gridColor=colours["muted"], gridOpacity=0.3)
            .configure_legend(labelFontSize=20, labelColor=colours["text"])
            .configure_text(fontSize=22, color=colours["text"]).configure_view(stroke=None))


def _headline(figures: pd.DataFrame) -> None:
    head = headline(figures)
    left, middle, right = st.columns(3)
    left.metric(t("projector.admitted"), f"{fmt_number(head.admitted)}/{fmt_number(head.target)}")
    middle.metric(t("projector.percent_plan"), fmt_percent(head.percent_plan))
    right.metric(t("projector.grassroots"), f"{fmt_number(head.grassroots_admitting)}/{fmt_number(head.grassroots_total)}")
    text.markdown(text.md(t("projector.percent_members"), ": ", text.bold(fmt_percent(head.percent_members, 2)),
                          f" – {label('band', head.band)}" if head.band else ""))


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _ranking_spec(version: int, actor: Actor, view: View, theme: str) -> dict:
    figures = web.cached_org_figures(version, view.subtree, view.year, view.as_of)
    ranked = children_of(figures).sort_values("percent_plan", ascending=False, na_position="last").head(14)
    chart = progress_chart(ranked, pace_percent=figures.attrs["pace_percent"]).properties(height=52 * len(ranked))
    return vega_spec(_big(chart, theme))


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _funnel_spec(version: int, actor: Actor, view: View, theme: str) -> dict:
    stages = web.cached_funnel(version, view.subtree, view.year, view.as_of)
    return vega_spec(_big(funnel_chart(stages).properties(height=60 * 8), theme))


def _lagging(figures: pd.DataFrame) -> None:
    lagging = children_of(figures)
    lagging = lagging[lagging["status"].isin(["missed", "at_risk", "behind"])].head(7)  # fits 1280×720
    if lagging.empty:
        st.markdown(t("projector.no_lagging"))
        return
    rows = zip(lagging["status"], lagging["name"], lagging["admitted"], lagging["target"])
    text.markdown(text.md(*(text.md(ITEM, STATUS_SYMBOLS[s], " ", n, " — ",
                                    text.bold(f"{fmt_number(a)}/{fmt_number(tg)}"), f" ({label('status', s)})")
                            for s, n, a, tg in rows)))


def _movers(rows: pd.DataFrame, column: str) -> None:
    shown = rows[rows[column] > 0].head(10)
    if shown.empty:
        st.markdown(t("projector.nothing"))
        return
    text.markdown(text.md(*(text.md(ITEM, n, " — ", text.bold(f"+{fmt_number(v)}"))
                            for n, v in zip(shown["name"], shown[column]))))


def _panel(name: str, figures: pd.DataFrame, actor: Actor, pv: ProjectorView, version: int, theme: str) -> None:
    view = pv.view
    text.header(t(f"projector.panel.{name}"))
    if name == "headline":
        _headline(figures)
    elif name == "ranking":
        st.vega_lite_chart(_ranking_spec(version, actor, view, theme), width="stretch")
    elif name == "funnel":
        st.vega_lite_chart(_funnel_spec(version, actor, view, theme), width="stretch")
    elif name == "lagging":
        _lagging(figures)
    elif name == "month":
        start, end = month_window(view.as_of)
        month = _month(version, view.subtree, start, end)
        text.markdown(t("projector.month_heading", start=fmt_date(start), end=fmt_date(end),
                      total=fmt_number(int(month["admitted"].sum()))))
        _movers(month, "admitted")
    elif name == "change":
        before = web.cached_org_figures(version, view.subtree, view.year, view.compare)
        now, then = children_of(figures).set_index("code"), before.set_index("code")
        now["delta"] = now["admitted"] - then["admitted"].reindex(now.index).fillna(0).astype("int64")
        text.markdown(t("projector.change_heading", since=fmt_date(view.compare), end=fmt_date(view.as_of),
                      delta=fmt_number(int(headline(figures).admitted - headline(before).admitted))))
        _movers(now.sort_values("delta", ascending=False), "delta")


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _month(version: int, subtree: Subtree, start: date, end: date) -> pd.DataFrame:
    del version
    with session_scope(web.engine()) as session:
        return admitted_between(session, subtree, start=start, end=end, rules=web.settings().rules)


def show(actor: Actor) -> None:
    """The whole projector view, as the URL sets it."""
    with session_scope(web.engine()) as session:
        pv, notices = parse_projector(session, actor, st.query_params.to_dict(), today=date.today())
    st.html(CSS.format(**THEME[pv.theme]))
    for notice in notices:
        text.caption(notice)
    state = st.session_state.setdefault("pj", {"index": 0, "paused": False, "shown_at": time.monotonic()})

    @st.fragment(run_every=pv.seconds)
    @faults.guarded  # the fragment's own reruns run outside app.py's boundary
    def rotating() -> None:
        view = replace(pv.view, subtree=auth.fragment_guard(pv.view.subtree))
        if not state["paused"] and time.monotonic() - state["shown_at"] >= pv.seconds - 0.5:
            state["index"], state["shown_at"] = (state["index"] + 1) % len(pv.panels), time.monotonic()
        version = web.current_version()  # an edit anywhere shows at the next interval
        figures = web.cached_org_figures(version, view.subtree, view.year, view.as_of)
        text.title(t("projector.heading", org=headline(figures).name, year=view.year))
        _panel(pv.panels[state["index"]], figures, view.subtree.actor, replace(pv, view=view), version, pv.theme)
        controls(pv, state)

    rotating()


def controls(pv: ProjectorView, state: dict) -> None:
    """Pause, step and choose, in small type at the bottom."""
    @faults.guarded_callback
    def go(index: int) -> None:
        state["index"], state["shown_at"] = index % len(pv.panels), time.monotonic()
        auth.note_click()

    @faults.guarded_callback
    def toggle() -> None:
        state["paused"] = not state["paused"]
        auth.note_click()

    columns = st.columns([1, 1, 1, 5])
    columns[0].button(t("projector.previous"), key="pj_prev", on_click=go, args=(state["index"] - 1,))
    columns[1].button(t("projector.play") if state["paused"] else t("projector.pause"), key="pj_pause", on_click=toggle)
    columns[2].button(t("projector.next"), key="pj_next", on_click=go, args=(state["index"] + 1,))
    chosen = columns[3].pills(" ", list(range(len(pv.panels))), default=state["index"], key=f"pj_pick_{state['index']}",
                              on_change=auth.note_click, format_func=lambda i: t(f"projector.panel.{pv.panels[i]}"), label_visibility="collapsed")
    if chosen is not None and chosen != state["index"]:
        go(chosen)
        st.rerun(scope="fragment")
    now = datetime.now(VIETNAM_TIME).strftime("%H:%M:%S")
    text.caption(t("projector.updated", time=now, seconds=pv.seconds))
