"""The official report read back with python-docx: the Party document's heading, the figures
of Huyện ủy Kim Bảng 2023, the table, the format; the template and how it is filled."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from docx import Document
from docx.shared import Pt
from sqlmodel import select

from core.access.scope import Actor, ScopeError, operator, org_by_code, resolve
from core.cli.demo import DEMO_TODAY, WARDS
from core.config import RuleSettings
from core.figures.progress import headline, org_figures
from core.format import fmt_percent
from core.office.forms_template import build_list_template
from core.office.heading import committee_name, party_body_name, party_heading
from core.office.heading import symbol as symbol_of
from core.office.lists import LIST_TEMPLATE_PATH
from core.office.report import (
    TEMPLATE_PATH,
    default_heading,
    render_report,
    report_docx,
    report_figures,
    report_file_name,
    report_values,
)
from core.office.report_template import build_template
from core.procedure.stages import Role
from core.storage.db import session_scope
from core.storage.models import Organization

RULES = RuleSettings()


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [p.text for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def kim_bang_2023(demo_db_file):
    from core.storage.db import make_engine

    engine = make_engine(f"sqlite:///{demo_db_file}")
    with session_scope(engine) as s:
        actor = operator(s, "admin")
        heading = replace(default_heading(s, resolve(s, actor, "KB"), today=date(2024, 1, 19)), number="141-BC/HU",
                          upper_body="ĐẢNG BỘ TỈNH HÀ NAM", signer_title="PHÓ BÍ THƯ", signer_name="Nguyễn Văn Đoàn",
                          recipients=("Ban Tổ chức Tỉnh ủy,", "Lưu VPHU."))
        data = report_docx(s, resolve(s, actor, "KB"), year=2023, as_of=date(2023, 12, 31), rules=RULES, heading=heading)
    engine.dispose()
    return Document(io.BytesIO(data))


def test_the_heading_is_that_of_a_party_document(kim_bang_2023):
    left, right = kim_bang_2023.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["ĐẢNG BỘ TỈNH HÀ NAM", "HUYỆN ỦY KIM BẢNG", "*", "Số 141-BC/HU"]
    party = right.paragraphs[0].runs[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and party.bold and party.underline
    place = right.paragraphs[-1].runs[0]
    assert place.text == "Kim Bảng, ngày 19 tháng 01 năm 2024" and place.italic
    texts = [p.text for p in kim_bang_2023.paragraphs]
    assert texts[:3] == ["BÁO CÁO", "kết quả công tác phát triển đảng viên năm 2023", "(số liệu đến ngày 31/12/2023)"]


def test_the_figures_are_those_published(kim_bang_2023):
    text = all_text(kim_bang_2023)
    assert ("Năm 2023, Huyện ủy Kim Bảng kết nạp được 148 đảng viên mới, đạt 102,1% kế hoạch năm (148/145); "
            "tỷ lệ kết nạp bằng 3,05% tổng số đảng viên đầu năm (4.850 đảng viên), trong mức khuyến nghị (3–4%).") in text
    assert "Có 27/32 tổ chức cơ sở đảng kết nạp được đảng viên" in text
    assert "Đảng bộ thị trấn Quế (7/8, đạt 87,5%)" in text  # below plan, to be corrected
    assert "Đề nghị biểu dương, khen thưởng" in text
    assert "Chỉ tiêu kết nạp năm 2024: 150 đảng viên" in text
    assert "{{" not in text


def test_the_table_has_every_child_and_the_total(kim_bang_2023):
    table = kim_bang_2023.tables[1]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["TT", "Tổ chức đảng", "Đảng viên đầu năm", "Chỉ tiêu", "Kết nạp", "Đạt (% kế hoạch)",
                      "So với đảng viên", "Đánh giá"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert len(rows) == 33  # 32 organizations under the district, then the district
    assert rows[-1] == ["", "Toàn Huyện ủy Kim Bảng", "4.850", "145", "148", "102,1%", "3,05%", "Hoàn thành"]
    hdnd = next(r for r in rows if r[1] == "Đảng bộ HĐND & UBND huyện")
    assert hdnd[2:] == ["146", "5", "5", "100%", "3,42%", "Hoàn thành"]
    assert [r[0] for r in rows[:-1]] == [str(i) for i in range(1, 33)]
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeated on every page


def test_signature_recipients_and_the_page(kim_bang_2023):
    recipients, signature = kim_bang_2023.tables[-1].rows[0].cells
    assert [p.text for p in recipients.paragraphs] == ["Nơi nhận:", "- Ban Tổ chức Tỉnh ủy,", "- Lưu VPHU."]
    signed = [p.text for p in signature.paragraphs if p.text]
    assert signed == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Văn Đoàn"]
    section = kim_bang_2023.sections[0]
    sizes = [section.page_width, section.page_height, section.left_margin, section.right_margin]
    assert [round(size.mm) for size in sizes] == [210, 297, 30, 15]  # A4, Hướng dẫn 36's margins
    normal = kim_bang_2023.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size == Pt(14)
    body = next(p for p in kim_bang_2023.paragraphs if p.text.startswith("Năm 2023"))
    assert body.runs[0].font.size == Pt(13) and body.runs[0].font.name == "Times New Roman"


def test_defaults_of_the_form(demo_engine):
    """The heading of the organization as it stood on the document's date."""
    with session_scope(demo_engine) as s:
        district = default_heading(s, resolve(s, operator(s), "KB"), today=date(2024, 1, 19))
        commune = default_heading(s, resolve(s, operator(s), "KB-THANHSON"), today=date(2024, 1, 19))
        ward = default_heading(s, resolve(s, operator(s), "NB-TAMCHUC"), today=DEMO_TODAY)
        province = default_heading(s, resolve(s, operator(s), None), today=DEMO_TODAY)
    assert (district.issuing_body, district.upper_body, district.place) == (
        "HUYỆN ỦY KIM BẢNG", "ĐẢNG BỘ TỈNH HÀ NAM", "Kim Bảng")
    assert district.number.endswith("-BC/HU") and commune.number.endswith("-BC/ĐU")
    # Hướng dẫn 36-HD/VPTW: the upper đảng bộ, then the issuing body as its cấp ủy.
    assert (commune.issuing_body, commune.upper_body) == ("ĐẢNG ỦY XÃ THANH SƠN", "ĐẢNG BỘ HUYỆN KIM BẢNG")
    assert commune.on_behalf == "T/M ĐẢNG ỦY"
    assert district.on_behalf == "T/M BAN THƯỜNG VỤ" and district.recipients
    # From 01/7/2025: the ward under the renamed province, which names no đảng bộ above it.
    assert (ward.issuing_body, ward.upper_body, ward.on_behalf) == (
        "ĐẢNG ỦY PHƯỜNG TAM CHÚC", "ĐẢNG BỘ TỈNH NINH BÌNH", "T/M BAN THƯỜNG VỤ")
    assert ward.number.endswith("-BC/ĐU")
    assert (province.issuing_body, province.upper_body, province.place) == ("TỈNH ỦY NINH BÌNH", "", "Ninh Bình")
    assert province.number.endswith("-BC/TU")


def test_a_secretary_reports_on_its_own_subtree_only(demo_engine):
    with session_scope(demo_engine) as s:
        secretary = Actor("bithu", Role.SECRETARY, org_by_code(s, "KB-HDND").path)
        heading = default_heading(s, resolve(s, secretary, None), today=date(2024, 1, 19))
        figures = report_figures(s, resolve(s, secretary, None), year=2023, as_of=date(2023, 12, 31), rules=RULES)
        with pytest.raises(ScopeError):
            report_figures(s, resolve(s, secretary, "KB"), year=2023, as_of=date(2023, 12, 31), rules=RULES)
    values = report_values(figures, heading, RULES)
    assert values["ket_qua"][0].startswith("Năm 2023, Đảng bộ HĐND & UBND huyện kết nạp được 5 đảng viên mới, "
                                          "đạt 100% kế hoạch năm (5/5)")
    assert len(figures.rows) == 18 and heading.issuing_body == "ĐẢNG ỦY HĐND & UBND HUYỆN"
    # "Done n of m" counts the children with a target, and says how many it leaves out.
    assert ("5/5 tổ chức đảng trực thuộc được giao chỉ tiêu đã hoàn thành chỉ tiêu "
            "(không tính 13 tổ chức chưa giao chỉ tiêu).") in values["ket_qua"][1]


def test_during_the_year_the_report_speaks_of_pace(demo_engine):
    with session_scope(demo_engine) as s:
        figures = report_figures(s, resolve(s, operator(s), None), year=2026, as_of=DEMO_TODAY, rules=RULES)
        heading = default_heading(s, resolve(s, operator(s), None), today=DEMO_TODAY)
    values = report_values(figures, heading, RULES)
    assert values["ket_qua"][0].startswith("Từ đầu năm đến ngày 20/11/2026, Tỉnh ủy Ninh Bình kết nạp được 117")
    assert "tiến độ dự kiến đến nay" in values["ket_qua"][0]
    assert {code for code, *_rest in WARDS} <= set(figures.rows["code"]) and "KB" not in set(figures.rows["code"])


def test_the_committed_template_is_the_one_the_script_makes():
    committed = Document(str(TEMPLATE_PATH))
    made = build_template()
    assert all_text(committed) == all_text(made)
    placeholders = {"cap_tren", "co_quan", "so_van_ban", "dia_danh_ngay", "nam", "ky_bao_cao", "ten_to_chuc",
                    "so_lieu_den_ngay",
                    "ket_qua", "bang_to_chuc", "to_chuc_chua_dat", "nguon", "thay_mat", "chuc_vu", "nguoi_ky", "noi_nhan"}
    assert all("{{" + name + "}}" in all_text(committed) for name in placeholders)


def _template(*paragraphs: list[tuple[str, dict]]) -> bytes:
    """A small template; each paragraph is a list of runs (text, formatting)."""
    document = Document()
    for runs in paragraphs:
        paragraph = document.add_paragraph()
        for text, style in runs:
            run = paragraph.add_run(text)
            run.bold = style.get("bold")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_an_edited_template_is_filled_even_where_word_split_a_placeholder():
    template = _template(
        [("Số ", {}), ("{{so_", {"bold": True}), ("van_ban}}", {"bold": True}), (" – năm {{nam}}", {})],
        [("{{noi_nhan}}", {"bold": True})],
        [("{{bang_to_chuc}}", {})],
        [("Giữ nguyên {{khong_co}}", {})],
    )
    values = {"so_van_ban": "12-BC/ĐU", "nam": "2023", "noi_nhan": ["- A,", "- B."]}
    document = Document(io.BytesIO(render_report(template, values, [["1", "Chi bộ A", "10", "1", "1", "100%", "10%",
                                                                      "Hoàn thành"]])))
    texts = [p.text for p in document.paragraphs]
    assert texts[:4] == ["Số 12-BC/ĐU – năm 2023", "- A,", "- B.", "Giữ nguyên {{khong_co}}"]
    assert document.paragraphs[1].runs[0].bold  # each recipient keeps the paragraph's formatting
    assert [c.text for c in document.tables[0].rows[1].cells][:2] == ["1", "Chi bộ A"]


def test_the_report_checks_the_callers_scope_once(demo_engine, monkeypatch):
    """Resolved once into a Subtree: none of the seven computations below looks it up again."""
    import sys

    import core.access.scope as scope

    lookups = []
    real = scope.org_in_scope

    def counted(*args, **kwargs):
        lookups.append(args[2])
        return real(*args, **kwargs)

    for module in [m for name, m in sys.modules.items() if name.startswith("core.") and hasattr(m, "org_in_scope")]:
        monkeypatch.setattr(module, "org_in_scope", counted)
    with session_scope(demo_engine) as s:
        secretary = Actor("bithu", Role.SECRETARY, org_by_code(s, "KB-HDND").path)
        subtree = resolve(s, secretary, "KB-HDND")
        heading = default_heading(s, subtree, today=date(2024, 1, 19))
        data = report_docx(s, subtree, year=2023, as_of=date(2023, 12, 31), rules=RULES, heading=heading)
    assert lookups == ["KB-HDND"]
    assert "Đảng bộ HĐND & UBND huyện kết nạp được 5 đảng viên mới" in all_text(Document(io.BytesIO(data)))


def test_the_party_heading_of_a_chi_bo_a_dang_uy_xa_and_the_upper_committee(demo_engine):
    """Hướng dẫn 36-HD/VPTW: the upper đảng bộ, the issuing body as its cấp ủy, the symbol, who
    signs, the place; on the tree as it stood on the document's date (before and after 01/7/2025)."""
    before = date(2024, 1, 19)
    with session_scope(demo_engine) as s:
        def heading(code: str, on: date):
            h = party_heading(s, org_by_code(s, code), on)
            return h.upper_body, h.issuing_body, h.number("QĐ", "150"), h.on_behalf, h.place

        branch = next(o for o in s.exec(select(Organization).where(Organization.code.like("KB-THANHSON-%"),
                                                                    Organization.kind == "cell")))
        cell = party_heading(s, branch, before)
        assert (cell.upper_body, cell.issuing_body, cell.number("NQ", "07"), cell.on_behalf, cell.place) == (
            "ĐẢNG BỘ XÃ THANH SƠN", branch.name.upper(), "07-NQ/CB", "T/M CHI BỘ", "Thanh Sơn")
        assert heading("KB-THANHSON", before) == (
            "ĐẢNG BỘ HUYỆN KIM BẢNG", "ĐẢNG ỦY XÃ THANH SƠN", "150-QĐ/ĐU", "T/M ĐẢNG ỦY", "Thanh Sơn")
        assert heading("KB", before) == (
            "ĐẢNG BỘ TỈNH HÀ NAM", "HUYỆN ỦY KIM BẢNG", "150-QĐ/HU", "T/M BAN THƯỜNG VỤ", "Kim Bảng")
        # The same chi bộ in 2026, under the ward that took it; the ward decides (-QĐ/ĐU).
        assert heading(branch.code, DEMO_TODAY)[:2] == ("ĐẢNG BỘ PHƯỜNG TAM CHÚC", branch.name.upper())
        assert heading("NB-TAMCHUC", DEMO_TODAY) == (
            "ĐẢNG BỘ TỈNH NINH BÌNH", "ĐẢNG ỦY PHƯỜNG TAM CHÚC", "150-QĐ/ĐU", "T/M BAN THƯỜNG VỤ", "Tam Chúc")
        assert heading("NB", DEMO_TODAY) == ("", "TỈNH ỦY NINH BÌNH", "150-QĐ/TU", "T/M BAN THƯỜNG VỤ", "Ninh Bình")
        assert heading("NB", before)[1] == "TỈNH ỦY HÀ NAM"


@pytest.mark.parametrize(("name", "kind", "committee", "body", "symbol"), [
    ("Tỉnh ủy Ninh Bình", "upper_committee", "Tỉnh ủy Ninh Bình", "Đảng bộ tỉnh Ninh Bình", "TU"),
    ("Đảng ủy xã Kim Bảng", "upper_committee", "Đảng ủy xã Kim Bảng", "Đảng bộ xã Kim Bảng", "ĐU"),
    ("Đảng bộ HĐND & UBND huyện", "grassroots_committee", "Đảng ủy HĐND & UBND huyện", "Đảng bộ HĐND & UBND huyện",
     "ĐU"),
    ("Chi bộ thôn 1", "cell", "Chi bộ thôn 1", "Chi bộ thôn 1", "CB"),
])
def test_an_organization_is_named_as_its_committee_and_as_its_dang_bo(name, kind, committee, body, symbol):
    assert (committee_name(name, kind), party_body_name(name), symbol_of(name, kind)) == (committee, body, symbol)


def test_the_6_month_report_has_the_figures_of_the_overview_on_30_6(demo_engine):
    with session_scope(demo_engine) as s:
        subtree = resolve(s, operator(s), "KB")
        overview = headline(org_figures(s, subtree, year=2024, as_of=date(2024, 6, 30), rules=RULES))
        heading = default_heading(s, subtree, today=date(2024, 7, 5))
        # Whatever as-of date the page had: the 6-month report stands on 30/6.
        data = report_docx(s, subtree, year=2024, as_of=date(2024, 11, 20), rules=RULES, heading=heading,
                           half_year=True)
    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert texts[:3] == ["BÁO CÁO", "kết quả công tác phát triển đảng viên 6 tháng đầu năm 2024",
                         "(số liệu đến ngày 30/06/2024)"]
    first = next(p for p in texts if p.startswith("6 tháng đầu năm 2024, "))
    assert first.startswith(f"6 tháng đầu năm 2024, Huyện ủy Kim Bảng kết nạp được {overview.admitted} đảng viên mới, "
                            f"đạt {fmt_percent(overview.percent_plan)} kế hoạch năm "
                            f"({overview.admitted}/{overview.target})")
    assert (overview.admitted, overview.target) == (79, 150)
    total = [c.text for c in document.tables[1].rows[-1].cells]
    assert total[3:6] == ["150", "79", "52,7%"]
    # What is left for the second half, not next year's target.
    assert "6 tháng cuối năm cần kết nạp thêm 71 đảng viên" in all_text(document)
    assert "Chỉ tiêu kết nạp năm 2025" not in all_text(document)
    assert report_file_name("KB", 2024, half_year=True) == "bao-cao-ptdv-6-thang_KB_2024.docx"


def test_the_committed_list_template_is_the_one_the_script_makes():
    assert all_text(Document(str(LIST_TEMPLATE_PATH))) == all_text(build_list_template())
