"""The few Streamlit-bound helpers: the one Engine per server process, and cached reads keyed
by the data version so an edit anywhere shows at the next rerun."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from core.bootstrap import ensure_database
from core.config import Settings, load_settings
from core.db import data_version, session_scope
from core.progress import org_figures
from core.scope import Actor, root_organization
from core.stages import Role


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


def aggregate_actor() -> Actor:
    """A caller that sees the whole tree's aggregates and no personal data (the projector role)."""
    with session_scope(engine()) as session:
        root = root_organization(session)
    return Actor("public", Role.PROJECTOR, root.path)


def current_version() -> int:
    """The data version: one tiny query per rerun."""
    with session_scope(engine()) as session:
        return data_version(session)


@st.cache_data(ttl=3600, max_entries=256, show_spinner=False)
def cached_org_figures(version: int, actor: Actor, org_code: str | None, year: int, as_of: date) -> pd.DataFrame:
    """org_figures, cached per (data version, caller, organization, year, as-of date)."""
    del version  # part of the cache key only
    with session_scope(engine()) as session:
        return org_figures(session, actor, org_code=org_code, year=year, as_of=as_of, rules=settings().rules)
