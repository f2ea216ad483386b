"""Pages per role through AppTest: what each role is offered and shown, sign-in and lockout,
guards on pages served without app.py, URL parameters out of scope."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest
import streamlit as st

from core.access.navigation import PAGES
from core.cli.demo import RENAMED_IN_WARD
from core.format import fmt_datetime
from core.storage.models import utcnow
from tests.apptest import ROOT, app, shown, sign_in, texts
from ui.auth import ACTIVITY_KEY

ALL_PAGES = [spec.file for spec in PAGES if spec.in_menu]
OFFERED = {
    "admin": set(ALL_PAGES),
    "lanhdao": set(ALL_PAGES) - {"pages/admin.py", "pages/todo.py"},
    "bithu.hdnd": set(ALL_PAGES) - {"pages/admin.py", "pages/projector.py"},
    "trinhchieu": {"pages/projector.py", "pages/account.py"},
}


@pytest.fixture
def menus(monkeypatch) -> list[tuple[str, set[str]]]:
    """The menus app.py hands to Streamlit's navigation, run after run: where it is shown
    ("sidebar" or "hidden") and the files of the pages listed in it (hidden pages left out)."""
    by_url = {spec.url_path: spec.file for spec in PAGES}
    seen: list[tuple[str, set[str]]] = []
    original = st.navigation

    def recording(pages, **options):
        listed = [page for section in pages.values() for page in section]
        seen.append((options.get("position", "sidebar"), {by_url[p.url_path] for p in listed if p.visibility == "visible"}))
        return original(pages, **options)

    monkeypatch.setattr(st, "navigation", recording)
    return seen


def test_anonymous_visitor_gets_only_the_sign_in_form(demo_app):
    at = app().run()
    assert not at.exception
    assert [box.label for box in at.text_input] == ["Tên đăng nhập", "Mật khẩu"]
    assert not at.metric and not at.dataframe


@pytest.mark.parametrize("page", [spec.file for spec in PAGES])
def test_a_page_served_without_app_py_asks_for_sign_in_and_shows_no_data(demo_app, page):
    at = app(str(ROOT / page)).run()
    assert not at.exception
    assert [box.label for box in at.text_input] == ["Tên đăng nhập", "Mật khẩu"]
    assert not at.metric and not at.dataframe
    assert "148" not in texts(at) and "Kim Bảng" not in texts(at)


@pytest.mark.parametrize("username", sorted(OFFERED))
def test_each_role_is_offered_its_pages(demo_app, username, menus):
    at = sign_in(app().run(), username)
    assert not at.exception
    assert menus[-1] == ("sidebar", OFFERED[username])


WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
LOCKOUT_RULE = "Nhập sai mật khẩu 5 lần liên tiếp thì tài khoản bị tạm khóa 15 phút."


def refusal(at) -> tuple[list[str], list[str]]:
    """What the sign-in form answered: its error lines and its captions."""
    return [shown(e) for e in at.error], [shown(c) for c in at.caption]


def test_a_locked_account_is_told_until_when_only_after_the_right_password(demo_app):
    at = app().run()
    for _ in range(5):
        at = sign_in(at, "bithu.hdnd", "sai-mat-khau")
        # The same answer as for a name that does not exist: the form tells nobody who has an account.
        assert refusal(at) == ([WRONG], [LOCKOUT_RULE])
    at = sign_in(at, "bithu.hdnd", "sai-mat-khau")  # a wrong password during the lock: still the same answer
    assert refusal(at) == ([WRONG], [LOCKOUT_RULE])
    with sqlite3.connect(demo_app) as conn:
        (locked_until,) = conn.execute("SELECT locked_until FROM app_user WHERE username = 'bithu.hdnd'").fetchone()
    until = fmt_datetime(datetime.fromisoformat(locked_until))
    fresh = sign_in(app().run(), "bithu.hdnd")  # the right password, in a new session: the lock is in the database
    assert shown(fresh.error[0]).startswith(f"Tài khoản tạm khóa đến {until} do nhập sai mật khẩu nhiều lần")
    assert not fresh.metric and [box.label for box in fresh.text_input] == ["Tên đăng nhập", "Mật khẩu"]
    with sqlite3.connect(demo_app) as conn:
        assert conn.execute("SELECT count(*) FROM audit_entry WHERE action = 'sign_in' "
                            "AND username = 'bithu.hdnd'").fetchone() == (0,)


def test_unknown_user_gets_the_generic_message(demo_app):
    at = app().run()
    for _ in range(6):
        at = sign_in(at, "khongco", "gi-cung-duoc")
        assert refusal(at) == ([WRONG], [LOCKOUT_RULE])


def test_secretary_sees_its_branch_and_is_refused_other_organizations_by_url(demo_app):
    at = sign_in(app().run(), "bithu.hdnd")
    at.switch_page("pages/overview.py").run()
    assert f"{RENAMED_IN_WARD['KB-HDND']} – năm 2026" in texts(at)  # its name since 01/7/2025
    at.query_params["org"] = "KB-THANHSON"
    at.query_params["year"] = "2023"
    at.run()
    shown = texts(at)
    assert "Tổ chức «KB-THANHSON» nằm ngoài phạm vi được phép xem." in shown
    assert "Đảng bộ xã Thanh Sơn" not in shown
    assert "Đảng bộ HĐND & UBND huyện – năm 2023" in shown and "Đạt 100% kế hoạch" in shown  # as named then


def test_leader_sees_the_district_figures_for_2023(demo_app):
    at = sign_in(app().run(), "lanhdao")
    at.query_params["year"] = "2023"
    at.run()
    assert "Tỉnh ủy Hà Nam – năm 2023" in texts(at)  # the province as named then, the district under it
    assert at.dataframe[0].value.iloc[0].tolist()[:2] == ["Huyện ủy Kim Bảng", "148/145"]
    at.query_params["org"] = "KB"
    at.run()
    assert "Huyện ủy Kim Bảng – năm 2023" in texts(at)
    assert "148/145" in texts(at) and "Đạt 102,1% kế hoạch" in texts(at)


def test_projector_sees_aggregates_and_no_names(demo_app, demo_db_file):
    with sqlite3.connect(demo_db_file) as conn:
        names = [row[0] for row in conn.execute("SELECT full_name FROM candidate")]
    at = sign_in(app().run(), "trinhchieu")
    at.switch_page("pages/projector.py").run()
    shown = texts(at)
    assert "Tỉnh ủy Ninh Bình – năm 2026" in shown and "117/150" in shown
    assert not any(name in shown for name in names)


def test_sign_out_returns_to_the_form(demo_app):
    at = sign_in(app().run(), "lanhdao")
    at.button(key="sign_out").click().run()
    assert [box.label for box in at.text_input] == ["Tên đăng nhập", "Mật khẩu"]
    assert not at.metric


def test_an_idle_session_expires(demo_app):
    at = sign_in(app().run(), "lanhdao")
    at.session_state[ACTIVITY_KEY] = utcnow() - timedelta(minutes=31)
    at.run()
    assert "hết hạn" in shown(at.info[0]) or "hết hạn" in texts(at)
    assert not at.metric


def test_temporary_password_leads_to_the_account_page_only(demo_app, menus):
    admin = sign_in(app().run(), "admin")
    admin.switch_page("pages/admin.py").run()
    admin.text_input(key="new_username").input("bithu.que")
    admin.text_input(key="new_display_name").input("Bí thư Đảng ủy phường Kim Bảng")
    pick(admin.selectbox(key="new_org"), "Đảng ủy phường Kim Bảng – Tỉnh ủy Ninh Bình", "NB-KIMBANG")
    admin.text_input(key="new_password").input("TamThoi@2026")
    pick(admin.selectbox(key="new_role"), "Bí thư", "secretary")
    admin.button(key="FormSubmitter:create_user-Tạo").click().run()
    assert "Đã tạo tài khoản bithu.que." in texts(admin)
    assert admin.selectbox(key="new_role").value is None and admin.text_input(key="new_username").value == ""

    user = sign_in(app().run(), "bithu.que", "TamThoi@2026")
    assert menus[-1] == ("sidebar", {"pages/account.py"})
    user.switch_page("pages/account.py").run()
    user.text_input(key="current_password").input("TamThoi@2026")
    user.text_input(key="new_password").input("QueHuong@2026")
    user.text_input(key="confirm_password").input("QueHuong@2026")
    user.button(key="FormSubmitter:change_password-Lưu mật khẩu mới").click().run()
    assert "Đã đổi mật khẩu." in texts(user)
    again = sign_in(app().run(), "bithu.que", "QueHuong@2026")
    assert not again.exception and menus[-1] == ("sidebar", OFFERED["bithu.hdnd"])


def pick(box, shown: str, value: str) -> None:
    """Choose `value` in a selectbox, checking that the option a person sees (and types part of
    to find it) is `shown`."""
    assert shown in box.options
    box.select(value)
    assert box.options[box.index] == shown


def test_creating_a_user_needs_a_role_and_an_organization_chosen(demo_app):
    def users() -> int:
        with sqlite3.connect(demo_app) as conn:
            return conn.execute("SELECT count(*) FROM app_user").fetchone()[0]

    admin = sign_in(app().run(), "admin")
    admin.switch_page("pages/admin.py").run()
    role, org = admin.selectbox(key="new_role"), admin.selectbox(key="new_org")
    assert role.value is None and org.value is None  # nothing chosen for the admin
    assert role.placeholder == "Chọn vai trò…" and org.placeholder == "Chọn tổ chức đảng…"
    # Namesakes of two former towns are told apart by the ward each went to.
    assert org.options.count("Chi bộ tổ dân phố số 1 – Đảng ủy phường Kim Bảng") == 1
    assert org.options.count("Chi bộ tổ dân phố số 1 – Đảng ủy phường Tam Chúc") == 1
    assert not any("Đảng bộ thị trấn" in o or "Huyện ủy Kim Bảng" in o for o in org.options)  # ended ones are not offered
    assert sum(o.startswith("Chi bộ tổ dân phố số 1 – ") for o in org.options) == 2
    before = users()
    admin.text_input(key="new_username").input("bithu.to1")
    admin.text_input(key="new_password").input("TamThoi@2026")
    admin.button(key="FormSubmitter:create_user-Tạo").click().run()
    assert [shown(e) for e in admin.error] == ["Cần chọn vai trò.", "Cần chọn tổ chức đảng của tài khoản."]
    assert users() == before
    assert admin.text_input(key="new_username").value == "bithu.to1"  # what was typed stays for the correction
    pick(admin.selectbox(key="new_role"), "Bí thư", "secretary")
    with sqlite3.connect(demo_app) as conn:
        (code,) = conn.execute("SELECT o.code FROM organization o JOIN organization p ON p.id = o.parent_id "
                               "WHERE o.name = 'Chi bộ tổ dân phố số 1' AND p.name = 'Đảng ủy phường Kim Bảng'").fetchone()
    pick(admin.selectbox(key="new_org"), "Chi bộ tổ dân phố số 1 – Đảng ủy phường Kim Bảng", code)
    admin.text_input(key="new_password").input("TamThoi@2026")
    admin.button(key="FormSubmitter:create_user-Tạo").click().run()
    assert "Đã tạo tài khoản bithu.to1." in texts(admin)
    with sqlite3.connect(demo_app) as conn:
        row = conn.execute("SELECT u.role, o.name, p.name FROM app_user u JOIN organization o ON o.id = u.organization_id "
                           "JOIN organization p ON p.id = o.parent_id WHERE u.username = 'bithu.to1'").fetchone()
    assert row == ("secretary", "Chi bộ tổ dân phố số 1", "Đảng ủy phường Kim Bảng")


def test_admin_disables_a_user_who_then_cannot_sign_in(demo_app):
    admin = sign_in(app().run(), "admin")
    admin.switch_page("pages/admin.py").run()
    admin.selectbox(key="manage_username").select("bithu.tamchuc")
    admin.radio(key="manage_action").set_value("disable")
    admin.button(key="FormSubmitter:manage_user-Thực hiện").click().run()
    assert "Đã cập nhật tài khoản bithu.tamchuc." in texts(admin)
    assert "Đã khóa" in texts(admin)
    refused = sign_in(app().run(), "bithu.tamchuc")
    assert shown(refused.error[0]) == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert not refused.metric
