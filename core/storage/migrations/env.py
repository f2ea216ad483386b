"""Alembic environment: migrations run on the connection core.storage.db hands over, or on the URL
from the settings when run from the `alembic` command line."""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import core.storage.models  # noqa: F401  (registers every table on SQLModel.metadata)

target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from core.config import load_settings
    from core.storage.db import get_engine

    with get_engine(load_settings().database_url).begin() as conn:
        _run(conn)
