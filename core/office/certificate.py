"""The certificate of where a candidate stands ("Giấy xác nhận quá trình phát triển đảng
viên"), a plain Word file for a candidate moving out of the tree: who, in which chi bộ, the
steps in force with their dates and documents, the transfers inside the tree, the exit.
Built with python-docx, A4, Times New Roman."""
from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from sqlmodel import Session, select

from core.access.scope import Actor
from core.format import fmt_date, fmt_long_date
from core.i18n import label, t
from core.procedure.candidates import candidate_detail
from core.procedure.pipeline import EventRow, effective_events
from core.procedure.stages import Exit
from core.procedure.transfers import transfers_of
from core.storage.models import Organization, StageEvent


def certificate_rows(session: Session, actor: Actor, candidate_id: int) -> list[tuple[str, str, str, str]]:
    """(step, date, document number, note) for each step in force, in the order of their dates."""
    candidate, _org = candidate_detail(session, actor, candidate_id)
    events = session.exec(select(StageEvent).where(StageEvent.candidate_id == candidate.id).order_by(StageEvent.id)).all()
    by_id = {e.id: e for e in events}
    in_force = effective_events(EventRow.of(e) for e in events)
    rows = []
    for row in sorted(in_force, key=lambda e: (e.event_date, e.id)):
        event = by_id[row.id]
        step = label("exit", event.stage) if event.stage in Exit._value2member_map_ else label("stage", event.stage)
        rows.append((step, fmt_date(event.event_date), event.document_number, event.note))
    return rows


def transfer_certificate(session: Session, actor: Actor, candidate_id: int, *, today: date) -> bytes:
    """The certificate of the candidate as a .docx file (for whoever may see the record)."""
    candidate, org = candidate_detail(session, actor, candidate_id)
    parent = session.get(Organization, org.parent_id) if org.parent_id else None
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)

    def line(text: str, *, bold: bool = False, center: bool = False, italic: bool = False) -> None:
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    if parent is not None:
        line(parent.name.upper())
    line(org.name.upper(), bold=True)
    line(t("certificate.party"), bold=True, center=True)
    line(fmt_long_date(today, t("certificate.place")), italic=True, center=True)
    line(t("certificate.title"), bold=True, center=True)
    line(t("certificate.person", org=org.name, name=candidate.full_name, birth=fmt_date(candidate.birth_date)))
    if candidate.exit:
        line(t("certificate.now_exit", exit=label("exit", candidate.exit), date=fmt_date(candidate.exit_date),
               stage=label("stage", candidate.stage) if candidate.stage else t("audit.empty")))
    else:
        line(t("certificate.now_stage", stage=label("stage", candidate.stage) if candidate.stage else t("audit.empty"),
               date=fmt_date(candidate.stage_date)))
    line(t("certificate.steps"), bold=True)
    rows = certificate_rows(session, actor, candidate_id)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, (t("col.stage"), t("candidate.date"), t("candidate.document"),
                                                   t("candidate.note"))):
        cell.text = heading
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = value
    transfers = transfers_of(session, actor, candidate_id)
    if transfers:
        line(t("certificate.transfers"), bold=True)
        for move in transfers:
            line(t("certificate.transfer_line", date=fmt_date(move.transfer_date), source=move.from_name,
                   target=move.to_name, document=move.document_number))
    line(t("certificate.sign", org=org.name), bold=True, center=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
