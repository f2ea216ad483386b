"""Every organization's row on the overview says why it has its status and what it still
needs by the year's end, and a chosen row (a tap works, a link cell would not) opens its
branch page or its own overview (AppTest on the demo district, 01/12/2026 by default)."""
from __future__ import annotations

from urllib.parse import parse_qs

from core.cli.demo import TO_PROVINCE, WARDS
from core.format import md_unescape
from tests.apptest import open_page, shown

TABLE = "progress_table_NB_2026"  # the province, the leader's default


def test_every_row_says_why_and_what_it_still_needs(demo_app):
    at = open_page("lanhdao", "pages/overview.py")
    table = next(df for df in at.dataframe if df.key == TABLE).value
    for status, reason in zip(table["Tình trạng"], table["Lý do"]):
        assert reason.endswith(".")
        if "Hoàn thành" in status:
            assert reason.endswith(": đạt kế hoạch năm 2026.")
        else:  # behind, at risk or on pace: what is still needed, in the month left
            assert "cần thêm" in reason and "trong 1 tháng còn lại của năm" in reason
        if "Chậm" in status or "nguy cơ" in status:
            assert "chậm so với mức" in reason and "dự kiến đến 01/12/2026" in reason
    assert "Chọn một dòng (ô đầu dòng) để xem lý do và mở trang Chi bộ của tổ chức đó." in [
        shown(c) for c in at.caption]


def test_a_chosen_row_links_to_its_branch_page_and_its_overview(demo_app):
    at = open_page("lanhdao", "pages/overview.py")
    first = next(df for df in at.dataframe if df.key == TABLE).value.iloc[0]
    at.session_state[TABLE] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    name = first["Tổ chức đảng"]
    said = [shown(m) for m in at.markdown]
    assert f"**{name}** – {first['Tình trạng']}" in said and first["Lý do"] in said
    links = {md_unescape(p.value): (p.proto.page, parse_qs(p.proto.query_string))
             for p in at.page_link if p.proto.query_string}
    branch_page, branch = links["Quần chúng, việc đến hạn"]
    overview_page, overview = links["Tổng quan của tổ chức này"]
    # By URL path when app.py registered the pages, by file name when the page ran alone.
    assert branch_page in ("chi-bo", "branch") and overview_page in ("tong-quan", "overview")
    assert branch["year"] == overview["year"] == ["2026"] and branch["org"] == overview["org"]
    assert branch["org"][0] in {code for code, *_rest in WARDS} | {code for code, _name in TO_PROVINCE}
