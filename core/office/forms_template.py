"""Makes the default Word templates of the drafted documents (core.office.forms_knd) and of the
monthly cảm tình list (core.office.lists), in data/templates/.

    .venv/bin/python -m core.office.forms_template            # rewrite the committed templates
    .venv/bin/python -m core.office.forms_template out_dir    # or write them elsewhere

The app reads the committed files, never this script: the office may open a template in Word
and change its wording and layout as long as the placeholders stay. The wording follows the
structure of the forms of Hướng dẫn 12-HD/BTCTW (2022) (heading, the meeting, the candidate,
the vote, the proposal); the forms' full official text could not be read in a stored copy, so
the sentences are plain ones to adjust to the province's copy of the forms.

Placeholders (any template may use any of them):

    cap_tren, co_quan, so_van_ban, dia_danh_ngay, thay_mat, chuc_vu, nguoi_ky, noi_nhan
                          the heading and signature, as in the yearly report
    tham_quyen            who decides: "BAN THƯỜNG VỤ HUYỆN ỦY …" (a committee with a
                          standing committee), "ĐẢNG ỦY …" (an authorized đảng ủy cơ sở)
    ho_ten, ngay_sinh, gioi_tinh, dan_toc, ton_giao, trinh_do, chuyen_mon, nghe_nghiep
                          the candidate
    nguoi_giup_do, nguoi_gioi_thieu     the helper, the sponsors
    chi_bo, dang_uy_co_so, cap_uy_quyet_dinh, cap_uy_ban_hanh, de_nghi_len, thi_hanh
                          the chi bộ, its đảng ủy cơ sở, the committee that decides, the issuing
                          committee, where the chi bộ's proposal goes, who carries out a decision
    ngay_hop, so_dang_vien, so_mien, so_duoc_tinh, so_du_hop, so_vang, so_tan_thanh,
    so_khong_tan_thanh, ty_le           the meeting and its vote
    nq_chi_bo, nq_dang_uy, qd_ket_nap, nq_cong_nhan_chi_bo, xet_de_nghi, ngay_le_ket_nap
                          the earlier documents ("số … ngày …") and the ceremony
    thang, ten_to_chuc, so_nguoi, bang_danh_sach          the cảm tình list (its table)
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document

from core.office.forms_knd import FORMS, TEMPLATE_DIR
from core.office.lists import LIST_TEMPLATE_PATH
from core.office.report_template import (
    JUSTIFY,
    heading_block,
    line,
    new_document,
    signature_block,
)

FILL = "…" * 30  # one line of the A4 body (14 pt, indented), to write on by hand


def _title(document, kind: str, summary: str) -> None:
    line(document, kind, size=16, bold=True, before=24)
    line(document, summary, bold=True)
    line(document, "-----", after=12)


def _body(document, text: str, *, bold: bool = False, center: bool = False) -> None:
    if center:
        line(document, text, bold=bold, before=6, after=6)
    else:
        line(document, text, size=14, bold=bold, align=JUSTIFY, after=6, indent=True)


CANDIDATE = ("quần chúng {{ho_ten}}, sinh ngày {{ngay_sinh}}; giới tính: {{gioi_tinh}}; dân tộc: {{dan_toc}}; "
             "tôn giáo: {{ton_giao}}; trình độ giáo dục phổ thông: {{trinh_do}}; trình độ chuyên môn: {{chuyen_mon}}; "
             "nghề nghiệp: {{nghe_nghiep}}")
BRANCH_VOTE = ("Tổng số đảng viên chính thức của chi bộ: {{so_dang_vien}} đồng chí; tạm chuyển sinh hoạt đảng hoặc được "
               "miễn công tác và sinh hoạt đảng: {{so_mien}} đồng chí; số đảng viên chính thức được tính: {{so_duoc_tinh}} "
               "đồng chí. Có mặt: {{so_du_hop}} đồng chí; vắng mặt: {{so_vang}} đồng chí.")
BRANCH_RESULT = ("Số đảng viên chính thức tán thành: {{so_tan_thanh}} đồng chí, đạt {{ty_le}} số đảng viên chính thức "
                 "được tính; không tán thành: {{so_khong_tan_thanh}} đồng chí.")
COMMITTEE_VOTE = ("Tổng số cấp ủy viên: {{so_dang_vien}} đồng chí; có mặt: {{so_du_hop}} đồng chí; vắng mặt: {{so_vang}} "
                  "đồng chí.")
COMMITTEE_RESULT = ("Số cấp ủy viên tán thành: {{so_tan_thanh}} đồng chí, đạt {{ty_le}} tổng số cấp ủy viên; "
                    "không tán thành: {{so_khong_tan_thanh}} đồng chí.")
# The texts in force on the document's date ("Quy định số 294-QĐ/TW và Hướng dẫn số 06-HD/TW"):
# core.office.forms_knd.texts_in_force.
GROUNDS = "Căn cứ Điều lệ Đảng Cộng sản Việt Nam; {{can_cu}} về thi hành Điều lệ Đảng;"


def _form_6(document) -> None:
    _title(document, "NGHỊ QUYẾT", "đề nghị kết nạp đảng viên")
    _body(document, GROUNDS)
    _body(document, "Ngày {{ngay_hop}}, {{chi_bo}} họp xét đơn xin vào Đảng của " + CANDIDATE + ".")
    _body(document, "Đảng viên được phân công giúp đỡ: đồng chí {{nguoi_giup_do}}. Người giới thiệu: {{nguoi_gioi_thieu}}.")
    _body(document, BRANCH_VOTE)
    _body(document, "Ưu điểm, khuyết điểm chính của người vào Đảng (phẩm chất chính trị, đạo đức, lối sống, năng lực "
                    "công tác, quan hệ quần chúng):")
    _body(document, FILL)
    _body(document, FILL)
    _body(document, BRANCH_RESULT)
    _body(document, "Chi bộ đề nghị {{de_nghi_len}} xem xét, đề nghị cấp ủy có thẩm quyền quyết định kết nạp quần chúng "
                    "{{ho_ten}} vào Đảng Cộng sản Việt Nam./.")


def _form_8(document) -> None:
    _title(document, "NGHỊ QUYẾT", "đề nghị kết nạp đảng viên")
    _body(document, GROUNDS)
    _body(document, "Ngày {{ngay_hop}}, {{cap_uy_ban_hanh}} họp xét Nghị quyết đề nghị kết nạp đảng viên của {{chi_bo}} "
                    "({{nq_chi_bo}}) đối với " + CANDIDATE + ".")
    _body(document, COMMITTEE_VOTE)
    _body(document, "Ý kiến nhận xét của đảng ủy:")
    _body(document, FILL)
    _body(document, FILL)
    _body(document, COMMITTEE_RESULT)
    _body(document, "{{cap_uy_ban_hanh}} đề nghị {{cap_uy_quyet_dinh}} xem xét, quyết định kết nạp quần chúng {{ho_ten}} "
                    "vào Đảng Cộng sản Việt Nam./.")


def _form_9(document) -> None:
    _title(document, "QUYẾT ĐỊNH", "kết nạp đảng viên")
    _body(document, "- " + GROUNDS)
    _body(document, "- {{xet_de_nghi}};")
    _body(document, "- Căn cứ kết quả biểu quyết ngày {{ngay_hop}}: {{so_tan_thanh}}/{{so_dang_vien}} đồng chí tán thành "
                    "(có mặt {{so_du_hop}} đồng chí),")
    _body(document, "{{tham_quyen}} QUYẾT ĐỊNH", bold=True, center=True)
    _body(document, "Điều 1. Kết nạp " + CANDIDATE + ", vào Đảng Cộng sản Việt Nam. Thời gian dự bị 12 tháng, kể từ "
                    "ngày chi bộ tổ chức lễ kết nạp.")
    _body(document, "Điều 2. {{chi_bo}} tổ chức lễ kết nạp đảng viên theo quy định, phân công đảng viên chính thức "
                    "giúp đỡ đảng viên dự bị.")
    _body(document, "Điều 3. {{thi_hanh}} và đồng chí {{ho_ten}} chịu trách nhiệm thi hành Quyết định này./.")


def _form_13(document) -> None:
    _title(document, "NGHỊ QUYẾT", "đề nghị công nhận đảng viên chính thức")
    _body(document, GROUNDS)
    _body(document, "Ngày {{ngay_hop}}, {{chi_bo}} họp xét đề nghị công nhận đảng viên chính thức cho đồng chí {{ho_ten}}, "
                    "sinh ngày {{ngay_sinh}}, được kết nạp vào Đảng theo Quyết định {{qd_ket_nap}} của "
                    "{{cap_uy_quyet_dinh}}; lễ kết nạp ngày {{ngay_le_ket_nap}}; đảng viên được phân công giúp đỡ: "
                    "đồng chí {{nguoi_giup_do}}.")
    _body(document, BRANCH_VOTE)
    _body(document, "Ưu điểm, khuyết điểm chính của đảng viên dự bị trong thời gian dự bị:")
    _body(document, FILL)
    _body(document, FILL)
    _body(document, BRANCH_RESULT)
    _body(document, "Chi bộ đề nghị {{de_nghi_len}} xem xét, đề nghị cấp ủy có thẩm quyền công nhận đồng chí {{ho_ten}} "
                    "là đảng viên chính thức./.")


def _form_15(document) -> None:
    _title(document, "NGHỊ QUYẾT", "đề nghị công nhận đảng viên chính thức")
    _body(document, GROUNDS)
    _body(document, "Ngày {{ngay_hop}}, {{cap_uy_ban_hanh}} họp xét Nghị quyết đề nghị công nhận đảng viên chính thức của "
                    "{{chi_bo}} ({{nq_cong_nhan_chi_bo}}) đối với đồng chí {{ho_ten}}, sinh ngày {{ngay_sinh}}, được kết "
                    "nạp vào Đảng theo Quyết định {{qd_ket_nap}}; lễ kết nạp ngày {{ngay_le_ket_nap}}.")
    _body(document, COMMITTEE_VOTE)
    _body(document, "Ý kiến nhận xét của đảng ủy:")
    _body(document, FILL)
    _body(document, FILL)
    _body(document, COMMITTEE_RESULT)
    _body(document, "{{cap_uy_ban_hanh}} đề nghị {{cap_uy_quyet_dinh}} xem xét, quyết định công nhận đồng chí {{ho_ten}} "
                    "là đảng viên chính thức./.")


BODIES = {"6": _form_6, "8": _form_8, "9": _form_9, "13": _form_13, "15": _form_15}


def build_form(key: str) -> Document:
    """The default template of form `key` ("6", "8", "9", "13", "15")."""
    document = new_document()
    heading_block(document)
    BODIES[key](document)
    signature_block(document)
    return document


def build_list_template() -> Document:
    """The default template of the monthly cảm tình list: heading, title, the table, signature."""
    document = new_document()
    heading_block(document)
    _title(document, "DANH SÁCH", "quần chúng ưu tú (cảm tình Đảng) tháng {{thang}}")
    _body(document, "Tổ chức đảng: {{ten_to_chuc}}. Tổng số: {{so_nguoi}} quần chúng.")
    line(document, "{{bang_danh_sach}}")
    # A paragraph between two tables: without it Word and LibreOffice join them into one.
    line(document, "")
    signature_block(document)
    return document


def main(argv: list[str]) -> None:
    """Write every template to the folder given, or over the committed ones."""
    target = Path(argv[0]) if argv else TEMPLATE_DIR
    target.mkdir(parents=True, exist_ok=True)
    for spec in FORMS:
        build_form(spec.key).save(target / spec.template)
        print(target / spec.template)
    build_list_template().save(target / LIST_TEMPLATE_PATH.name)
    print(target / LIST_TEMPLATE_PATH.name)


if __name__ == "__main__":
    main(sys.argv[1:])
