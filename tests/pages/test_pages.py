"""Pages per role through AppTest: what each role is offered and shown, sign-in and lockout,
guards on pages served without app.py, URL parameters out of scope."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.access.navigation import PAGES
from core.storage.models import utcnow
from tests.apptest import ROOT, app, sign_in, texts
from ui.auth import ACTIVITY_KEY

ALL_PAGES = [spec.file for spec in PAGES if spec.in_menu]
OFFERED = {
    "admin": set(ALL_PAGES),
    "lanhdao": set(ALL_PAGES) - {"pages/admin.py"},
    "bithu.hdnd": set(ALL_PAGES) - {"pages/admin.py", "pages/projector.py"},
    "trinhchieu": {"pages/projector.py", "pages/account.py"},
}


def offered_pages(at) -> set[str]:
    """The pages of the menu drawn for the signed-in role."""
    by_url = {spec.url_path: spec.file for spec in PAGES}
    return {by_url[link.proto.page] for link in at.get("page_link")}


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
def test_each_role_is_offered_its_pages(demo_app, username):
    at = sign_in(app().run(), username)
    assert not at.exception
    assert offered_pages(at) == OFFERED[username]


def test_wrong_password_then_lockout_then_right_password_still_refused(demo_app):
    at = app().run()
    at = sign_in(at, "bithu.hdnd", "sai-mat-khau")
    assert "Còn 4 lần thử" in at.error[0].value
    for _ in range(4):
        at = sign_in(at, "bithu.hdnd", "sai-mat-khau")
    assert "tạm khóa" in at.error[0].value
    fresh = sign_in(app().run(), "bithu.hdnd")  # a new session: the lock is in the database
    assert "tạm khóa" in fresh.error[0].value
    assert not fresh.metric


def test_unknown_user_gets_the_generic_message(demo_app):
    at = sign_in(app().run(), "khongco", "gi-cung-duoc")
    assert at.error[0].value == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_secretary_sees_its_branch_and_is_refused_other_organizations_by_url(demo_app):
    at = sign_in(app().run(), "bithu.hdnd")
    assert "Đảng bộ HĐND & UBND huyện – năm 2026" in texts(at)
    at.query_params["org"] = "KB-THANHSON"
    at.query_params["year"] = "2023"
    at.run()
    shown = texts(at)
    assert "Tổ chức «KB-THANHSON» nằm ngoài phạm vi được phép xem." in shown
    assert "Đảng bộ xã Thanh Sơn" not in shown
    assert "Đảng bộ HĐND & UBND huyện – năm 2023" in shown and "Đạt 100% kế hoạch" in shown


def test_leader_sees_the_district_figures_for_2023(demo_app):
    at = sign_in(app().run(), "lanhdao")
    at.query_params["year"] = "2023"
    at.run()
    assert "148/145" in texts(at) and "Đạt 102,1% kế hoạch" in texts(at)


def test_projector_sees_aggregates_and_no_names(demo_app, demo_db_file):
    import sqlite3

    with sqlite3.connect(demo_db_file) as conn:
        names = [row[0] for row in conn.execute("SELECT full_name FROM candidate")]
    at = sign_in(app().run(), "trinhchieu")
    at.switch_page("pages/projector.py").run()
    shown = texts(at)
    assert "Huyện ủy Kim Bảng – năm 2026" in shown and "117/150" in shown
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
    assert "hết hạn" in at.info[0].value or "hết hạn" in texts(at)
    assert not at.metric


def test_temporary_password_leads_to_the_account_page_only(demo_app):
    admin = sign_in(app().run(), "admin")
    admin.switch_page("pages/admin.py").run()
    admin.text_input(key="new_username").input("bithu.que")
    admin.text_input(key="new_display_name").input("Bí thư Đảng ủy thị trấn Quế")
    admin.text_input(key="new_org_code").input("KB-QUE")
    admin.text_input(key="new_password").input("TamThoi@2026")
    admin.selectbox(key="new_role").select("secretary")
    admin.button(key="FormSubmitter:create_user-Tạo").click().run()
    assert "Đã tạo tài khoản bithu.que." in texts(admin)

    user = sign_in(app().run(), "bithu.que", "TamThoi@2026")
    assert offered_pages(user) == {"pages/account.py"}
    user.switch_page("pages/account.py").run()
    user.text_input(key="current_password").input("TamThoi@2026")
    user.text_input(key="new_password").input("QueHuong@2026")
    user.text_input(key="confirm_password").input("QueHuong@2026")
    user.button(key="FormSubmitter:change_password-Lưu mật khẩu mới").click().run()
    assert "Đã đổi mật khẩu." in texts(user)
    again = sign_in(app().run(), "bithu.que", "QueHuong@2026")
    assert offered_pages(again) == OFFERED["bithu.hdnd"]


def test_admin_disables_a_user_who_then_cannot_sign_in(demo_app):
    admin = sign_in(app().run(), "admin")
    admin.switch_page("pages/admin.py").run()
    admin.selectbox(key="manage_username").select("bithu.thanhson")
    admin.radio(key="manage_action").set_value("disable")
    admin.button(key="FormSubmitter:manage_user-Thực hiện").click().run()
    assert "Đã cập nhật tài khoản bithu.thanhson." in texts(admin)
    assert "Đã khóa" in texts(admin)
    refused = sign_in(app().run(), "bithu.thanhson")
    assert refused.error[0].value == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert not refused.metric
