"""The secretary's phone (390×844, touch, a phone's browser), as bithu.hdnd (issue 15, item 2):
the menu closes after a page is chosen; pills, date parts, buttons, tabs and selectboxes are
44 px high at least; the record page's tabs fit the screen; the overview's progress chart
draws its bars and every status in full; no page needs a sideways swipe. The same pages at
1920×1080 keep their wide tables (screenshots of both are kept)."""
from __future__ import annotations

import sqlite3

import pytest
from playwright.sync_api import expect

from tests.browser.actions import HDND_CANDIDATE_AT_BRANCH_RESOLUTION, WAIT_MS, sign_in
from tests.browser.conftest import screenshot, settle

# A phone's browser says it is one: Streamlit closes its menu after a choice on a mobile device.
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/130.0.0.0 Mobile Safari/537.36")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3,
         "user_agent": PHONE_UA}
DESKTOP = {"viewport": {"width": 1920, "height": 1080}}
TARGET_PX = 44
SIDEBAR = '[data-testid="stSidebar"]'

# What a finger aims at, by kind (the sign-in form and the sidebar's hidden parts aside).
TARGETS = {
    "pills": '[data-testid="stMain"] [data-testid="stButtonGroup"] button',
    "date parts": '[data-testid="stMain"] [data-testid="stDateInput"] [role="spinbutton"]',
    "buttons": '[data-testid="stMain"] [data-testid^="stBaseButton"]',
    "tabs": '[data-testid="stMain"] [data-testid="stTab"]',
    "selectboxes": '[data-testid="stMain"] [data-testid="stSelectbox"] [data-baseweb="select"] > div',
    "steppers": '[data-testid="stMain"] [data-testid="stNumberInputStepUp"]',
    "help icons": '[data-testid="stMain"] [data-testid="stTooltipIcon"] button',
}

# Boxes of the visible elements a selector matches, as the browser lays them out.
BOXES = """(selector) => [...document.querySelectorAll(selector)]
  .map(e => [e.getBoundingClientRect(), e.innerText || e.getAttribute('aria-label') || ''])
  .filter(([r]) => r.width > 0 && r.height > 0)
  .map(([r, text]) => ({left: r.left, right: r.right, width: r.width, height: r.height, text: text.slice(0, 40)}))"""

# The page's own width against the window's: more would need a sideways swipe.
OVERFLOW = """() => ({document: document.documentElement.scrollWidth, main: document.querySelector(
  '[data-testid="stMain"]').scrollWidth, window: window.innerWidth})"""


@pytest.fixture(scope="module")
def candidate_id(server) -> int:
    with sqlite3.connect(server.db) as conn:
        return conn.execute(HDND_CANDIDATE_AT_BRANCH_RESOLUTION).fetchone()[0]


@pytest.fixture(scope="module")
def phone(browser, server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, server.url, "bithu.hdnd")
    page.get_by_role("heading", name="Việc của tôi").first.wait_for(timeout=WAIT_MS)  # where a secretary lands
    settle(page)
    yield page
    context.close()


def open_page(page, base_url: str, path: str, ready: str) -> None:
    page.goto(f"{base_url}/{path}")
    page.locator('[data-testid="stMain"]').get_by_text(ready, exact=True).first.wait_for(timeout=WAIT_MS)
    settle(page)


PAGES = {  # page: (path, a heading far down the page, drawn once the page has drawn)
    "overview": ("tong-quan", "Cơ cấu đảng viên mới kết nạp"),
    "record": ("ho-so?id={id}", "Nhật ký thay đổi"),
    "branch": ("chi-bo", "Thêm quần chúng vào diện tạo nguồn"),
    "alerts": ("canh-bao", "Cảnh báo"),
}
OVERVIEW, RECORD = PAGES["overview"], PAGES["record"]


def test_the_menu_closes_after_a_page_is_chosen(phone, server):
    open_page(phone, server.url, *OVERVIEW)
    sidebar = phone.locator(SIDEBAR)
    expect(sidebar).to_have_attribute("data-collapsed", "true")  # closed on a phone when a page opens
    phone.get_by_test_id("stExpandSidebarButton").tap()
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    expect(sidebar.get_by_role("link", name="Chi bộ")).to_be_in_viewport()
    screenshot(phone, "phone-menu-open")
    sidebar.get_by_role("link", name="Chi bộ").tap()
    phone.get_by_text("Quần chúng đang trong quy trình").first.wait_for(timeout=WAIT_MS)
    expect(sidebar).to_have_attribute("data-collapsed", "true")
    expect(sidebar.get_by_role("link", name="Chi bộ")).not_to_be_in_viewport()
    assert phone.url.endswith("/chi-bo")
    screenshot(phone, "phone-menu-after-choice")


@pytest.mark.parametrize("name", list(PAGES))
def test_a_finger_hits_every_control_and_nothing_needs_a_sideways_swipe(phone, server, candidate_id, name):
    path, ready = PAGES[name]
    open_page(phone, server.url, path.format(id=candidate_id), ready)
    screenshot(phone, f"phone-{name}")
    small = {kind: [box for box in phone.evaluate(BOXES, selector) if box["height"] < TARGET_PX]
             for kind, selector in TARGETS.items()}
    assert {kind: boxes for kind, boxes in small.items() if boxes} == {}
    assert phone.evaluate(BOXES, TARGETS["buttons"])  # there were buttons to measure
    width = phone.evaluate(OVERFLOW)
    assert width["document"] <= width["window"] and width["main"] <= width["window"], width
    if name in ("overview", "branch", "alerts"):
        assert all(box["height"] >= TARGET_PX for box in phone.evaluate(BOXES, TARGETS["pills"]))
        assert len(phone.evaluate(BOXES, TARGETS["date parts"])) >= 3  # day, month, year measured


def test_the_record_tabs_fit_the_phone(phone, server, candidate_id):
    open_page(phone, server.url, RECORD[0].format(id=candidate_id), RECORD[1])
    phone.get_by_role("tab", name="Sửa thông tin").first.wait_for(timeout=WAIT_MS)
    tabs = phone.evaluate(BOXES, TARGETS["tabs"])
    assert [tab["text"] for tab in tabs] == ["Ghi bước tiếp theo", "Ghi giấy tờ", "Ra khỏi quy trình",
                                             "Hủy bước ghi nhầm", "Sửa thông tin"]
    assert all(0 <= tab["left"] and tab["right"] <= 390 for tab in tabs), tabs
    phone.get_by_role("tab", name="Sửa thông tin").tap()
    expect(phone.get_by_role("tab", name="Sửa thông tin")).to_have_attribute("aria-selected", "true")
    expect(phone.get_by_role("tabpanel").get_by_label("Họ và tên")).to_be_in_viewport(timeout=WAIT_MS)
    screenshot(phone, "phone-record-tabs")


# Inside the progress chart: its bars' widths, and its texts with how much of each is drawn.
CHART = """() => {
  const chart = document.querySelector('[data-testid="stVegaLiteChart"]');
  const svg = chart.querySelector('svg');
  const bars = [...svg.querySelectorAll('g.mark-rect path, g.mark-rect rect')].map(e => e.getBBox().width);
  const box = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('g.mark-text text')].map(e => {
    const r = e.getBoundingClientRect();
    return {text: e.textContent, left: r.left - box.left, right: r.right - box.left};
  });
  return {bars, texts, width: box.width};
}"""


def test_the_overview_chart_draws_bars_and_every_status_in_full(phone, server):
    open_page(phone, server.url, *OVERVIEW)
    chart = phone.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    drawn = phone.evaluate(CHART)
    assert sum(1 for width in drawn["bars"] if width > 0) >= 4  # the four chi bộ that admitted someone
    statuses = [t for t in drawn["texts"] if t["text"].startswith(("✔", "●", "▲", "✖", "–"))]
    assert len(statuses) == 18  # one per chi bộ of the HĐND & UBND
    assert not [t for t in statuses if "…" in t["text"] or t["left"] < 0 or t["right"] > drawn["width"] + 1]
    assert "▲ Chậm tiến độ  0/1" in [t["text"] for t in statuses]
    screenshot(phone, "phone-overview-chart")
    # Below it, the progress table as a list: every status and reason in full, nothing cut.
    listed = phone.locator('[class*="st-key-phone_only_progress"]')
    expect(listed).to_contain_text("Tình trạng: ▲ Chậm tiến độ")
    expect(phone.locator('[class*="st-key-wide_only_progress"]')).to_be_hidden()


@pytest.mark.parametrize("name", list(PAGES))
def test_the_desktop_keeps_its_tables(browser, server, candidate_id, name):
    page = browser.new_context(**DESKTOP).new_page()
    sign_in(page, server.url, "bithu.hdnd")
    path, ready = PAGES[name]
    open_page(page, server.url, path.format(id=candidate_id), ready)
    screenshot(page, f"desktop-{name}")
    assert page.locator(SIDEBAR).get_attribute("data-collapsed") == "false"  # the menu beside the page
    expect(page.locator(SIDEBAR).get_by_role("link", name="Tổng quan")).to_be_visible()
    if name in ("overview", "record"):
        expect(page.locator('[class*="st-key-wide_only_"] [data-testid="stDataFrame"]').first).to_be_visible()
        expect(page.locator('[class*="st-key-phone_only_"]').first).to_be_hidden()
    tabs = page.evaluate(BOXES, TARGETS["tabs"])
    assert len({round(tab["height"]) for tab in tabs}) <= 1  # tabs on one line, as Streamlit draws them
    page.context.close()


def test_signing_out_leaves_no_menu_behind(browser, server):
    """The menu is Streamlit's own navigation, which the browser keeps from the last run that
    set it: once signed out, neither the menu nor the button that opens it is shown."""
    page = browser.new_context(**DESKTOP).new_page()
    sign_in(page, server.url, "bithu.hdnd")
    page.get_by_role("heading", name="Việc của tôi").first.wait_for(timeout=WAIT_MS)  # where a secretary lands
    settle(page)
    expect(page.locator(SIDEBAR).get_by_role("link", name="Chi bộ")).to_be_visible()
    page.locator(SIDEBAR).get_by_role("button", name="Đăng xuất").click()
    page.get_by_label("Tên đăng nhập").first.wait_for(timeout=WAIT_MS)
    settle(page)
    expect(page.locator(SIDEBAR)).to_be_hidden()
    expect(page.get_by_test_id("stExpandSidebarButton")).to_be_hidden()
    assert not [link for link in page.get_by_role("link", name="Chi bộ").all() if link.is_visible()]
    screenshot(page, "desktop-signed-out")
    page.context.close()
