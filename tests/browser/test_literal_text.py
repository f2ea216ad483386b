"""What AppTest cannot see: in Chromium, a Markdown link in the URL and organizations and a
candidate named with Markdown payloads are drawn as their text. No link and no image to the
attacker's host in the page, no request to it, and the payloads readable as typed."""
from __future__ import annotations

import shutil
import sqlite3
from urllib.parse import quote, urlparse

import pytest

from tests.browser.conftest import screenshot, settle, start_server, stop_server
from tests.browser.test_sign_in import WAIT_MS, sign_in
from tests.hostile.payloads import IMAGE, LINK

COLOUR = ":red[Chi bộ đỏ] :material/home:"


@pytest.fixture(scope="module")
def hostile_server(demo_db_file, tmp_path_factory):
    """The app on a demo copy whose Đảng bộ HĐND & UBND huyện is named with a Markdown image,
    a chi bộ of it with colours and an icon, and a candidate with a link."""
    workdir = tmp_path_factory.mktemp("hostile-server")
    template = workdir / "template.db"
    shutil.copy(demo_db_file, template)
    with sqlite3.connect(template) as conn:
        conn.execute("UPDATE organization SET name = ? WHERE code = 'KB-HDND'", (IMAGE,))
        conn.execute("UPDATE organization SET name = ? WHERE code = (SELECT min(code) FROM organization "
                     "WHERE code LIKE 'KB-HDND-%')", (COLOUR,))
        conn.execute("UPDATE candidate SET full_name = ? WHERE id = (SELECT min(c.id) FROM candidate c "
                     "JOIN organization o ON o.id = c.organization_id WHERE o.code LIKE 'KB-HDND-%')", (LINK,))
    with sqlite3.connect(template) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the server gets a copy of the file alone
    running = start_server(template, workdir)
    yield running
    stop_server(running)


def test_payloads_in_the_url_and_in_names_are_drawn_as_text(browser, hostile_server):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    outside = []
    page.on("request", lambda request: outside.append(request.url) if urlparse(request.url).hostname == "evil.example"
            else None)
    sign_in(page, hostile_server.url, "bithu.hdnd")
    page.goto(f"{hostile_server.url}/tong-quan?year={quote(LINK)}&asof={quote(IMAGE)}")
    page.get_by_text("Năm không hợp lệ").first.wait_for(timeout=WAIT_MS)
    settle(page)
    main = page.locator('[data-testid="stMain"]')
    warnings = " ".join(main.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()).replace("\u2060", "")
    assert LINK[:60] in warnings and IMAGE in warnings  # the attacker's text, readable as typed (cut at 60)
    shown = main.inner_text().replace("\u2060", "")  # the invisible joiner that breaks autolinks
    assert IMAGE + " – năm" in shown  # the organization's name in the heading, as typed

    with sqlite3.connect(hostile_server.db) as conn:
        (candidate_id,) = conn.execute("SELECT id FROM candidate WHERE full_name = ?", (LINK,)).fetchone()
    page.goto(f"{hostile_server.url}/ho-so?id={candidate_id}")
    page.get_by_role("heading", name=LINK.split("](")[0].lstrip("[")).first.wait_for(timeout=WAIT_MS)
    settle(page)
    screenshot(page, "literal-text")
    with sqlite3.connect(hostile_server.db) as conn:
        (cell,) = conn.execute("SELECT code FROM organization WHERE name = ?", (COLOUR,)).fetchone()
    page.goto(f"{hostile_server.url}/chi-bo?org={cell}")
    page.locator('[data-testid="stMain"] h2').first.wait_for(timeout=WAIT_MS)
    settle(page)
    assert COLOUR + " – năm" in main.inner_text().replace("\u2060", "")  # colours and icon as typed
    for url in (f"/tong-quan?org=KB-HDND&year={quote(LINK)}", f"/ho-so?id={candidate_id}", "/chi-bo?org=KB-HDND",
                f"/chi-bo?org={cell}"):
        page.goto(hostile_server.url + url)
        page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=WAIT_MS)
        settle(page)
        assert main.locator('a[href*="evil.example"]').count() == 0, url
        assert main.locator('img[src*="evil.example"]').count() == 0, url
        assert main.locator('[data-testid="stIconMaterial"]').filter(has_text="home").count() == 0, url
        assert main.locator('span[style*="color"]').filter(has_text="Chi bộ đỏ").count() == 0, url
    assert outside == []  # the browser never asked the attacker's host for anything
