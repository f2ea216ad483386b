"""A session that ends ends everywhere (issue 14, item 1): a page already open hands out no
file once its session is over or its account may no longer have it, and steady use keeps the
last activity that downloads and other tabs check fresh in the database.

Each download is built the way a click builds it (the `downloads` fixture keeps the callable
Streamlit registered when the page was drawn), after the session ended somewhere else."""
from __future__ import annotations

import io
import sqlite3
from collections.abc import Callable
from datetime import timedelta

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlmodel import select

from core.access.users import revoke_sessions
from core.storage.db import make_engine, session_scope
from core.storage.models import Organization, User, utcnow
from tests.apptest import app, download, open_page, shown, sign_in
from ui.auth import ACTIVITY_KEY, ACTIVITY_WRITTEN_KEY

REPORT = "Tải báo cáo (.docx)"
LIST_DOCX, LIST_XLSX = "Tải danh sách cảm tình Đảng (.docx)", "Tải danh sách cảm tình Đảng (.xlsx)"
WORKBOOKS = ["Tải bảng tiến độ (.xlsx)", "Tải danh sách cảnh báo (.xlsx)", "Tải danh sách quần chúng (.xlsx)",
             "Tải kế hoạch các năm (.xlsx)", "Tải mẫu"]
NEXT_STEP = "Tệp này không chứa dữ liệu. Hãy tải lại trang, đăng nhập lại và tải tệp một lần nữa."


def _change_user(db, username: str, change: Callable[[User, object], None]) -> None:
    """Change the account in the database, as another session (or the admin) would."""
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        change(user, session)
        session.add(user)
    engine.dispose()


def _sign_out_elsewhere(db, username):
    other = sign_in(app().run(), username)  # a second browser of the same user signs out
    other.button(key="sign_out").click().run()
    assert [box.label for box in other.text_input] == ["Tên đăng nhập", "Mật khẩu"]


def _disable(db, username):
    _change_user(db, username, lambda user, _s: setattr(user, "active", False))


def _idle(db, username):
    _change_user(db, username, lambda user, _s: setattr(user, "last_seen_at", utcnow() - timedelta(minutes=31)))


def _now_projector(db, username):
    _change_user(db, username, lambda user, _s: setattr(user, "role", "projector"))


def _moved_out_of_scope(db, username):
    def move(user, session):
        user.organization_id = session.exec(select(Organization.id).where(Organization.code == "KB-THANHSON")).one()
    _change_user(db, username, move)


def _revoked_by_core(db, username):
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as session:
        revoke_sessions(session, username)
    engine.dispose()


ENDINGS = {
    "signed out in another browser": (_sign_out_elsewhere, "Phiên đăng nhập đã kết thúc"),
    "signed out, as the database has it": (_revoked_by_core, "Phiên đăng nhập đã kết thúc"),
    "disabled by the admin": (_disable, "Tài khoản không còn được phép đăng nhập."),
    "idle for 31 minutes": (_idle, "Phiên làm việc đã hết hạn do lâu không thao tác"),
    "role changed to projector": (_now_projector, "Vai trò của bạn không được mở trang này."),
    "moved to another organization": (_moved_out_of_scope, "nằm ngoài phạm vi được phép xem"),
}


def _cells(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v is not None]


def _candidate_names(db) -> set[str]:
    with sqlite3.connect(db) as conn:
        return {name for (name,) in conn.execute("SELECT full_name FROM candidate")}


def test_an_open_page_hands_out_the_files_while_the_session_is_on(demo_app, downloads):
    """The check the refusals below rely on: the same captured builders give the data."""
    at = open_page("bithu.hdnd", "pages/reports.py", year="2023")
    names = set(_cells(download(at, downloads, "Tải danh sách quần chúng (.xlsx)")[1])) & _candidate_names(demo_app)
    assert len(names) > 20
    report = "\n".join(p.text for p in Document(io.BytesIO(download(at, downloads, REPORT)[1])).paragraphs)
    assert "Đảng bộ HĐND & UBND huyện" in report


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_every_file_of_an_open_page_is_refused_once_the_session_ended(demo_app, downloads, ending):
    end_session, reason = ENDINGS[ending]
    at = open_page("bithu.hdnd", "pages/reports.py", year="2023")
    offered = [b.proto.label for b in at.get("download_button")]
    assert offered == [REPORT, LIST_DOCX, LIST_XLSX, *WORKBOOKS]
    end_session(demo_app, "bithu.hdnd")
    names = _candidate_names(demo_app)
    # Still the account's to have after a move: the empty import template, which holds no data.
    scoped = ending == "moved to another organization"
    if scoped:
        template = _cells(download(at, downloads, "Tải mẫu")[1])
        assert template[0] == "Mã tổ chức" and not names & set(template)
    for label in [LIST_XLSX, *(WORKBOOKS[:-1] if scoped else WORKBOOKS)]:
        file_name, data = download(at, downloads, label)
        cells = _cells(data)
        assert file_name.endswith(".xlsx")
        assert cells[0] == "Lý do" and reason in cells[1] and cells[2:] == [NEXT_STEP], label
        assert not names & set(cells) and load_workbook(io.BytesIO(data)).sheetnames == ["Không tải được"]
    for label in (REPORT, LIST_DOCX):
        _name, data = download(at, downloads, label)
        paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
        assert paragraphs[0] == "Không tải được tệp" and reason in paragraphs[1] and paragraphs[2:] == [NEXT_STEP], label


@pytest.mark.parametrize(("page", "label"), [("pages/branch.py", "Tải danh sách quần chúng (.xlsx)"),
                                             ("pages/alerts.py", "Tải danh sách cảnh báo (.xlsx)"),
                                             ("pages/overview.py", "Tải bảng tiến độ (.xlsx)")])
def test_the_lists_with_names_on_other_pages_are_refused_after_sign_out(demo_app, downloads, page, label):
    at = open_page("bithu.hdnd", page)
    before = _cells(download(at, downloads, label)[1])
    assert len(before) > 10
    _sign_out_elsewhere(demo_app, "bithu.hdnd")
    after = _cells(download(at, downloads, label)[1])
    assert after[:2] == ["Lý do", "Phiên đăng nhập đã kết thúc (đã đăng xuất hoặc lâu không thao tác); hãy đăng nhập lại."]
    assert not _candidate_names(demo_app) & set(after) and len(after) == 3


def _last_seen(db, username: str) -> str | None:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT last_seen_at FROM app_user WHERE username = ?", (username,)).fetchone()[0]


def test_steady_use_keeps_the_last_activity_fresh_in_the_database(demo_app):
    """Activity is written once a minute counted from the last write: under steady use (a run
    every few seconds) it was never written after the sign-in, and after 30 minutes of work the
    downloads and every other tab took the session for idle."""
    at = sign_in(app().run(), "lanhdao")
    signed_in_at = _last_seen(demo_app, "lanhdao")
    at.session_state[ACTIVITY_WRITTEN_KEY] = utcnow() - timedelta(minutes=2)
    at.session_state[ACTIVITY_KEY] = utcnow() - timedelta(seconds=10)  # the last run, a moment ago
    at.run()
    assert _last_seen(demo_app, "lanhdao") > signed_in_at
    written = _last_seen(demo_app, "lanhdao")
    at.run()  # within the minute: not written again
    assert _last_seen(demo_app, "lanhdao") == written


def _screen(at) -> list[tuple]:
    """Every element the page shows, in order: its kind, label and value."""
    shown = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if children:
            for child in children.values():
                walk(child)
            return
        shown.append((node.type, str(getattr(node, "label", "")), str(getattr(node, "value", ""))))

    walk(at._tree)
    return shown


def test_a_wrong_password_is_answered_the_same_for_a_real_and_an_unknown_username(demo_app, monkeypatch):
    """No enumeration (issue 14, item 2): the same screen, no attempts left to count down,
    and the same work (one password check) for a name nobody has."""
    import bcrypt

    checks = []
    real_check = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda *args: checks.append(1) or real_check(*args))
    answers, work = {}, {}
    for username in ("bithu.hdnd", "khong.co.ai"):
        at = app().run()
        answers[username] = []
        for _ in range(4):
            checks.clear()
            at = sign_in(at, username, "sai-mat-khau")
            # All but what was typed as the username.
            answers[username].append([(k, lb, "" if lb == "Tên đăng nhập" else v) for k, lb, v in _screen(at)])
            work.setdefault(username, []).append(len(checks))
    assert answers["bithu.hdnd"] == answers["khong.co.ai"]
    assert work["bithu.hdnd"] == work["khong.co.ai"] == [1, 1, 1, 1]
    last = "\n".join(value for _kind, _label, value in answers["khong.co.ai"][-1])
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in last and "lần thử" not in last
    with sqlite3.connect(demo_app) as conn:  # the real account's count went on all the same
        assert conn.execute("SELECT failed_attempts FROM app_user WHERE username = 'bithu.hdnd'").fetchone() == (4,)


def test_a_new_password_with_an_outer_space_is_refused_on_the_account_page(demo_app):
    """Issue 14, item 8: the sign-in form strips spaces, so such a password would lock its
    owner out; it is refused with a message and the old password stays."""
    with sqlite3.connect(demo_app) as conn:
        before = conn.execute("SELECT password_hash, version FROM app_user WHERE username = 'lanhdao'").fetchone()
    at = open_page("lanhdao", "pages/account.py")
    at.text_input(key="current_password").input("KimBang@2024")
    at.text_input(key="new_password").input("MoiMoi@2026 ")
    at.text_input(key="confirm_password").input("MoiMoi@2026 ")
    at.button(key="FormSubmitter:change_password-Lưu mật khẩu mới").click().run()
    assert [shown(e) for e in at.error] == [
        "Mật khẩu không được bắt đầu hoặc kết thúc bằng dấu cách (ô đăng nhập bỏ các dấu cách ở hai đầu, nên mật khẩu "
        "như vậy sẽ không dùng được)."]
    with sqlite3.connect(demo_app) as conn:
        assert conn.execute("SELECT password_hash, version FROM app_user WHERE username = 'lanhdao'").fetchone() == before
    assert not sign_in(app().run(), "lanhdao").error  # the old password still signs in
