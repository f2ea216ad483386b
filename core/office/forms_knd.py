"""Drafts of the documents the chi bộ and the committees sign, filled from a candidate's record:
6-KNĐ (the chi bộ's resolution proposing admission), 8-KNĐ (the đảng ủy cơ sở's), 9-KNĐ (the
decision to admit), 13-KNĐ (the chi bộ's resolution proposing recognition as an official
member) and 15-KNĐ (the đảng ủy cơ sở's), numbered as in Hướng dẫn 12-HD/BTCTW (2022).

Each is a Word template the office may edit (data/templates/mau_*_knd.docx, made by
`python -m core.office.forms_template`), filled as the yearly report is (core.office.report):
the Party document heading of the issuing body (core.office.heading), the candidate, the
organizations, the meeting's vote (the stage event's members_total, members_excused,
votes_total = present, votes_for), the document's number and date, the helper and sponsors.
What the record does not hold yet is a dotted line to fill in by hand.

A draft is offered once the step before it is recorded (6-KNĐ once the dossier is complete,
8-KNĐ once the chi bộ voted, …): the secretary prepares the resolution before the meeting and
prints it again after. Only to callers whose scope covers the candidate and the issuing body
(a chi bộ's secretary drafts the chi bộ's resolutions, a đảng ủy's office also the đảng ủy's),
never to the projector role, and never for a candidate who left the procedure.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from core.access.scope import Actor, ScopeError
from core.config import DATA_DIR
from core.errors import FormError
from core.format import fmt_date, fmt_long_date, fmt_number, fmt_percent
from core.i18n import label, t
from core.office.heading import PartyHeading, committee_name, party_heading
from core.office.report import render_document
from core.procedure.candidates import candidate_detail
from core.procedure.pipeline import effective_events
from core.procedure.stages import OrgKind, Stage, route_of
from core.storage.models import Candidate, Organization, StageEvent
from core.structure.tree import path_ids

TEMPLATE_DIR = DATA_DIR / "templates"
DOTS = "……………"


@dataclass(frozen=True)
class FormSpec:
    """One drafted document: its number in 12-HD/BTCTW, the step whose event fills its vote,
    number and date, the steps after which it is offered (any one), who issues it, the
    document kind in its number (NQ, QĐ), and its template file."""

    code: str
    stage: str
    after: tuple[str, ...]
    issuer: str  # "branch", "grassroots_committee" or "competent"
    kind: str
    template: str

    @property
    def key(self) -> str:
        """ "6" for 6-KNĐ: the catalog's and the file names' key."""
        return self.code.split("-")[0]


FORMS: tuple[FormSpec, ...] = (
    FormSpec("6-KNĐ", Stage.BRANCH_RESOLUTION.value, (Stage.DOSSIER.value,), "branch", "NQ", "mau_6_knd.docx"),
    FormSpec("8-KNĐ", Stage.COMMITTEE_RESOLUTION.value, (Stage.BRANCH_RESOLUTION.value,), "grassroots_committee", "NQ",
             "mau_8_knd.docx"),
    FormSpec("9-KNĐ", Stage.DECISION.value, (Stage.COMMITTEE_RESOLUTION.value,), "competent", "QĐ", "mau_9_knd.docx"),
    FormSpec("13-KNĐ", Stage.RECOGNITION_BRANCH.value, (Stage.ADMITTED.value,), "branch", "NQ", "mau_13_knd.docx"),
    FormSpec("15-KNĐ", Stage.RECOGNITION_COMMITTEE.value, (Stage.RECOGNITION_BRANCH.value,), "grassroots_committee", "NQ",
             "mau_15_knd.docx"),
)
FORMS_BY_CODE = {f.code: f for f in FORMS}


@dataclass(frozen=True)
class DraftOption:
    """A document the record page offers for a candidate, or says why not yet (`reason`)."""

    code: str
    title: str
    ready: bool
    reason: str = ""


@dataclass(frozen=True)
class _Record:
    candidate: Candidate
    branch: Organization
    grassroots: Organization | None  # the đảng ủy cơ sở above the chi bộ; None for a chi bộ cơ sở
    competent: Organization | None  # the committee that decides admission
    events: dict[str, StageEvent]  # the latest event in force of each step


def _record(session: Session, actor: Actor, candidate_id: int) -> _Record:
    candidate, branch = candidate_detail(session, actor, candidate_id)  # refuses out of scope, projector
    rows = session.exec(select(Organization).where(Organization.id.in_(path_ids(branch.path)))).all()
    by_id = {o.id: o for o in rows}
    above = [by_id[i] for i in reversed(path_ids(branch.path)[:-1]) if i in by_id]  # nearest first
    grassroots = None
    if OrgKind(branch.kind) is not OrgKind.GRASSROOTS_CELL:
        grassroots = next((o for o in above if o.kind == OrgKind.GRASSROOTS_COMMITTEE.value), None)
    competent = next((o for o in above if o.kind == OrgKind.UPPER_COMMITTEE.value), None)
    if grassroots is not None and not route_of([branch, *above]).committee:
        # A đảng ủy cơ sở authorized to admit: no resolution of its own goes up (8-, 15-KNĐ);
        # its decision is the decision (9-KNĐ).
        authorized = grassroots
        grassroots, competent = None, authorized
    history = session.exec(select(StageEvent).where(StageEvent.candidate_id == candidate.id).order_by(StageEvent.id)).all()
    events = {e.stage: e for e in effective_events(history)}  # in order recorded: the last of each step wins
    return _Record(candidate, branch, grassroots, competent, events)


def _issuer(spec: FormSpec, record: _Record) -> Organization | None:
    return {"branch": record.branch, "grassroots_committee": record.grassroots, "competent": record.competent}[spec.issuer]


def _after(spec: FormSpec, record: _Record) -> tuple[str, ...]:
    """The steps after which the form is offered; a chi bộ cơ sở's decision follows its own vote."""
    if spec.code == "9-KNĐ" and record.grassroots is None:
        return (Stage.BRANCH_RESOLUTION.value,)
    return spec.after


def _option(spec: FormSpec, record: _Record) -> DraftOption:
    title = t(f"draft.title_{spec.key}")
    if record.candidate.exit:
        return DraftOption(spec.code, title, False, t("draft.refused_exit", exit=label("exit", record.candidate.exit)))
    if _issuer(spec, record) is None:
        key = "draft.refused_no_committee" if spec.issuer == "grassroots_committee" else "draft.refused_no_competent"
        if spec.issuer == "grassroots_committee" and OrgKind(record.branch.kind) is not OrgKind.GRASSROOTS_CELL:
            key = "draft.refused_authorized"
        return DraftOption(spec.code, title, False, t(key, form=spec.code, org=record.branch.name))
    if not any(step in record.events for step in _after(spec, record)):
        steps = " / ".join(label("stage", s) for s in _after(spec, record))
        return DraftOption(spec.code, title, False, t("draft.refused_not_yet", form=spec.code, step=steps))
    return DraftOption(spec.code, title, True)


def draft_options(session: Session, actor: Actor, candidate_id: int) -> list[DraftOption]:
    """The drafts the caller may make for the candidate, ready or with why not yet: every form
    whose issuing body lies within the caller's scope (ScopeError for a candidate out of it)."""
    record = _record(session, actor, candidate_id)
    options = []
    for spec in FORMS:
        issuer = _issuer(spec, record)
        if issuer is not None and not actor.covers(issuer.path):
            continue  # another body's document: not this caller's to draft
        options.append(_option(spec, record))
    return options


def _or_dots(value: object) -> str:
    if value is None or value == "":
        return DOTS
    return fmt_number(value) if isinstance(value, int) else str(value)


def _words_date(value: date | None) -> str:
    """ "05 tháng 03 năm 2024" (after "Ngày"), or dotted to fill in."""
    if value is None:
        return t("draft.date_blank")
    return t("draft.date_words", day=f"{value.day:02d}", month=f"{value.month:02d}", year=value.year)


def _reference(event: StageEvent | None) -> str:
    """ "số 07-NQ/CB ngày 05/03/2024" of an earlier document, dotted where unknown."""
    if event is None:
        return t("draft.reference", number=DOTS, date=DOTS)
    return t("draft.reference", number=event.document_number or DOTS, date=fmt_date(event.event_date))


# The texts implementing the Charter, each from the day it took effect (../shared/domain.md and
# sources.md): 29-QĐ/TW (25/7/2016) and its Hướng dẫn 01-HD/TW; 24-QĐ/TW (30/7/2021) and the 2021
# 01-HD/TW; 232-QĐ/TW (20/01/2025, in force on signing) replacing 24-QĐ/TW; 294-QĐ/TW (in force
# 01/7/2025) replacing 232-QĐ/TW, with 06-HD/TW (09/6/2025) replacing 01-HD/TW.
TEXTS_IN_FORCE = (
    (date(2016, 7, 25), "draft.texts_2016"),
    (date(2021, 7, 30), "draft.texts_2021"),
    (date(2025, 1, 20), "draft.texts_2025_01"),
    (date(2025, 7, 1), "draft.texts_2025_07"),
)


def texts_in_force(on: date | None) -> str:
    """The Quy định and Hướng dẫn a document of `on` is made under (today's when undated)."""
    key = TEXTS_IN_FORCE[-1][1]
    if on is not None:
        key = next((k for start, k in reversed(TEXTS_IN_FORCE) if on >= start), TEXTS_IN_FORCE[0][1])
    return t(key)


def _vote_values(event: StageEvent | None) -> dict[str, str]:
    """The meeting and its vote: members counted, excused, present, absent, for, against, share."""
    get = (lambda name: getattr(event, name)) if event is not None else (lambda name: None)
    members, excused, present, votes_for = (get("members_total"), get("members_excused"), get("votes_total"),
                                            get("votes_for"))
    eligible = members - (excused or 0) if members is not None else None
    # Absent among those counted (the excused are counted apart); against as recorded, else the rest present.
    absent = max(eligible - present, 0) if eligible is not None and present is not None else None
    against = get("votes_against")
    if against is None and present is not None and votes_for is not None:
        against = present - votes_for
    share = fmt_percent(100 * votes_for / eligible) if votes_for is not None and eligible else None
    return {
        "ngay_hop": _words_date(event.event_date if event is not None else None),
        "can_cu": texts_in_force(event.event_date if event is not None else None),
        "so_dang_vien": _or_dots(members),
        "so_mien": _or_dots(excused if excused is not None or members is None else 0),
        "so_duoc_tinh": _or_dots(eligible),
        "so_du_hop": _or_dots(present),
        "so_vang": _or_dots(absent),
        "so_tan_thanh": _or_dots(votes_for),
        "so_khong_tan_thanh": _or_dots(against),
        "ty_le": _or_dots(share),
    }


def _number(heading: PartyHeading, spec: FormSpec, event: StageEvent | None) -> str:
    """The recorded number as written ("07-NQ/CB"); a bare one gets its symbol; none, room for it."""
    recorded = (event.document_number if event is not None else "").strip()
    return recorded if "/" in recorded else heading.number(spec.kind, recorded)


def _considered(record: _Record) -> str:
    """What the decision weighs: the chi bộ's resolution, and the đảng ủy cơ sở's where there is one."""
    branch = t("draft.considered_branch", org=record.branch.name,
               reference=_reference(record.events.get(Stage.BRANCH_RESOLUTION.value)))
    if record.grassroots is None:
        return branch
    return branch + t("draft.considered_committee", org=committee_name(record.grassroots.name, record.grassroots.kind),
                      reference=_reference(record.events.get(Stage.COMMITTEE_RESOLUTION.value)))


def draft_values(session: Session, spec: FormSpec, record: _Record) -> dict[str, str | list[str]]:
    """Every placeholder of the form's template and its value."""
    c, events = record.candidate, record.events
    issuer = _issuer(spec, record)
    heading = party_heading(session, issuer)
    event = events.get(spec.stage)
    sponsors = [n for n in (c.sponsor1_name, c.sponsor2_name) if n.strip()]
    grassroots = record.grassroots or record.branch
    ceremony = events.get(Stage.ADMITTED.value)
    competent = record.competent.name if record.competent else DOTS
    return {
        "cap_tren": heading.upper_body or DOTS,
        "co_quan": heading.issuing_body,
        "so_van_ban": _number(heading, spec, event),
        "dia_danh_ngay": fmt_long_date(event.event_date, heading.place) if event is not None
        else t("draft.place_date_blank", place=heading.place),
        "thay_mat": heading.on_behalf,
        "chuc_vu": t("draft.signer_title"),
        "nguoi_ky": DOTS,
        "noi_nhan": [f"- {r}" for r in t(f"draft.recipients_{spec.key}").split("\n")],
        "ho_ten": c.full_name,
        "ngay_sinh": fmt_date(c.birth_date),
        "gioi_tinh": t("draft.female") if c.female else t("draft.male"),
        "dan_toc": c.ethnicity or DOTS,
        "ton_giao": c.religion or t("form.religion_none"),
        "trinh_do": label("education", c.general_education),
        "chuyen_mon": label("qualification", c.qualification),
        "nghe_nghiep": label("occupation", c.occupation),
        "nguoi_giup_do": c.helper_name or DOTS,
        "nguoi_gioi_thieu": t("draft.and").join(sponsors) if sponsors else DOTS,
        "chi_bo": record.branch.name,
        "dang_uy_co_so": committee_name(grassroots.name, grassroots.kind),
        "cap_uy_quyet_dinh": competent,
        "cap_uy_ban_hanh": committee_name(issuer.name, issuer.kind),
        # The chi bộ proposes to its đảng ủy cơ sở; a chi bộ cơ sở to the committee that decides.
        "de_nghi_len": committee_name(record.grassroots.name, record.grassroots.kind) if record.grassroots
        else competent,
        "xet_de_nghi": _considered(record),
        "nq_chi_bo": _reference(events.get(Stage.BRANCH_RESOLUTION.value)),
        "nq_dang_uy": _reference(events.get(Stage.COMMITTEE_RESOLUTION.value)),
        "qd_ket_nap": _reference(events.get(Stage.DECISION.value)),
        "ngay_le_ket_nap": fmt_date(ceremony.event_date) if ceremony is not None else DOTS,
        "nq_cong_nhan_chi_bo": _reference(events.get(Stage.RECOGNITION_BRANCH.value)),
        **_vote_values(event),
    }


def draft_docx(session: Session, actor: Actor, candidate_id: int, code: str, *,
               template_dir: Path = TEMPLATE_DIR) -> bytes:
    """The draft of form `code` ("6-KNĐ", …) for a candidate of the caller's scope, as a Word
    file; FormError (saying why, citing the step missing) when it cannot be drafted yet,
    ScopeError for a candidate or an issuing body out of the caller's scope."""
    spec = FORMS_BY_CODE.get(code)
    if spec is None:
        raise FormError([t("draft.refused_unknown", form=code)])
    record = _record(session, actor, candidate_id)
    option = _option(spec, record)
    if not option.ready:
        raise FormError([option.reason])
    issuer = _issuer(spec, record)
    if not actor.covers(issuer.path):
        raise ScopeError(t("error.out_of_scope", code=issuer.code))
    values = draft_values(session, spec, record)
    return render_document((template_dir / spec.template).read_bytes(), values)


def draft_file_name(code: str, candidate_id: int) -> str:
    """ "du-thao-6-KND_1234.docx"."""
    return f"{t('draft.file')}-{code.replace('Đ', 'D')}_{candidate_id}.docx"
