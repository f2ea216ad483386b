"""The app starts on a fresh database: migrated, demo data loaded, the district's progress shown."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_app_starts_on_an_empty_database_and_shows_the_district(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/app.db")
    monkeypatch.setenv("PTDV_DEMO_MODE", "true")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Phát triển đảng viên"
    at.selectbox(key="year").set_value(2023).run()
    assert at.subheader[0].value == "Huyện ủy Kim Bảng"
    assert at.metric[0].value == "148/145, đạt 102,1% kế hoạch"
    table = at.dataframe[0].value
    hdnd = table[table["Tổ chức đảng"] == "Đảng bộ HĐND & UBND huyện"].iloc[0]
    assert hdnd["Kết nạp/Chỉ tiêu"] == "5/5" and hdnd["% kế hoạch"] == "100%"
    # Aggregates only: one row per organization, no column about a person.
    assert list(table.columns) == ["Tổ chức đảng", "Kết nạp/Chỉ tiêu", "% kế hoạch", "Tình trạng"]
