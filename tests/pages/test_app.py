"""Starting the app: a fresh database is migrated and filled in demo mode; outside demo mode a
missing or weak cookie key stops it with a message saying why."""
from __future__ import annotations

import pytest

from tests.apptest import app, shown, sign_in, texts


def test_first_start_on_an_empty_database_loads_the_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/fresh.db")
    monkeypatch.setenv("PTDV_DEMO_MODE", "true")
    monkeypatch.setenv("PTDV_COOKIE_KEY", "k" * 48)
    at = app().run()
    assert not at.exception
    at = sign_in(at, "lanhdao")
    at.query_params["year"] = "2026"
    at.run()
    assert "Tỉnh ủy Ninh Bình – năm 2026" in texts(at)
    at.query_params.update(year="2023", org="KB")
    at.run()
    assert "Huyện ủy Kim Bảng – năm 2023" in texts(at)
    assert "148/145" in texts(at) and "Đạt 102,1% kế hoạch" in texts(at)


@pytest.mark.parametrize(
    "key, message",
    [
        (None, "Chưa đặt khóa ký cookie"),
        ("some_key", "giá trị mặc định"),
        ("ngan-qua", "quá ngắn"),
    ],
)
def test_outside_demo_mode_a_bad_cookie_key_stops_the_app(tmp_path, monkeypatch, key, message):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/prod.db")
    monkeypatch.setenv("PTDV_DEMO_MODE", "false")
    if key is None:
        monkeypatch.delenv("PTDV_COOKIE_KEY", raising=False)
    else:
        monkeypatch.setenv("PTDV_COOKIE_KEY", key)
    at = app().run()
    assert not at.exception
    assert message in shown(at.error[0])
    assert not at.text_input  # no sign-in form either
