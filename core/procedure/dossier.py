"""The dossier's papers and their rules, as pure functions over plain values.

Which papers each step requires, by introduction route and case (`required_papers`); the
checklist of a candidate's dossier, every required paper with its state (`checklist`); the
findings that stop the chi bộ's vote (to admit, and to recognize) while a paper is missing and
the decision while a consent the case needs was not given before it (`dossier_findings`). The forms are those of Hướng dẫn
12-HD/BTCTW (2022); what a dossier holds: 12-HD/BTCTW Phần II, mục 1.1 and Hướng dẫn 06-HD/TW.

A paper nobody recorded is missing, never invented: records made before papers were recorded
have none, except those whose date the record already held: the awareness certificate (the
class_done date), the Đoàn's resolution (4-KNĐ) and the new-member class (the form's dates).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from core.config import RuleSettings
from core.format import fmt_date
from core.i18n import label, t
from core.procedure.findings import Finding
from core.procedure.stages import Education
from core.procedure.workdays import add_months, full_months_between

if TYPE_CHECKING:
    from core.procedure.rules import CandidateFacts


class PaperKind(StrEnum):
    """The papers of a dossier (12-HD/BTCTW forms) and the consent documents."""

    AWARENESS_CERTIFICATE = "cn_ntvd"  # CN-NTVĐ, the awareness class certificate, 60 months
    APPLICATION = "1_knd"  # 1-KNĐ, đơn xin vào Đảng
    BIOGRAPHY = "2_knd"  # 2-KNĐ, lý lịch
    BIOGRAPHY_VERIFICATION = "2_knd_verification"  # thẩm tra lý lịch
    SPONSOR_INTRODUCTION = "3_knd"  # 3-KNĐ, one per sponsor
    FORM_3A = "3a_knd"  # 3A-KNĐ: its content in 12-HD/BTCTW could not be verified; recorded, never required
    YOUTH_UNION_RESOLUTION = "4_knd"  # 4-KNĐ, the Đoàn's resolution
    TRADE_UNION_RESOLUTION = "4a_knd"  # 4A-KNĐ, the Công đoàn's resolution
    ASSESSMENT_SUMMARY = "5_knd"  # 5-KNĐ, summary of assessments
    SELF_ASSESSMENT = "10_knd"  # recognition: the member's own review
    HELPER_ASSESSMENT = "11_knd"  # recognition: the helper's assessment
    RECOGNITION_SUMMARY = "12_knd"  # recognition: summary of assessments
    NEW_MEMBER_CLASS = "new_member_class"  # recognition: the new-member class certificate
    CONSENT_OVER_AGE = "consent_over_age"  # the province standing committee's consent, over 60
    CONSENT_EDUCATION = "consent_education"  # its consent, primary education in hardship areas
    CONSENT_LITERACY = "consent_literacy"  # its consent, a village elder or head who is literate only


class Introduction(StrEnum):
    """How a candidate is introduced (Điều lệ Điều 4; Quy định 294-QĐ/TW, điểm 3)."""

    TWO_MEMBERS = "two_members"
    YOUTH_UNION = "youth_union"
    TRADE_UNION = "trade_union"


# The papers that expire, and the setting of RuleSettings that says after how many months.
EXPIRING_KINDS = {PaperKind.AWARENESS_CERTIFICATE: "certificate_valid_months"}
CONSENT_KINDS = (PaperKind.CONSENT_OVER_AGE, PaperKind.CONSENT_EDUCATION, PaperKind.CONSENT_LITERACY)


@dataclass(frozen=True)
class Paper:
    """One paper in force. `recorded` False: a date the record already held (the class_done
    date as the first certificate, the Đoàn's resolution date of the form), not a paper row."""

    kind: str
    issue_date: date
    document_number: str = ""
    valid_until: date | None = None
    holder: str = ""
    id: int | None = None
    recorded: bool = True


def valid_until(kind: str, issue_date: date, rules: RuleSettings) -> date | None:
    """Until when a paper of this kind holds (None: it does not expire)."""
    setting = EXPIRING_KINDS.get(kind)
    return add_months(issue_date, getattr(rules, setting)) if setting else None


def effective_rows(rows: Iterable) -> list:
    """The paper rows in force (anything with id, replaces_paper_id, voids): not replaced by a
    correction, and not voiding ones."""
    rows = list(rows)
    replaced = {r.replaces_paper_id for r in rows if r.replaces_paper_id is not None}
    return [r for r in rows if r.id not in replaced and not r.voids]


def youth_age(birth_date: date, on: date, rules: RuleSettings) -> bool:
    """In youth-union age on a date: to the end of the year of age `youth_union_max_age_years`."""
    return full_months_between(birth_date, on) < 12 * (rules.youth_union_max_age_years + 1)


def introduction_of(facts: CandidateFacts, on: date | None = None, rules: RuleSettings | None = None) -> Introduction:
    """The candidate's route; on records made before it was asked, inferred as the rules did
    then: a Đoàn member with the Đoàn's resolution, of youth age on `on` (when given), is on
    the Đoàn route, anyone else has two sponsors."""
    if facts.introduction in Introduction._value2member_map_:
        return Introduction(facts.introduction)
    if facts.youth_union_member and facts.youth_union_resolution_date is not None and (
            on is None or rules is None or youth_age(facts.birth_date, on, rules)):
        return Introduction.YOUTH_UNION
    return Introduction.TWO_MEMBERS


def sponsors_needed(route: Introduction) -> int:
    """Two official members, or one beside the Đoàn's or the Công đoàn's resolution."""
    return 2 if route is Introduction.TWO_MEMBERS else 1


def papers_held(facts: CandidateFacts) -> list[Paper]:
    """The papers in force, with the dates the record already held counted as papers."""
    held = list(facts.papers or ())
    class_done = facts.stage_dates.get("class_done")
    if class_done is not None:
        held.append(Paper(PaperKind.AWARENESS_CERTIFICATE, class_done, recorded=False))
    if facts.youth_union_resolution_date is not None:
        held.append(Paper(PaperKind.YOUTH_UNION_RESOLUTION, facts.youth_union_resolution_date, recorded=False))
    if facts.new_member_class_date is not None:
        held.append(Paper(PaperKind.NEW_MEMBER_CLASS, facts.new_member_class_date, recorded=False))
    return held


def latest(papers: Iterable[Paper], kind: str) -> Paper | None:
    """The latest paper of a kind (a certificate renewed by taking the class again is the later one)."""
    return max((p for p in papers if p.kind == kind), key=lambda p: (p.issue_date, p.recorded), default=None)


@dataclass(frozen=True)
class Requirement:
    """A paper a step requires; `holder` names whose it is (3-KNĐ: the sponsor)."""

    kind: str
    holder: str = ""


def consents_needed(facts: CandidateFacts, rules: RuleSettings) -> list[str]:
    """The province's written consents the case needs before the decision: over 60 at the
    chi bộ's vote; primary education only; a village elder or head literate only."""
    needed = []
    vote_date = facts.stage_dates.get("branch_resolution")
    if vote_date is not None and full_months_between(facts.birth_date, vote_date) > rules.max_age_months:
        needed.append(PaperKind.CONSENT_OVER_AGE)
    if facts.general_education == Education.PRIMARY:
        needed.append(PaperKind.CONSENT_EDUCATION)
    elif facts.general_education == Education.LITERATE:
        needed.append(PaperKind.CONSENT_LITERACY)
    return needed


def required_papers(facts: CandidateFacts, step: str, rules: RuleSettings) -> list[Requirement]:
    """The papers `step` requires of this candidate, by route and case: the chi bộ's vote
    (branch_resolution) the admission dossier; the decision the consents; the chi bộ's
    recognition vote (recognition_branch) the recognition papers; other steps none."""
    if step == "branch_resolution":
        route = introduction_of(facts, facts.stage_dates.get("branch_resolution"), rules)
        papers = [Requirement(PaperKind.AWARENESS_CERTIFICATE), Requirement(PaperKind.APPLICATION),
                  Requirement(PaperKind.BIOGRAPHY), Requirement(PaperKind.BIOGRAPHY_VERIFICATION)]
        if route is Introduction.YOUTH_UNION:
            papers.append(Requirement(PaperKind.YOUTH_UNION_RESOLUTION))
        elif route is Introduction.TRADE_UNION:
            papers.append(Requirement(PaperKind.TRADE_UNION_RESOLUTION))
        named = [s.name for s in facts.sponsors if s.name.strip()]
        for index in range(sponsors_needed(route)):
            papers.append(Requirement(PaperKind.SPONSOR_INTRODUCTION, named[index] if index < len(named) else ""))
        papers.append(Requirement(PaperKind.ASSESSMENT_SUMMARY))
        return papers
    if step == "decision":
        return [Requirement(kind) for kind in consents_needed(facts, rules)]
    if step == "recognition_branch":
        return [Requirement(k) for k in (PaperKind.SELF_ASSESSMENT, PaperKind.HELPER_ASSESSMENT,
                                         PaperKind.RECOGNITION_SUMMARY, PaperKind.NEW_MEMBER_CLASS)]
    return []


@dataclass(frozen=True)
class ChecklistItem:
    """One required paper and its state: "present" (có), "missing" (thiếu), "expired" (hết
    hạn), "expiring" (sắp hết hạn), "late" (a consent dated after the decision); `text` says it
    in Vietnamese."""

    step: str
    kind: str
    holder: str
    state: str
    paper: Paper | None
    text: str

    @property
    def name(self) -> str:
        """The paper's label, with whose it is."""
        return paper_name(self.kind, self.holder)


def paper_name(kind: str, holder: str = "") -> str:
    """«Giấy giới thiệu (mẫu 3-KNĐ) của Trần Văn B»."""
    name = label("paper", kind)
    return t("paper.of_holder", paper=name, holder=holder) if holder else name


def _match(requirements: list[Requirement], papers: list[Paper]) -> list[Paper | None]:
    """The paper meeting each requirement: one per sponsor, by name where the paper names its
    holder, else any left; for other kinds the latest."""
    matched: list[Paper | None] = []
    used: set[int] = set()
    for req in requirements:
        if req.kind != PaperKind.SPONSOR_INTRODUCTION:
            matched.append(latest(papers, req.kind))
            continue
        pool = [(i, p) for i, p in enumerate(papers) if p.kind == req.kind and i not in used]
        named = [(i, p) for i, p in pool if req.holder and p.holder.casefold() == req.holder.casefold()]
        pick = (named or [(i, p) for i, p in pool if not p.holder] or [None])[0]
        if pick is None:
            matched.append(None)
        else:
            used.add(pick[0])
            matched.append(pick[1])
    return matched


def _item(step: str, req: Requirement, paper: Paper | None, on: date, rules: RuleSettings,
          before: date | None) -> ChecklistItem:
    if paper is None:
        return ChecklistItem(step, req.kind, req.holder, "missing", None, t("paper.state_missing"))
    number = f"{paper.document_number}, " if paper.document_number else ""
    dated = t("paper.state_present", number=number, date=fmt_date(paper.issue_date))
    if not paper.recorded:
        dated = t("paper.state_from_record", date=fmt_date(paper.issue_date))
    if before is not None and paper.issue_date >= before:
        return ChecklistItem(step, req.kind, req.holder, "late", paper,
                             t("paper.state_late", date=fmt_date(paper.issue_date), decision=fmt_date(before)))
    until = paper.valid_until or valid_until(paper.kind, paper.issue_date, rules)
    if until is not None and on > until:
        return ChecklistItem(step, req.kind, req.holder, "expired", paper,
                             t("paper.state_expired", paper=dated, date=fmt_date(until)))
    if until is not None and (until - on).days <= rules.due_soon_days:
        return ChecklistItem(step, req.kind, req.holder, "expiring", paper,
                             t("paper.state_expiring", paper=dated, date=fmt_date(until)))
    return ChecklistItem(step, req.kind, req.holder, "present", paper, dated)


def checklist(facts: CandidateFacts, on: date, rules: RuleSettings) -> list[ChecklistItem]:
    """Every paper the candidate's next steps require, with its state on `on`: the admission
    dossier until the chi bộ has voted, then the consents the case needs until the decision,
    then, once admitted, the recognition papers. A step already taken is not checked again."""
    taken = facts.stage_dates
    if "admitted" in taken:
        steps = [] if "official" in taken or "recognition_branch" in taken else ["recognition_branch"]
    elif "decision" in taken:
        steps = []
    elif "branch_resolution" in taken:
        steps = ["decision"]
    else:
        steps = ["branch_resolution", "decision"]
    held = [p for p in papers_held(facts) if p.issue_date <= on]
    items = []
    for step in steps:
        requirements = required_papers(facts, step, rules)
        for req, paper in zip(requirements, _match(requirements, held)):
            items.append(_item(step, req, paper, on, rules, None))
    return items


# Per step: the refusal's text, the finding's code, and the texts it cites.
_REFUSALS = {
    "branch_resolution": ("paper.vote_papers_missing", "papers_missing", "paper.cite_dossier"),
    "decision": ("paper.consent_missing", "consent_missing", "paper.cite_consent"),
    "recognition_branch": ("paper.recognition_papers_missing", "recognition_papers_missing", "paper.cite_recognition"),
}


def _checked(requirement: Requirement) -> bool:
    """Whether the papers' finding checks this requirement: the awareness certificate and the
    new-member class have findings of their own (core.procedure.rules), and an introduction by
    a sponsor not yet named is the sponsors' finding (core.procedure.rules.sponsor_findings)."""
    return (requirement.kind not in (PaperKind.AWARENESS_CERTIFICATE, PaperKind.NEW_MEMBER_CLASS)
            and not (requirement.kind == PaperKind.SPONSOR_INTRODUCTION and not requirement.holder))


def dossier_findings(facts: CandidateFacts, step: str, event_date: date, rules: RuleSettings) -> list[Finding]:
    """What stops `step` on `event_date` for want of a paper: the chi bộ's vote while a paper
    of the admission dossier is missing (the awareness certificate is the certificate's own
    check, core.procedure.rules.vote_eligibility); the decision without each consent the case
    needs dated before it; the chi bộ's recognition vote while the member's review (10-KNĐ),
    the helper's assessment (11-KNĐ) or the summary (12-KNĐ) is missing (the new-member class
    is its own check). One finding naming every paper missing, with the texts it comes from.
    None when the papers are not known (facts.papers None: past steps imported)."""
    if facts.papers is None or step not in _REFUSALS:
        return []
    requirements = [r for r in required_papers(facts, step, rules) if _checked(r)]
    if step == "decision":
        # A consent must come before the decision: one dated on its day or after it is shown as late.
        held = papers_held(facts)
        items = [_item(step, r, latest([p for p in held if p.issue_date < event_date], r.kind) or latest(held, r.kind),
                       event_date, rules, event_date) for r in requirements]
    else:
        held = [p for p in papers_held(facts) if p.issue_date <= event_date]
        items = [_item(step, r, p, event_date, rules, None) for r, p in zip(requirements, _match(requirements, held))]
    wanting = [i for i in items if i.state not in ("present", "expiring")]
    if not wanting:
        return []
    listed = "; ".join(f"{i.name} ({i.text})" if i.state == "late" else i.name for i in wanting)
    key, code, cite = _REFUSALS[step]
    return [Finding(code, True, f"{t(key, papers=listed)} {t(cite)}")]


def open_paper_findings(facts: CandidateFacts, today: date, rules: RuleSettings) -> list[Finding]:
    """For the to-do list («Cần bổ sung:»): the papers the chi bộ's vote or the decision lacks
    today, and those expiring within `due_soon_days`, from the dossier step on (before it, the
    papers are still being gathered) until the decision; then, for a member in probation, from
    `due_soon_days` before its end until the chi bộ's recognition vote, the recognition papers lacking. The
    awareness certificate and the new-member class have findings of their own (core.procedure.rules)."""
    taken = facts.stage_dates
    if facts.papers is None or "dossier" not in taken:
        return []
    items = [i for i in checklist(facts, today, rules) if i.step in _REFUSALS
             and _checked(Requirement(i.kind, i.holder))]
    findings = []
    admitted = taken.get("admitted")
    # The recognition papers are written near the end of the probation: named from `due_soon_days` before it.
    review_near = admitted is not None and today >= add_months(admitted, rules.probation_months) - timedelta(
        days=rules.due_soon_days)
    for step, (_refusal, code, cite) in _REFUSALS.items():
        if step == "recognition_branch" and not review_near:
            continue
        missing = [i.name for i in items if i.step == step and i.state in ("missing", "expired")]
        if missing:
            key = "paper.todo_recognition_missing" if step == "recognition_branch" else "paper.todo_missing"
            findings.append(Finding(code, True, f"{t(key, papers='; '.join(missing))} {t(cite)}"))
    for item in items:
        if item.state == "expiring":
            findings.append(Finding("paper_expiring", True, t("paper.todo_expiring", paper=item.name,
                                                                 date=fmt_date(item.paper.valid_until or valid_until(
                                                                     item.kind, item.paper.issue_date, rules)))))
    return findings
