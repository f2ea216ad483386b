"""Việc của tôi through AppTest, on the demo as bithu.hdnd (a đảng ủy secretary): she lands on it;
one card per candidate still in the procedure, the overdue first, with its next step, the
deadline in (working) days and what the record lacks; a step recorded from a card's dialog
is in the database and on the card; the roll-up of her chi bộ filters the cards; nothing of
another branch; a chi bộ with no candidate says so."""
from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta

import pytest

from core.cli.demo import RENAMED_IN_WARD
from core.config import current_day
from core.format import md_unescape
from core.procedure.workdays import add_months, add_working_days, working_days_between
from tests.apptest import app, open_page, shown, sign_in, texts
from tests.factories import overdue_in_hdnd

IN_PROCEDURE = ("SELECT c.id FROM candidate c JOIN organization o ON o.id = c.organization_id WHERE o.code LIKE ? "
                "AND c.exit IS NULL AND c.official_date IS NULL AND c.stage IS NOT NULL")


def query(db, sql: str, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def cards(at) -> dict[int, str]:
    """Each card drawn, in order: candidate id → what it shows (texts, then its buttons and links)."""
    found: dict[int, str] = {}

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            if not hasattr(child, "children"):
                continue
            match = re.search(r"_card_(\d+)$", str(getattr(child.proto, "id", "")))
            if match:
                parts = [shown(e) for kind in ("markdown", "caption") for e in getattr(child, kind)]
                parts += [md_unescape(b.label) for b in child.button]
                parts += [md_unescape(link.proto.label) for link in child.get("page_link")]
                found[int(match.group(1))] = "\n".join(parts)
            else:
                walk(child)

    walk(at.main)
    return found


def show_all(at) -> None:
    while any(b.key.endswith("_more") for b in at.button):
        next(b for b in at.button if b.key.endswith("_more")).click().run()


@pytest.fixture
def overdue(demo_app) -> tuple[int, str]:
    return overdue_in_hdnd(demo_app)


def test_a_secretary_lands_on_her_cards_the_overdue_first(demo_app, overdue):
    candidate_id, name = overdue
    at = sign_in(app().run(), "bithu.hdnd")
    assert not at.exception
    assert shown(at.title[0]) == "Việc của tôi"  # her first page, not the overview
    drawn = cards(at)
    assert list(drawn)[0] == candidate_id  # the only overdue card comes first
    [(org_name, dossier)] = query(demo_app, "SELECT o.name, c.dossier_date FROM candidate c JOIN organization o "
                                            "ON o.id = c.organization_id WHERE c.id = ?", candidate_id)
    vote = date.fromisoformat(dossier) + timedelta(days=1)
    late = working_days_between(add_working_days(vote, 60), current_day())
    card = drawn[candidate_id]
    assert name in card and org_name in card
    assert "Đang ở bước: Chi bộ đề nghị kết nạp (từ " + vote.strftime("%d/%m/%Y") + ")" in card
    assert "Bước tiếp theo: Đảng ủy cơ sở đề nghị" in card
    assert f"quá hạn {late} ngày làm việc" in card and "Ra quyết định kết nạp (tính từ nghị quyết chi bộ)" in card
    assert "Ghi bước «Đảng ủy cơ sở đề nghị»" in card and "Mở hồ sơ" in card

    # Every candidate of HĐND still in the procedure has a card, twenty at first, then the rest.
    everyone = {i for (i,) in query(demo_app, IN_PROCEDURE, "KB-HDND-%")}
    assert len(drawn) == 20 and set(drawn) < everyone
    assert f"Đang hiện 1–20 trong {len(everyone)} quần chúng." in [shown(c) for c in at.caption]
    assert f"Xem tất cả {len(everyone)} quần chúng" in [md_unescape(b.label) for b in at.button]
    show_all(at)
    assert set(cards(at)) == everyone


def test_a_card_says_what_the_record_lacks(demo_app):
    at = open_page("bithu.hdnd", "pages/todo.py")
    show_all(at)
    drawn = cards(at)
    # Admitted without the new-member class; a dossier with one sponsor and no Đoàn resolution.
    no_class = [i for (i,) in query(demo_app, IN_PROCEDURE + " AND c.stage = 'admitted' AND "
                                    "c.new_member_class_date IS NULL", "KB-HDND-%")]
    one_sponsor = [i for (i,) in query(demo_app, IN_PROCEDURE + " AND c.stage = 'dossier' AND c.sponsor2_name = '' "
                                       "AND c.youth_union_resolution_date IS NULL", "KB-HDND-%")]
    assert no_class and one_sponsor
    for i in no_class:
        assert "Cần bổ sung:" in drawn[i]
        assert "- Chưa học lớp bồi dưỡng đảng viên mới (Điều lệ Đảng, Điều 5; Hướng dẫn 12-HD/BTCTW)." in drawn[i]
    for i in one_sponsor:
        assert "Thiếu người giới thiệu: cần hai đảng viên chính thức" in drawn[i]
        assert "Bước tiếp theo: Chi bộ đề nghị kết nạp" in drawn[i]
    with_class = [(i, date.fromisoformat(admitted)) for i, admitted in query(
        demo_app, IN_PROCEDURE.replace("SELECT c.id", "SELECT c.id, c.admitted_date")
        + " AND c.stage = 'admitted' AND c.new_member_class_date IS NOT NULL", "KB-HDND-%")]
    assert with_class and all("lớp bồi dưỡng đảng viên mới" not in drawn[i] for i, _admitted in with_class)
    # The recognition papers the chi bộ's vote will need: named once the probation's end is near
    # (within due_soon_days), not from the ceremony on. The demo records none.
    near = [i for i, admitted in with_class if current_day() >= add_months(admitted, 12) - timedelta(days=30)]
    far = [i for i, admitted in with_class if i not in near]
    assert near or far
    recognition = ("- Hồ sơ công nhận đảng viên chính thức còn thiếu: Bản tự kiểm điểm của đảng viên dự bị (mẫu 10-KNĐ); "
                   "Bản nhận xét của đảng viên giúp đỡ (mẫu 11-KNĐ); Tổng hợp ý kiến nhận xét đối với đảng viên dự bị "
                   "(mẫu 12-KNĐ). (Điều lệ Đảng, Điều 5;")
    assert all(recognition in drawn[i] for i in near) and not any("Hồ sơ công nhận" in drawn[i] for i in far)


def test_a_step_recorded_from_a_card_is_in_the_database_and_on_the_card(demo_app, overdue):
    candidate_id, name = overdue
    at = open_page("bithu.hdnd", "pages/todo.py")
    step = f"todo_KB-HDND_step_{candidate_id}"
    at.button(key=step).click().run()
    [version] = query(demo_app, "SELECT version FROM candidate WHERE id = ?", candidate_id)[0]
    tag = f"{candidate_id}_{version}"
    submit = f"FormSubmitter:todo_step_{candidate_id}-Ghi bước"
    assert at.selectbox(key=f"step_stage_{tag}").value == "committee_resolution"  # the one step possible
    at.date_input(key=f"step_date_{tag}").set_value(current_day())
    at.number_input(key=f"step_votes_for_{tag}").set_value(5)
    at.number_input(key=f"step_votes_total_{tag}").set_value(12)
    at.number_input(key=f"step_members_total_{tag}").set_value(14)
    at.button(key=submit).click().run()
    assert [shown(e) for e in at.error] == [  # in the dialog: 2/3 of the committee's 14 members, not of the 12 present
        "Không thể ghi: Số phiếu tán thành 5/14 cấp ủy viên chưa đạt 2/3: cần ít nhất 10 phiếu. "
        "(Điều lệ Đảng, Điều 4, khoản 3; Hướng dẫn 06-HD/TW, điểm 3.7a)"]
    assert query(demo_app, "SELECT stage FROM candidate WHERE id = ?", candidate_id) == [("branch_resolution",)]

    at.number_input(key=f"step_votes_for_{tag}").set_value(11)
    at.button(key=submit).click().run()
    assert not at.exception
    today = current_day().strftime("%d/%m/%Y")
    assert f"Đã ghi bước «Đảng ủy cơ sở đề nghị» ngày {today} cho {name}." in texts(at)
    assert query(demo_app, "SELECT stage, committee_resolution_date FROM candidate WHERE id = ?", candidate_id) == [
        ("committee_resolution", current_day().isoformat())]
    card = cards(at)[candidate_id]
    assert f"Đang ở bước: Đảng ủy cơ sở đề nghị (từ {today})" in card
    assert "Bước tiếp theo: Có quyết định kết nạp" in card and "Ghi bước «Có quyết định kết nạp»" in card
    assert "quá hạn" in card  # the decision is still late


def test_the_roll_up_of_a_dang_uy_filters_the_cards_to_one_chi_bo(demo_app, overdue):
    candidate_id, _name = overdue
    [(code, org_name)] = query(demo_app, "SELECT o.code, o.name FROM candidate c JOIN organization o "
                                         "ON o.id = c.organization_id WHERE c.id = ?", candidate_id)
    at = open_page("bithu.hdnd", "pages/todo.py")
    assert "Tổ chức trực thuộc có việc quá hạn hoặc sắp đến hạn" in texts(at)
    rolled = [b for b in at.button if b.key.startswith("todo_rollup_")]
    assert rolled[0].key == f"todo_rollup_{code}"  # the most overdue first
    assert re.fullmatch(rf"{re.escape(org_name)}: 1 quá hạn · \d+ sắp đến hạn", md_unescape(rolled[0].label))
    assert all(re.search(r": [1-9]\d* quá hạn|: 0 quá hạn · [1-9]", md_unescape(b.label)) for b in rolled)

    rolled[0].click().run()
    assert at.query_params["org"] == code
    chi_bo = {i for (i,) in query(demo_app, IN_PROCEDURE, code)}
    assert set(cards(at)) == chi_bo and candidate_id in chi_bo
    assert "Tổ chức trực thuộc có việc" not in texts(at)  # a chi bộ has nothing below
    back = at.button(key="todo_back_up")
    assert md_unescape(back.label) == f"Xem lại toàn bộ {RENAMED_IN_WARD['KB-HDND']}"
    back.click().run()
    assert len(cards(at)) == 20 and "Tổ chức trực thuộc có việc" in texts(at)


def test_nothing_of_another_branch(demo_app):
    at = open_page("bithu.hdnd", "pages/todo.py", org="KB-THANHSON")
    assert "Tổ chức «KB-THANHSON» nằm ngoài phạm vi được phép xem." in texts(at)
    show_all(at)
    hdnd = {i for (i,) in query(demo_app, IN_PROCEDURE, "KB-HDND%")}
    assert set(cards(at)) == hdnd
    assert not {i for (i,) in query(demo_app, IN_PROCEDURE, "KB-THANHSON%")} & set(cards(at))
    assert "Thanh Sơn" not in texts(at)


def test_a_chi_bo_without_candidates_says_there_is_nothing_to_do(demo_app):
    at = open_page("bithu.hdnd", "pages/todo.py", org="KB-HDND-18")
    assert not cards(at)
    assert ("Chi bộ Đội Quản lý trật tự đô thị không có quần chúng nào đang trong quy trình: "
            "chưa có việc cần làm.") in texts(at)


def test_the_admin_may_open_it_and_a_leader_is_not_offered_it(demo_app):
    admin = open_page("admin", "pages/todo.py", org="NB-TAMCHUC")
    assert shown(admin.title[0]) == "Việc của tôi" and cards(admin)
    leader = sign_in(app().run(), "lanhdao")
    with pytest.raises(ValueError):
        leader.switch_page("pages/todo.py")


def test_the_branch_page_shows_what_is_due_as_the_same_cards_and_opens_any_record_by_touch(demo_app, overdue):
    candidate_id, name = overdue
    at = open_page("bithu.hdnd", "pages/branch.py")
    drawn = cards(at)
    urgent = [i for i, card in drawn.items() if "quá hạn" in card or "sắp" in card or "đến hạn hôm nay" in card]
    assert list(drawn)[0] == candidate_id and urgent == list(drawn)  # only what is overdue or due soon
    assert "Ghi bước «Đảng ủy cơ sở đề nghị»" in drawn[candidate_id]
    assert not [b for b in at.button if b.key.startswith("todo_rollup_")]  # the roll-up is Việc của tôi's
    picker = at.selectbox(key="branch_pick")
    assert picker.value is None and len(picker.options) == len(query(demo_app, IN_PROCEDURE, "KB-HDND-%"))
    picker.select(candidate_id).run()
    [link] = [p for p in at.page_link if p.proto.page == "ho-so" and p.proto.query_string == f"id={candidate_id}"
              and md_unescape(p.proto.label).startswith("Mở hồ sơ " + name)]
    assert md_unescape(link.proto.label) == f"Mở hồ sơ {name} – " + query(
        demo_app, "SELECT o.name FROM candidate c JOIN organization o ON o.id = c.organization_id WHERE c.id = ?",
        candidate_id)[0][0]


def test_a_step_recorded_meanwhile_by_someone_else_is_not_recorded_twice_from_the_dialog(demo_app, overdue):
    candidate_id, _name = overdue
    at = open_page("bithu.hdnd", "pages/todo.py")
    at.button(key=f"todo_KB-HDND_step_{candidate_id}").click().run()
    [(version,)] = query(demo_app, "SELECT version FROM candidate WHERE id = ?", candidate_id)
    tag = f"{candidate_id}_{version}"
    at.date_input(key=f"step_date_{tag}").set_value(current_day())
    at.number_input(key=f"step_votes_for_{tag}").set_value(11)
    at.number_input(key=f"step_votes_total_{tag}").set_value(12)
    at.number_input(key=f"step_members_total_{tag}").set_value(14)
    other = open_page("admin", "pages/candidate.py", id=str(candidate_id))  # the same step, from the record page
    other.date_input(key=f"step_date_{version}").set_value(current_day() - timedelta(days=1))
    other.number_input(key=f"step_votes_for_{version}").set_value(10)
    other.number_input(key=f"step_votes_total_{version}").set_value(12)
    other.number_input(key=f"step_members_total_{version}").set_value(14)
    other.button(key="FormSubmitter:record_stage-Ghi bước").click().run()
    events = query(demo_app, "SELECT count(*) FROM stage_event WHERE candidate_id = ?", candidate_id)

    at.button(key=f"FormSubmitter:todo_step_{candidate_id}-Ghi bước").click().run()
    assert not at.exception
    assert shown(at.error[0]).startswith("Chưa ghi gì: trong lúc bạn nhập, người khác đã thay đổi hồ sơ này.")
    assert query(demo_app, "SELECT count(*) FROM stage_event WHERE candidate_id = ?", candidate_id) == events
    assert query(demo_app, "SELECT committee_resolution_date FROM candidate WHERE id = ?", candidate_id) == [
        ((current_day() - timedelta(days=1)).isoformat(),)]
    assert "Bước tiếp theo: Có quyết định kết nạp" in cards(at)[candidate_id]  # the card as the record is now
    assert not any(str(w.key).startswith("step_date_") for w in at.date_input)  # the dialog closed


def test_the_branch_page_lists_its_candidates_for_a_phone_without_link_addresses(demo_app, overdue):
    _, name = overdue
    at = open_page("bithu.hdnd", "pages/branch.py")
    [listed] = [shown(m) for m in at.markdown if shown(m).startswith("**") and f"**{name}**" in shown(m)
                and "Bước tiếp theo" in shown(m)]  # the phone's list: one paragraph per candidate
    assert "ho-so?id=" not in listed and "Hồ sơ:" not in listed
    assert len(listed.split("\n\n")) == len(query(demo_app, IN_PROCEDURE, "KB-HDND-%"))
