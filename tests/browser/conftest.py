"""Real-browser fixtures: a Streamlit server on a private copy of the demo database, and
Playwright driving Debian's Chromium (never a downloaded browser). Without Chromium these
tests are skipped locally and fail in CI (CI=true)."""
from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.servers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Server,
    start_streamlit,
    stop_server,
)
from tests.apptest import ROOT
from tests.conftest import IN_CI

ARTIFACTS = ROOT / "test-artifacts"


def start_server(template: Path, workdir: Path) -> Server:
    """Start the app (`streamlit run serve.py`) on a copy of the demo database and wait until it answers."""
    db = workdir / "demo.db"
    shutil.copy(template, db)
    return start_app(f"sqlite:///{db}", workdir, demo_mode=True, cookie_key=secrets.token_urlsafe(48), db=db)


def start_app(database_url: str, workdir: Path, *, demo_mode: bool, cookie_key: str, db: Path | None = None) -> Server:
    """Start `streamlit run serve.py` (app.py with its security headers, as in production) on a
    database and wait until it answers its health check."""
    env = {**os.environ, "DATABASE_URL": database_url, "PTDV_DEMO_MODE": str(demo_mode).lower(),
           "PTDV_COOKIE_KEY": cookie_key}
    return start_streamlit(ROOT / "serve.py", env, workdir / "server.log", db=db)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(demo_db_file, tmp_path_factory) -> Iterator[Server]:
    """One app server for a test module."""
    running = start_server(demo_db_file, tmp_path_factory.mktemp("server"))
    yield running
    stop_server(running)


# True once the app has shown no "running" indicator for half a second.
_IDLE_FOR_HALF_A_SECOND = """() => {
  const running = document.querySelector(
    '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]');
  if (running) { window.__ptdvIdleSince = null; return false; }
  window.__ptdvIdleSince = window.__ptdvIdleSince || Date.now();
  return Date.now() - window.__ptdvIdleSince > 500;
}"""


def settle(page, timeout_ms: int = 30_000) -> None:
    """Wait until the app has finished its runs (no "running" indicator for half a second), so
    a click is not lost in a rerun and no stale copy of an element lingers. Bounded, and a
    condition rather than a sleep."""
    page.wait_for_function(_IDLE_FOR_HALF_A_SECOND, timeout=timeout_ms, polling=100)


def screenshot(page, name: str) -> None:
    """Keep a screenshot for people to look at (test-artifacts/ is git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
