"""A session that ends ends everywhere, in a real browser (issue 14, item 1): the projector's
fragment, which reruns by itself without the page's guard, stops showing figures once its
account is disabled, signed out elsewhere or idle; and a download button already on screen
hands out a file saying why instead of the candidate list."""
from __future__ import annotations

import io
import sqlite3
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from core.storage.db import make_engine, session_scope
from core.storage.models import User, utcnow
from tests.browser.actions import WAIT_MS, body_text, sign_in
from tests.browser.conftest import settle

SECONDS = 5
HEADLINE = '[data-testid="stMetricValue"]'


def change_user(db, username: str, **values) -> None:
    """Change the account in the running server's database, as the admin or another tab would."""
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        for name, value in values.items():
            setattr(user, name, value)
        session.add(user)
    engine.dispose()


ENDINGS = {
    "disabled": ("trinhchieu", lambda: {"active": False}, "Tài khoản không còn được phép đăng nhập."),
    "signed out elsewhere": ("lanhdao", lambda: {"sessions_revoked_at": utcnow()}, "Phiên đăng nhập đã kết thúc"),
    "idle": ("admin", lambda: {"last_seen_at": utcnow() - timedelta(minutes=31)}, "Phiên làm việc đã hết hạn"),
}


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_the_projector_stops_showing_figures_when_its_session_ends(browser, server, ending):
    username, values, notice = ENDINGS[ending]
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    sign_in(page, server.url, username)
    page.get_by_text("Tỉnh ủy Ninh Bình – năm").first.wait_for(timeout=WAIT_MS)
    page.goto(f"{server.url}/trinh-chieu?panels=headline&seconds={SECONDS}")
    page.locator(HEADLINE).first.wait_for(timeout=WAIT_MS)
    settle(page)
    assert page.locator(HEADLINE).first.inner_text() == "117/150"
    page.evaluate("() => { window.__ptdvSamePage = true; }")  # lost if the page reloads

    change_user(server.db, username, **values())

    # The next automatic rerun of the fragment (no click, no reload) ends it: the sign-in form
    # and the reason, and no figure left on screen.
    page.get_by_label("Tên đăng nhập").first.wait_for(timeout=(SECONDS + 10) * 1000)
    page.get_by_text(notice).first.wait_for(timeout=WAIT_MS)
    assert page.locator(HEADLINE).count() == 0 and "117/150" not in body_text(page)
    assert page.evaluate("() => window.__ptdvSamePage === true")


def test_the_meeting_rooms_screen_is_not_signed_out_for_want_of_a_click(browser, server):
    """The projector role's screen runs unattended through a meeting: its own refreshes keep
    the session alive (written once a minute), where any other role needs a click."""
    change_user(server.db, "trinhchieu", active=True)  # a test above disables it on this server
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    sign_in(page, server.url, "trinhchieu")
    page.get_by_text("Tỉnh ủy Ninh Bình – năm").first.wait_for(timeout=WAIT_MS)
    page.goto(f"{server.url}/trinh-chieu?panels=headline&seconds={SECONDS}")
    page.locator(HEADLINE).first.wait_for(timeout=WAIT_MS)
    long_ago = utcnow() - timedelta(minutes=25)  # five minutes from the end of a 30-minute session
    change_user(server.db, "trinhchieu", last_seen_at=long_ago)
    page.wait_for_timeout(75_000)  # more than a minute of refreshes, no click
    engine = make_engine(f"sqlite:///{server.db}")
    with session_scope(engine) as session:
        seen = session.exec(select(User.last_seen_at).where(User.username == "trinhchieu")).one()
    engine.dispose()
    assert seen.replace(tzinfo=None) > long_ago.replace(tzinfo=None) + timedelta(minutes=20)
    assert page.locator(HEADLINE).first.inner_text() == "117/150"


def _download(page, label: str) -> list[str]:
    with page.expect_download(timeout=WAIT_MS) as info:
        page.get_by_role("button", name=label).click()
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    return [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v is not None]


def test_a_candidate_list_on_screen_is_not_handed_out_after_sign_out_elsewhere(browser, server):
    with sqlite3.connect(server.db) as conn:
        names = {name for (name,) in conn.execute("SELECT full_name FROM candidate")}
    page = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
    sign_in(page, server.url, "bithu.hdnd")
    page.goto(f"{server.url}/chi-bo")
    label = "Tải danh sách quần chúng (.xlsx)"
    page.get_by_role("button", name=label).first.wait_for(timeout=WAIT_MS)
    settle(page)
    assert len(names & set(_download(page, label))) > 20  # while the session is on

    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(other, server.url, "bithu.hdnd")
    other.get_by_role("button", name="Đăng xuất").click()  # sign out in another browser
    other.get_by_label("Tên đăng nhập").first.wait_for(timeout=WAIT_MS)

    cells = _download(page, label)  # the same button, still on screen
    assert cells == ["Lý do", "Phiên đăng nhập đã kết thúc (đã đăng xuất hoặc lâu không thao tác); hãy đăng nhập lại.",
                     "Tệp này không chứa dữ liệu. Hãy tải lại trang, đăng nhập lại và tải tệp một lần nữa."]


def test_the_sign_in_cookie_is_strict_and_lives_half_a_day(browser, server):
    """What a script-written cookie can be (issue 14, item 9): SameSite=Strict, Secure when served
    over HTTPS (this server is plain HTTP on 127.0.0.1, so not here), and 12 hours long.
    HttpOnly it cannot be: the README's security section says why."""
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, server.url, "bithu.tamchuc")
    (cookie,) = [c for c in context.cookies() if c["name"] == "ptdv_auth"]
    assert cookie["sameSite"] == "Strict" and cookie["secure"] is False and cookie["httpOnly"] is False
    lifetime_hours = (cookie["expires"] - utcnow().timestamp()) / 3600
    assert 11 < lifetime_hours <= 12
