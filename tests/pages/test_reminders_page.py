"""Where reminders go, in the app: a user sets its own address and digest on Tài khoản, the admin
any user's of its subtree on Quản trị; a bad address is refused and nothing is written; the
admin's tab of the last runs, and "send me a test" against a real SMTP server."""
from __future__ import annotations

import sqlite3

from core.access.scope import operator
from core.access.users import set_reminders
from core.i18n import t
from core.storage.db import make_engine, session_scope
from tests.apptest import open_admin, open_page, texts


def _user(db, username: str) -> tuple[str, str]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT email, digest FROM app_user WHERE username = ?", (username,)).fetchone()


def _audited(db, username: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM audit_entry WHERE action = 'set_reminders' AND username = ?",
                            (username,)).fetchone()[0]


def test_a_secretary_sets_its_own_address_and_a_bad_one_is_refused_writing_nothing(demo_app):
    at = open_page("bithu.tamchuc", "pages/account.py")
    assert at.text_input(key="own_rem_email").value == "bithu.tamchuc@ptdv.example"
    assert at.radio(key="own_rem_digest").value == "daily"
    at.text_input(key="own_rem_email").input("bi thu@tamchuc")
    at.button(key="FormSubmitter:own_reminders-Lưu").click().run()
    assert "Địa chỉ thư điện tử «bi thu@tamchuc» không hợp lệ" in texts(at)
    assert _user(demo_app, "bithu.tamchuc") == ("bithu.tamchuc@ptdv.example", "daily")
    at.text_input(key="own_rem_email").input("BiThu.TamChuc@TamChuc.NinhBinh.VN")
    at.radio(key="own_rem_digest").set_value("weekly")
    at.button(key="FormSubmitter:own_reminders-Lưu").click().run()
    assert not at.exception and t("reminders.saved") in texts(at)
    assert _user(demo_app, "bithu.tamchuc") == ("BiThu.TamChuc@tamchuc.ninhbinh.vn", "weekly")
    assert _audited(demo_app, "bithu.tamchuc") == 1
    # A digest needs an address.
    at.text_input(key="own_rem_email").input("")
    at.button(key="FormSubmitter:own_reminders-Lưu").click().run()
    assert t("form.digest_needs_email") in texts(at)
    assert _user(demo_app, "bithu.tamchuc") == ("BiThu.TamChuc@tamchuc.ninhbinh.vn", "weekly")


def test_the_admin_sets_a_users_reminders_and_sees_them_in_the_list(demo_app):
    at = open_admin("admin.users")
    at.selectbox(key="rem_user").select("trinhchieu").run()
    at.text_input(key="rem_trinhchieu_email").input("phonghop@ptdv.example")
    at.radio(key="rem_trinhchieu_digest").set_value("weekly")
    at.button(key="FormSubmitter:admin_reminders-Lưu").click().run()
    assert not at.exception and t("reminders.saved_for", username="trinhchieu") in texts(at)
    assert _user(demo_app, "trinhchieu") == ("phonghop@ptdv.example", "weekly")
    assert "phonghop@ptdv.example" in texts(at)  # the users' table
    assert _audited(demo_app, "admin") == 1


def test_the_reminders_tab_sends_the_admin_a_test_and_lists_the_run(demo_app, inbox, monkeypatch):
    for name, value in (("PTDV_SMTP_HOST", "127.0.0.1"), ("PTDV_SMTP_PORT", str(inbox.port)),
                        ("PTDV_SMTP_SECURITY", "none"), ("PTDV_MAIL_FROM", "ptdv@ptdv.example")):
        monkeypatch.setenv(name, value)
    at = open_admin("reminders.tab")
    assert t("reminders.no_runs") in texts(at)
    at.button(key="rem_send_test").click().run()
    assert not at.exception
    assert t("reminders.test_sent", address="admin@ptdv.example") in texts(at)
    assert [m["To"].addresses[0].addr_spec for m in inbox.messages] == ["admin@ptdv.example"]
    shown = texts(at)
    assert "Thư thử" in shown and "Đã gửi" in shown and "admin@ptdv.example" in shown


def test_without_a_mail_server_the_test_button_says_what_to_set(demo_app, monkeypatch):
    monkeypatch.setenv("PTDV_SMTP_HOST", "")
    at = open_admin("reminders.tab")
    at.button(key="rem_send_test").click().run()
    assert not at.exception and t("remind.no_host") in texts(at)


def test_a_change_made_by_the_admin_meanwhile_is_not_overwritten_by_the_secretarys_save(demo_app):
    at = open_page("bithu.tamchuc", "pages/account.py")
    engine = make_engine(f"sqlite:///{demo_app}")
    with session_scope(engine) as session:  # the admin, while the secretary's page is open
        set_reminders(session, operator(session), username="bithu.tamchuc", email="vanphong@tamchuc.example",
                      digest="daily", expected_version=None)
    engine.dispose()
    at.radio(key="own_rem_digest").set_value("weekly")
    at.button(key="FormSubmitter:own_reminders-Lưu").click().run()
    assert not at.exception and t("reminders.saved") not in texts(at)
    assert _user(demo_app, "bithu.tamchuc") == ("vanphong@tamchuc.example", "daily")
    # The form now shows the record as it is, and saving again is the secretary's own choice.
    assert at.text_input(key="own_rem_email").value == "vanphong@tamchuc.example"
    at.radio(key="own_rem_digest").set_value("weekly")
    at.button(key="FormSubmitter:own_reminders-Lưu").click().run()
    assert _user(demo_app, "bithu.tamchuc") == ("vanphong@tamchuc.example", "weekly")
