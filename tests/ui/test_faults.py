"""No traceback ever: the boundary around app.py, fragments and callbacks (ui.faults), Streamlit's
own error details turned off, a forged sign-in cookie, and a busy database at sign-in and in a
form, all through AppTest: what the user sees, what the log holds, what the database holds."""
from __future__ import annotations

import logging
import re
import sqlite3
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from streamlit.config import ShowErrorDetailsConfigOptions
from streamlit.runtime.context import ContextProxy, StreamlitCookies
from streamlit.testing.v1 import AppTest

import core.figures.progress
from core.i18n import t
from tests.apptest import app, shown, sign_in, texts
from tests.pages.test_workspace import fill_candidate, totals

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"Mã tham chiếu: ([0-9a-f]{8})")
# What an error's text can carry: SQL with a candidate's name, a server path.
SECRET = "SELECT * FROM candidate WHERE full_name = 'Nguyễn Thị Bí Mật' -- /srv/ptdv/core/figures/progress.py"


def everything_shown(at: AppTest) -> str:
    """Every text the page shows, exceptions included."""
    return texts(at) + "\n".join(str(e.value) for e in at.exception)


def test_streamlit_shows_no_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert "none" in {option.value for option in ShowErrorDetailsConfigOptions}


def _explode(*_args, **_kwargs):
    raise RuntimeError(SECRET)


def test_an_unexpected_error_in_a_page_shows_a_reference_and_logs_the_traceback(demo_app, monkeypatch, caplog):
    at = sign_in(app().run(), "bithu.hdnd")
    monkeypatch.setattr(core.figures.progress, "headline", _explode)  # a bug in a page's call into core
    with caplog.at_level(logging.ERROR, logger="ptdv.faults"):
        at.switch_page("pages/branch.py").run()
    assert not at.exception
    [message] = [shown(e) for e in at.error]
    assert message.startswith("Đã có lỗi ngoài dự kiến")
    reference = REFERENCE.search(message).group(1)
    assert "Bí Mật" not in everything_shown(at) and "/srv/" not in everything_shown(at) and "SELECT" not in everything_shown(at)
    [record] = [r for r in caplog.records if reference in r.getMessage()]
    assert record.exc_info[0] is RuntimeError and SECRET in str(record.exc_info[1])  # the server keeps the detail


def _fragment_app() -> None:
    import streamlit as st

    from ui import faults

    @st.fragment
    @faults.guarded
    def panel() -> None:
        st.write("trước")
        raise KeyError("/srv/ptdv secret")

    def on_click() -> None:
        raise ValueError("/srv/ptdv secret in a callback")

    with faults.boundary():  # as app.py runs everything
        panel()
        st.button("bấm", key="go", on_click=faults.guarded_callback(on_click))
        st.write("cuối trang")


def test_a_fragment_and_a_callback_that_fail_show_a_reference_and_the_rest_of_the_page():
    at = AppTest.from_function(_fragment_app).run()
    assert not at.exception
    assert [bool(REFERENCE.search(shown(e))) for e in at.error] == [True]
    assert "cuối trang" in texts(at)
    at.button(key="go").click().run()
    assert not at.exception
    assert len(at.error) == 2 and all(REFERENCE.search(shown(e)) for e in at.error)  # the callback's, and the fragment's
    assert "secret" not in everything_shown(at)


@contextmanager
def browser_cookie(monkeypatch, value: str) -> Iterator[None]:
    """The browser sends this sign-in cookie (AppTest cannot: its requests carry none)."""
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda _self: StreamlitCookies({"ptdv_auth": value})))
    yield


def _forged_cookies(key: str) -> list[str]:
    expires = (datetime.now() + timedelta(days=1)).timestamp()
    claims = {"username": "admin", "exp_date": expires}
    return [
        jwt.encode(claims, key=None, algorithm="none"),  # alg: none, no signature
        jwt.encode(claims, key="x" * 64, algorithm="HS512"),  # another algorithm
        jwt.encode(claims, key="y" * 64, algorithm="HS256"),  # a wrong key
        jwt.encode({"username": "admin", "exp_date": "ngày mai"}, key=key, algorithm="HS256"),  # wrong type
        jwt.encode({"exp_date": expires}, key=key, algorithm="HS256"),  # no username
        "garbage", "a.b.c", "",
    ]


@pytest.mark.parametrize("index", range(8))
def test_a_forged_or_garbled_cookie_gets_the_sign_in_form(demo_app, monkeypatch, index):
    import os

    cookie = _forged_cookies(os.environ["PTDV_COOKIE_KEY"])[index]
    with browser_cookie(monkeypatch, cookie):
        at = app().run()
    assert not at.exception and not at.error
    assert "Tên đăng nhập" in [box.label for box in at.text_input]  # the form, nobody signed in
    assert not at.sidebar.button  # no sign-out button: not signed in


@contextmanager
def write_lock_held(db: Path) -> Iterator[None]:
    """Another writer (a long import, say) holding the SQLite database's write lock."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_signing_in_while_the_database_is_busy_says_so_and_lets_in_afterwards(demo_app, monkeypatch):
    monkeypatch.setenv("PTDV_DATABASE_BUSY_SECONDS", "0.2")
    at = app().run()
    with write_lock_held(demo_app):
        sign_in(at, "admin")
        assert not at.exception
        assert [shown(e).split(" Mã tham chiếu")[0] for e in at.error] == [t("db.busy")]
        assert not at.sidebar.button
    sign_in(at, "admin")
    assert not at.exception and at.sidebar.button  # signed in once the writer is done


def test_a_form_write_while_the_database_is_busy_is_told_busy_and_writes_nothing(demo_app, monkeypatch):
    monkeypatch.setenv("PTDV_DATABASE_BUSY_SECONDS", "0.2")
    at = sign_in(app().run(), "bithu.hdnd")
    at.switch_page("pages/branch.py").run()
    at.selectbox(key="add_cell").select("KB-HDND-02")
    at.date_input(key="add_source_date").set_value(date(2026, 3, 1))
    fill_candidate(at, "add", "Vũ Thị Bận")
    before = totals(demo_app)
    with write_lock_held(demo_app):
        at.button(key="FormSubmitter:add_candidate-Thêm quần chúng vào diện tạo nguồn").click().run()
    assert not at.exception
    assert [shown(e) for e in at.error] == [t("db.busy")]
    assert totals(demo_app) == before
    at.button(key="FormSubmitter:add_candidate-Thêm quần chúng vào diện tạo nguồn").click().run()  # kept as typed
    assert "Đã thêm Vũ Thị Bận vào diện tạo nguồn" in texts(at)
