"""The meeting-room screen in a real browser: large enough to read across a room, and live:
a secretary's admission shows within one refresh interval, without reloading the page."""
from __future__ import annotations

import sqlite3

import pytest

from tests.browser.actions import (
    HDND_CANDIDATE_AT_BRANCH_RESOLUTION,
    WAIT_MS,
    record_admission,
    sign_in,
)
from tests.browser.conftest import screenshot, settle

SECONDS = 5
HEADLINE = '[data-testid="stMetricValue"]'


def open_projector(browser, server, width: int, height: int):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "trinhchieu")
    page.get_by_text("Huyện ủy Kim Bảng – năm").first.wait_for(timeout=WAIT_MS)
    page.goto(f"{server.url}/trinh-chieu?panels=headline&seconds={SECONDS}")
    page.locator(HEADLINE).first.wait_for(timeout=WAIT_MS)
    settle(page)
    return page


@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 720)])
def test_headline_is_large_and_the_chrome_is_hidden(browser, server, width, height):
    page = open_projector(browser, server, width, height)
    size = page.evaluate(f"() => parseFloat(getComputedStyle(document.querySelector('{HEADLINE}')).fontSize)")
    assert size >= 96  # px: about 2,5 cm on a 2 m wide picture of 1920 px, readable from the back of a room
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    assert page.locator('[data-testid="stHeader"]').is_hidden()
    screenshot(page, f"projector-{width}x{height}")


def test_an_admission_appears_within_one_interval_without_reload(browser, server):
    projector = open_projector(browser, server, 1920, 1080)
    assert projector.locator(HEADLINE).first.inner_text() == "117/150"
    projector.evaluate("() => { window.__ptdvSamePage = true; }")  # lost if the page reloads

    with sqlite3.connect(server.db) as conn:
        (candidate_id,) = conn.execute(HDND_CANDIDATE_AT_BRANCH_RESOLUTION).fetchone()
    record_admission(browser, server.url, candidate_id)

    # One refresh interval (plus the run itself): the projector shows 118 without a reload.
    projector.wait_for_function(
        f"() => document.querySelector('{HEADLINE}').innerText === '118/150'", timeout=(SECONDS + 5) * 1000)
    assert projector.evaluate("() => window.__ptdvSamePage === true")
