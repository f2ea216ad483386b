"""Helpers for AppTest page tests: a demo database per test and signing in through the form."""
from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from core.format import md_unescape
from core.i18n import t

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PASSWORD = "KimBang@2024"
SUBMIT = "FormSubmitter:sign_in-Đăng nhập"


def use_demo_copy(template: Path, tmp_path: Path, monkeypatch) -> Path:
    """Point the app at a private copy of the demo database, with a cookie key of its own, and
    no figures cached from another test's copy: caches are keyed by the data version, and two
    copies changed by different tests can reach the same version with different data."""
    st.cache_data.clear()
    db = tmp_path / "demo.db"
    shutil.copy(template, db)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("PTDV_DEMO_MODE", "true")
    monkeypatch.setenv("PTDV_COOKIE_KEY", secrets.token_urlsafe(48))
    return db


def app(script: str = APP) -> AppTest:
    return AppTest.from_file(script, default_timeout=60)


def sign_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    """Fill the sign-in form and submit it."""
    fields = {box.label: box for box in at.text_input}
    fields["Tên đăng nhập"].input(username)
    fields["Mật khẩu"].input(password)
    return at.button(key=SUBMIT).click().run()


def shown(element) -> str:
    """What a reader sees of a Markdown element (its escapes removed: ui.text escapes all
    text from outside)."""
    return md_unescape(str(element.value))


def texts(at: AppTest) -> str:
    """Everything the page shows as text (titles, markdown, metrics, messages, tables), as read."""
    parts = [shown(e) for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info",
                                  "success") for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [df.value.to_string() for df in at.dataframe]
    return "\n".join(str(p) for p in parts)


def open_page(username: str, page: str, **params: str) -> AppTest:
    """Sign in, set the URL parameters, open a page; the run must not raise."""
    at = sign_in(app().run(), username)
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(page).run()
    assert not at.exception
    return at


def open_admin(tab: str, org_tab: str | None = None) -> AppTest:
    """Quản trị with one of its tabs open, by its catalog key ("admin.plans"; in «Tổ chức đảng»
    `org_tab` too, "reorg.tab"): only the open tab is drawn, as a click on it would open it."""
    at = open_page("admin", "pages/admin.py")
    at.session_state["admin_tab"] = t(tab)
    if org_tab is not None:
        at.session_state["admin_org_tab"] = t(org_tab)
    at.run()
    assert not at.exception
    return at


def download(at: AppTest, downloads: dict, label: str) -> tuple[str, bytes]:
    """(file name, content) of the download button with this label, built as a click would
    build it, now (see the `downloads` fixture)."""
    button = next(b for b in at.get("download_button") if b.proto.label == label)
    file_name, build = downloads[button.proto.deferred_file_id]
    return file_name, build()
