"""The add-candidate form on a phone (390×844, touch), as bithu.hdnd: a date in the future, a
candidate with only a name, and a person already listed are each refused with a Vietnamese
message on screen, and the database holds no new candidate after any of them."""
from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta

from playwright.sync_api import expect

from core.config import current_day
from core.format import fmt_date
from tests.browser.actions import WAIT_MS, act, choose, set_date, sign_in
from tests.browser.conftest import screenshot, settle

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
CELL = "Văn phòng HĐND"
FORM = '[data-testid="stForm"]'

# A person already listed in that chi bộ, still in the procedure.
LISTED = ("SELECT c.full_name, c.birth_date FROM candidate c JOIN organization o ON o.id = c.organization_id "
          "WHERE o.name LIKE ? AND c.exit IS NULL ORDER BY c.id LIMIT 1")


def candidate_count(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM candidate").fetchone()[0]


def open_form(page, base_url: str):
    page.goto(f"{base_url}/chi-bo")
    page.get_by_text("Quần chúng đang trong quy trình").first.wait_for(timeout=WAIT_MS)
    settle(page)
    form = page.locator(FORM).filter(has_text="Ngày đưa vào diện tạo nguồn")
    expect(form).to_have_count(1, timeout=WAIT_MS)  # no copy left over from the previous run
    return form


def fill_person(page, form, name: str, birth: str, listed_on: str) -> None:
    """Every field the form asks for, as the secretary types them."""
    choose(page, form, "Chi bộ", CELL)
    act(page, form.get_by_label("Họ và tên"), "fill", name)
    set_date(page, form, "Ngày sinh", birth)
    choose(page, form, "Giới tính", "Nam")
    act(page, form.get_by_role("textbox", name="Dân tộc"), "fill", "Kinh")
    choose(page, form, "Tôn giáo", "Không")
    choose(page, form, "Trình độ giáo dục phổ thông", "Trung học phổ thông")
    choose(page, form, "Trình độ chuyên môn", "Đại học")
    choose(page, form, "Nghề nghiệp", "Cán bộ, công chức, viên chức")
    set_date(page, form, "Ngày đưa vào diện tạo nguồn", listed_on)


def submit(page, form) -> None:
    act(page, form.get_by_role("button", name="Thêm quần chúng vào diện tạo nguồn"), "tap")


def told_on_screen(page) -> None:
    """A toast inside the phone's screen says nothing was written, wherever the form was
    scrolled to (the reasons are under the button)."""
    toast = page.get_by_test_id("stToast").filter(has_text="Chưa ghi gì: xem lý do ngay dưới nút ghi.").first
    expect(toast).to_be_in_viewport(timeout=WAIT_MS)


def test_phone_refuses_a_future_date_a_bare_name_and_the_same_person_twice(browser, server):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, server.url, "bithu.hdnd")
    page.get_by_role("heading", name="Việc của tôi").first.wait_for(timeout=WAIT_MS)  # a secretary lands on her work list
    before = candidate_count(server.db)

    # 1. A date in the future: refused as typed, never replaced by today's.
    future = fmt_date(current_day() + timedelta(days=9))
    form = open_form(page, server.url)
    fill_person(page, form, "Lê Thị Thu Trang", "14/02/1999", future)
    submit(page, form)
    told_on_screen(page)
    expect(page.get_by_text(f"Ngày {future} ở tương lai: chỉ ghi việc đã diễn ra.").first).to_be_visible(
        timeout=WAIT_MS)
    screenshot(page, "phone-future-date")
    assert candidate_count(server.db) == before

    # 2. Only a name: every missing field listed at once, nothing invented.
    form = open_form(page, server.url)
    act(page, form.get_by_label("Họ và tên"), "fill", "Phạm Văn Hùng")
    submit(page, form)
    told_on_screen(page)
    # The form's own message, not a work card's "… còn thiếu: …" on the same page.
    missing = page.get_by_text(re.compile(r"^Còn thiếu: ")).first
    expect(missing).to_be_visible(timeout=WAIT_MS)
    for field in ("Ngày sinh", "Giới tính", "Dân tộc", "Tôn giáo", "Nghề nghiệp"):
        assert field in missing.inner_text()
    expect(page.get_by_text("Cần chọn chi bộ.").first).to_be_visible()
    expect(page.get_by_text("Cần ghi «Ngày đưa vào diện tạo nguồn»").first).to_be_visible()
    screenshot(page, "phone-name-only")
    assert candidate_count(server.db) == before

    # 3. A person already listed: refused, with a link to the record that exists.
    with sqlite3.connect(server.db) as conn:
        name, birth = conn.execute(LISTED, (f"%{CELL}%",)).fetchone()
    form = open_form(page, server.url)
    fill_person(page, form, name, fmt_date(date.fromisoformat(birth)), "05/01/2026")
    submit(page, form)
    told_on_screen(page)
    expect(page.get_by_text("đã có hồ sơ đang trong quy trình").first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("link", name=f"Mở hồ sơ đã có của {name}")).to_be_visible(timeout=WAIT_MS)
    screenshot(page, "phone-same-person")
    assert candidate_count(server.db) == before
    context.close()


def test_phone_says_a_year_typed_wrong_instead_of_keeping_the_old_date(browser, server):
    """The report's date is filled with today's: a day typed with its year's digits swapped
    (2206 for 2026) reaches the check and is said, where a narrow widget range let the browser
    keep today's and the report go out with a date nobody gave."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    sign_in(page, server.url, "bithu.hdnd")
    page.goto(f"{server.url}/bao-cao")
    download = page.get_by_role("button", name="Tải báo cáo (.docx)")
    expect(download).to_be_visible(timeout=WAIT_MS)
    settle(page)
    set_date(page, page, "Ngày ban hành", "05/01/2206")
    act(page, page.get_by_role("heading").first, "tap")  # the field is left: the day typed is given to the app
    expect(page.get_by_text("Ngày 05/01/2206 nằm ngoài khoảng nhận được (từ 01/01/1900 đến 31/12/2100): "
                            "xin kiểm tra lại năm.").first).to_be_visible(timeout=WAIT_MS)
    expect(download).to_have_count(0)
    screenshot(page, "phone-year-typed-wrong")
    context.close()
