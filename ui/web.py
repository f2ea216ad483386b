"""The few Streamlit-bound helpers: the one Engine per server process and database URL, the
view read from the URL, and cached reads keyed by (the versions of the view's data and the
rule settings, organization and role, filters): an edit shows at the next rerun of every view
it changes and leaves the others warm (core.storage.versions), an unchanged rerun costs one tiny
query, and everyone of one role looking at one organization shares its cached figures (SHARED)."""
from __future__ import annotations

import gc
import os
from dataclasses import fields
from datetime import date
from functools import lru_cache

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from core.access.filters import View, parse_view
from core.access.scope import Actor, Subtree, ancestors
from core.cli.bootstrap import ensure_database
from core.config import SECRETS_FILE, Settings, current_day, load_settings
from core.figures.alerts import (
    Alerts,
    all_alerts,
    candidate_clocks_list,
)
from core.figures.breakdowns import (
    Mix,
    admissions_by_month,
    admitted_mix,
    trend_by_year,
)
from core.figures.funnel import funnel, standing_by_sector
from core.figures.progress import children_of, is_large_subtree, org_figures
from core.figures.todo import RollUp, WorkCard, roll_up, work_cards
from core.procedure.candidates import candidates_in_scope, students_turning_18
from core.storage.db import session_scope
from core.storage.versions import view_version
from core.structure.organizations import active_cells
from ui import text
from ui.charts import funnel_chart, months_chart, progress_chart, trend_chart, vega_spec


def settings() -> Settings:
    """The settings, read again whenever the environment or the secrets file changes (pages
    ask for them many times per rerun; reading the file each time showed in the profile)."""
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("PTDV_") or k == "DATABASE_URL"))
    secrets = SECRETS_FILE.stat().st_mtime_ns if SECRETS_FILE.exists() else None
    return _settings(env, secrets)


@lru_cache(maxsize=8)
def _settings(_env: tuple, _secrets_mtime: int | None) -> Settings:
    return load_settings()


@st.cache_resource(show_spinner=False)
def _ready_engine(database_url: str, demo_mode: bool) -> Engine:
    return ensure_database(settings())


def engine() -> Engine:
    """The database, migrated (and in demo mode filled) once per server process and URL."""
    current = settings()
    return _ready_engine(current.database_url, current.demo_mode)


# The collector's thresholds once the process is set up (CPython's default is 700, 10, 10).
GC_THRESHOLDS = (10_000, 20, 20)


@lru_cache(maxsize=1)
def tune_collector() -> None:
    """Once per server process, at its first run: what is alive then (the modules and libraries,
    the engine) is set aside where the garbage collector no longer walks it (gc.freeze), and the
    collector runs less often. A cold rerun at the national root makes millions of short-lived
    objects; collections walking everything the process holds took a tenth of it and more
    (docs/benchmark.md). Objects that die are still freed at once by their reference counts."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def view_key(subtree: Subtree) -> tuple:
    """What a cached view of an organization depends on: the organization and the role looking
    (the role decides whether there is personal data), never the user's name nor where the
    user's own scope begins (the scope was checked when the Subtree was made). Two leaders, or
    a leader, the admin and the meeting room's screen, looking at one province share its
    figures; a secretary's view of its chi bộ is shared with the leaders who drill down to it."""
    return (*(getattr(subtree, f.name) for f in fields(subtree) if f.name != "actor"), subtree.actor.role.value)


def _view_of(view: View) -> tuple:
    return (*(getattr(view, f.name) for f in fields(view) if f.name != "subtree"), view_key(view.subtree))


# How the caches hash what they are given (Streamlit would hash every field, the username too).
SHARED = {Subtree: view_key, View: _view_of, Actor: lambda actor: actor.role.value}


# What a cached view of a subtree keys on besides its filters: the versions of its data (the
# data version, the organization's own) and the rule settings it is counted with.
ViewKey = tuple[int, int, int]


def current_version(subtree: Subtree) -> ViewKey:
    """What the views of the subtree key on: one tiny query per rerun, and the rules' hash (a
    rule number changed in the secrets file changes the figures at the next rerun)."""
    with session_scope(engine()) as session:
        return (*view_version(session, subtree.id), hash(settings().rules))


def view_from_url(actor: Actor) -> View:
    """The view asked for in the URL; each refused parameter gets a message, then its default."""
    with session_scope(engine()) as session:
        view, notices = parse_view(session, actor, st.query_params.to_dict(), today=current_day())
    for notice in notices:
        text.warning(notice)
    return view


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False, hash_funcs=SHARED)
def cached_org_figures(version: ViewKey, subtree: Subtree, year: int, as_of: date) -> pd.DataFrame:
    """org_figures, cached per (version, organization and role, year, as-of date)."""
    del version  # part of the cache key only
    with session_scope(engine()) as session:
        return org_figures(session, subtree, year=year, as_of=as_of, rules=settings().rules)


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_alerts(version: ViewKey, subtree: Subtree, year: int, as_of: date,
                  with_clocks: bool = True) -> Alerts:
    """all_alerts, cached like cached_org_figures."""
    del version
    with session_scope(engine()) as session:
        return all_alerts(session, subtree, year=year, as_of=as_of, rules=settings().rules,
                          with_clocks=with_clocks)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False, hash_funcs=SHARED)
def cached_cells(version: ViewKey, subtree: Subtree) -> dict[str, str]:
    """active_cells: the chi bộ a candidate can be listed in."""
    del version
    with session_scope(engine()) as session:
        return active_cells(session, subtree)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False, hash_funcs=SHARED)
def cached_lists_candidates(version: ViewKey, subtree: Subtree) -> bool:
    """Whether the organization is small enough for lists of single candidates and their
    clocks (above that, they show once one chooses an organization further down)."""
    del version
    with session_scope(engine()) as session:
        return not is_large_subtree(session, subtree)


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_funnel(version: ViewKey, subtree: Subtree, year: int, as_of: date) -> pd.DataFrame:
    """funnel, cached like cached_org_figures."""
    del version
    with session_scope(engine()) as session:
        return funnel(session, subtree, year=year, as_of=as_of, rules=settings().rules)


@st.cache_data(ttl=600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_candidates(version: ViewKey, subtree: Subtree) -> pd.DataFrame:
    """The candidates of the caller's subtree (refused for roles without personal data)."""
    del version
    with session_scope(engine()) as session:
        return candidates_in_scope(session, subtree)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def cached_ancestors(version: ViewKey, subtree: Subtree, day: date | None = None) -> list[tuple[str, str]]:
    """(code, name) from the caller's own organization down to the subtree's, as the chain stood
    on `day` (today's chain without one)."""
    del version
    with session_scope(engine()) as session:
        return ancestors(session, subtree, day)


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_mix(version: ViewKey, subtree: Subtree, year: int, as_of: date) -> Mix:
    """admitted_mix, cached like cached_org_figures."""
    del version
    with session_scope(engine()) as session:
        return admitted_mix(session, subtree, year=year, as_of=as_of, rules=settings().rules)


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_months(version: ViewKey, subtree: Subtree, year: int, as_of: date) -> pd.DataFrame:
    """admissions_by_month, cached like cached_org_figures."""
    del version
    with session_scope(engine()) as session:
        return admissions_by_month(session, subtree, year=year, as_of=as_of, rules=settings().rules)


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_trend(version: ViewKey, subtree: Subtree, year: int, as_of: date) -> pd.DataFrame:
    """trend_by_year over the five years up to `year`, cached like cached_org_figures."""
    del version
    with session_scope(engine()) as session:
        return trend_by_year(session, subtree, years=range(year - 4, year + 1), as_of=as_of,
                             rules=settings().rules)


@st.cache_data(ttl=600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_clocks(version: ViewKey, subtree: Subtree, today: date, kinds: tuple[str, ...] | None = None
                  ) -> pd.DataFrame:
    """candidate_clocks_list (names: refused for roles without personal data)."""
    del version
    with session_scope(engine()) as session:
        return candidate_clocks_list(session, subtree, today=today, rules=settings().rules, kinds=kinds)


@st.cache_data(ttl=600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_sectors(version: ViewKey, subtree: Subtree, year: int, as_of: date) -> pd.DataFrame:
    """standing_by_sector, cached like cached_org_figures."""
    del version
    with session_scope(engine()) as session:
        return standing_by_sector(session, subtree, year=year, as_of=as_of)


@st.cache_data(ttl=600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_students(version: ViewKey, subtree: Subtree, today: date) -> pd.DataFrame:
    """students_turning_18 (names: refused for roles without personal data)."""
    del version
    with session_scope(engine()) as session:
        return students_turning_18(session, subtree, today=today,
                                   min_age_years=settings().rules.min_age_months // 12)


@st.cache_data(ttl=600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_work_cards(version: ViewKey, subtree: Subtree, today: date) -> list[WorkCard]:
    """work_cards: the candidates still in the procedure, most urgent first (names: refused for
    roles without personal data)."""
    del version
    with session_scope(engine()) as session:
        return work_cards(session, subtree, today=today, rules=settings().rules)


@st.cache_data(ttl=600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_roll_up(version: ViewKey, subtree: Subtree, today: date) -> list[RollUp]:
    """roll_up of cached_work_cards: overdue and due-soon cards per organization directly below."""
    cards = cached_work_cards(version, subtree, today)
    with session_scope(engine()) as session:
        return roll_up(session, subtree, cards)


# Chart specs, cached like the figures they draw: a warm rerun draws them without Altair.
@st.cache_data(ttl=3600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_progress_spec(version: ViewKey, subtree: Subtree, year: int, as_of: date) -> dict:
    """The children's progress chart (worst first) of cached_org_figures."""
    figures = cached_org_figures(version, subtree, year, as_of)
    return vega_spec(progress_chart(children_of(figures), pace_percent=figures.attrs["pace_percent"], names_above=True))


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_months_spec(version: ViewKey, subtree: Subtree, year: int, as_of: date) -> dict:
    """The admissions-by-month chart of cached_months."""
    return vega_spec(months_chart(cached_months(version, subtree, year, as_of)))


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_trend_spec(version: ViewKey, subtree: Subtree, year: int, as_of: date) -> dict:
    """The five-year trend chart of cached_trend."""
    return vega_spec(trend_chart(cached_trend(version, subtree, year, as_of)))


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False, hash_funcs=SHARED)
def cached_funnel_spec(version: ViewKey, subtree: Subtree, year: int, as_of: date) -> dict:
    """The funnel chart of cached_funnel."""
    return vega_spec(funnel_chart(cached_funnel(version, subtree, year, as_of)))
