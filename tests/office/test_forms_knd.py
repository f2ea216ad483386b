"""The drafts of 6-, 8-, 9-, 13- and 15-KNĐ read back with python-docx: each shows the candidate,
the organization, the vote and the date, under the Party document heading of the body that
issues it; offered once the step before is recorded; refused out of scope and to the projector."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from core.access.scope import Actor, ScopeError
from core.errors import FormError
from core.office.forms_knd import (
    FORMS,
    TEMPLATE_DIR,
    draft_docx,
    draft_options,
    texts_in_force,
)
from core.office.forms_template import build_form
from core.procedure.stages import Role, Stage
from core.storage.db import session_scope
from core.storage.models import StageEvent
from tests.factories import add_candidate, district
from tests.office.test_heading import kim_bang, reorganise

BEFORE_VOTE = {Stage.SOURCE: date(2023, 1, 5), Stage.OUTSTANDING: date(2023, 3, 1),
               Stage.CLASS_DONE: date(2023, 5, 10), Stage.DOSSIER: date(2024, 2, 1)}


def admin(orgs) -> Actor:
    return Actor("admin", Role.ADMIN, orgs["D"].path)


def secretary(orgs, code: str) -> Actor:
    return Actor(f"bithu.{code}", Role.SECRETARY, orgs[code].path)


def add_event(session, candidate, stage: str, on: date, number: str = "", **vote) -> None:
    session.add(StageEvent(candidate_id=candidate.id, stage=stage, event_date=on, document_number=number,
                           recorded_by="test", **vote))
    session.flush()


def whole_path(session, orgs, through: str = Stage.DOSSIER.value):
    """Lê Thị Hoa in Chi bộ thôn A (Đảng bộ xã C1, Huyện ủy D), with each step to `through`:
    the chi bộ's vote 10 of 14 official members (1 excused, 12 present), the đảng ủy's 7 of 9,
    the decision, the ceremony, the recognition votes."""
    c = add_candidate(session, orgs["C1-A"], BEFORE_VOTE, full_name="Lê Thị Hoa", birth=date(1998, 4, 9),
                      female=True, helper_name="Trần Văn Giúp", sponsor1_name="Trần Văn Giúp",
                      sponsor2_name="Phạm Thị Mai")
    steps = [
        (Stage.BRANCH_RESOLUTION.value, date(2024, 3, 5), "07-NQ/CB",
         dict(votes_for=10, votes_total=12, members_total=14, members_excused=1)),
        (Stage.COMMITTEE_RESOLUTION.value, date(2024, 3, 20), "12", dict(votes_for=7, votes_total=8, members_total=9)),
        (Stage.DECISION.value, date(2024, 4, 15), "150-QĐ/HU", dict(votes_for=5, votes_total=6, members_total=7)),
        (Stage.ADMITTED.value, date(2024, 5, 19), "", {}),
        ("recognition_branch", date(2025, 6, 2), "21-NQ/CB", dict(votes_for=12, votes_total=13, members_total=15,
                                                                  members_excused=0)),
        ("recognition_committee", date(2025, 6, 16), "30-NQ/ĐU", dict(votes_for=6, votes_total=9, members_total=9)),
    ]
    if through != Stage.DOSSIER.value:
        for stage, on, number, vote in steps:
            add_event(session, c, stage, on, number, **vote)
            if stage == through:
                break
    return c


def read(data: bytes):
    document = Document(io.BytesIO(data))
    left, right = document.tables[0].rows[0].cells
    recipients, signature = document.tables[-1].rows[0].cells
    body = "\n".join(p.text for p in document.paragraphs)
    return ([p.text for p in left.paragraphs], [p.text for p in right.paragraphs], body,
            [p.text for p in signature.paragraphs if p.text])


def test_6_knd_the_chi_bos_resolution_shows_the_candidate_the_chi_bo_and_its_vote_of_official_members(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        c = whole_path(s, orgs, Stage.BRANCH_RESOLUTION.value)
        left, right, body, signed = read(draft_docx(s, admin(orgs), c.id, "6-KNĐ"))
    assert left == ["ĐẢNG BỘ XÃ C1", "CHI BỘ THÔN A", "*", "Số 07-NQ/CB"]
    # 36-HD/VPTW point 1.4: the place where the body sits, the commune of a village's chi bộ.
    assert right == ["ĐẢNG CỘNG SẢN VIỆT NAM", "", "C1, ngày 05 tháng 03 năm 2024"]
    assert "NGHỊ QUYẾT\nđề nghị kết nạp đảng viên" in body
    assert "Ngày 05 tháng 03 năm 2024, Chi bộ thôn A họp xét đơn xin vào Đảng của quần chúng Lê Thị Hoa, " \
           "sinh ngày 09/04/1998; giới tính: Nữ" in body
    assert "giúp đỡ: đồng chí Trần Văn Giúp. Người giới thiệu: Trần Văn Giúp và Phạm Thị Mai." in body
    # 14 official members, 1 excused: 13 counted; 12 of them present, 1 absent; 10 for = 76,9% of 13.
    assert ("Tổng số đảng viên chính thức của chi bộ: 14 đồng chí; tạm chuyển sinh hoạt đảng hoặc được miễn công tác "
            "và sinh hoạt đảng: 1 đồng chí; số đảng viên chính thức được tính: 13 đồng chí. Có mặt: 12 đồng chí; "
            "vắng mặt: 1 đồng chí.") in body
    # Made in 03/2024: under the texts then in force, not today's.
    assert ("Căn cứ Điều lệ Đảng Cộng sản Việt Nam; Quy định số 24-QĐ/TW và Hướng dẫn số 01-HD/TW về thi hành "
            "Điều lệ Đảng;") in body
    assert "tán thành: 10 đồng chí, đạt 76,9% số đảng viên chính thức được tính; không tán thành: 2 đồng chí." in body
    assert "Chi bộ đề nghị Đảng ủy xã C1 xem xét" in body
    assert signed[0] == "T/M CHI BỘ" and "{{" not in body


def test_8_knd_the_dang_uys_resolution_counts_all_committee_members(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        c = whole_path(s, orgs, Stage.COMMITTEE_RESOLUTION.value)
        left, right, body, signed = read(draft_docx(s, admin(orgs), c.id, "8-KNĐ"))
    assert left == ["ĐẢNG BỘ HUYỆN D", "ĐẢNG ỦY XÃ C1", "*", "Số 12-NQ/ĐU"]  # a bare number gets its symbol
    assert right[-1] == "C1, ngày 20 tháng 03 năm 2024"
    assert "Đảng ủy xã C1 họp xét Nghị quyết đề nghị kết nạp đảng viên của Chi bộ thôn A (số 07-NQ/CB ngày " \
           "05/03/2024) đối với quần chúng Lê Thị Hoa" in body
    assert "Tổng số cấp ủy viên: 9 đồng chí; có mặt: 8 đồng chí; vắng mặt: 1 đồng chí." in body
    assert "Số cấp ủy viên tán thành: 7 đồng chí, đạt 77,8% tổng số cấp ủy viên; không tán thành: 1 đồng chí." in body
    assert "Đảng ủy xã C1 đề nghị Huyện ủy D xem xét, quyết định kết nạp" in body
    assert signed[0] == "T/M ĐẢNG ỦY"


def test_9_knd_the_decision_is_the_upper_committees_citing_both_resolutions(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        c = whole_path(s, orgs, Stage.DECISION.value)
        left, right, body, signed = read(draft_docx(s, admin(orgs), c.id, "9-KNĐ"))
    # The top of the tree has no upper đảng bộ in the database: a line to fill in.
    assert left == ["……………", "HUYỆN ỦY D", "*", "Số 150-QĐ/HU"]
    assert right[-1] == "D, ngày 15 tháng 04 năm 2024"
    assert "QUYẾT ĐỊNH\nkết nạp đảng viên" in body
    assert ("Xét Nghị quyết đề nghị kết nạp đảng viên của Chi bộ thôn A (số 07-NQ/CB ngày 05/03/2024) và Nghị quyết "
            "của Đảng ủy xã C1 (số 12 ngày 20/03/2024);") in body
    assert "biểu quyết ngày 15 tháng 04 năm 2024: 5/7 đồng chí tán thành (có mặt 6 đồng chí)" in body
    assert "BAN THƯỜNG VỤ HUYỆN ỦY D QUYẾT ĐỊNH" in body
    assert "Điều 1. Kết nạp quần chúng Lê Thị Hoa, sinh ngày 09/04/1998" in body
    assert signed[0] == "T/M BAN THƯỜNG VỤ"


def test_13_and_15_knd_recognition_resolutions_show_the_admission_and_the_vote(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        c = whole_path(s, orgs, "recognition_committee")
        _left13, right13, body13, signed13 = read(draft_docx(s, admin(orgs), c.id, "13-KNĐ"))
        left15, _right15, body15, signed15 = read(draft_docx(s, admin(orgs), c.id, "15-KNĐ"))
    assert right13[-1] == "C1, ngày 02 tháng 06 năm 2025"
    assert "NGHỊ QUYẾT\nđề nghị công nhận đảng viên chính thức" in body13
    assert ("Chi bộ thôn A họp xét đề nghị công nhận đảng viên chính thức cho đồng chí Lê Thị Hoa, sinh ngày 09/04/1998, "
            "được kết nạp vào Đảng theo Quyết định số 150-QĐ/HU ngày 15/04/2024 của Huyện ủy D; lễ kết nạp ngày "
            "19/05/2024") in body13
    assert "số đảng viên chính thức được tính: 15 đồng chí. Có mặt: 13 đồng chí; vắng mặt: 2 đồng chí." in body13
    assert "tán thành: 12 đồng chí, đạt 80% số đảng viên chính thức được tính" in body13
    assert signed13[0] == "T/M CHI BỘ"
    assert left15 == ["ĐẢNG BỘ HUYỆN D", "ĐẢNG ỦY XÃ C1", "*", "Số 30-NQ/ĐU"]
    assert "của Chi bộ thôn A (số 21-NQ/CB ngày 02/06/2025) đối với đồng chí Lê Thị Hoa" in body15
    assert "Số cấp ủy viên tán thành: 6 đồng chí, đạt 66,7% tổng số cấp ủy viên" in body15
    assert "quyết định công nhận đồng chí Lê Thị Hoa là đảng viên chính thức" in body15 and signed15[0] == "T/M ĐẢNG ỦY"


def test_a_draft_is_offered_once_the_step_before_it_is_recorded_with_dotted_lines_for_what_is_not(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        c = whole_path(s, orgs)  # the dossier complete, no vote yet
        options = {o.code: o for o in draft_options(s, admin(orgs), c.id)}
        left, right, body, _signed = read(draft_docx(s, admin(orgs), c.id, "6-KNĐ"))
        with pytest.raises(FormError) as refused:
            draft_docx(s, admin(orgs), c.id, "8-KNĐ")
    assert [code for code, o in options.items() if o.ready] == ["6-KNĐ"]
    assert options["8-KNĐ"].reason == refused.value.errors[0]
    assert "hồ sơ chưa có bước «Chi bộ đề nghị kết nạp»" in options["8-KNĐ"].reason
    assert "12-HD/BTCTW" in options["8-KNĐ"].reason
    assert left[-1] == "Số    -NQ/CB" and right[-1] == "C1, ngày …… tháng …… năm ……"
    assert "Ngày …… tháng …… năm ……, Chi bộ thôn A họp xét đơn xin vào Đảng của quần chúng Lê Thị Hoa" in body
    assert "Tổng số đảng viên chính thức của chi bộ: …………… đồng chí" in body


def test_nothing_is_drafted_before_the_dossier_nor_for_a_candidate_who_left(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        early = add_candidate(s, orgs["C1-A"], {Stage.SOURCE: date(2024, 1, 5)})
        stopped = add_candidate(s, orgs["C1-A"], BEFORE_VOTE, exit_=("stopped", date(2024, 3, 1)))
        assert not any(o.ready for o in draft_options(s, admin(orgs), early.id))
        with pytest.raises(FormError, match="hồ sơ chưa có bước «Hoàn thiện hồ sơ»"):
            draft_docx(s, admin(orgs), early.id, "6-KNĐ")
        with pytest.raises(FormError, match="đã ra khỏi quy trình"):
            draft_docx(s, admin(orgs), stopped.id, "6-KNĐ")


def test_a_chi_bo_co_so_has_no_8_knd_and_its_decision_follows_its_own_vote(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        c = add_candidate(s, orgs["S"], BEFORE_VOTE, full_name="Ngô Minh Tú")
        add_event(s, c, Stage.BRANCH_RESOLUTION.value, date(2024, 3, 5), "03-NQ/CB", votes_for=6, votes_total=7,
                  members_total=8, members_excused=0)
        options = {o.code: o for o in draft_options(s, admin(orgs), c.id)}
        left, _right, body, _signed = read(draft_docx(s, admin(orgs), c.id, "6-KNĐ"))
        _left9, _right9, body9, _signed9 = read(draft_docx(s, admin(orgs), c.id, "9-KNĐ"))
    assert [code for code, o in options.items() if o.ready] == ["6-KNĐ", "9-KNĐ"]
    assert "chi bộ cơ sở, không có đảng ủy cơ sở" in options["8-KNĐ"].reason
    assert left == ["ĐẢNG BỘ HUYỆN D", "CHI BỘ TRƯỜNG THPT S", "*", "Số 03-NQ/CB"]
    assert "Chi bộ đề nghị Huyện ủy D xem xét" in body  # straight to the committee that decides
    assert "Xét Nghị quyết đề nghị kết nạp đảng viên của Chi bộ Trường THPT S (số 03-NQ/CB ngày 05/03/2024);" in body9


def test_a_secretary_drafts_only_its_own_bodys_documents_and_only_for_its_candidates(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        c = whole_path(s, orgs, "recognition_committee")
        own = [o.code for o in draft_options(s, secretary(orgs, "C1-A"), c.id)]
        commune = [o.code for o in draft_options(s, secretary(orgs, "C1"), c.id)]
        assert own == ["6-KNĐ", "13-KNĐ"] and commune == ["6-KNĐ", "8-KNĐ", "13-KNĐ", "15-KNĐ"]
        assert "Lê Thị Hoa" in read(draft_docx(s, secretary(orgs, "C1-A"), c.id, "6-KNĐ"))[2]
        with pytest.raises(ScopeError):
            draft_docx(s, secretary(orgs, "C1-A"), c.id, "8-KNĐ")  # the đảng ủy's resolution
        with pytest.raises(ScopeError):
            draft_docx(s, secretary(orgs, "C1-B"), c.id, "6-KNĐ")  # another chi bộ's candidate
        with pytest.raises(ScopeError):
            draft_options(s, secretary(orgs, "C2"), c.id)
        with pytest.raises(ScopeError):
            draft_docx(s, Actor("trinhchieu", Role.PROJECTOR, orgs["D"].path), c.id, "6-KNĐ")


@pytest.mark.parametrize("spec", FORMS, ids=lambda f: f.code)
def test_the_committed_templates_are_the_ones_the_script_makes(spec):
    committed = Document(str(TEMPLATE_DIR / spec.template))
    made = build_form(spec.key)

    def text(document) -> list[str]:
        cells = [p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs]
        return [p.text for p in document.paragraphs] + cells

    assert text(committed) == text(made)
    section = committed.sections[0]
    assert [round(x.mm) for x in (section.page_width, section.page_height)] == [210, 297]
    assert committed.styles["Normal"].font.name == "Times New Roman"


@pytest.mark.parametrize(("on", "texts"), [
    (date(2020, 12, 1), "Quy định số 29-QĐ/TW và Hướng dẫn số 01-HD/TW"),
    (date(2021, 7, 30), "Quy định số 24-QĐ/TW và Hướng dẫn số 01-HD/TW"),
    (date(2024, 3, 5), "Quy định số 24-QĐ/TW và Hướng dẫn số 01-HD/TW"),
    (date(2025, 1, 19), "Quy định số 24-QĐ/TW và Hướng dẫn số 01-HD/TW"),
    (date(2025, 1, 20), "Quy định số 232-QĐ/TW và Hướng dẫn số 01-HD/TW"),
    (date(2025, 6, 30), "Quy định số 232-QĐ/TW và Hướng dẫn số 01-HD/TW"),
    (date(2025, 7, 1), "Quy định số 294-QĐ/TW và Hướng dẫn số 06-HD/TW"),
    (None, "Quy định số 294-QĐ/TW và Hướng dẫn số 06-HD/TW"),
])
def test_a_draft_cites_the_texts_in_force_on_its_date(on, texts):
    assert texts_in_force(on) == texts


def test_drafts_follow_the_tree_of_their_date_across_the_reorganisation(engine):
    """A decision of 2024 is the district's, under the province's old name; one of 2026 is the
    đảng ủy phường's, which decides for its chi bộ itself (no 8-KNĐ), signed for its standing
    committee; the chi bộ's resolution names the commune it then stood in."""
    with session_scope(engine) as s:
        orgs = kim_bang(s)
        early = add_candidate(s, orgs["C1-A"], BEFORE_VOTE, full_name="Lê Thị Hoa", birth=date(1998, 4, 9))
        add_event(s, early, Stage.BRANCH_RESOLUTION.value, date(2024, 3, 5), "07-NQ/CB", votes_for=10, votes_total=12,
                  members_total=14, members_excused=1)
        add_event(s, early, Stage.COMMITTEE_RESOLUTION.value, date(2024, 3, 20), "12", votes_for=7, votes_total=8,
                  members_total=9)
        add_event(s, early, Stage.DECISION.value, date(2024, 4, 15), "150", votes_for=5, votes_total=6, members_total=7)
        reorganise(s, orgs)
        late = add_candidate(s, orgs["C1-A"], {Stage.SOURCE: date(2025, 1, 5), Stage.OUTSTANDING: date(2025, 3, 1),
                                               Stage.CLASS_DONE: date(2025, 5, 10), Stage.DOSSIER: date(2026, 2, 2)},
                             full_name="Ngô Minh Tú")
        add_event(s, late, Stage.BRANCH_RESOLUTION.value, date(2026, 3, 5), "03-NQ/CB", votes_for=9, votes_total=10,
                  members_total=12, members_excused=0)
        add_event(s, late, Stage.DECISION.value, date(2026, 4, 15), "05", votes_for=8, votes_total=9, members_total=11)
        admin = Actor("admin", Role.ADMIN, orgs["P"].path)
        ward = Actor("bithu.tamchuc", Role.SECRETARY, orgs["W"].path)
        left6, right6, _body6, _signed6 = read(draft_docx(s, admin, early.id, "6-KNĐ"))
        left9, right9, body9, signed9 = read(draft_docx(s, admin, early.id, "9-KNĐ"))
        late_options = {o.code: o for o in draft_options(s, ward, late.id, today=date(2026, 11, 20))}
        late_left6, _right, _body, _signed = read(draft_docx(s, ward, late.id, "6-KNĐ"))
        late_left9, late_right9, late_body9, late_signed9 = read(draft_docx(s, ward, late.id, "9-KNĐ"))
        early_for_ward = {o.code: o for o in draft_options(s, ward, early.id, today=date(2026, 11, 20))}
        with pytest.raises(ScopeError):
            draft_docx(s, ward, early.id, "9-KNĐ")  # the dissolved district's decision: the province's to reprint
    assert left6 == ["ĐẢNG BỘ XÃ THANH SƠN", "CHI BỘ THÔN 1", "*", "Số 07-NQ/CB"]
    assert right6[-1] == "Thanh Sơn, ngày 05 tháng 03 năm 2024"
    assert left9 == ["ĐẢNG BỘ TỈNH HÀ NAM", "HUYỆN ỦY KIM BẢNG", "*", "Số 150-QĐ/HU"]
    assert right9[-1] == "Kim Bảng, ngày 15 tháng 04 năm 2024"
    assert "BAN THƯỜNG VỤ HUYỆN ỦY KIM BẢNG QUYẾT ĐỊNH" in body9 and "Đảng ủy xã Thanh Sơn (số 12 ngày" in body9
    assert "Điều 3. Đảng ủy xã Thanh Sơn, Chi bộ thôn 1 và đồng chí Lê Thị Hoa chịu trách nhiệm" in body9
    assert signed9[0] == "T/M BAN THƯỜNG VỤ"
    # 2026: the chi bộ is the ward's; the ward decides, and there is no đảng ủy's resolution.
    assert late_left6 == ["ĐẢNG BỘ PHƯỜNG TAM CHÚC", "CHI BỘ THÔN 1", "*", "Số 03-NQ/CB"]
    assert [code for code, o in late_options.items() if o.ready] == ["6-KNĐ", "9-KNĐ"]
    assert "thuộc Đảng ủy phường Tam Chúc" in late_options["8-KNĐ"].reason
    assert late_left9 == ["ĐẢNG BỘ TỈNH NINH BÌNH", "ĐẢNG ỦY PHƯỜNG TAM CHÚC", "*", "Số 05-QĐ/ĐU"]
    assert late_right9[-1] == "Tam Chúc, ngày 15 tháng 04 năm 2026"
    assert "BAN THƯỜNG VỤ ĐẢNG ỦY PHƯỜNG TAM CHÚC QUYẾT ĐỊNH" in late_body9
    assert "Xét Nghị quyết đề nghị kết nạp đảng viên của Chi bộ thôn 1 (số 03-NQ/CB ngày 05/03/2026);" in late_body9
    assert "Điều 3. Chi bộ thôn 1 và đồng chí Ngô Minh Tú chịu trách nhiệm" in late_body9
    assert late_signed9[0] == "T/M BAN THƯỜNG VỤ"
    # The ward's secretary reprints the chi bộ's 2024 resolution, not the district's decision;
    # the recognition, still to come, goes through the ward: no đảng ủy's resolution (15-KNĐ).
    assert list(early_for_ward) == ["6-KNĐ", "13-KNĐ", "15-KNĐ"]
    assert "thuộc Đảng ủy phường Tam Chúc" in early_for_ward["15-KNĐ"].reason


def test_an_authorized_dang_uy_without_standing_committee_decides_in_its_own_name(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        orgs["C1"].authorized = True
        s.add(orgs["C1"])
        c = whole_path(s, orgs, Stage.BRANCH_RESOLUTION.value)
        add_event(s, c, Stage.DECISION.value, date(2024, 4, 15), "09", votes_for=7, votes_total=8, members_total=9)
        left, _right, body, signed = read(draft_docx(s, admin(orgs), c.id, "9-KNĐ"))
    assert left == ["ĐẢNG BỘ HUYỆN D", "ĐẢNG ỦY XÃ C1", "*", "Số 09-QĐ/ĐU"]
    assert "ĐẢNG ỦY XÃ C1 QUYẾT ĐỊNH" in body and "BAN THƯỜNG VỤ" not in body
    assert signed[0] == "T/M ĐẢNG ỦY"
