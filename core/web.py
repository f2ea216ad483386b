"""The few Streamlit-bound helpers: the one Engine per server process and database URL, the
view read from the URL, and cached reads keyed by (data version, caller, filters), so an edit
anywhere shows at the next rerun and an unchanged rerun costs one tiny query."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from core.alerts import Alert, all_alerts
from core.bootstrap import ensure_database
from core.candidates import candidates_in_scope
from core.config import Settings, load_settings
from core.db import data_version, session_scope
from core.filters import View, parse_view
from core.funnel import funnel
from core.i18n import t
from core.progress import org_figures
from core.scope import Actor


def settings() -> Settings:
    """The settings (environment and secrets file: cheap to read on each rerun)."""
    return load_settings()


@st.cache_resource(show_spinner=False)
def _ready_engine(database_url: str, demo_mode: bool) -> Engine:
    return ensure_database(settings())


def engine() -> Engine:
    """The database, migrated (and in demo mode filled) once per server process and URL."""
    current = settings()
    return _ready_engine(current.database_url, current.demo_mode)


def current_version() -> int:
    """The data version: one tiny query per rerun."""
    with session_scope(engine()) as session:
        return data_version(session)


def view_from_url(actor: Actor) -> View:
    """The view asked for in the URL; each refused parameter gets a message, then its default."""
    with session_scope(engine()) as session:
        view, notices = parse_view(session, actor, st.query_params.to_dict(), today=date.today())
    for notice in notices:
        st.warning(notice)
    return view


def year_select(view: View) -> int:
    """A year picker (the last five years one click away) kept in step with ?year= in the URL,
    which stays the source of truth so a link or bookmark opens the same view."""
    this_year = date.today().year
    years = sorted({*range(this_year, this_year - 5, -1), view.year}, reverse=True)
    if st.session_state.get("year") != view.year:
        st.session_state["year"] = view.year

    def to_url() -> None:
        if st.session_state.get("year") is not None:
            st.query_params["year"] = str(st.session_state["year"])

    return st.pills(t("filter.year"), years, key="year", on_change=to_url) or view.year


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def cached_org_figures(version: int, actor: Actor, org_code: str | None, year: int, as_of: date) -> pd.DataFrame:
    """org_figures, cached per (data version, caller, organization, year, as-of date)."""
    del version  # part of the cache key only
    with session_scope(engine()) as session:
        return org_figures(session, actor, org_code=org_code, year=year, as_of=as_of, rules=settings().rules)


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False)
def cached_alerts(version: int, actor: Actor, org_code: str | None, year: int, as_of: date) -> list[Alert]:
    """all_alerts, cached like cached_org_figures."""
    del version
    with session_scope(engine()) as session:
        return all_alerts(session, actor, org_code=org_code, year=year, as_of=as_of, rules=settings().rules)


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False)
def cached_funnel(version: int, actor: Actor, org_code: str | None, year: int, as_of: date) -> pd.DataFrame:
    """funnel, cached like cached_org_figures."""
    del version
    with session_scope(engine()) as session:
        return funnel(session, actor, org_code=org_code, year=year, as_of=as_of, rules=settings().rules)


@st.cache_data(ttl=600, max_entries=128, show_spinner=False)
def cached_candidates(version: int, actor: Actor, org_code: str | None) -> pd.DataFrame:
    """The candidates of the caller's subtree (refused for roles without personal data)."""
    del version
    with session_scope(engine()) as session:
        return candidates_in_scope(session, actor, org_code=org_code)
