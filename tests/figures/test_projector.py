"""Projector mode: the view set by the URL, each panel's figures on the demo district, and
never a person's data."""
from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from core.access.scope import Actor, resolve
from core.config import RuleSettings
from core.figures.projector import (
    DEFAULT_SECONDS,
    PANELS,
    admitted_between,
    month_window,
    parse_projector,
)
from core.procedure.stages import Role
from core.storage.db import session_scope
from tests.apptest import open_page, texts
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
        ("headline", ["117/150", "78%", "25/32", "2,21%"]),
        ("ranking", ["Xếp hạng theo % kế hoạch"]),
        ("funnel", ["Nguồn và quy trình"]),
        ("lagging", ["Chi bộ Trường THPT B Kim Bảng — **0/3**"]),
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
