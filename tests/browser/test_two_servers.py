"""Two app servers on one PostgreSQL database, as behind a load balancer: an admission
recorded through one server shows on the other at its next rerun. Caches are keyed by the
data version kept in the database, so no server serves figures older than the last write."""
from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from core.cli.demo import load_demo
from core.storage.db import session_scope
from tests.browser.actions import (
    HDND_CANDIDATE_AT_BRANCH_RESOLUTION,
    WAIT_MS,
    record_admission,
    sign_in,
)
from tests.browser.conftest import Server, screenshot, settle, start_app, stop_server
from tests.conftest import _new_database

HEADLINE = '[data-testid="stMetricValue"]'


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory):
    """A PostgreSQL schema holding the demo district (loaded once, before any server starts)."""
    engine, drop = _new_database("postgresql", tmp_path_factory.mktemp("shared"))
    with session_scope(engine) as session:
        load_demo(session)
    yield engine
    drop()


@pytest.fixture(scope="module")
def two_servers(shared_database, tmp_path_factory) -> Iterator[tuple[Server, Server]]:
    url = shared_database.url.render_as_string(hide_password=False)
    cookie_key = secrets.token_urlsafe(48)  # shared, as on real servers behind one address
    first = start_app(url, tmp_path_factory.mktemp("server_a"), demo_mode=False, cookie_key=cookie_key)
    second = start_app(url, tmp_path_factory.mktemp("server_b"), demo_mode=False, cookie_key=cookie_key)
    yield first, second
    stop_server(first)
    stop_server(second)


def test_an_edit_through_one_server_shows_on_the_other(browser, shared_database, two_servers):
    server_a, server_b = two_servers
    assert server_a.url != server_b.url

    leader = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    sign_in(leader, server_b.url, "lanhdao")
    leader.goto(f"{server_b.url}/tong-quan")
    leader.get_by_text("Tỉnh ủy Ninh Bình – năm").first.wait_for(timeout=WAIT_MS)
    settle(leader)
    assert leader.locator(HEADLINE).first.inner_text() == "117/150"  # now cached on server B

    with shared_database.connect() as conn:
        candidate_id = conn.execute(text(HDND_CANDIDATE_AT_BRANCH_RESOLUTION)).scalar_one()
    record_admission(browser, server_a.url, candidate_id)  # through server A

    # The next run on server B, which never saw the edit, shows it.
    leader.reload()
    leader.get_by_text("Tỉnh ủy Ninh Bình – năm").first.wait_for(timeout=WAIT_MS)
    settle(leader)
    assert leader.locator(HEADLINE).first.inner_text() == "118/150"
    screenshot(leader, "two-servers-leader-on-b")
