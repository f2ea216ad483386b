"""The security headers on a real server and browser (issue 14, item 9): `serve.py` adds them
to every HTTP answer (ui/http_headers.py), and the proxy of docs/deploy.md adds HSTS.

What they must not break: the sign-in cookie is written by a component, a same-origin page in
an iframe, so `X-Frame-Options: DENY` (shown below) would stop it; what they must do: refuse
to be framed by any other site."""
from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from tests.apptest import ROOT
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.test_sign_in import WAIT_MS, sign_in
from ui.http_headers import SECURITY_HEADERS

NGINX = re.search(r"```nginx\n(.*?)```", (ROOT / "docs" / "deploy.md").read_text(), re.S).group(1)
COOKIE_MANAGER = "/component/extra_streamlit_components.CookieManager.cookie_manager/index.html"


@pytest.mark.parametrize("path", ["/", "/tong-quan", "/_stcore/health", COOKIE_MANAGER, "/khong-co-trang-nay"])
def test_every_answer_carries_the_security_headers(server, path):
    try:
        with urllib.request.urlopen(f"{server.url}{path}", timeout=30) as answer:
            headers = answer.headers
    except urllib.error.HTTPError as refused:  # an error answer carries them too
        headers = refused.headers
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Content-Security-Policy"].startswith("frame-ancestors 'self';")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=()" in headers["Permissions-Policy"]


def test_the_proxy_example_adds_hsts_and_the_xsrf_cookie_flags():
    assert 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;' in NGINX
    assert "proxy_cookie_flags _streamlit_xsrf secure samesite=strict;" in NGINX
    for name, value in SECURITY_HEADERS[:4]:  # and the app's own, for serving app.py without serve.py
        assert f'#   add_header {name} "{value}" always;' in NGINX


def test_with_the_headers_sign_in_and_its_cookie_work_and_no_other_site_can_frame_the_app(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    sign_in(page, server.url, "lanhdao")  # waits until the component has written the cookie
    page.get_by_text("Tỉnh ủy Ninh Bình – năm").first.wait_for(timeout=WAIT_MS)
    again = context.new_page()  # a new tab is signed in by that cookie
    again.goto(f"{server.url}/canh-bao")
    again.get_by_role("heading", name="Cảnh báo").first.wait_for(timeout=WAIT_MS)
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["_streamlit_xsrf"]["sameSite"] == "Strict"  # .streamlit/config.toml

    framer = context.new_page()  # a page of another origin (about:blank) framing the app
    with framer.expect_console_message(lambda m: "frame-ancestors 'self'" in m.text, timeout=WAIT_MS):
        framer.set_content(f'<iframe src="{server.url}/tong-quan" width="800" height="600"></iframe>')


@pytest.fixture(scope="module")
def proxied_browser(browser):
    """Chromium as in conftest, but without its local-network checks: a page whose answer
    Playwright fulfils counts as public, and its WebSocket to 127.0.0.1 would be blocked."""
    chromium = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"])
    yield chromium
    chromium.close()


@pytest.mark.parametrize("name, value", [("X-Frame-Options", "DENY"), ("Content-Security-Policy", "frame-ancestors 'none'")])
def test_deny_would_block_the_component_that_writes_the_sign_in_cookie(proxied_browser, server, name, value):
    """Why SAMEORIGIN / 'self': with DENY / 'none' (put on every answer by Playwright, playing a
    proxy) the browser refuses the cookie manager's own same-origin iframe."""
    context = proxied_browser.new_context()

    def deny(route):
        answer = route.fetch()
        # In place of the app's own framing rule (a browser ignores X-Frame-Options beside a CSP
        # frame-ancestors, so the DENY case drops the CSP).
        kept = {k: v for k, v in answer.headers.items() if k not in ("x-frame-options", "content-security-policy")}
        route.fulfill(response=answer, headers={**kept, name.lower(): value})

    context.route("**/*", deny)
    page = context.new_page()
    refused = "'deny'" if name == "X-Frame-Options" else "frame-ancestors 'none'"
    with page.expect_console_message(lambda m: refused in m.text, timeout=WAIT_MS):
        page.goto(server.url)
