"""Getting a database ready: migrate it, and in demo mode fill an empty one with the demo district."""
from __future__ import annotations

from sqlalchemy.engine import Engine

from core.cli.demo import database_is_empty, load_demo
from core.config import Settings
from core.storage.db import get_engine, migrate, session_scope


def ensure_database(settings: Settings) -> Engine:
    """The Engine for the configured database, migrated to the newest schema; in demo mode
    an empty database gets the demo data (and its demo accounts)."""
    engine = get_engine(settings.database_url, settings.database_busy_seconds)
    migrate(engine)
    if settings.demo_mode:
        with session_scope(engine) as session:
            if database_is_empty(session):
                load_demo(session)
    return engine
