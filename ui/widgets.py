"""Pieces of screen shared by the dashboards: the filter bar kept in the URL, the breadcrumb
and drill-down, the headline figures with their deltas. Streamlit-bound; no rules here."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.access.filters import View, year_choices
from core.access.scope import Actor, Subtree
from core.config import current_day
from core.figures.progress import LARGE_SUBTREE, Headline
from core.figures.style import status_text
from core.figures.tables import progress_table
from core.format import fmt_date, fmt_number, fmt_percent, fmt_showing
from core.i18n import label, t
from ui import faults, style, text, web
from ui.charts import DRILL
from ui.forms import LATEST, OLDEST


def _bound(key: str, url_value: object) -> None:
    """Keep a widget's state equal to its URL parameter, which stays the source of truth
    (a bookmark or a shared link opens the same view)."""
    if st.session_state.get(key) != url_value:
        st.session_state[key] = url_value


@faults.guarded_callback
def _to_url(name: str, key: str, encode=str) -> None:
    value = st.session_state.get(key)
    if value is not None:
        st.query_params[name] = encode(value)


@faults.guarded_callback
def _year_to_url() -> None:
    """Another year: its own default dates (a finished year is seen at its end), not the ones
    chosen for the year before."""
    _to_url("year", "f_year")
    for name in ("asof", "cmp"):
        st.query_params.pop(name, None)


def go_to(org_code: str) -> None:
    """Open another organization of the subtree (drill down or back up)."""
    st.query_params["org"] = org_code


def view_controls(actor: Actor, *, compare: bool = True) -> View:
    """The filter bar: year (the last five years one click away), as-of date ("as the figures
    stood on the meeting day") and, where deltas are shown, the comparison date; each kept in
    the URL (?year=&asof=&cmp=). Refused parameters get a message and their default."""
    view = web.view_from_url(actor)
    today = current_day()
    years = year_choices(today, view.year)
    columns = st.columns([3, 1, 1] if compare else [4, 1])
    # The widgets write the URL (their callbacks run before the next run), and the view is
    # what the URL says once checked: a refused value gets its message and the default.
    _bound("f_year", view.year)
    columns[0].pills(t("filter.year"), years, key="f_year", on_change=_year_to_url)
    _bound("f_asof", view.as_of)
    # The widest range (forms.OLDEST–LATEST): the browser would drop a day outside it without a
    # word; the URL's check refuses a day outside the range core holds, with a message.
    columns[1].date_input(t("filter.as_of"), key="f_asof", min_value=OLDEST, max_value=LATEST, format="DD/MM/YYYY",
                          on_change=_to_url, args=("asof", "f_asof", date.isoformat))
    if compare:
        _bound("f_cmp", view.compare)
        columns[2].date_input(t("filter.compare"), key="f_cmp", min_value=OLDEST, max_value=LATEST, format="DD/MM/YYYY",
                              on_change=_to_url, args=("cmp", "f_cmp", date.isoformat))
    return view


def breadcrumb(subtree: Subtree, day: date | None = None) -> None:
    """Where we are in the tree (as it stood on `day`, today's without one); a click on an
    organization above goes back up to it."""
    crumbs = web.cached_ancestors(web.current_version(subtree), subtree, day)
    names = dict(crumbs)
    _bound("f_crumb", crumbs[-1][0])
    # Pills read their options as Markdown: an organization's name is shown as typed.
    st.pills(t("filter.tree"), list(names), format_func=lambda code: text.literal(names[code]), key="f_crumb",
             on_change=_to_url, args=("org", "f_crumb"))


def drill_down(children: pd.DataFrame) -> None:
    """A list of the organizations under this one; choosing one opens it."""
    if children.empty:
        return
    names = dict(zip(children["code"], children["name"]))
    st.session_state["f_drill"] = None

    @faults.guarded_callback
    def open_chosen() -> None:
        if st.session_state.get("f_drill"):
            go_to(st.session_state["f_drill"])

    st.selectbox(t("filter.drill"), list(names), format_func=names.get, key="f_drill",
                 placeholder=t("filter.drill_placeholder"), on_change=open_chosen)


def lists_further_down() -> None:
    """Why lists of single candidates are not shown for a large organization."""
    text.info(t("scope.lists_further_down", limit=fmt_number(LARGE_SUBTREE)))


def drilled_from_chart(event, key: str) -> None:
    """Open the organization whose bar was clicked, then forget the click (so coming back up
    does not drill straight down again)."""
    chosen = (event.selection or {}).get(DRILL) if event else None
    if chosen:
        del st.session_state[key]
        go_to(chosen[0]["code"])
        st.rerun()


def _delta(now: float | None, before: float | None, decimals: int = 0, suffix: str = "") -> str | None:
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    change = round(now - before, decimals)
    if change == 0:
        return None  # unchanged: no arrow
    sign = "+" if change > 0 else ""
    return f"{sign}{fmt_number(change, decimals)}{suffix}"


def headline_metrics(now: Headline, before: Headline) -> None:
    """Four headline figures, each with its change since the comparison date."""
    since = t("metric.since", date=fmt_date(before.as_of))
    first, second, third, fourth = st.columns(4)
    first.metric(t("metric.admitted"), f"{fmt_number(now.admitted)}/{fmt_number(now.target)}",
                 delta=_delta(now.admitted, before.admitted), help=since)
    text.caption(t("metric.percent_plan", percent=fmt_percent(now.percent_plan)), container=first)
    second.metric(t("metric.percent_members"), fmt_percent(now.percent_members, 2),
                  delta=_delta(now.percent_members, before.percent_members, 2, t("metric.points")), help=since)
    if now.band:
        text.caption(f"{label('band', now.band)} – {t('metric.members', members=fmt_number(now.members_start))}",
                     container=second)
    third.metric(t("metric.done"), f"{now.status_counts['done']}/{now.planned_children}",
                 delta=_delta(now.status_counts["done"], before.status_counts["done"]), help=since)
    unplanned = now.status_counts["no_target"]
    text.caption(t("metric.statuses", on_pace=now.status_counts["on_pace"], behind=now.status_counts["behind"],
                   at_risk=now.status_counts["at_risk"] + now.status_counts["missed"])
                 + (t("metric.no_target", count=unplanned) if unplanned else ""), container=third)
    fourth.metric(t("metric.grassroots"), f"{fmt_number(now.grassroots_admitting)}/{fmt_number(now.grassroots_total)}",
                  delta=_delta(now.grassroots_admitting, before.grassroots_admitting), help=since)
    text.caption(since, container=fourth)


def progress_dataframe(rows: pd.DataFrame, *, key: str = "progress", year: int | None = None) -> None:
    """The progress table, with a bar for the % of plan ("none" when there is no row); on a
    phone, the same rows as a list (every status and reason in full, no sideways swipe). With
    a `year`, a row of the table can be chosen (by a tap too, where a link cell would not
    open): the chosen organization's status and reason show under it, with links to its
    branch page (its candidates and what is due) and to its own overview for that year."""
    if rows.empty:
        st.caption(t("overview.none"))
        return
    table = progress_table(rows)
    with style.wide_only(key):
        wide = table.copy()
        wide.insert(2, t("col.progress"), [None if pd.isna(p) else round(float(p)) for p in rows["percent_plan"]])
        event = st.dataframe(
            wide, hide_index=True, width="stretch", key=key, on_select="rerun" if year else "ignore",
            selection_mode="single-row", placeholder="",
            column_config={t("col.progress"): st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d%%")},
        )
        if year:
            chosen = event.selection.rows if event else []
            if chosen:
                org_actions(rows.iloc[chosen[0]], year)
            else:
                st.caption(t("overview.choose_row"))
    with style.phone_only(key):
        text.markdown(rows_as_list(table))


def org_actions(row: pd.Series, year: int | None) -> None:
    """One organization of the progress table: its status and why, in words, and where to
    go from here: its branch page, its own overview."""
    params = {"org": str(row["code"]), **({"year": str(year)} if year else {})}
    with st.container(border=True):
        text.markdown(text.md(text.bold(row["name"]), " – ", status_text(row["status"])))
        text.markdown(row["reason"])
        # Short labels: a page link is one line, cut on a phone; the name is just above.
        st.page_link("pages/branch.py", label=t("overview.open_branch"), icon=":material/groups:", query_params=params)
        st.page_link("pages/overview.py", label=t("overview.open_overview"), icon=":material/monitoring:",
                     query_params=params)


def rows_as_list(frame: pd.DataFrame) -> text.Md:
    """A table as a phone reads it: each row's first cell in bold on a line of its own, then
    its other cells as "column: value" in one paragraph (empty ones left out), rows apart."""
    def cell(value: object) -> str:
        return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

    first, *others = frame.columns
    rows = []
    for row in frame.itertuples(index=False):
        values = dict(zip(frame.columns, row))
        rest = [text.md(f"{column}: ", cell(values[column])) for column in others if cell(values[column])]
        rows.append(text.md(text.bold(cell(values[first])), *([text.Md("  \n")] if rest else []),
                            *[text.md(text.Md(" · ") if i else "", part) for i, part in enumerate(rest)]))
    return text.md(*[text.md(text.Md("\n\n") if i else "", row) for i, row in enumerate(rows)])


def _link_columns(column_config: dict | None) -> list[str]:
    """The columns configured as link cells (st.column_config.LinkColumn)."""
    return [name for name, config in (column_config or {}).items()
            if isinstance(config, dict) and (config.get("type_config") or {}).get("type") == "link"]


def table(frame: pd.DataFrame, *, key: str | None = None, **options) -> None:
    """A table, or one line saying there is nothing to show (Streamlit would write "empty").
    With a `key`, the table on wide screens and the same rows as a list on a phone; a list has
    no link cells (a relative address read as text helps nobody): the page offers its own
    touch way to open what they link to."""
    if frame.empty:
        st.caption(t("table.empty"))
    elif key is None:
        st.dataframe(frame, hide_index=True, width="stretch", placeholder="", **options)
    else:
        with style.wide_only(key):
            st.dataframe(frame, hide_index=True, width="stretch", placeholder="", **options)
        with style.phone_only(key):
            text.markdown(rows_as_list(frame.drop(columns=_link_columns(options.get("column_config")))))


LIST_PAGE_SIZE = 20  # items of a long list drawn at first


@faults.guarded_callback
def _show(key: str, count: int) -> None:
    st.session_state[key] = count


def shown_count(key: str, total: int) -> int:
    """How many items of a long list are on screen (cards, alert blocks…): LIST_PAGE_SIZE at
    first, more after each "Xem thêm"; draw them, then `more_controls`."""
    return min(int(st.session_state.get(key, LIST_PAGE_SIZE)), total)


def more_controls(key: str, shown: int, total: int, what: str) -> None:
    """Which part of the list is on screen (never hidden silently), and the buttons that show
    more of it, or all of it. `what` names the items ("tổ chức", "quần chúng")."""
    text.caption(fmt_showing(shown, total, what))
    if shown >= total:
        return
    more, everything = st.columns(2)
    more.button(text.literal(t("alerts.more", count=min(LIST_PAGE_SIZE, total - shown), what=what)), key=f"{key}_more",
                on_click=_show, args=(key, shown + LIST_PAGE_SIZE), width="stretch")
    everything.button(text.literal(t("alerts.all", total=total, what=what)), key=f"{key}_all",
                      on_click=_show, args=(key, total), width="stretch")
