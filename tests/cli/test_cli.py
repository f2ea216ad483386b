"""The command line: the summary a newcomer runs first, and clear refusals of bad arguments."""
from __future__ import annotations

import sqlite3

import bcrypt
import pytest
from sqlmodel import select

from core.cli.commands import main
from core.cli.demo import TO_PROVINCE, WARDS
from core.storage.db import make_engine, migrate, session_scope
from core.storage.models import User
from tests.factories import district


@pytest.fixture
def demo_url(demo_engine, monkeypatch):
    url = demo_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _line(output: str, name: str) -> str:
    return next(line for line in output.splitlines() if line.strip().startswith(name))


def test_summary_2023_shows_the_published_figures(demo_url, capsys):
    """2023 at the root: the province as it was named then, with the district under it; the
    district's own summary is the published report, whatever became of it in 2025."""
    assert main(["summary", "--year", "2023"]) == 0
    out = capsys.readouterr().out
    assert "năm 2023 của Tỉnh ủy Hà Nam (số liệu đến ngày 31/12/2023)" in out
    district = _line(out, "Huyện ủy Kim Bảng")
    assert "148/145" in district and "102,1%" in district and "Hoàn thành" in district
    assert "Ninh Bình" not in out and "phường" not in out
    assert main(["summary", "--year", "2023", "--org", "KB"]) == 0
    out = capsys.readouterr().out
    assert "năm 2023 của Huyện ủy Kim Bảng (số liệu đến ngày 31/12/2023)" in out
    district = _line(out, "Huyện ủy Kim Bảng")
    assert "148/145" in district and "102,1%" in district and "Hoàn thành" in district
    hdnd = _line(out, "Đảng bộ HĐND & UBND huyện")
    assert "5/5" in hdnd and "100%" in hdnd
    assert "(4.850): 3,05% – Trong mức khuyến nghị (3–4%)" in out


def test_summary_2026_at_the_root_is_the_province_with_its_wards_and_no_district(demo_url, capsys):
    assert main(["summary", "--year", "2026"]) == 0
    out = capsys.readouterr().out
    assert "năm 2026 của Tỉnh ủy Ninh Bình (số liệu đến ngày " in out
    assert "117/150" in _line(out, "Tỉnh ủy Ninh Bình")
    for _code, ward, _communes, _units in WARDS:
        assert _line(out, ward)
    for _code, unit in TO_PROVINCE:
        assert _line(out, unit)
    assert "Huyện ủy" not in out and "Hà Nam" not in out


def test_summary_2025_adds_up_the_district_until_30_6_and_the_wards_after(demo_url, capsys):
    assert main(["summary", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "năm 2025 của Tỉnh ủy Ninh Bình" in out
    province = _line(out, "Tỉnh ủy Ninh Bình")
    district = _line(out, "Huyện ủy Kim Bảng")  # its half-year, with its part of the plan
    assert "139/155" in province and "79/77" in district
    for _code, ward, _communes, _units in WARDS:
        assert _line(out, ward)


def test_summary_of_one_organization_as_of_a_meeting_day(demo_url, capsys):
    assert main(["summary", "--year", "2023", "--org", "KB-HDND", "--as-of", "30/06/2023"]) == 0
    out = capsys.readouterr().out
    assert "của Đảng bộ HĐND & UBND huyện (số liệu đến ngày 30/06/2023)" in out
    assert sum(1 for line in out.splitlines() if line.startswith("  Chi bộ")) == 18
    assert "(146)" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["summary", "--year", "hai nghìn"], "Năm không hợp lệ"),
        (["summary", "--year", "2023", "--as-of", "31/02/2023"], "Ngày không hợp lệ"),
        (["summary", "--year", "2023", "--org", "KHONG-CO"], "Không tìm thấy tổ chức đảng có mã «KHONG-CO»"),
        (["demo"], "đã có dữ liệu"),
        (["create-user", "--username", "admin", "--role", "admin", "--org", "KB", "--password", "MatKhau@2024"], "đã có"),
        (["create-user", "--username", "x", "--role", "admin", "--org", "KB", "--password", "ngan"], "ít nhất 8 ký tự"),
        (["create-user", "--username", "x", "--role", "admin", "--org", "KB", "--password", "ă" * 40], "72 byte"),
        (["create-user", "--username", "x", "--role", "admin", "--org", "KB", "--password", "MatKhau@2024 "],
         "không được bắt đầu hoặc kết thúc bằng dấu cách"),
    ],
)
def test_bad_arguments_get_a_vietnamese_message_and_exit_2(demo_url, capsys, argv, message):
    with pytest.raises(SystemExit) as exited:
        code = main(argv)
        raise SystemExit(code)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_create_user(engine, monkeypatch, capsys):
    with session_scope(engine) as s:
        district(s)
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    assert main(["create-user", "--username", "bithu.c1", "--name", "Bí thư Đảng ủy xã C1", "--role", "secretary",
                 "--org", "C1", "--password", "MatKhau@2024", "--temporary"]) == 0
    assert "Đã tạo tài khoản bithu.c1 (Bí thư)" in capsys.readouterr().out
    with session_scope(engine) as s:
        user = s.exec(select(User).where(User.username == "bithu.c1")).one()
        assert (user.role, user.must_change_password, user.display_name) == ("secretary", True, "Bí thư Đảng ủy xã C1")
        assert bcrypt.checkpw(b"MatKhau@2024", user.password_hash.encode())


def test_init_demo_and_backup_on_a_new_sqlite_file(tmp_path, monkeypatch, capsys):
    db = tmp_path / "new.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    assert main(["init"]) == 0
    assert main(["demo"]) == 0
    assert "Đã nạp dữ liệu mẫu: 244 tổ chức" in capsys.readouterr().out
    backup = tmp_path / "backups" / "copy.db"
    assert main(["backup", str(backup)]) == 0
    with sqlite3.connect(backup) as conn:
        assert conn.execute("SELECT count(*) FROM organization").fetchone()[0] == 244
        assert conn.execute("SELECT count(*) FROM app_user").fetchone()[0] == 5
    assert main(["backup", str(backup)]) == 2  # never overwrites
    assert "đã có" in capsys.readouterr().err


def test_backup_of_postgres_points_to_pg_dump(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:5432/x")
    assert main(["backup", "/tmp/never.db"]) == 2
    assert "pg_dump" in capsys.readouterr().err


def test_init_upgrades_an_existing_database_without_loss(tmp_path, monkeypatch):
    db = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE data_version SET version = 41")
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    assert main(["init"]) == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version FROM data_version").fetchone()[0] == 41
