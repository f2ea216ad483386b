"""Faults in a real browser: a forged sign-in cookie sent by the browser itself gets the
sign-in form, never an error (AppTest cannot send cookies; tests/ui/test_faults.py patches them)."""
from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlparse

import jwt
from playwright.sync_api import expect

from tests.browser.conftest import settle

WAIT_MS = 30_000


def test_a_cookie_with_alg_none_gets_the_sign_in_form(browser, server):
    claims = {"username": "admin", "exp_date": (datetime.now() + timedelta(days=1)).timestamp()}
    context = browser.new_context()
    host = urlparse(server.url).hostname
    context.add_cookies([{"name": "ptdv_auth", "value": jwt.encode(claims, key=None, algorithm="none"),
                          "domain": host, "path": "/"}])
    page = context.new_page()
    page.goto(server.url + "/tong-quan")
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible(timeout=WAIT_MS)
    settle(page)
    shown = page.inner_text("body")
    assert "Đăng nhập" in shown
    for leak in ("Traceback", "InvalidAlgorithm", "jwt", "Error", "Mã tham chiếu"):
        assert leak not in shown
    context.close()
