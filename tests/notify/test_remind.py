"""`remind` against a real SMTP server on the loopback: who receives what, each message once,
a dry run that sends nothing, a server that refuses in the middle and the run that resumes."""
from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import date

import pytest
from sqlmodel import Session, select

from core.access.scope import Actor, operator, org_by_code
from core.cli.commands import main
from core.cli.demo import DEMO_TODAY
from core.config import Settings
from core.notify.remind import (
    MailSettingsError,
    due_messages,
    last_runs,
    remind,
    send_test,
)
from core.procedure.stages import OrgKind, Role, Stage
from core.storage.db import make_engine, session_scope
from core.storage.models import Candidate, ReminderRun, ReminderSend, User
from core.structure.tree import is_within
from tests.factories import add_candidate, add_org
from tests.smtp import running_inbox

PUBLIC = "https://ptdv.example"


def _settings(inbox, **changes) -> Settings:
    return replace(Settings(smtp_host="127.0.0.1", smtp_port=inbox.port, smtp_security="none",
                            mail_from="Ban Tổ chức <ptdv@ptdv.example>", public_url=PUBLIC), **changes)


@pytest.fixture
def demo_copy(demo_db_file, tmp_path):
    path = tmp_path / "demo.db"
    shutil.copy(demo_db_file, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _parts(mail) -> tuple[str, str]:
    return mail.get_body(("plain",)).get_content(), mail.get_body(("html",)).get_content()


def _record_ids(text: str) -> set[int]:
    return {int(n) for n in re.findall(rf"{re.escape(PUBLIC)}/ho-so\?id=(\d+)", text)}


def test_the_demo_gets_its_four_messages_once_and_a_dry_run_sends_nothing(demo_copy, inbox):
    settings = _settings(inbox)
    dry = remind(demo_copy, today=DEMO_TODAY, settings=settings, dry_run=True)
    assert sorted(m.address for m in dry.messages) == [
        "admin@ptdv.example", "bithu.hdnd@ptdv.example", "bithu.tamchuc@ptdv.example", "lanhdao@ptdv.example"]
    assert inbox.messages == [] and dry.sent == []
    with Session(demo_copy) as session:
        assert session.exec(select(ReminderSend)).all() == []

    report = remind(demo_copy, today=DEMO_TODAY, settings=settings)
    assert len(report.sent) == 4 and report.failed == []
    assert sorted(m["To"].addresses[0].addr_spec for m in inbox.messages) == sorted(m.address for m in dry.messages)
    for mail in inbox.messages:
        plain, html = _parts(mail)
        assert mail["From"].addresses[0].addr_spec == "ptdv@ptdv.example"
        assert plain.startswith("Kính gửi đồng chí ") and "<html lang=\"vi\">" in html
        assert "20/11/2026" in mail["Subject"]
    # The brief: figures per organization with a link to the overview, no candidate's name.
    brief = inbox.to("lanhdao@ptdv.example")[0]
    plain, html = _parts(brief)
    assert brief["Subject"].startswith("[PTĐV] Bản tin tuần Tỉnh ủy Ninh Bình: kết nạp ")
    assert f"{PUBLIC}/tong-quan?org=NB&year=2026" in plain and "TỔ CHỨC TRỰC THUỘC CHẬM HOẶC CÓ NGUY CƠ" in plain
    with Session(demo_copy) as session:
        names = set(session.exec(select(Candidate.full_name)).all())
    assert not [n for n in names if n in plain or n in html]
    assert _record_ids(plain) == set()

    # The same day again: everything went already.
    again = remind(demo_copy, today=DEMO_TODAY, settings=settings)
    assert again.messages == [] and again.skipped == 4 and len(inbox.messages) == 4


def test_a_secretarys_digest_holds_only_its_own_branch_each_line_linking_to_the_record(demo_copy, inbox):
    remind(demo_copy, today=DEMO_TODAY, settings=_settings(inbox))
    with Session(demo_copy) as session:
        for username, code in (("bithu.tamchuc", "NB-TAMCHUC"), ("bithu.hdnd", "KB-HDND")):
            plain, html = _parts(inbox.to(f"{username}@ptdv.example")[0])
            ids = _record_ids(plain)
            assert ids and ids == _record_ids(html)
            path = org_by_code(session, code).path
            mine = {c.id: c for c in session.exec(select(Candidate).where(Candidate.id.in_(ids))).all()}
            assert set(mine) == ids and all(is_within(c.org_path, path) for c in mine.values())
            # Everybody named in it belongs to the branch; nobody of another branch is named.
            outside = session.exec(select(Candidate.full_name).where(~Candidate.org_path.startswith(path))).all()
            inside = {c.full_name for c in mine.values()}
            assert not [n for n in set(outside) - inside if f"- {n} – " in plain]


def test_a_server_that_refuses_in_the_middle_then_the_resumed_run_sends_each_message_once(demo_copy, inbox):
    settings = _settings(inbox)
    inbox.refuse_from = 2
    first = remind(demo_copy, today=DEMO_TODAY, settings=settings)
    assert len(first.sent) == 2 and len(first.failed) == 2
    assert all("451 4.3.0" in error for _message, error in first.failed)
    with Session(demo_copy) as session:
        rows = session.exec(select(ReminderSend).order_by(ReminderSend.id)).all()
        assert [r.status for r in rows] == ["sent", "sent", "failed", "failed"]
        assert "451" in rows[2].error
    inbox.refuse_from = None
    second = remind(demo_copy, today=DEMO_TODAY, settings=settings)
    assert len(second.sent) == 2 and second.skipped == 2 and second.failed == []
    delivered = [m["To"].addresses[0].addr_spec for m in inbox.messages]
    assert len(delivered) == 4 and len(set(delivered)) == 4
    with Session(demo_copy) as session:
        (run, sends), (older, older_sends) = last_runs(session, operator(session))[:2]
        assert (run.sent, run.failed, run.skipped, len(sends)) == (2, 0, 2, 2)
        assert (older.sent, older.failed, len(older_sends)) == (2, 2, 4)


def test_a_message_a_stopped_run_was_sending_is_not_sent_again(demo_copy, inbox):
    with session_scope(demo_copy) as session:
        user = session.exec(select(User).where(User.username == "bithu.tamchuc")).one()
        session.add(ReminderSend(user_id=user.id, kind="digest", period=DEMO_TODAY.isoformat(),
                                 address=user.email, subject="…", status="sending"))
    report = remind(demo_copy, today=DEMO_TODAY, settings=_settings(inbox))
    assert len(report.sent) == 3 and report.skipped == 1 and inbox.to("bithu.tamchuc@ptdv.example") == []


def test_without_a_server_or_a_sender_nothing_is_sent_and_the_command_says_why(demo_copy, inbox, monkeypatch, capsys,
                                                                               tmp_path):
    with pytest.raises(MailSettingsError, match="smtp_host"):
        remind(demo_copy, today=DEMO_TODAY, settings=_settings(inbox, smtp_host=""))
    with pytest.raises(MailSettingsError, match="mail_from"):
        remind(demo_copy, today=DEMO_TODAY, settings=_settings(inbox, mail_from=""))
    with Session(demo_copy) as session:
        assert session.exec(select(ReminderRun)).all() == [] and session.exec(select(ReminderSend)).all() == []
    monkeypatch.setenv("DATABASE_URL", str(demo_copy.url))
    monkeypatch.setenv("PTDV_TODAY", DEMO_TODAY.isoformat())
    monkeypatch.setenv("PTDV_SMTP_HOST", "")
    assert main(["remind"]) == 2
    assert "Chưa cấu hình máy chủ gửi thư" in capsys.readouterr().err
    preview = tmp_path / "xem-truoc"
    assert main(["remind", "--dry-run", "--preview", str(preview)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Chạy thử (không gửi): thư đến hạn ngày 20/11/2026: 4.")
    assert "- Bản tin tuần cho lanhdao <lanhdao@ptdv.example>: «[PTĐV] Bản tin tuần Tỉnh ủy Ninh Bình" in out
    assert inbox.messages == []
    # Each message to look at in a browser, readable by its owner only (it names candidates).
    files = sorted(p.name for p in preview.iterdir())
    assert "bithu.tamchuc-digest-2026-11-20.html" in files and "lanhdao-brief-2026-W47.txt" in files
    assert len(files) == 8 and all(p.stat().st_mode & 0o077 == 0 for p in preview.iterdir())
    html = (preview / "bithu.tamchuc-digest-2026-11-20.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Đảng ủy phường Tam Chúc" in html


def test_the_command_sends_and_a_refusal_makes_it_fail_with_what_to_do(demo_copy, inbox, monkeypatch, capsys):
    for name, value in (("DATABASE_URL", str(demo_copy.url)), ("PTDV_TODAY", DEMO_TODAY.isoformat()),
                        ("PTDV_SMTP_HOST", "127.0.0.1"), ("PTDV_SMTP_PORT", str(inbox.port)),
                        ("PTDV_SMTP_SECURITY", "none"), ("PTDV_MAIL_FROM", "ptdv@ptdv.example")):
        monkeypatch.setenv(name, value)
    inbox.refuse_from = 3
    assert main(["remind"]) == 2
    err = capsys.readouterr().err
    assert err.count(" – đã gửi") == 3 and "không gửi được: Máy chủ thư trả lời: 451 4.3.0" in err
    assert "Chạy lại lệnh" in err
    inbox.refuse_from = None
    assert main(["remind"]) == 0
    assert "Đã gửi 1, không gửi được 0, đã gửi từ trước 3." in capsys.readouterr().out
    assert len(inbox.messages) == 4


def test_send_me_a_test_sends_one_message_to_ones_own_address_each_time(demo_copy, inbox):
    settings = _settings(inbox)
    for _ in range(2):
        report = send_test(demo_copy, "admin", today=DEMO_TODAY, settings=settings)
        assert len(report.sent) == 1
    assert [m["To"].addresses[0].addr_spec for m in inbox.messages] == ["admin@ptdv.example"] * 2
    assert inbox.messages[0]["Subject"] == "[PTĐV] Thư thử (20/11/2026)"
    with session_scope(demo_copy) as session:
        session.exec(select(User).where(User.username == "trinhchieu")).one()
    with pytest.raises(MailSettingsError, match="chưa có địa chỉ"):
        send_test(demo_copy, "trinhchieu", today=DEMO_TODAY, settings=settings)


def test_each_secretary_gets_only_its_branch_nothing_when_nothing_is_due_and_the_projector_nothing(engine, inbox):
    today = date(2026, 11, 20)
    with session_scope(engine) as session:
        top = add_org(session, "T", kind=OrgKind.UPPER_COMMITTEE)
        communes = {code: add_org(session, code, top, kind=OrgKind.GRASSROOTS_COMMITTEE) for code in ("A", "B", "C")}
        cells = {code: add_org(session, f"{code}-1", org) for code, org in communes.items()}
        # A: a chi bộ resolution whose decision is overdue; B: a decision whose ceremony is due soon;
        # C: nobody in the procedure.
        add_candidate(session, cells["A"], {Stage.SOURCE: date(2025, 1, 5), Stage.OUTSTANDING: date(2025, 3, 1),
                                            Stage.CLASS_DONE: date(2025, 5, 1), Stage.DOSSIER: date(2025, 6, 1),
                                            Stage.BRANCH_RESOLUTION: date(2026, 6, 1)}, full_name="Nguyễn Văn Ánh")
        add_candidate(session, cells["B"], {Stage.SOURCE: date(2025, 1, 5), Stage.OUTSTANDING: date(2025, 3, 1),
                                            Stage.CLASS_DONE: date(2025, 5, 1), Stage.DOSSIER: date(2025, 6, 1),
                                            Stage.BRANCH_RESOLUTION: date(2026, 9, 1), Stage.COMMITTEE_RESOLUTION:
                                            date(2026, 9, 20), Stage.DECISION: date(2026, 11, 2)},
                      full_name="Trần Thị Bình")
        for username, code, role in (("bt.a", "A", Role.SECRETARY), ("bt.b", "B", Role.SECRETARY),
                                     ("bt.c", "C", Role.SECRETARY), ("screen", "T", Role.PROJECTOR)):
            session.add(User(username=username, display_name=username, password_hash="x", role=role.value,
                             organization_id=communes[code].id if code != "T" else top.id,
                             email=f"{username}@ptdv.example", digest="daily"))
    report = remind(engine, today=today, settings=_settings(inbox))
    assert sorted(m.username for m in report.sent) == ["bt.a", "bt.b"]
    a, b = (_parts(inbox.to(f"{u}@ptdv.example")[0])[0] for u in ("bt.a", "bt.b"))
    assert "Nguyễn Văn Ánh" in a and "Trần Thị Bình" not in a and "QUÁ HẠN" in a
    assert "Trần Thị Bình" in b and "Nguyễn Văn Ánh" not in b and "SẮP ĐẾN HẠN" in b
    assert inbox.to("bt.c@ptdv.example") == [] and inbox.to("screen@ptdv.example") == []


def test_two_runs_that_built_the_same_messages_send_each_once(demo_copy, inbox):
    # Both looked before either sent (the messages built once, sent by two runs): the second
    # finds each message claimed by the first, under the unique index, and sends none.
    settings = _settings(inbox)
    with Session(demo_copy) as session:
        due = due_messages(session, today=DEMO_TODAY, settings=settings).messages
    first = remind(demo_copy, today=DEMO_TODAY, settings=settings, only=due)
    second = remind(demo_copy, today=DEMO_TODAY, settings=settings, only=due)
    assert len(first.sent) == 4 and second.sent == [] and second.skipped == 4
    assert len(inbox.messages) == 4


# The test server asks for a password over the plain loopback (a real one over TLS): aiosmtpd warns.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS", "ignore:.*login_data is deprecated")
def test_the_sending_account_signs_in_and_a_wrong_password_is_recorded_as_the_servers_answer(demo_copy):
    with running_inbox(login=("ptdv@ptdv.example", "mat-khau-dung")) as server:
        settings = _settings(server, smtp_user="ptdv@ptdv.example", smtp_password="sai-mat-khau")
        wrong = remind(demo_copy, today=DEMO_TODAY, settings=settings)
        # One refused sign-in stops the run: the others would be refused too, each counting
        # against the sending account.
        assert wrong.sent == [] and len(wrong.failed) == 1 and len(wrong.not_tried) == 3
        assert wrong.failed[0][1].startswith("Máy chủ thư không nhận tên đăng nhập hoặc mật khẩu") \
            and "535" in wrong.failed[0][1]
        right = remind(demo_copy, today=DEMO_TODAY, settings=replace(settings, smtp_password="mat-khau-dung"))
        assert len(right.sent) == 4 and len(server.messages) == 4


def test_a_server_out_of_reach_stops_the_run_and_the_next_one_sends_everything(demo_copy, inbox):
    closed = _settings(inbox, smtp_port=_closed_port())
    stopped = remind(demo_copy, today=DEMO_TODAY, settings=closed)
    assert stopped.sent == [] and len(stopped.failed) == 1 and len(stopped.not_tried) == 3
    assert "không nhận kết nối" in stopped.stopped
    with Session(demo_copy) as session:
        assert [r.status for r in session.exec(select(ReminderSend)).all()] == ["failed"]
    again = remind(demo_copy, today=DEMO_TODAY, settings=_settings(inbox))
    assert len(again.sent) == 4 and len(inbox.messages) == 4


def test_a_message_the_server_took_without_answering_in_time_is_not_sent_again(demo_copy, inbox):
    inbox.answer_after = 1.5
    slow = remind(demo_copy, today=DEMO_TODAY, settings=_settings(inbox, smtp_timeout_seconds=0.5))
    assert slow.sent == [] and len(slow.unknown) == 4 and slow.failed == []
    inbox.answer_after = 0
    again = remind(demo_copy, today=DEMO_TODAY, settings=_settings(inbox))
    assert again.messages == [] and again.skipped == 4
    assert len(inbox.messages) == 4  # each went once, though no answer came
    with Session(demo_copy) as session:
        assert {r.status for r in session.exec(select(ReminderSend)).all()} == {"unknown"}


def test_the_recipients_name_is_one_address_whatever_it_holds(demo_copy, inbox):
    with Session(demo_copy) as session:
        message = due_messages(session, today=DEMO_TODAY, settings=_settings(inbox)).messages[0]
    tricky = replace(message, display_name="Bí thư, kẻ@lạ.example <evil@attacker.example>")
    remind(demo_copy, today=DEMO_TODAY, settings=_settings(inbox), only=[tricky])
    (mail,) = inbox.messages
    assert [a.addr_spec for a in mail["To"].addresses] == [message.address] and mail["To"] == message.address
    assert _parts(mail)[0].startswith(f"Kính gửi đồng chí {tricky.display_name},")


def test_an_admin_sees_the_messages_of_its_own_subtree_only(demo_copy, inbox):
    remind(demo_copy, today=DEMO_TODAY, settings=_settings(inbox))
    with Session(demo_copy) as session:
        district = Actor(username="qt.hdnd", role=Role.ADMIN, root_path=org_by_code(session, "KB-HDND").path)
        ((_run, mine),) = last_runs(session, district)
        ((_run, all_of_them),) = last_runs(session, operator(session))
    assert [row.address for row in mine] == ["bithu.hdnd@ptdv.example"] and len(all_of_them) == 4


def test_the_brief_counts_since_what_the_last_one_said_an_admission_recorded_late_included(demo_copy, inbox):
    settings = _settings(inbox)
    week_before = date(2026, 11, 13)
    remind(demo_copy, today=week_before, settings=settings)
    first = _parts(inbox.to("lanhdao@ptdv.example")[0])[0]
    reported = int(re.search(r"Kết nạp (\d+)/", first).group(1))
    with session_scope(demo_copy) as session:  # dated before the last brief, recorded after it
        cell = session.exec(select(Candidate.organization_id).where(Candidate.org_path.startswith(
            org_by_code(session, "NB-TAMCHUC").path))).first()
        from core.storage.models import Organization
        add_candidate(session, session.get(Organization, cell), {
            Stage.SOURCE: date(2024, 1, 5), Stage.OUTSTANDING: date(2024, 3, 1), Stage.CLASS_DONE: date(2024, 5, 1),
            Stage.DOSSIER: date(2025, 6, 1), Stage.BRANCH_RESOLUTION: date(2026, 9, 1),
            Stage.COMMITTEE_RESOLUTION: date(2026, 10, 1), Stage.DECISION: date(2026, 11, 10)})
    remind(demo_copy, today=DEMO_TODAY, settings=settings)
    second = _parts(inbox.to("lanhdao@ptdv.example")[1])[0]
    assert f"Kết nạp {reported + 1}/" in second
    assert "Từ ngày 13/11/2026: kết nạp thêm 1;" in second


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_long_digest_names_the_most_urgent_and_counts_the_rest(demo_copy, inbox, monkeypatch):
    from core.notify import digests

    monkeypatch.setattr(digests, "MAX_LINES", 5)
    remind(demo_copy, today=DEMO_TODAY, settings=_settings(inbox))
    plain = _parts(inbox.to("admin@ptdv.example")[0])[0]
    assert len(_record_ids(plain)) == 5 and plain.index("QUÁ HẠN") < plain.index("CÒN NỮA")
    more = int(re.search(r"Còn ([\d.]+) người có việc cần làm", plain).group(1).replace(".", ""))
    assert more > 100  # the province's admin: 122 candidates on the demo, 5 named
