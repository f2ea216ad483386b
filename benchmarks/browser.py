"""The browser probe: what a person waits for in Chromium, against a hello-world Streamlit page
served on the same machine in the same run.

- Enter → headline: from the Enter key in the sign-in form to the overview drawn (the admin at
  the top of the tree); the hello page's Enter in its form to its answer drawn.
- page to page: a click in the menu to the next page drawn (Tổng quan ↔ Cảnh báo, warm caches);
  the hello page's two pages likewise.
- after another user's edit: an edit made through core below the viewer's organization, then
  the click to Cảnh báo (its caches miss).

"Drawn" is the last change to the page's document before it stays still for 0,7 s and
Streamlit shows no run going on: a MutationObserver in the page records when the document last
changed, and the event listeners when the key or the click came, both on the page's own clock.
One round first warms the server (not counted); the medians of the rounds after it are printed.
"""
from __future__ import annotations

import os
import secrets
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.servers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    start_streamlit,
    stop_server,
)
from core.i18n import t

PASSWORD = "KimBang@2024"  # the synthetic tiers' accounts share the demo's password
VIEWPORT = {"width": 1920, "height": 1080}
QUIET_MS = 700
TIMEOUT_MS = 180_000

# Records, on the page's clock, when the last key (Enter) or click came and when the document
# last changed (outside Streamlit's own status widget, toolbar and decoration).
_RECORDER = """
window.__ptdv = {start: null, last: null};
const begin = () => { window.__ptdv.start = performance.now(); window.__ptdv.last = null; };
document.addEventListener('keydown', e => { if (e.key === 'Enter') begin(); }, true);
document.addEventListener('click', begin, true);
const chrome = '[data-testid="stStatusWidget"], [data-testid="stToolbar"], [data-testid="stDecoration"]';
new MutationObserver(records => {
  const own = records.some(r => {
    const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    return !(node && node.closest(chrome));
  });
  if (own) window.__ptdv.last = performance.now();
}).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""

# True once `selector` shows `text`, nothing has changed for QUIET_MS and no run is going on.
_DRAWN = """([selector, text, quiet]) => {
  const p = window.__ptdv;
  if (p.start === null || p.last === null || performance.now() - p.last < quiet) return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]'))
    return false;
  return [...document.querySelectorAll(selector)].some(e => e.innerText.includes(text));
}"""


def _timed(page, action: Callable[[], None], selector: str, text: str) -> float:
    """Milliseconds from the key or click `action` makes to the page drawn showing `text` in `selector`."""
    page.evaluate("() => { window.__ptdv.start = null; window.__ptdv.last = null; }")
    action()
    page.wait_for_function(_DRAWN, arg=[selector, text, QUIET_MS], timeout=TIMEOUT_MS, polling=50)
    return page.evaluate("() => window.__ptdv.last - window.__ptdv.start")


def _menu(page, title: str) -> Callable[[], None]:
    return lambda: page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()


def _hello_round(context, url: str) -> dict[str, float]:
    page = context.new_page()
    page.goto(url)
    page.get_by_label("Tên").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Tên").fill("Lan")
    enter = _timed(page, lambda: page.get_by_label("Tên").press("Enter"), "[data-testid='stMetric']", "Lan")
    there = _timed(page, _menu(page, "Trang hai"), "h1", "Trang hai")
    back = _timed(page, _menu(page, "Trang một"), "h1", "Trang một")
    page.close()
    return {"enter_ms": enter, "page_ms": statistics.median([there, back])}


def _app_round(context, url: str, edit: Callable[[], None]) -> dict[str, float]:
    overview, alerts = t("page.overview"), t("page.alerts")
    page = context.new_page()
    page.goto(url)
    page.get_by_label("Tên đăng nhập").wait_for(timeout=TIMEOUT_MS)
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    enter = _timed(page, lambda: page.get_by_label("Mật khẩu").press("Enter"), "[data-testid='stMetric']", "")
    there = _timed(page, _menu(page, alerts), "h1", alerts)
    back = _timed(page, _menu(page, overview), "h1", overview)
    edit()
    after_edit = _timed(page, _menu(page, alerts), "h1", alerts)
    page.close()
    return {"enter_ms": enter, "page_ms": statistics.median([there, back]), "after_edit_ms": after_edit}


def measure_browser(url: str, rounds: int, edit: Callable[[int], None]) -> dict[str, object]:
    """The app on `url` and the hello page, each on a server of its own, in one Chromium."""
    if not Path(CHROMIUM).exists():
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": url, "PTDV_DEMO_MODE": "false", "PTDV_COOKIE_KEY": secrets.token_urlsafe(48)}
        app = start_streamlit(ROOT / "serve.py", env, Path(tmp) / "app.log")
        hello = start_streamlit(ROOT / "benchmarks" / "hello.py", dict(os.environ), Path(tmp) / "hello.log")
        try:
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                found: dict[str, list[dict[str, float]]] = {"app": [], "hello": []}
                for n in range(rounds + 1):  # the first round warms both servers
                    for name in ("hello", "app"):
                        context = chromium.new_context(viewport=VIEWPORT)
                        context.add_init_script(_RECORDER)
                        result = (_hello_round(context, hello.url) if name == "hello"
                                  else _app_round(context, app.url, lambda: edit(n)))
                        context.close()
                        if n:
                            found[name].append(result)
                chromium.close()
        finally:
            stop_server(app)
            stop_server(hello)
    return {name: {key: statistics.median(r[key] for r in results) for key in results[0]}
            for name, results in found.items()}
