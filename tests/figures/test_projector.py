"""Projector mode: the view set by the URL, each panel's figures on the demo district, and
never a person's data."""
from __future__ import annotations

import sqlite3
from datetime import date

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from core.access.scope import Actor, resolve
from core.config import RuleSettings
from core.figures.progress import children_of, org_figures
from core.figures.projector import (
    DEFAULT_SECONDS,
    PANELS,
    ROWS_PER_PAGE,
    Slide,
    admitted_between,
    first_slide,
    lagging_rows,
    month_heading,
    month_window,
    page_bounds,
    page_count,
    parse_projector,
    short_reason,
    slide_rows,
    slides,
    top_movers,
)
from core.i18n import label
from core.procedure.stages import Role
from core.storage.db import make_engine, session_scope
from core.storage.models import Organization
from tests.apptest import open_page, shown, texts
from tests.factories import add_candidate, admitted_on, district

TODAY = date(2026, 11, 20)


def test_url_sets_the_view_and_bad_values_fall_back_with_a_notice(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        actor = Actor("tc", Role.PROJECTOR, orgs["D"].path)
        good, none = parse_projector(s, actor, {"panels": "ranking,headline", "seconds": "30", "theme": "light",
                                                "since": "2026-10-01", "year": "2026", "org": "C1"}, today=TODAY)
        bad, notices = parse_projector(s, actor, {"panels": "ranking,xyz", "seconds": "2", "theme": "neon"}, today=TODAY)
    assert none == []
    assert (good.panels, good.seconds, good.theme, good.view.compare, good.view.org_code) == (
        ("ranking", "headline"), 30, "light", date(2026, 10, 1), "C1")
    assert (bad.panels, bad.seconds, bad.theme) == (PANELS, DEFAULT_SECONDS, "dark")
    assert len(notices) == 3 and "màn trình chiếu" in notices[0] and "giây" in notices[1] and "Màu nền" in notices[2]
    assert "Kết quả chung" in notices[0]  # the panels by their names on screen
    for notice in notices:  # never the URL's English parameter names or codes (issue 15)
        assert not {"panels", "seconds", "theme", "headline", "dark", "light"} & set(notice.replace(",", " ").split())


def test_admissions_between_two_dates_by_child(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        add_candidate(s, orgs["C1-A"], admitted_on(date(2026, 11, 3)))
        add_candidate(s, orgs["C1-B"], admitted_on(date(2026, 11, 10)))
        add_candidate(s, orgs["C2-C"], admitted_on(date(2026, 10, 30)))
        actor = Actor("tc", Role.PROJECTOR, orgs["D"].path)
        month = admitted_between(s, resolve(s, actor, None), start=date(2026, 11, 1), end=TODAY, rules=RuleSettings())
    assert list(zip(month["code"], month["admitted"])) == [("C1", 2), ("S", 0), ("C2", 0)]  # ties by name


@pytest.fixture
def names(demo_app):
    with sqlite3.connect(demo_app) as conn:
        return [row[0] for row in conn.execute("SELECT full_name FROM candidate")]


@pytest.mark.parametrize(
    "panel, expected",
    [
        ("headline", ["Tỉnh ủy Ninh Bình – năm 2026", "117/150", "78%", "13/20", "2,21%"]),
        ("ranking", ["Xếp hạng theo % kế hoạch"]),
        ("funnel", ["Nguồn và quy trình"]),
        ("lagging", ["**19/27** Đảng ủy phường Tam Chúc"]),
        ("month", ["Kết nạp từ 01/11/2026"]),
        ("change", ["Thay đổi từ phiên họp trước"]),
    ],
)
def test_each_panel_shows_aggregates_and_no_person(demo_app, names, panel, expected):
    at = open_page("trinhchieu", "pages/projector.py", panels=panel, asof="2026-11-20", since="2026-10-20")
    shown = texts(at)
    for figure in expected:
        assert figure in shown, figure
    assert not [name for name in names if name in shown]
    assert not at.dataframe  # no table a person's row could appear in


def test_panels_rotate_and_can_be_stepped(demo_app):
    at = open_page("lanhdao", "pages/projector.py", panels="headline,lagging", seconds="5")
    assert "Kết quả chung" in texts(at)
    at.button(key="pj_next").click().run()
    assert "Tổ chức cần chú ý" in texts(at)
    at.button(key="pj_pause").click().run()
    assert at.button(key="pj_pause").label == "Chạy tiếp"


def test_the_month_panel_never_counts_a_single_empty_day():
    """On the 1st the month so far is one day: the panel counts the month before too, and its
    heading says from when to when."""
    assert month_window(date(2026, 12, 1)) == (date(2026, 11, 1), date(2026, 12, 1))
    assert month_window(date(2026, 12, 6)) == (date(2026, 11, 1), date(2026, 12, 6))
    assert month_window(date(2026, 12, 7)) == (date(2026, 12, 1), date(2026, 12, 7))
    assert month_window(date(2027, 1, 2)) == (date(2026, 12, 1), date(2027, 1, 2))
    assert month_window(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


# Paged panels: every organization of the level on some page, each page one screen.

def _figures(*children: tuple[str, str, float | None]) -> pd.DataFrame:
    """The figures of a root and its children (name, status, % of plan), as org_figures gives them."""
    rows = [dict(id=1, parent_id=None, code="R", name="Gốc", status="behind", percent_plan=50.0, target=10,
                 admitted=5, expected=6.0, late_pipeline=1)]
    rows += [dict(id=i, parent_id=1, code=f"C{i}", name=name, status=status, percent_plan=percent,
                  target=0 if percent is None else 4, admitted=0 if percent is None else round(percent * 4 / 100),
                  expected=3.0, late_pipeline=1)
             for i, (name, status, percent) in enumerate(children, start=2)]
    return pd.DataFrame(rows).set_index("id", drop=False)


@given(rows=st.integers(0, 400), per_page=st.integers(1, 20))
def test_pages_share_out_every_row_once_evenly_and_never_more_than_a_page_holds(rows, per_page):
    pages = page_count(rows, per_page)
    bounds = [page_bounds(rows, per_page, page) for page in range(1, pages + 1)]
    shown = [row for start, stop in bounds for row in range(start, stop)]
    sizes = [stop - start for start, stop in bounds]
    assert shown == list(range(rows))  # each row once, in order
    assert max(sizes) <= per_page and max(sizes) - min(sizes) <= 1
    assert pages == 1 or pages - 1 < rows / per_page  # no page more than needed


def test_pages_of_the_demo_sizes():
    assert [page_bounds(22, 6, p) for p in (1, 2, 3, 4)] == [(0, 6), (6, 12), (12, 17), (17, 22)]
    assert [page_bounds(32, 8, p) for p in (1, 2, 3, 4)] == [(0, 8), (8, 16), (16, 24), (24, 32)]
    assert page_count(0, 6) == 1 and page_bounds(0, 6, 1) == (0, 0)  # one page that says there is nobody
    with pytest.raises(ValueError):
        page_bounds(22, 6, 5)


def test_the_rotation_shows_each_page_of_a_paged_panel_as_its_own_slide_in_the_order_asked():
    lagging = [(f"Chi bộ {i:02}", "at_risk" if i % 2 else "behind", 10.0 * i) for i in range(7)]
    others = [(f"Đảng bộ {i:02}", "done", 100.0 + i) for i in range(5)]
    figures = _figures(*lagging, *others)  # 7 lagging (2 pages of 6), 12 ranked (2 pages of 8)
    turn = slides(("headline", "lagging", "month", "ranking"), figures)
    assert turn == [Slide("headline"), Slide("lagging", 1, 2), Slide("lagging", 2, 2), Slide("month"),
                    Slide("ranking", 1, 2), Slide("ranking", 2, 2)]
    assert first_slide(turn, "ranking") == 4
    assert [len(slide_rows(s, figures)) for s in turn if s.panel in ROWS_PER_PAGE] == [4, 3, 6, 6]


def test_lagging_pages_hold_every_late_organization_worst_first_and_nobody_else():
    figures = _figures(("A", "behind", 50.0), ("B", "done", 100.0), ("C", "at_risk", 0.0), ("D", "missed", 20.0),
                       ("E", "on_pace", 80.0), ("F", "no_target", None), ("G", "behind", 25.0))
    assert list(lagging_rows(figures)["name"]) == ["D", "C", "G", "A"]
    assert slides(("lagging",), _figures(("B", "done", 100.0))) == [Slide("lagging", 1, 1)]  # "nobody is late"
    assert slide_rows(Slide("lagging"), _figures(("B", "done", 100.0))).empty


def test_the_ranking_pages_through_everyone_best_first_with_their_place():
    figures = _figures(*[(f"Tổ chức {i:02}", "behind", float(i)) for i in range(17)], ("Không chỉ tiêu", "no_target", None))
    turn = slides(("ranking",), figures)
    assert [(s.page, s.pages) for s in turn] == [(1, 3), (2, 3), (3, 3)]
    pages = [slide_rows(s, figures) for s in turn]
    assert [len(p) for p in pages] == [6, 6, 6]
    everyone = pd.concat(pages)
    assert list(everyone["rank"]) == list(range(1, 19))
    assert list(everyone["name"]) == [f"Tổ chức {i:02}" for i in range(16, -1, -1)] + ["Không chỉ tiêu"]


@pytest.mark.parametrize("status, late, expected", [
    ("behind", 2, "dưới mức dự kiến 3; 2 hồ sơ sắp kết nạp, đủ cho 2 còn thiếu"),
    ("at_risk", 1, "dưới mức dự kiến 3; chỉ 1 hồ sơ sắp kết nạp, chưa đủ cho 2 còn thiếu"),
    ("at_risk", 0, "dưới mức dự kiến 3; chưa có hồ sơ nào sắp kết nạp, còn thiếu 2"),
    ("missed", 0, "hết năm, còn thiếu 2"),
])
def test_each_lagging_row_says_why_in_a_few_words(status, late, expected):
    row = dict(status=status, target=4, admitted=2, expected=2.6, late_pipeline=late)
    assert short_reason(row) == expected


def test_the_month_and_change_panels_show_the_first_movers_and_count_the_rest():
    rows = pd.DataFrame({"name": [f"T{i}" for i in range(10)], "delta": [5, 4, 3, 3, 2, 2, 1, 1, 0, 0]})
    shown, more, total = top_movers(rows, "delta")
    assert list(shown["name"]) == ["T0", "T1", "T2", "T3", "T4", "T5"] and (more, total) == (2, 2)
    assert top_movers(rows.head(3), "delta")[1:] == (0, 0)


def test_the_month_heading_says_when_it_counts_the_month_before_too():
    assert month_heading(date(2026, 12, 1), 3) == (
        "Tháng 12 mới bắt đầu, nên tính cả tháng trước: kết nạp từ 01/11/2026 đến 01/12/2026: 3")
    assert month_heading(date(2026, 12, 9), 1_250) == "Kết nạp từ 01/12/2026 đến 09/12/2026: 1.250"


def test_an_unknown_url_parameter_is_named_in_a_notice(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        actor = Actor("tc", Role.PROJECTOR, orgs["D"].path)
        pv, notices = parse_projector(s, actor, {"panel": "ranking", "year": "1999", "seconds": "²"}, today=TODAY)
    assert (pv.panels, pv.view.year, pv.seconds) == (PANELS, 2026, DEFAULT_SECONDS)
    assert any("Năm không hợp lệ: «1999»" in n for n in notices)
    assert any("«²»" in n for n in notices)
    assert any("không dùng tham số «panel»" in n for n in notices)


@pytest.mark.parametrize(("code", "lagging"), [
    (None, {"Đảng ủy phường Tam Chúc"}),  # the province's wards and units
    ("NB-KIMBANG", {"Chi bộ Trường THPT A Kim Bảng", "Chi bộ Công ty TNHH Thương mại Kim Bảng"}),  # a ward's
])
def test_one_rotation_of_the_demo_shows_every_organization_of_the_level(demo_engine, code, lagging):
    with session_scope(demo_engine) as s:
        actor = Actor("tc", Role.PROJECTOR, resolve_root_path(s))
        figures = org_figures(s, resolve(s, actor, code), year=2026, as_of=TODAY, rules=RuleSettings())
    turn = slides(PANELS, figures)
    shown = {panel: [name for slide in turn if slide.panel == panel for name in slide_rows(slide, figures)["name"]]
             for panel in ROWS_PER_PAGE}
    children = children_of(figures)
    late = children.loc[children["status"].isin(["missed", "at_risk", "behind"]), "name"]
    assert lagging <= set(late)
    assert sorted(shown["lagging"]) == sorted(late)  # each once
    assert sorted(shown["ranking"]) == sorted(children["name"])
    assert all(len(slide_rows(s, figures)) <= ROWS_PER_PAGE[s.panel] for s in turn if s.panel in ROWS_PER_PAGE)


# The panels as the projector account sees them (AppTest): every page, every organization.

# The province has eight organizations under it in 2026 (one page each): paging is seen on a ward.
PAGED = "NB-KIMBANG"


def _demo_children(db_file) -> pd.DataFrame:
    engine = make_engine(f"sqlite:///{db_file}")
    try:
        with session_scope(engine) as s:
            actor = Actor("trinhchieu", Role.PROJECTOR, resolve_root_path(s))
            return children_of(org_figures(s, resolve(s, actor, PAGED), year=2026, as_of=TODAY, rules=RuleSettings()))
    finally:
        engine.dispose()


def _headers(at) -> str:
    return texts(at).splitlines()[1]


def test_the_lagging_panel_pages_through_every_late_organization_each_with_its_reason(demo_app):
    children = _demo_children(demo_app)
    late = children[children["status"].isin(["missed", "at_risk", "behind"])]
    at = open_page("trinhchieu", "pages/projector.py", panels="lagging", year="2026", asof="2026-11-20", seconds="600",
                   org=PAGED)
    count = page_count(len(late), ROWS_PER_PAGE["lagging"])
    assert count > 1
    pages = []
    for page in range(1, count + 1):
        assert _headers(at) == f"Tổ chức cần chú ý (trang {page}/{count})"
        pages.append(texts(at))
        at.button(key="pj_next").click().run()
    assert _headers(at) == f"Tổ chức cần chú ý (trang 1/{count})"  # round again
    shown = "\n".join(pages)
    for _, row in late.iterrows():
        line = f"**{row['admitted']}/{row['target']}** {row['name']}"
        assert shown.count(line) == 1, line
        assert f"{line}\n{label('status', row['status'])}: {short_reason(row)}" in shown.replace("\n    - ", "\n")
    assert "Chi bộ Trường THPT A Kim Bảng" in shown and "Chi bộ Công ty TNHH Thương mại Kim Bảng" in shown
    assert not [name for name in children.loc[~children.index.isin(late.index), "name"] if f"** {name}\n" in shown]


def test_the_ranking_pages_through_every_organization_of_the_level(demo_app):
    children = _demo_children(demo_app)
    at = open_page("trinhchieu", "pages/projector.py", panels="ranking", year="2026", asof="2026-11-20", seconds="600",
                   org=PAGED)
    count = page_count(len(children), ROWS_PER_PAGE["ranking"])
    named = []
    for page in range(1, count + 1):
        assert _headers(at) == f"Xếp hạng theo % kế hoạch (trang {page}/{count})"
        (chart,) = at.get("vega_lite_chart")
        bars = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
        names = next(list(frame["name"]) for frame in bars if "name" in frame)
        assert 1 <= len(names) <= ROWS_PER_PAGE["ranking"]
        named += names
        at.button(key="pj_next").click().run()
    assert {name.split(". ", 1)[1] for name in named} == set(children["name"])
    assert [int(name.split(".")[0]) for name in named] == list(range(1, len(children) + 1))


def test_the_rotation_steps_page_by_page_and_the_panel_buttons_jump_to_a_first_page(demo_app):
    children = _demo_children(demo_app)
    count = page_count(children["status"].isin(["missed", "at_risk", "behind"]).sum(), ROWS_PER_PAGE["lagging"])
    at = open_page("lanhdao", "pages/projector.py", panels="headline,lagging,month", year="2026", asof="2026-11-20",
                   seconds="600", org=PAGED)
    seen = [_headers(at)]
    for _ in range(count + 2):
        at.button(key="pj_next").click().run()
        seen.append(_headers(at))
    assert seen == ["Kết quả chung", *(f"Tổ chức cần chú ý (trang {p}/{count})" for p in range(1, count + 1)),
                    "Kết nạp trong tháng", "Kết quả chung"]
    at.button(key="pj_prev").click().run()
    assert _headers(at) == "Kết nạp trong tháng"
    pick = at.button_group[0]
    pick.set_value(1).run()
    assert _headers(at) == f"Tổ chức cần chú ý (trang 1/{count})"


def test_bad_url_values_are_answered_in_vietnamese_and_the_screen_still_shows(demo_app):
    at = open_page("trinhchieu", "pages/projector.py", year="1999", seconds="²", panel="ranking", theme="neon")
    notices = "\n".join(shown(c) for c in at.caption)
    assert "Năm không hợp lệ: «1999» (chọn một năm từ 2000 đến 2027); dùng năm hiện tại." in notices
    assert "Thời gian mỗi màn «²» phải từ 5 đến 600 giây; dùng mặc định." in notices
    assert "Màu nền «neon» không hợp lệ (chỉ có nền tối hoặc nền sáng); dùng nền tối." in notices
    assert "Trang trình chiếu không dùng tham số «panel» trong địa chỉ (bỏ qua)" in notices
    assert "Kết quả chung" in texts(at)


def resolve_root_path(session) -> str:
    return session.exec(select(Organization.path).where(Organization.parent_id.is_(None))).one()
