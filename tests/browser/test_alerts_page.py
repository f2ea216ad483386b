"""The alerts page in a real browser, as the leader at 1920×1080 and on a 390×844 touch
phone: blocks headed by the organizations, whole sentences, deadlines in words (no negative
day count), and a tap on a block's link opens that organization's branch page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.actions import WAIT_MS, act, body_text, sign_in
from tests.browser.conftest import screenshot, settle

DESKTOP = {"viewport": {"width": 1920, "height": 1080}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
FIRST = "Chi bộ tổ dân phố số 4"
NEGATIVE_DAYS = re.compile(r"(?:^|[\s(:])[-−]\s?\d")
# The labels of the main area's page links: how many, and those wider than their box (cut "…").
LINK_LABELS = """() => {
  const labels = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPageLink"] p')];
  return {count: labels.length, cut: labels.filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.innerText)};
}"""


@pytest.mark.parametrize(("name", "context"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_the_leader_reads_the_alerts_by_organization_and_opens_one(browser, server, name, context):
    page = browser.new_context(**context).new_page()
    sign_in(page, server.url, "lanhdao")
    page.goto(f"{server.url}/canh-bao")
    heading = page.get_by_role("heading", name=FIRST).first
    heading.wait_for(timeout=WAIT_MS)
    settle(page)
    screenshot(page, f"alerts-{name}-top")
    shown = body_text(page)
    assert "Đang hiện 1–20 trong 127 tổ chức." in shown
    assert "cần thêm 1 trong 1 tháng còn lại của năm." in shown  # a whole sentence, not cut
    assert "quá hạn 1.644 ngày" in shown and "Số ngày còn lại" not in shown
    assert not NEGATIVE_DAYS.search(shown)
    if context is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        labels = page.evaluate(LINK_LABELS)  # a page link's label is one line: none cut short
        assert labels["count"] > 20 and labels["cut"] == []
    settle(page)
    act(page, page.get_by_role("heading", name=FIRST), "evaluate", "e => e.scrollIntoView({block: 'start'})")
    screenshot(page, f"alerts-{name}-first-block")
    act(page, page.get_by_role("heading", name="Hồ sơ quá hạn và sắp đến hạn"), "scroll_into_view_if_needed")
    screenshot(page, f"alerts-{name}-deadlines")

    # The first block's link: that of the worst organization, under its heading.
    link = page.get_by_role("link", name="Mở trang Chi bộ của tổ chức này").first
    assert link.bounding_box()["y"] > heading.bounding_box()["y"]
    link.scroll_into_view_if_needed()
    act(page, link, "tap" if context is PHONE else "click")
    page.wait_for_url(re.compile(r"/chi-bo\?.*org=KB-QUE-04"), timeout=WAIT_MS)
    page.get_by_text(f"{FIRST} – năm 2026").first.wait_for(timeout=WAIT_MS)
    expect(page.get_by_text("Quần chúng đang trong quy trình").first).to_be_visible(timeout=WAIT_MS)
    page.context.close()
