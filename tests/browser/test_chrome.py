"""No English toolbar anywhere a user looks (issue 15): Streamlit's element toolbars ("Show
data", "Download as PNG", the tables' CSV download) are hidden on the overview's charts and
tables and on the projector, even when the pointer rests on them."""
from __future__ import annotations

import pytest

from tests.browser.actions import WAIT_MS, sign_in
from tests.browser.conftest import screenshot, settle

TOOLBAR = '[data-testid="stElementToolbar"]'


@pytest.mark.parametrize("user, path", [("lanhdao", "tong-quan"), ("trinhchieu", "trinh-chieu?panels=ranking")])
def test_no_element_toolbar_shows_even_under_the_pointer(browser, server, user, path):
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    sign_in(page, server.url, user)
    page.get_by_text("Tỉnh ủy Ninh Bình – năm").first.wait_for(timeout=WAIT_MS)
    page.goto(f"{server.url}/{path}")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for(timeout=WAIT_MS)
    settle(page)
    chart.hover()
    page.wait_for_timeout(500)
    assert page.locator(TOOLBAR).count() > 0  # Streamlit draws them...
    assert [box for box in page.locator(TOOLBAR).all() if box.is_visible()] == []  # ...nobody sees one
    screenshot(page, f"no-toolbar-{user}")
