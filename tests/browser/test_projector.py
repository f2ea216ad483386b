"""The meeting-room screen in a real browser: large enough to read across a room, and live:
a secretary's admission shows within one refresh interval, without reloading the page."""
from __future__ import annotations

import sqlite3
from datetime import date

import pandas as pd
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlmodel import select

from core.access.scope import Actor, resolve
from core.config import RuleSettings, current_day
from core.figures.progress import children_of, org_figures
from core.figures.projector import PANELS, Slide, slides
from core.i18n import t
from core.procedure.stages import Role
from core.storage.db import make_engine, session_scope
from core.storage.models import Organization, User
from tests.browser.actions import (
    HDND_CANDIDATE_AT_BRANCH_RESOLUTION,
    WAIT_MS,
    act,
    body_text,
    record_admission,
    sign_in,
)
from tests.browser.conftest import screenshot, settle

SECONDS = 5
HEADLINE = '[data-testid="stMetricValue"]'


def open_projector(browser, server, width: int, height: int):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "trinhchieu")
    page.get_by_text("Tỉnh ủy Ninh Bình – năm").first.wait_for(timeout=WAIT_MS)
    page.goto(f"{server.url}/trinh-chieu?panels=headline&seconds={SECONDS}")
    page.locator(HEADLINE).first.wait_for(timeout=WAIT_MS)
    settle(page)
    return page


@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 720)])
def test_headline_is_large_and_the_chrome_is_hidden(browser, server, width, height):
    page = open_projector(browser, server, width, height)
    size = page.evaluate(f"() => parseFloat(getComputedStyle(document.querySelector('{HEADLINE}')).fontSize)")
    assert size >= 96  # px: about 2,5 cm on a 2 m wide picture of 1920 px, readable from the back of a room
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    assert page.locator('[data-testid="stHeader"]').is_hidden()
    screenshot(page, f"projector-{width}x{height}")


def test_an_admission_appears_within_one_interval_without_reload(browser, server):
    projector = open_projector(browser, server, 1920, 1080)
    assert projector.locator(HEADLINE).first.inner_text() == "117/150"
    projector.evaluate("() => { window.__ptdvSamePage = true; }")  # lost if the page reloads

    with sqlite3.connect(server.db) as conn:
        (candidate_id,) = conn.execute(HDND_CANDIDATE_AT_BRANCH_RESOLUTION).fetchone()
    record_admission(browser, server.url, candidate_id)

    # One refresh interval (plus the run itself): the projector shows 118 without a reload.
    projector.wait_for_function(
        f"() => document.querySelector('{HEADLINE}').innerText === '118/150'", timeout=(SECONDS + 5) * 1000)
    assert projector.evaluate("() => window.__ptdvSamePage === true")


# Never hides anyone: one full rotation shows every late organization by name, and every slide
# (each page of a paged panel) fits the screen whole at both projector sizes.

HEADER = "h2"
LATE = ("missed", "at_risk", "behind")


def enabled_projector(server) -> None:
    """The projector account as the demo has it: a test elsewhere in a module may disable it
    on a shared server; each test here starts from an enabled account."""
    engine = make_engine(f"sqlite:///{server.db}")
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == "trinhchieu")).one()
        user.active, user.locked_until, user.failed_attempts = True, None, 0
        session.add(user)
    engine.dispose()


# The province has eight organizations under it in 2026 (one page each): the rotation is seen
# on a ward, whose chi bộ fill several pages.
PAGED = "NB-KIMBANG"


def demo_rotation(server, as_of: date | None = None) -> tuple[list[Slide], pd.DataFrame]:
    """The slides of a full rotation of every panel for 2026 and the children's figures on the
    ward PAGED, computed from core on the server's own database, as the server computes them
    (today, unless another day is given)."""
    engine = make_engine(f"sqlite:///{server.db}")
    with session_scope(engine) as session:
        root = session.exec(select(Organization).where(Organization.parent_id.is_(None))).one()
        actor = Actor("trinhchieu", Role.PROJECTOR, root.path)
        figures = org_figures(session, resolve(session, actor, PAGED), year=2026,
                              as_of=as_of or min(current_day(), date(2026, 12, 31)), rules=RuleSettings())
    engine.dispose()
    return slides(PANELS, figures), children_of(figures)


def slide_title(slide: Slide) -> str:
    title = t(f"projector.panel.{slide.panel}")
    return t("projector.page_title", panel=title, page=slide.page, pages=slide.pages) if slide.pages > 1 else title


def open_rotation(browser, server, width: int, height: int, seconds: int, as_of: date | None = None):
    enabled_projector(server)
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "trinhchieu")
    page.get_by_text("Tỉnh ủy Ninh Bình – năm").first.wait_for(timeout=WAIT_MS)
    day = f"&asof={as_of.isoformat()}&since=2026-10-20" if as_of else ""
    page.goto(f"{server.url}/trinh-chieu?year=2026&org={PAGED}&seconds={seconds}{day}")
    page.locator(HEADER).first.wait_for(timeout=WAIT_MS)
    settle(page)
    return page


def shown_header(page) -> str:
    return page.locator(HEADER).first.inner_text()


def test_one_full_rotation_names_every_organization_behind_or_at_risk(browser, server):
    turn, children = demo_rotation(server)
    late = set(children.loc[children["status"].isin(LATE), "name"])
    assert {"Chi bộ Trường THPT A Kim Bảng", "Chi bộ Công ty TNHH Thương mại Kim Bảng"} <= late
    titles = [slide_title(s) for s in turn]
    assert len(set(titles)) == len(titles) > len(PANELS)  # paged: more slides than panels

    page = open_rotation(browser, server, 1280, 720, SECONDS)
    start = titles.index(shown_header(page))
    seen: dict[str, str] = {}
    for slide in turn[start:] + turn[:start]:  # the rotation moves on by itself, in order: no click
        wait_for_slide(page, slide, timeout_ms=(SECONDS + 10) * 1000)
        seen[slide_title(slide)] = body_text(page)
    assert list(seen) == titles[start:] + titles[:start]
    shown = "\n".join(seen.values())
    assert sorted(name for name in late if name not in shown) == []
    lagging = "\n".join(text for title, text in seen.items() if title.startswith(t("projector.panel.lagging")))
    assert sorted(name for name in late if name not in lagging) == []  # each on a lagging page, with its reason


@pytest.mark.parametrize("width, height, as_of", [
    (1280, 720, None), (1920, 1080, None),
    (1280, 720, date(2026, 11, 20)),  # the day the demo stops: the month and the change panels full
])
def test_every_slide_fits_the_screen_whole(browser, server, width, height, as_of):
    turn, _ = demo_rotation(server, as_of)
    page = open_rotation(browser, server, width, height, 600, as_of)  # stepped by hand, not by the clock
    day = f"-{as_of.isoformat()}" if as_of else ""
    for number, slide in enumerate(turn, start=1):
        wait_for_slide(page, slide)
        outside = at_rest(page, OUTSIDE_THE_SCREEN)
        screenshot(page, f"projector-slide-{width}x{height}{day}-{number:02}-{slide.panel}-{slide.page}")
        assert not outside, f"{slide_title(slide)} at {width}×{height}: {len(outside)} elements outside, {outside[:4]}"
        assert at_rest(page, SCROLLBARS) == [], slide_title(slide)
        step(page, slide_title(slide))
    expect(page.locator(HEADER).first).to_have_text(slide_title(turn[0]), timeout=WAIT_MS)  # round again


def wait_for_slide(page, slide: Slide, timeout_ms: int = WAIT_MS) -> None:
    """Until the slide is drawn whole: its title, its panel chosen in the controls (drawn last,
    so everything before them has arrived), no element left over from the slide before."""
    page.wait_for_function(
        """([title, pill]) => document.querySelector('h2')?.innerText === title
             && document.querySelector('[data-testid="stButtonGroup"] button[aria-checked="true"]')?.innerText === pill
             && document.querySelectorAll('h1').length === 1
             && !document.querySelector('[data-stale="true"]')""",
        arg=[slide_title(slide), t(f"projector.pill.{slide.panel}")], timeout=timeout_ms, polling=100)
    if slide.panel in ("ranking", "funnel"):
        page.locator('[data-testid="stVegaLiteChart"] :is(canvas, svg.marks)').first.wait_for(timeout=WAIT_MS)
    settle(page)


def step(page, leaving: str, attempts: int = 3) -> None:
    """Click "Màn sau" until the slide is another one: a click that lands while the app
    reruns (its first runs after sign-in) can be lost; a bounded number of times."""
    for attempt in range(attempts):
        act(page, page.get_by_role("button", name="Màn sau"), "click")
        try:
            page.wait_for_function(f"() => document.querySelector('{HEADER}')?.innerText !== {leaving!r}",
                                   timeout=10_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            settle(page)


# Every visible element of the page (headline, panel, axis and legend, page indicator,
# controls) inside the viewport: none below its bottom edge or past its right edge.
OUTSIDE_THE_SCREEN = """() => [...document.querySelectorAll('[data-testid="stMainBlockContainer"] *')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
                 && getComputedStyle(e).visibility !== 'hidden'; })
  .filter(e => { const r = e.getBoundingClientRect();
                 return r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5; })
  .map(e => (e.dataset.testid || e.tagName) + ' ' + JSON.stringify((e.innerText || '').slice(0, 40))
             + ' ' + JSON.stringify(e.getBoundingClientRect()))"""


# Nothing scrolls: neither the document nor any element that would show a scrollbar.
SCROLLBARS = """() => [document.scrollingElement, ...[...document.querySelectorAll('*')].filter(e =>
    ['auto', 'scroll'].includes(getComputedStyle(e).overflowY) || ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))]
  .filter(e => e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1)
  .map(e => e.dataset?.testid || e.tagName)"""


def at_rest(page, probe: str, timeout_ms: int = 10_000) -> list[str]:
    """What the probe (OUTSIDE_THE_SCREEN, SCROLLBARS) finds once the slide has come to rest:
    nothing, or what it still finds after `timeout_ms`. The browser may still be laying out the
    run's last deltas (a chart sized, an element of the slide before removed) when the app
    looks idle, so the geometry is polled, bounded, rather than read once."""
    try:
        page.wait_for_function(f"() => ({probe})().length === 0", timeout=timeout_ms, polling=200)
        return []
    except PlaywrightTimeout:
        return page.evaluate(probe)

