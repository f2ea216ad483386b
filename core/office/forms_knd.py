"""Drafts of the documents the chi bộ and the committees sign, filled from a candidate's record:
6-KNĐ (the chi bộ's resolution proposing admission), 8-KNĐ (the đảng ủy cơ sở's), 9-KNĐ (the
decision to admit), 13-KNĐ (the chi bộ's resolution proposing recognition as an official
member) and 15-KNĐ (the đảng ủy cơ sở's), numbered as in Hướng dẫn 12-HD/BTCTW (2022).

Each is a Word template the office may edit (data/templates/mau_*_knd.docx, made by
`python -m core.office.forms_template`), filled as the yearly report is (core.office.report):
the Party document heading of the issuing body (core.office.heading), the candidate, the
organizations (as they stood on the document's date: a decision of 2024 is the district's, one
of 2026 the đảng ủy phường's), the meeting's vote (the stage event's members_total,
members_excused, votes_total = present, votes_for), the document's number and date, the helper
and sponsors.
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
from core.config import DATA_DIR, current_day
from core.errors import FormError
from core.format import fmt_date, fmt_long_date, fmt_number, fmt_percent
from core.i18n import label, t
from core.office.heading import PartyHeading, chain_on, committee_name, party_heading
from core.office.report import render_document
from core.procedure.candidates import candidate_detail
from core.procedure.pipeline import effective_events, route_of_chain
from core.procedure.stages import OrgKind, Stage
from core.storage.models import Candidate, CandidatePlace, Organization, StageEvent
from core.structure.dated import Era

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
    events: dict[str, StageEvent]  # the latest event in force of each step
    today: date  # the date of a draft whose step is not recorded yet


@dataclass(frozen=True)
class _Bodies:
    """The organizations of one document, as they stood on its date (core.structure.dated)."""

    day: date
    branch: Era
    grassroots: Era | None  # the đảng ủy cơ sở above the chi bộ; None for a chi bộ cơ sở
    competent: Era | None  # the committee that decides admission


# The đảng ủy a chi bộ's resolution goes to, and the committees that decide (a đảng ủy xã/phường
# from 01/7/2025 both: its standing committee decides for its chi bộ, "-QĐ/ĐU").
COMMITTEE_KINDS = frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.COMMUNE_COMMITTEE})
DECIDING_KINDS = frozenset({OrgKind.UPPER_COMMITTEE, OrgKind.COMMUNE_COMMITTEE})


def _record(session: Session, actor: Actor, candidate_id: int, today: date | None) -> _Record:
    candidate, _branch = candidate_detail(session, actor, candidate_id)  # refuses out of scope, projector
    history = session.exec(select(StageEvent).where(StageEvent.candidate_id == candidate.id).order_by(StageEvent.id)).all()
    events = {e.stage: e for e in effective_events(history)}  # in order recorded: the last of each step wins
    return _Record(candidate, events, today or current_day())


def _branch_on(session: Session, candidate: Candidate, day: date) -> int:
    """The chi bộ the candidate stood in on `day`: where it is now, or, before it last moved,
    the place (CandidatePlace) that held that day."""
    if candidate.placed_from is None or day >= candidate.placed_from:
        return candidate.organization_id
    places = session.exec(select(CandidatePlace).where(CandidatePlace.candidate_id == candidate.id)
                          .order_by(CandidatePlace.valid_to)).all()
    return next((p.organization_id for p in places if p.valid_to >= day), candidate.organization_id)


def _day(spec: FormSpec, record: _Record) -> date:
    """The document's date: that of its step's event, or today for a draft made before the meeting."""
    event = record.events.get(spec.stage)
    return event.event_date if event is not None else record.today


def _bodies(session: Session, record: _Record, day: date) -> _Bodies:
    """The chi bộ, its đảng ủy cơ sở and the committee that decides, on the tree of `day`: a
    2024 decision is Huyện ủy Kim Bảng's, a 2026 one the đảng ủy phường's."""
    chain = chain_on(session, _branch_on(session, record.candidate, day), day)
    branch, above = chain[0], chain[1:]
    grassroots = None
    if branch.kind != OrgKind.GRASSROOTS_CELL:
        grassroots = next((o for o in above if o.kind in COMMITTEE_KINDS), None)
    competent = next((o for o in above if o.kind in DECIDING_KINDS), None)
    if grassroots is not None and not route_of_chain(session, chain).committee:
        # A đảng ủy that decides admissions itself (authorized, or a đảng ủy xã/phường): no
        # resolution of its own goes up (8-, 15-KNĐ); its decision is the decision (9-KNĐ).
        grassroots, competent = None, grassroots
    return _Bodies(day, branch, grassroots, competent)


def _issuer(spec: FormSpec, bodies: _Bodies) -> Era | None:
    return {"branch": bodies.branch, "grassroots_committee": bodies.grassroots, "competent": bodies.competent}[spec.issuer]


def _after(spec: FormSpec, bodies: _Bodies) -> tuple[str, ...]:
    """The steps after which the form is offered; a decision with no đảng ủy's resolution before
    it (a chi bộ cơ sở's, an authorized đảng ủy's) follows the chi bộ's own vote."""
    if spec.code == "9-KNĐ" and bodies.grassroots is None:
        return (Stage.BRANCH_RESOLUTION.value,)
    return spec.after


def _refusal_without_issuer(spec: FormSpec, bodies: _Bodies) -> str:
    if spec.issuer != "grassroots_committee":
        return t("draft.refused_no_competent", form=spec.code, org=bodies.branch.name)
    if bodies.branch.kind == OrgKind.GRASSROOTS_CELL:
        return t("draft.refused_no_committee", form=spec.code, org=bodies.branch.name)
    if bodies.competent is not None and bodies.competent.kind == OrgKind.COMMUNE_COMMITTEE:
        return t("draft.refused_commune", form=spec.code, org=bodies.branch.name, commune=bodies.competent.name)
    return t("draft.refused_authorized", form=spec.code, org=bodies.branch.name)


def _option(spec: FormSpec, record: _Record, bodies: _Bodies) -> DraftOption:
    title = t(f"draft.title_{spec.key}")
    if record.candidate.exit:
        return DraftOption(spec.code, title, False, t("draft.refused_exit", exit=label("exit", record.candidate.exit)))
    if _issuer(spec, bodies) is None:
        return DraftOption(spec.code, title, False, _refusal_without_issuer(spec, bodies))
    if not any(step in record.events for step in _after(spec, bodies)):
        steps = " / ".join(label("stage", s) for s in _after(spec, bodies))
        return DraftOption(spec.code, title, False, t("draft.refused_not_yet", form=spec.code, step=steps))
    return DraftOption(spec.code, title, True)


def _covers(session: Session, actor: Actor, issuer: Era) -> bool:
    """Whether the caller acts for the issuing body: by where the body stands now (a chi bộ moved
    since reprints its own resolution; a district dissolved since is its province's to draft)."""
    return actor.covers(session.get(Organization, issuer.id).path)


def draft_options(session: Session, actor: Actor, candidate_id: int, *, today: date | None = None) -> list[DraftOption]:
    """The drafts the caller may make for the candidate, ready or with why not yet: every form
    whose issuing body (on the document's date) lies within the caller's scope (ScopeError for
    a candidate out of it)."""
    record = _record(session, actor, candidate_id, today)
    options = []
    for spec in FORMS:
        bodies = _bodies(session, record, _day(spec, record))
        issuer = _issuer(spec, bodies)
        if issuer is not None and not _covers(session, actor, issuer):
            continue  # another body's document: not this caller's to draft
        options.append(_option(spec, record, bodies))
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


def _committee(org: Era) -> str:
    return committee_name(org.name, org.kind)


def _considered(record: _Record, bodies: _Bodies) -> str:
    """What the decision weighs: the chi bộ's resolution, and the đảng ủy cơ sở's where there is one."""
    branch = t("draft.considered_branch", org=bodies.branch.name,
               reference=_reference(record.events.get(Stage.BRANCH_RESOLUTION.value)))
    if bodies.grassroots is None:
        return branch
    return branch + t("draft.considered_committee", org=_committee(bodies.grassroots),
                      reference=_reference(record.events.get(Stage.COMMITTEE_RESOLUTION.value)))


def draft_values(session: Session, spec: FormSpec, record: _Record, bodies: _Bodies) -> dict[str, str | list[str]]:
    """Every placeholder of the form's template and its value, the organizations as they stood
    on the document's date."""
    c, events = record.candidate, record.events
    issuer = _issuer(spec, bodies)
    heading = party_heading(session, issuer, bodies.day)
    event = events.get(spec.stage)
    sponsors = [n for n in (c.sponsor1_name, c.sponsor2_name) if n.strip()]
    grassroots = bodies.grassroots or bodies.branch
    ceremony = events.get(Stage.ADMITTED.value)
    competent = _committee(bodies.competent) if bodies.competent else DOTS
    return {
        "cap_tren": DOTS if heading.upper_missing else heading.upper_body,
        "co_quan": heading.issuing_body,
        "so_van_ban": _number(heading, spec, event),
        "dia_danh_ngay": fmt_long_date(event.event_date, heading.place) if event is not None
        else t("draft.place_date_blank", place=heading.place),
        "thay_mat": heading.on_behalf,
        "tham_quyen": heading.authority,
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
        "chi_bo": bodies.branch.name,
        "dang_uy_co_so": _committee(grassroots),
        # Who carries the decision out: the đảng ủy cơ sở, where there is one, and the chi bộ.
        "thi_hanh": ", ".join(dict.fromkeys((_committee(grassroots), bodies.branch.name))),
        "cap_uy_quyet_dinh": competent,
        "cap_uy_ban_hanh": _committee(issuer),
        # The chi bộ proposes to its đảng ủy cơ sở; a chi bộ cơ sở to the committee that decides.
        "de_nghi_len": _committee(bodies.grassroots) if bodies.grassroots else competent,
        "xet_de_nghi": _considered(record, bodies),
        "nq_chi_bo": _reference(events.get(Stage.BRANCH_RESOLUTION.value)),
        "nq_dang_uy": _reference(events.get(Stage.COMMITTEE_RESOLUTION.value)),
        "qd_ket_nap": _reference(events.get(Stage.DECISION.value)),
        "ngay_le_ket_nap": fmt_date(ceremony.event_date) if ceremony is not None else DOTS,
        "nq_cong_nhan_chi_bo": _reference(events.get(Stage.RECOGNITION_BRANCH.value)),
        **_vote_values(event),
    }


def draft_docx(session: Session, actor: Actor, candidate_id: int, code: str, *,
               template_dir: Path = TEMPLATE_DIR, today: date | None = None) -> bytes:
    """The draft of form `code` ("6-KNĐ", …) for a candidate of the caller's scope, as a Word
    file under the heading of its issuing body on the document's date (its step's, or `today`
    before the step is recorded); FormError (saying why, citing the step missing) when it cannot
    be drafted yet, ScopeError for a candidate or an issuing body out of the caller's scope."""
    spec = FORMS_BY_CODE.get(code)
    if spec is None:
        raise FormError([t("draft.refused_unknown", form=code)])
    record = _record(session, actor, candidate_id, today)
    bodies = _bodies(session, record, _day(spec, record))
    option = _option(spec, record, bodies)
    if not option.ready:
        raise FormError([option.reason])
    issuer = _issuer(spec, bodies)
    if not _covers(session, actor, issuer):
        raise ScopeError(t("error.out_of_scope", code=issuer.code))
    values = draft_values(session, spec, record, bodies)
    return render_document((template_dir / spec.template).read_bytes(), values)


def draft_file_name(code: str, candidate_id: int) -> str:
    """ "du-thao-6-KND_1234.docx"."""
    return f"{t('draft.file')}-{code.replace('Đ', 'D')}_{candidate_id}.docx"
