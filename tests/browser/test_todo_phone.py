"""Việc của tôi on a phone (390×844, touch), as bithu.hdnd: she lands on it, finds the card of an
overdue candidate, and with taps only opens the step form, types the date and the votes, taps
save, and the card then shows the new step and what comes next. The cards fit the phone's width
and their button is large enough for a thumb. Screenshots: the phone before, the dialog, the
phone after, the branch page's cards on the phone, and the work list at 1920×1080."""
from __future__ import annotations

from playwright.sync_api import expect

from core.config import current_day
from tests.browser.actions import WAIT_MS, act, one, sign_in
from tests.browser.conftest import screenshot, settle
from tests.factories import overdue_in_hdnd

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
DESKTOP = {"viewport": {"width": 1920, "height": 1080}}
TOUCH_TARGET_PX = 44


def tap_date(page, scope, label: str, text: str) -> None:
    """Type a date into Streamlit's segmented field after tapping its day part, and check it holds it."""
    parts = dict(zip(("day", "month", "year"), text.split("/")))
    act(page, scope.get_by_role("spinbutton", name=f"day, {label}"), "tap")
    for part in parts.values():
        page.keyboard.type(part)
    for name, value in parts.items():
        expect(one(scope.get_by_role("spinbutton", name=f"{name}, {label}"))).to_have_attribute(
            "aria-valuenow", str(int(value)), timeout=WAIT_MS)


def tap_type(page, field, value: str) -> None:
    act(page, field, "tap")
    page.keyboard.type(value)


def test_from_the_work_list_to_the_next_step_with_taps_only(browser, server):
    candidate_id, name = overdue_in_hdnd(server.db)
    page = browser.new_context(**PHONE).new_page()
    sign_in(page, server.url, "bithu.hdnd")
    page.get_by_role("heading", name="Việc của tôi").first.wait_for(timeout=WAIT_MS)  # where she lands
    settle(page)
    card = page.locator(f".st-key-todo_KB-HDND_card_{candidate_id}")
    expect(card).to_contain_text(name, timeout=WAIT_MS)
    expect(card).to_contain_text("ngày làm việc")
    expect(card.get_by_text("quá hạn", exact=False).first).to_be_visible()
    assert "Bước tiếp theo: Đảng ủy cơ sở đề nghị" in card.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways swipe
    screenshot(page, "todo-phone")

    button = one(card.get_by_role("button", name="Ghi bước «Đảng ủy cơ sở đề nghị»"))
    box, card_box = button.bounding_box(), card.bounding_box()
    assert box["height"] >= TOUCH_TARGET_PX and box["width"] >= card_box["width"] - 60  # full width, thumb-sized
    act(page, button, "tap")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Ghi bước").first.wait_for(timeout=WAIT_MS)
    settle(page)
    expect(dialog).to_contain_text(name)
    today = current_day().strftime("%d/%m/%Y")
    tap_date(page, dialog, "Ngày", today)
    tap_type(page, dialog.get_by_label("Tổng số đảng viên chính thức của chi bộ (nghị quyết đảng ủy: tổng số cấp ủy viên)",
                                       exact=True), "14")
    tap_type(page, dialog.get_by_label("Số đảng viên chính thức dự họp (hoặc cấp ủy viên dự họp)", exact=True), "12")
    tap_type(page, dialog.get_by_label("Số phiếu tán thành (nếu là nghị quyết)", exact=True), "11")
    screenshot(page, "todo-phone-dialog")
    act(page, dialog.get_by_role("button", name="Ghi bước"), "tap")

    page.get_by_text(f"Đã ghi bước «Đảng ủy cơ sở đề nghị» ngày {today} cho {name}.").first.wait_for(timeout=WAIT_MS)
    expect(page.get_by_role("dialog")).to_have_count(0, timeout=WAIT_MS)  # the dialog closed on the write
    expect(card).to_contain_text(f"Đang ở bước: Đảng ủy cơ sở đề nghị (từ {today})", timeout=WAIT_MS)
    expect(card).to_contain_text("Bước tiếp theo: Có quyết định kết nạp")
    expect(one(card.get_by_role("button", name="Ghi bước «Có quyết định kết nạp»"))).to_be_visible()
    card.scroll_into_view_if_needed()
    screenshot(page, "todo-phone-after")

    # The branch page's to-do is the same cards.
    page.goto(f"{server.url}/chi-bo")
    branch_card = page.locator(f".st-key-branch_card_{candidate_id}")
    expect(branch_card).to_contain_text("Bước tiếp theo: Có quyết định kết nạp", timeout=WAIT_MS)
    settle(page)
    branch_card.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "todo-branch-phone")

    desktop = browser.new_context(**DESKTOP).new_page()
    sign_in(desktop, server.url, "bithu.hdnd")
    desktop.get_by_role("heading", name="Việc của tôi").first.wait_for(timeout=WAIT_MS)
    settle(desktop)
    expect(desktop.locator(f".st-key-todo_KB-HDND_card_{candidate_id}")).to_contain_text(
        "Bước tiếp theo: Có quyết định kết nạp", timeout=WAIT_MS)
    screenshot(desktop, "todo-desktop")
