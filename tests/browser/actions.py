"""What a user does in the browser, shared by the browser tests: sign in, type a date into
Streamlit's segmented date field, pick a choice, record a step or a candidate's admission."""
from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from core.config import current_day
from tests.browser.conftest import settle

PASSWORD = "KimBang@2024"
WAIT_MS = 30_000


# A chi bộ of Đảng bộ HĐND & UBND huyện whose candidate waits for the committee's resolution.
HDND_CANDIDATE_AT_BRANCH_RESOLUTION = (
    "SELECT c.id FROM candidate c JOIN organization o ON o.id = c.organization_id "
    "WHERE o.code LIKE 'KB-HDND-%' AND c.stage = 'branch_resolution' AND c.exit IS NULL ORDER BY c.id LIMIT 1")


def one(locator):
    """The locator once it matches exactly one element: a rerun can leave, for a moment, the
    previous run's copy of an element beside the new one (seen under load)."""
    expect(locator).to_have_count(1, timeout=WAIT_MS)
    return locator


def act(page, locator, action: str, *args, attempts: int = 3) -> None:
    """`locator.<action>(*args)` on the one element it matches. A leftover copy can also appear
    between the check and the action ("strict mode violation"): then let the app settle and
    try again, a bounded number of times."""
    for attempt in range(attempts):
        try:
            getattr(one(locator), action)(*args)
            return
        except PlaywrightError as error:
            if "strict mode violation" not in str(error) or attempt == attempts - 1:
                raise
            settle(page)


def set_date(page, scope, label: str, text: str, attempts: int = 3) -> None:
    """Type a date into Streamlit's segmented date field (day, month, year), and check that
    the field holds it: keystrokes typed while the app reruns can be lost (then type again,
    a bounded number of times)."""
    parts = dict(zip(("day", "month", "year"), text.split("/")))
    for attempt in range(attempts):
        act(page, scope.get_by_role("spinbutton", name=f"day, {label}"), "click")
        for part in parts.values():
            page.keyboard.type(part)
        held = {name: one(scope.get_by_role("spinbutton", name=f"{name}, {label}")).get_attribute("aria-valuenow")
                for name in parts}
        if all(held[name] == str(int(value)) for name, value in parts.items()):
            return
        settle(page)
    raise AssertionError(f"The date field {label!r} holds {held}, not {text}")


def choose(page, scope, label: str, option: str, attempts: int = 3) -> None:
    """Pick an option of a Streamlit selectbox by typing it, as a user with a keyboard would.
    A click that lands while the app reruns can leave the list closed: then settle and click
    again (a bounded number of times)."""
    for attempt in range(attempts):
        scope.get_by_role("combobox", name=label, exact=True).filter(visible=True).last.click()
        try:
            page.get_by_role("listbox").first.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            settle(page)
    page.keyboard.type(option)
    page.get_by_role("option").filter(has_text=option).first.click()


VOTE_LABELS = ("Số phiếu tán thành (nếu là nghị quyết)",
               "Tổng số đảng viên chính thức của chi bộ (nghị quyết đảng ủy: tổng số cấp ủy viên)",
               "Số đảng viên chính thức dự họp (hoặc cấp ủy viên dự họp)")


def record_step(page, stage: str, when: str, votes: tuple[str, str, str] | None = None) -> None:
    """On a candidate's record page: record one step with its date (and a resolution's votes:
    in favour, the chi bộ's official members or all committee members, those present), and
    wait until the history shows it."""
    page.get_by_role("button", name="Ghi bước").first.wait_for(timeout=WAIT_MS)
    settle(page)
    step = page.locator('[data-testid="stForm"]').filter(has_text="Ghi bước")
    # A rerun can leave the old form beside the new one for a moment (seen: "resolved to 2 elements").
    expect(step).to_have_count(1, timeout=WAIT_MS)
    combo = step.get_by_role("combobox", name="Bước", exact=True).filter(visible=True).last
    if combo.input_value() != stage:  # preselected only where it is the one step possible
        choose(page, step, "Bước", stage)
        settle(page)
    set_date(page, step, "Ngày", when)
    if votes:
        for label, figure in zip(VOTE_LABELS, votes):
            act(page, step.get_by_label(label, exact=True), "fill", figure)
    act(page, step.get_by_role("button", name="Ghi bước"), "click")
    try:
        page.get_by_text(f"{stage} từ {when}").first.wait_for(timeout=WAIT_MS)
    except PlaywrightTimeout:
        raise AssertionError(f"{stage} {when} not in the history; the page says:\n{body_text(page)}") from None


def record_paper(page, kind: str, when: str, holder: str = "") -> None:
    """On a candidate's record page: record a paper of the dossier in the «Ghi giấy tờ» tab (its
    kind as labelled, its date; whose, for a 3-KNĐ), wait until it is confirmed, and go back to
    the step tab."""
    act(page, page.get_by_role("tab", name="Ghi giấy tờ"), "click")
    form = page.locator('[data-testid="stForm"]').filter(has_text="Loại giấy tờ")
    expect(form).to_have_count(1, timeout=WAIT_MS)
    choose(page, form, "Loại giấy tờ", kind)
    set_date(page, form, "Ngày cấp / ngày ký", when)
    if holder:
        act(page, form.get_by_label("Của ai (người giới thiệu, với mẫu 3-KNĐ)"), "fill", holder)
    act(page, form.get_by_role("button", name="Ghi giấy tờ"), "click")
    try:
        page.get_by_text(f"Đã ghi {kind}").first.wait_for(timeout=WAIT_MS)
    except PlaywrightTimeout:
        raise AssertionError(f"{kind} {when} not recorded; the page says:\n{body_text(page)}") from None
    act(page, page.get_by_role("tab", name="Ghi bước tiếp theo"), "click")


def record_admission(browser, base_url: str, candidate_id: int) -> None:
    """As bithu.hdnd, on the candidate's record page: the committee's resolution, then the
    admission decision, both dated today (typed: the form has no default date)."""
    today = current_day().strftime("%d/%m/%Y")
    secretary = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(secretary, base_url, "bithu.hdnd")
    secretary.goto(f"{base_url}/ho-so?id={candidate_id}")
    record_step(secretary, "Đảng ủy cơ sở đề nghị", today, ("10", "14", "12"))  # 10 of the committee's 14
    record_step(secretary, "Có quyết định kết nạp", today)


def sign_in(page, base_url: str, username: str, password: str = PASSWORD, *, expect_cookie: bool = True) -> None:
    """Sign in through the form; with the right password, wait until the cookie is written
    (a component writes it once the page has drawn), so other URLs open signed in."""
    page.goto(base_url)
    page.get_by_label("Tên đăng nhập").first.wait_for(timeout=WAIT_MS)
    settle(page)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    if expect_cookie and password == PASSWORD:
        page.wait_for_function("() => document.cookie.includes('ptdv_auth=')", timeout=WAIT_MS)


def body_text(page) -> str:
    return page.locator("body").inner_text()
