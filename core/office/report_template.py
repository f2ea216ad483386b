"""Makes the default Word template of the official report, data/templates/bao_cao_ptdv.docx.

    .venv/bin/python -m core.office.report_template            # rewrite the committed template
    .venv/bin/python -m core.office.report_template out.docx   # or write it elsewhere

The app reads the committed file, never this script: the office may open the template in Word
and change anything (wording, fonts, sections, recipients' layout) as long as the placeholders
stay. Each {{name}} is replaced by its value; a paragraph holding only one of ket_qua,
to_chuc_chua_dat, nguon or noi_nhan becomes one paragraph per sentence or recipient; the
paragraph holding only {{bang_to_chuc}} becomes the table of the organizations.

    cap_tren, co_quan     upper body and issuing body (heading, top left, capitals)
    so_van_ban            number and symbol, e.g. 141-BC/HU
    dia_danh_ngay         "Kim Bảng, ngày 19 tháng 01 năm 2024"
    nam, ten_to_chuc      the year and the organization reported on
    ky_bao_cao            what is reported on: "năm 2023", or "6 tháng đầu năm 2024"
    so_lieu_den_ngay      the as-of date of the figures
    ket_qua, to_chuc_chua_dat, nguon   the generated text of sections I, II and III
    bang_to_chuc          the table (a paragraph of its own)
    thay_mat, chuc_vu, nguoi_ky        "T/M BAN THƯỜNG VỤ", the signer's title and name
    noi_nhan              the recipients, one paragraph each

Layout per Hướng dẫn 36-HD/VPTW: A4, margins 20/20/30/15 mm, Times New Roman 14 pt (13 pt
body), "ĐẢNG CỘNG SẢN VIỆT NAM" top right underlined, the issuing body top left with a star
and the number, place and date in italics, the type of document and its summary in bold,
page numbers from the second page, recipients bottom left and the signature bottom right.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.office.report import TEMPLATE_PATH

FONT = "Times New Roman"
CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY


def _font(style_or_run, size: float) -> None:
    font = style_or_run.font
    font.name = FONT
    font.size = Pt(size)
    fonts = style_or_run.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def line(container, text: str, *, size: float = 14, bold: bool = False, italic: bool = False,
          underline: bool = False, align=CENTER, before: float = 0, after: float = 0, indent: bool = False):
    """A paragraph of one run in Times New Roman (the templates' building block)."""
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.first_line_indent = Mm(10) if indent else Mm(0)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        _font(run, size)
    return paragraph


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "nil")
        borders.append(line)
    table._tbl.tblPr.append(borders)


def _two_columns(document, left_mm: float, right_mm: float):
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borderless(table)
    left, right = table.rows[0].cells
    left.width, right.width = Mm(left_mm), Mm(right_mm)
    for cell in (left, right):
        cell._tc.remove(cell.paragraphs[0]._p)  # each cell starts with an empty paragraph
    return left, right


def _page_numbers(section) -> None:
    """The page number centred at the top, from the second page on."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    run = paragraph.add_run()
    _font(run, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def new_document() -> Document:
    """An empty Party document: A4, Hướng dẫn 36's margins, Times New Roman 14 pt, page numbers
    from the second page."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    _font(normal, 14)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _page_numbers(section)
    return document


def heading_block(document) -> None:
    """The heading, filled by core.office.heading's values: upper body, issuing body, star and
    number top left; the Party's name underlined and the place and date in italics top right."""
    left, right = _two_columns(document, 70, 95)
    line(left, "{{cap_tren}}")
    line(left, "{{co_quan}}", bold=True)
    line(left, "*")
    line(left, "Số {{so_van_ban}}")
    line(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True, underline=True)
    line(right, "")
    line(right, "{{dia_danh_ngay}}", italic=True, before=6)


def signature_block(document) -> None:
    """Recipients bottom left, the signing authority, the signer's title and name bottom right."""
    recipients, signature = _two_columns(document, 80, 85)
    line(recipients, "Nơi nhận:", size=14, bold=True, italic=True, underline=True, align=LEFT, before=12)
    line(recipients, "{{noi_nhan}}", size=12, align=LEFT)
    line(signature, "{{thay_mat}}", bold=True, before=12)
    line(signature, "{{chuc_vu}}", bold=True)
    for _ in range(4):
        line(signature, "")
    line(signature, "{{nguoi_ky}}", bold=True)


def build_template() -> Document:
    """The default template as a python-docx Document."""
    document = new_document()
    heading_block(document)

    line(document, "BÁO CÁO", size=16, bold=True, before=24)
    line(document, "kết quả công tác phát triển đảng viên {{ky_bao_cao}}", bold=True)
    line(document, "(số liệu đến ngày {{so_lieu_den_ngay}})", size=13, italic=True, after=6)
    line(document, "-----", after=12)

    def body(text: str, *, bold: bool = False) -> None:
        line(document, text, size=13, bold=bold, align=JUSTIFY, before=6 if bold else 0, after=6, indent=True)

    body("Thực hiện chỉ tiêu kế hoạch phát triển đảng viên năm {{nam}}, {{ten_to_chuc}} báo cáo kết quả "
         "công tác phát triển đảng viên {{ky_bao_cao}} như sau:")
    body("I. KẾT QUẢ THỰC HIỆN", bold=True)
    body("{{ket_qua}}")
    body("Kết quả của từng tổ chức đảng trực thuộc:")
    line(document, "{{bang_to_chuc}}")
    body("II. TỔ CHỨC ĐẢNG CHƯA ĐẠT KẾ HOẠCH VÀ NHỮNG VẤN ĐỀ CẦN QUAN TÂM", bold=True)
    body("{{to_chuc_chua_dat}}")
    body("III. NGUỒN PHÁT TRIỂN ĐẢNG VIÊN", bold=True)
    body("{{nguon}}")
    body("Trên đây là báo cáo kết quả công tác phát triển đảng viên {{ky_bao_cao}} của {{ten_to_chuc}}./.")
    signature_block(document)
    return document


def main(argv: list[str]) -> None:
    """Write the template to the path given, or over the committed one."""
    target = Path(argv[0]) if argv else TEMPLATE_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    build_template().save(target)
    print(target)


if __name__ == "__main__":
    main(sys.argv[1:])
