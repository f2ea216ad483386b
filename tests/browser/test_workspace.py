"""A secretary's minute in a real browser: bithu.hdnd lists a new candidate, takes the dossier
through to admission with correct dates, and sees the branch's figures move; the district's
total moves for the leadership too."""
from __future__ import annotations

import sqlite3

from playwright.sync_api import expect

from tests.browser.actions import (
    WAIT_MS,
    act,
    choose,
    record_paper,
    record_step,
    set_date,
    sign_in,
)
from tests.browser.conftest import screenshot, settle

NAME = "Đào Minh Châu"
STEPS = [  # stage label, date, votes: in favour / the chi bộ's official members (all committee members) / present
    ("Quần chúng ưu tú (cảm tình Đảng)", "02/03/2026", None),
    ("Đã học lớp bồi dưỡng nhận thức về Đảng", "06/04/2026", None),
    ("Hoàn thiện hồ sơ", "04/05/2026", None),
    ("Chi bộ đề nghị kết nạp", "01/06/2026", ("10", "14", "10")),  # 10 of 14 members: 2/3, though 4 were absent
    ("Đảng ủy cơ sở đề nghị", "15/06/2026", ("6", "9", "8")),
    ("Có quyết định kết nạp", "01/07/2026", None),
    ("Đã kết nạp (đảng viên dự bị)", "15/07/2026", None),
]

SPONSORS = ("Nguyễn Văn Sơn", "Trần Thị Hiền")
PAPERS = [("Đơn xin vào Đảng (mẫu 1-KNĐ)", ""), ("Lý lịch của người xin vào Đảng (mẫu 2-KNĐ)", ""),
          ("Văn bản thẩm tra lý lịch người xin vào Đảng", ""),
          ("Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú (mẫu 5-KNĐ)", "")]
PAPERS += [("Giấy giới thiệu người vào Đảng (mẫu 3-KNĐ)", name) for name in SPONSORS]


def admitted_figure(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Kết nạp / chỉ tiêu").first
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def test_secretary_takes_a_candidate_to_admission(browser, server):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(page, server.url, "bithu.hdnd")
    page.get_by_role("heading", name="Việc của tôi").first.wait_for(timeout=WAIT_MS)  # a secretary lands on her work list
    page.goto(f"{server.url}/chi-bo")
    page.get_by_text("Quần chúng đang trong quy trình").first.wait_for(timeout=WAIT_MS)
    settle(page)
    assert admitted_figure(page) == "4/5"

    form = page.locator('[data-testid="stForm"]').filter(has_text="Ngày đưa vào diện tạo nguồn")
    expect(form).to_have_count(1, timeout=WAIT_MS)  # no copy left over from the previous run
    choose(page, form, "Chi bộ", "Văn phòng HĐND")
    act(page, form.get_by_label("Họ và tên"), "fill", NAME)
    set_date(page, form, "Ngày sinh", "02/04/1998")
    choose(page, form, "Giới tính", "Nữ")
    act(page, form.get_by_role("textbox", name="Dân tộc"), "fill", "Kinh")
    choose(page, form, "Tôn giáo", "Không")
    choose(page, form, "Trình độ giáo dục phổ thông", "Trung học phổ thông")
    choose(page, form, "Trình độ chuyên môn", "Đại học")
    choose(page, form, "Nghề nghiệp", "Cán bộ, công chức, viên chức")
    set_date(page, form, "Ngày đưa vào diện tạo nguồn", "05/01/2026")
    choose(page, form, "Cách giới thiệu", "Hai đảng viên chính thức giới thiệu")
    act(page, form.get_by_label("Người giới thiệu 1", exact=True), "fill", SPONSORS[0])
    set_date(page, form, "Người giới thiệu 1 – công tác cùng từ ngày", "01/01/2024")
    choose(page, form, "Người giới thiệu 1 – đảng viên chính thức hay dự bị", "Đảng viên chính thức")
    act(page, form.get_by_label("Người giới thiệu 2", exact=True), "fill", SPONSORS[1])
    set_date(page, form, "Người giới thiệu 2 – công tác cùng từ ngày", "01/06/2024")
    choose(page, form, "Người giới thiệu 2 – đảng viên chính thức hay dự bị", "Đảng viên chính thức")
    act(page, form.get_by_role("button", name="Thêm quần chúng vào diện tạo nguồn"), "click")
    page.get_by_text(f"Đã thêm {NAME} vào diện tạo nguồn").first.wait_for(timeout=WAIT_MS)
    screenshot(page, "workspace-added")

    with sqlite3.connect(server.db) as conn:
        (candidate_id,) = conn.execute("SELECT id FROM candidate WHERE full_name = ?", (NAME,)).fetchone()
    page.goto(f"{server.url}/ho-so?id={candidate_id}")
    page.get_by_role("heading", name=NAME).first.wait_for(timeout=WAIT_MS)
    for stage, when, votes in STEPS:
        if stage == "Chi bộ đề nghị kết nạp":  # the chi bộ votes on a complete dossier only
            for kind, holder in PAPERS:
                record_paper(page, kind, "04/05/2026", holder)
        record_step(page, stage, when, votes)
    screenshot(page, "workspace-admitted")

    page.goto(f"{server.url}/chi-bo")
    page.get_by_text("Quần chúng đang trong quy trình").first.wait_for(timeout=WAIT_MS)
    settle(page)
    assert admitted_figure(page) == "5/5"  # counted on the decision date, 01/07/2026

    leader = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(leader, server.url, "lanhdao")
    leader.get_by_text("Tỉnh ủy Ninh Bình – năm").first.wait_for(timeout=WAIT_MS)
    settle(leader)
    assert admitted_figure(leader) == "118/150"  # 117 before
