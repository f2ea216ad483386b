"""The alerts page as its readers see it (AppTest on the demo district, 01/12/2026 by
default): one block per organization, worst first, each headed by its name, its alerts as
whole sentences, and links to act (its branch page for the year; the record of each
candidate a deadline concerns); a long list says which part is on screen and shows more on
request; the candidates' deadlines in words, never a negative day count; names only where
the page may show them."""
from __future__ import annotations

import re
import sqlite3
from urllib.parse import parse_qs

import pytest
import streamlit as st

from core.format import md_unescape
from tests.apptest import open_page, shown, texts

# A negative count of days, as "-1.644" or "- 3": not a code such as KB-QUE-04.
NEGATIVE_DAYS = re.compile(r"(?:^|[\s(:])[-−]\s?\d")


def headings(at) -> list[str]:
    return [shown(h) for h in at.subheader]


def org_headings(at) -> list[str]:
    return [h for h in headings(at) if h != "Hồ sơ quá hạn và sắp đến hạn"]


def links(at, page: str) -> list[tuple[str, dict[str, list[str]]]]:
    """(label as read, query parameters) of the page's links to a page (its URL path), the
    menu's aside."""
    return [(md_unescape(p.value), parse_qs(p.proto.query_string)) for p in at.page_link
            if p.proto.page == page and p.proto.query_string]


def everything(at) -> str:
    return texts(at) + "\n" + "\n".join(label for page in ("chi-bo", "ho-so") for label, _ in links(at, page))


def hdnd_names(db) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {n for (n,) in conn.execute("SELECT name FROM organization WHERE code LIKE 'KB-HDND%'")}


def test_one_block_per_organization_worst_first_in_whole_sentences_with_where_to_act(demo_app):
    at = open_page("lanhdao", "pages/alerts.py")
    names = org_headings(at)
    assert len(names) == 20 and names[0] == "Chi bộ tổ dân phố số 4"
    captions = [shown(c) for c in at.caption]
    # Two levels below the province: its wards and their chi bộ (the chi bộ of a đảng bộ under a
    # ward, three levels down, show when one drills down).
    assert "223/223 cảnh báo, ở 127 tổ chức" in captions
    assert "Đang hiện 1–20 trong 127 tổ chức." in captions  # never hidden silently
    # Whole sentences, with what is still needed and the pace they are measured against.
    sentences = [shown(m) for m in at.markdown if shown(m).startswith("- ")]
    assert all(s.endswith(".") for s in sentences)
    # Under the organization's name, the sentences do not repeat it.
    assert ("- Mới kết nạp 1/2, chậm so với mức 2 dự kiến đến 01/12/2026; cần thêm 1 trong 1 tháng còn lại "
            "của năm.") in sentences
    assert not [s for s in sentences if "Chi bộ tổ dân phố số 4" in s]
    # Each block links to its organization's branch page for the year.
    branch = links(at, "chi-bo")
    assert [label for label, _ in branch] == ["Mở trang Chi bộ của tổ chức này"] * 20
    assert all(q["year"] == ["2026"] for _, q in branch)
    assert branch[0][1]["org"] == ["KB-QUE-04"]
    # A deadline's alert links to the records it counts, with the deadline in words.
    lines = [shown(m) for m in at.markdown]
    concerned = lines.index("Đỗ Thu Vân – quá hạn 36 ngày làm việc")
    assert lines[concerned - 1] == "- Có 1 hồ sơ quá hạn: Chi bộ xét công nhận chính thức (sau khi hết dự bị)."
    records = links(at, "ho-so")
    assert {label for label, _ in records} == {"Mở hồ sơ"}  # short: a page link is one line on a phone
    assert records[1] == ("Mở hồ sơ", {"id": ["19"]})
    assert not NEGATIVE_DAYS.search(everything(at))


def without_target(db, root_code: str, year: int) -> int:
    """The organizations standing in `year` down to two levels below `root_code` with no
    target for it, read from the tables (the demo's tree did not change in 2026)."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT count(*) FROM organization o, organization r WHERE r.code = ? "
            "AND substr(o.path, 1, length(r.path)) = r.path AND o.depth <= r.depth + 2 "
            "AND (o.valid_from IS NULL OR o.valid_from <= ?) AND (o.valid_to IS NULL OR o.valid_to >= ?) "
            "AND (o.active OR o.valid_to IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM year_plan p "
            "WHERE p.organization_id = o.id AND p.year = ? AND p.target > 0)",
            (root_code, f"{year}-12-31", f"{year}-01-01", year)).fetchone()[0]


def test_the_organizations_without_a_target_are_counted_not_hidden(demo_app):
    """The pace and source alerts cannot judge an organization without a target: the page says
    how many of those it looked at had none."""
    at = open_page("lanhdao", "pages/alerts.py")
    missing = without_target(demo_app, "NB", 2026)
    assert missing > 0
    assert (f"Không tính {missing} tổ chức chưa giao chỉ tiêu năm 2026 trong các cảnh báo về tiến độ và nguồn."
            in [shown(c) for c in at.caption])


def test_the_blocks_are_headed_by_the_organizations_they_link_to(demo_app):
    """Two chi bộ named "Chi bộ tổ dân phố số 4" stay two blocks, each linking to its own page."""
    at = open_page("lanhdao", "pages/alerts.py")
    codes = [q["org"][0] for _, q in links(at, "chi-bo")]
    assert len(codes) == len(set(codes)) == len(org_headings(at))
    at.button(key=next(b.key for b in at.button if b.label == "Xem tất cả 127 tổ chức")).click().run()
    codes = [q["org"][0] for _, q in links(at, "chi-bo")]
    assert org_headings(at).count("Chi bộ tổ dân phố số 4") == 2
    assert {"KB-QUE-04", "KB-BASAO-04"} <= set(codes)


def test_more_organizations_on_request_then_all_of_them(demo_app):
    at = open_page("lanhdao", "pages/alerts.py")
    at.button(key=next(b.key for b in at.button if b.label == "Xem thêm 20 tổ chức")).click().run()
    assert len(org_headings(at)) == 40
    assert "Đang hiện 1–40 trong 127 tổ chức." in [shown(c) for c in at.caption]
    at.button(key=next(b.key for b in at.button if b.label == "Xem tất cả 127 tổ chức")).click().run()
    assert len(org_headings(at)) == 127
    assert "Đang hiện cả 127 tổ chức." in [shown(c) for c in at.caption]
    assert not [b for b in at.button if b.label.startswith("Xem thêm") and "tổ chức" in b.label]


def test_the_kind_filter_keeps_the_blocks_of_that_kind(demo_app):
    at = open_page("lanhdao", "pages/alerts.py")
    at.pills(key="f_alert_kinds").set_value(["no_admission_years"]).run()
    summaries = [shown(c) for c in at.caption if "cảnh báo:" in shown(c)]
    assert summaries and all(s.split(" · ")[0].endswith(": Nhiều năm không kết nạp") for s in summaries)
    assert "52/223 cảnh báo, ở 52 tổ chức" in [shown(c) for c in at.caption]


def test_no_kind_chosen_is_not_mistaken_for_no_alert(demo_app):
    at = open_page("lanhdao", "pages/alerts.py")
    at.pills(key="f_alert_kinds").set_value([]).run()
    assert not org_headings(at) and not at.success
    assert [shown(i) for i in at.info] == ["Chưa chọn loại cảnh báo nào: hãy chọn ít nhất một loại ở trên."]


def test_days_left_read_in_words_wherever_a_table_shows_them(demo_app):
    """The pipeline page's stuck candidates: the deadline column in words, never a signed number."""
    at = open_page("lanhdao", "pages/pipeline.py")
    [stuck] = [df.value for df in at.dataframe if "Thời hạn" in df.value.columns]
    words = re.compile(r"^(còn [\d.]+ ngày( làm việc)?|quá hạn [\d.]+ ngày( làm việc)?|đến hạn hôm nay)$")
    assert len(stuck) and all(words.match(w) for w in stuck["Thời hạn"])
    assert "quá hạn 1.644 ngày" in set(stuck["Thời hạn"])


def test_the_count_says_organizations_without_a_target_are_left_out(demo_app):
    at = open_page("lanhdao", "pages/alerts.py")
    assert ("Không tính 65 tổ chức chưa giao chỉ tiêu năm 2026 trong các cảnh báo về tiến độ và nguồn."
            in [shown(c) for c in at.caption])


def test_candidates_deadlines_read_in_words_each_with_its_record(demo_app):
    at = open_page("lanhdao", "pages/alerts.py")
    assert "Hồ sơ quá hạn và sắp đến hạn" in headings(at)
    lines = [shown(m) for m in at.markdown]
    first = lines.index("**Lê Văn Nam** – Chi bộ thôn Thái Lộc")
    assert lines[first + 1] == "**Dừng lâu ở một bước: hạn 01/06/2022, quá hạn 1.644 ngày.**"  # overdue: bold, red by the stylesheet
    assert lines[first + 2] == "Giấy chứng nhận lớp nhận thức về Đảng hết hạn: hạn 03/12/2026, còn 2 ngày."
    assert any(line.rstrip("*").endswith("ngày làm việc.") for line in lines)  # a working-day deadline says so
    opened = [q["id"] for _, q in links(at, "ho-so")][-20:]  # the list's own links come last
    assert opened[0] == ["1024"]
    assert "Đang hiện 1–20 trong 54 người." in [shown(c) for c in at.caption]
    shown_text = everything(at)
    assert "Số ngày còn lại" not in shown_text and not NEGATIVE_DAYS.search(shown_text)


def test_a_past_year_links_to_the_branch_page_of_that_year(demo_app):
    at = open_page("lanhdao", "pages/alerts.py", year="2023")
    branch = links(at, "chi-bo")
    assert branch and all(q["year"] == ["2023"] for _, q in branch)


def test_a_secretary_sees_the_blocks_and_names_of_its_branch_only(demo_app):
    hdnd = hdnd_names(demo_app)
    at = open_page("bithu.hdnd", "pages/alerts.py")
    assert org_headings(at) and set(org_headings(at)) <= hdnd
    assert all(q["org"][0].startswith("KB-HDND") for _, q in links(at, "chi-bo"))
    people = [shown(m) for m in at.markdown if shown(m).startswith("**") and " – " in shown(m)]
    assert people and all(p.split(" – ", 1)[1] in hdnd for p in people)


@pytest.fixture
def fresh_caches():
    """The page's caches emptied before and after: a test that changes a setting in place
    must not read, or leave, figures cached under the same key by another test."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def test_no_names_where_the_lists_of_candidates_are_not_shown(demo_app, monkeypatch, fresh_caches):
    """Above the size where single candidates are listed, the blocks link to the branch pages
    only: no name, no record."""
    monkeypatch.setattr("core.figures.progress.LARGE_SUBTREE", 10)
    at = open_page("lanhdao", "pages/alerts.py")
    assert org_headings(at) and links(at, "chi-bo")
    assert not links(at, "ho-so")
    assert "Hồ sơ quá hạn và sắp đến hạn" not in headings(at)
    assert "Lê Văn Nam" not in everything(at)
    assert any("hãy chọn một tổ chức trực thuộc" in shown(i) for i in at.info)
