"""Rules of the admission procedure, as pure functions over plain values.

Each check returns Findings: a blocking one forbids the step; a non-blocking one (over 60,
education exemption) is an exception that a person must acknowledge, and that is recorded.
Every number comes from `RuleSettings`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.config import RuleSettings
from core.format import fmt_date, fmt_number
from core.i18n import label, t
from core.procedure.dossier import (
    Introduction,
    Paper,
    PaperKind,
    dossier_findings,
    introduction_of,
    latest,
    open_paper_findings,
    papers_held,
    sponsors_needed,
    youth_age,
)
from core.procedure.findings import Finding
from core.procedure.stages import (
    EXIT_ALLOWED_FROM,
    RECOGNITION_STAGES,
    STAGE_ORDER,
    Education,
    Exit,
    Route,
    Stage,
    previous_stage,
    required_stages,
)
from core.procedure.workdays import add_months, add_working_days, full_months_between


@dataclass(frozen=True)
class Sponsor:
    """A member who sponsors the candidate, since when they have worked with them, whether
    they are an official member (None: not asked, on records made before it was), and, for a
    replacement the chi bộ assigned, its decision."""

    name: str
    since: date | None
    official: bool | None = True
    replacement_decision: str = ""


@dataclass(frozen=True)
class CandidateFacts:
    """What the rules need to know about a candidate (no name, nothing else personal)."""

    birth_date: date
    general_education: str = Education.UPPER_SECONDARY
    education_exemption: bool = False
    youth_union_member: bool = False
    youth_union_resolution_date: date | None = None
    sponsors: tuple[Sponsor, ...] = ()
    new_member_class_date: date | None = None
    route: Route = Route()
    stage_dates: dict[Stage, date] = field(default_factory=dict)
    exit: str | None = None
    exit_date: date | None = None
    # The records that are not stages (core.procedure.stages.Record), as the candidate row holds them.
    decision_received_date: date | None = None
    decision_extension_date: date | None = None
    ceremony_consent_date: date | None = None
    recognition_failed_votes: int = 0
    recognition_rejected_date: date | None = None
    introduction: str = ""  # core.procedure.dossier.Introduction; "": inferred (records made before it was asked)
    trade_union_member: bool = False
    village_head: bool = False
    has_youth_union: bool = False  # the organization has a Đoàn
    # The dossier's papers in force (core.procedure.dossier.Paper); None: not known (past steps
    # imported), and then not checked.
    papers: tuple[Paper, ...] | None = None

    @property
    def certificate_date(self) -> date | None:
        """The latest awareness certificate: the class_done date, or a later CN-NTVĐ after the
        class was taken again."""
        paper = latest(papers_held(self), PaperKind.AWARENESS_CERTIFICATE)
        return paper.issue_date if paper else None

    @property
    def new_member_class_taken(self) -> date | None:
        """The new-member class's date: the record's own, or a certificate recorded as a paper."""
        paper = latest(papers_held(self), PaperKind.NEW_MEMBER_CLASS)
        return paper.issue_date if paper else None


def current_stage(stage_dates: dict[Stage, date]) -> Stage | None:
    """The furthest stage entered, or None before the first."""
    entered = [s for s in stage_dates if stage_dates[s] is not None]
    return max(entered, key=lambda s: STAGE_ORDER[s]) if entered else None


def age_in_months(birth_date: date, on: date) -> int:
    """Age in full months on a date."""
    return full_months_between(birth_date, on)


def _years(months: int) -> str:
    """A limit in months as years when whole ("18"), else as years and months."""
    return str(months // 12) if months % 12 == 0 else f"{months // 12} năm {months % 12} tháng"


def _years_months(months: int) -> dict[str, int]:
    return {"years": months // 12, "months": months % 12}


def vote_eligibility(facts: CandidateFacts, vote_date: date, rules: RuleSettings) -> list[Finding]:
    """Conditions at the chi bộ vote: age, education, awareness certificate, sponsors."""
    findings: list[Finding] = []
    age = age_in_months(facts.birth_date, vote_date)
    consents = {p.kind for p in papers_held(facts) if p.issue_date <= vote_date}
    if age < rules.min_age_months:
        findings.append(Finding("too_young", True, t("rule.too_young", min_years=_years(rules.min_age_months), **_years_months(age))))
    elif age > rules.max_age_months and PaperKind.CONSENT_OVER_AGE not in consents:
        # Allowed at the vote; the consent is checked at the decision (core.procedure.dossier).
        findings.append(Finding("over_age", False, t("rule.over_age", max_years=_years(rules.max_age_months), **_years_months(age))))

    if facts.general_education == Education.PRIMARY and PaperKind.CONSENT_EDUCATION not in consents:
        findings.append(Finding("education_exception", False, t("rule.education_exception")))
    elif facts.general_education == Education.LITERATE:
        if not facts.village_head:
            findings.append(Finding("education_missing", True, t("rule.education_literate_only")))
        elif PaperKind.CONSENT_LITERACY not in consents:
            findings.append(Finding("education_literacy_exception", False, t("rule.education_literacy_exception")))

    cert = facts.certificate_date
    if cert is None:
        findings.append(Finding("no_certificate", True, t("rule.no_certificate")))
    elif vote_date > add_months(cert, rules.certificate_valid_months):
        findings.append(
            Finding("certificate_expired", True,
                    t("rule.certificate_expired", date=fmt_date(cert), months=rules.certificate_valid_months))
        )

    findings.extend(sponsor_findings(facts, vote_date, rules))
    return findings


def sponsor_findings(facts: CandidateFacts, vote_date: date, rules: RuleSettings) -> list[Finding]:
    """The introduction (Điều lệ Điều 4; Quy định 294-QĐ/TW, điểm 3): where the organization has
    a Đoàn, a candidate of youth age must be a Đoàn member introduced by the Đoàn (4-KNĐ) and one
    official member; a union member may be introduced by the Công đoàn (4A-KNĐ) and one; anyone
    else by two. Each sponsor an official member (not probationary) who has worked, studied or
    lived with the candidate `sponsor_min_months`, except a replacement the chi bộ assigned
    (the first moved away or was disciplined). The resolutions themselves are papers
    (core.procedure.dossier)."""
    cite = t("rule.cite_introduction")
    route = introduction_of(facts, vote_date, rules)
    young = youth_age(facts.birth_date, vote_date, rules)
    findings: list[Finding] = []

    def refuse(code: str, key: str, **params: object) -> None:
        findings.append(Finding(code, True, f"{t(key, **params)} {cite}"))

    if young and facts.has_youth_union and route is not Introduction.YOUTH_UNION:
        refuse("youth_union_route_required", "rule.youth_union_route_required",
               max_age=rules.youth_union_max_age_years)
    if route is Introduction.YOUTH_UNION:
        if not facts.youth_union_member:
            refuse("youth_union_route_not_member", "rule.youth_union_route_not_member")
        elif not young:
            refuse("youth_union_route_over_age", "rule.youth_union_route_over_age", max_age=rules.youth_union_max_age_years)
    if route is Introduction.TRADE_UNION and not facts.trade_union_member:
        refuse("trade_union_route_not_member", "rule.trade_union_route_not_member")
    named = [s for s in facts.sponsors if s.name.strip()]
    needed = sponsors_needed(route)
    if len(named) < needed:
        refuse("sponsors_missing", "rule.sponsors_missing_two" if needed == 2 else "rule.sponsors_missing_one",
               route=label("introduction", route))
        return findings
    for sponsor in named[:needed]:
        if sponsor.official is False:
            refuse("sponsor_probationary", "rule.sponsor_probationary", name=sponsor.name)
        elif sponsor.official is None:
            refuse("sponsor_official_unknown", "rule.sponsor_official_unknown", name=sponsor.name)
        if sponsor.replacement_decision.strip():
            continue  # assigned by the chi bộ in place of a sponsor who left: no minimum time together
        months = full_months_between(sponsor.since, vote_date) if sponsor.since else 0
        if months < rules.sponsor_min_months:
            refuse("sponsor_too_recent", "rule.sponsor_too_recent", name=sponsor.name, months=max(months, 0),
                   min=rules.sponsor_min_months)
    return findings


def open_findings(facts: CandidateFacts, today: date, rules: RuleSettings) -> list[Finding]:
    """What the record lacks today for the steps ahead, as far as the model knows it: heading
    for the chi bộ vote (awareness class done, dossier), what would stop a vote held today
    (sponsors, age, education, an expired certificate) and a certificate expiring within
    `due_soon_days`; once admitted, the new-member class not yet taken. A list of findings,
    so that later checks (the dossier's papers) join it."""
    stage = current_stage(facts.stage_dates)
    findings: list[Finding] = []
    if stage in (Stage.CLASS_DONE, Stage.DOSSIER):
        findings += vote_eligibility(facts, today, rules)
        expiry = add_months(facts.certificate_date, rules.certificate_valid_months)
        if today <= expiry and (expiry - today).days <= rules.due_soon_days:
            findings.append(Finding("certificate_expiring", True, t("rule.certificate_expiring", date=fmt_date(expiry))))
    if stage is Stage.ADMITTED and facts.new_member_class_taken is None:
        findings.append(Finding("new_member_class_missing", True, t("rule.new_member_class_missing")))
    held = {p.kind for p in papers_held(facts)}
    if (facts.education_exemption and stage is not None and Stage.DECISION not in facts.stage_dates
            and PaperKind.CONSENT_EDUCATION not in held):
        findings.append(Finding("old_education_exemption", True, t("rule.old_education_exemption")))
    if stage not in (None, Stage.SOURCE, Stage.OUTSTANDING):
        findings.extend(open_paper_findings(facts, today, rules))
    findings.extend(recognition_findings(facts, rules))
    return findings


def recognition_findings(facts: CandidateFacts, rules: RuleSettings) -> list[Finding]:
    """What the recognition votes recorded say is to be done: after a vote of 2/3 against, the
    competent committee's removal (Xóa tên khỏi danh sách đảng viên dự bị); after the third
    vote (a setting) without 2/3 either way, the case goes up to the committee above
    (Điều lệ Đảng, Điều 5; Quy định 294-QĐ/TW, điểm 4.2)."""
    findings = []
    if facts.recognition_rejected_date is not None:
        findings.append(Finding("recognition_rejected", True,
                                t("recog.rejected_todo", date=fmt_date(facts.recognition_rejected_date))))
    if facts.recognition_failed_votes >= rules.recognition_failed_votes_referred:
        findings.append(Finding("recognition_referred", True,
                                t("recog.referred", count=fmt_number(facts.recognition_failed_votes))))
    return findings


@dataclass(frozen=True)
class Vote:
    """A resolution's vote as its minutes record it (6-KNĐ for the chi bộ, 8-KNĐ for the
    committee): the official members of the chi bộ (for the committee: all its members), those
    of them on temporary transfer elsewhere or exempted (the chi bộ only), those present, and
    the votes in favour. None: not given."""

    votes_for: int | None = None
    present: int | None = None
    members_total: int | None = None
    members_excused: int | None = None
    votes_against: int | None = None


def _ceil_fraction(whole: int, rules: RuleSettings) -> int:
    return -(-whole * rules.vote_min_numerator // rules.vote_min_denominator)


# The resolutions whose vote is counted: at admission (6-KNĐ, 8-KNĐ) and at recognition (13-KNĐ, 15-KNĐ).
VOTED_STAGES = (Stage.BRANCH_RESOLUTION, Stage.COMMITTEE_RESOLUTION, *RECOGNITION_STAGES)


def vote_denominator(vote: Vote) -> int | None:
    """The 2/3's denominator: the official members less the excused (a committee: all its members)."""
    if vote.members_total is None:
        return None
    return vote.members_total - (vote.members_excused or 0)


def recognition_outcome(stage: Stage, vote: Vote, rules: RuleSettings) -> str:
    """What a recognition vote whose figures hold decides: "passed" (2/3 of the official
    members, as at admission, in favour), "rejected" (2/3 against: the removal follows), or
    "no_majority" (neither: recorded, the stage not entered; the third such vote goes up to
    the committee above) (Điều lệ Đảng, Điều 5)."""
    eligible = vote_denominator(vote)
    if stage is Stage.RECOGNITION_COMMITTEE:
        eligible = vote.members_total
    num, den = rules.vote_min_numerator, rules.vote_min_denominator
    if (vote.votes_for or 0) * den >= eligible * num:
        return "passed"
    if (vote.votes_against or 0) * den >= eligible * num:
        return "rejected"
    return "no_majority"


def vote_findings(stage: Stage, vote: Vote, rules: RuleSettings) -> list[Finding]:
    """A chi bộ's resolution to admit needs votes in favour from at least two thirds (a setting)
    of the chi bộ's official members, less those on temporary transfer elsewhere and the
    exempted, whoever is present; a committee's resolution two thirds of all its members
    (Điều lệ Điều 4.3; 06-HD/TW 3.6b, 3.7a). Every inconsistency of the figures is a finding of
    its own, so that a refusal lists them all; each message cites its text. Other stages: none."""
    if stage not in VOTED_STAGES:
        return []
    branch = stage in (Stage.BRANCH_RESOLUTION, Stage.RECOGNITION_BRANCH)
    if stage in RECOGNITION_STAGES:
        cite = t("recog.cite_branch" if branch else "recog.cite_committee")
    else:
        cite = t("vote.cite_branch" if branch else "vote.cite_committee")
    problems: list[tuple[str, str]] = []

    def problem(code: str, key: str, **params: object) -> None:
        problems.append((code, t(key, **params)))

    fields = (("members_total", vote.members_total), ("members_excused", vote.members_excused),
              ("votes_total", vote.present), ("votes_for", vote.votes_for), ("votes_against", vote.votes_against))
    for name, value in fields:
        if value is not None and value < 0:
            problem("vote_negative", "vote.negative", field=t(f"candidate.{name}"), value=fmt_number(value))
    if problems:
        return [Finding(code, True, f"{message} {cite}") for code, message in problems]
    members, present, votes_for = vote.members_total, vote.present, vote.votes_for
    excused = vote.members_excused or 0
    if members is None:
        problem("vote_members_missing", "vote.branch_members_missing" if branch else "vote.committee_members_missing")
    elif members == 0:
        problem("vote_members_zero", "vote.members_zero" if branch else "vote.committee_members_zero")
    if votes_for is None:
        problem("vote_for_missing", "vote.for_missing")
    if not branch and excused:
        problem("vote_excused_committee", "vote.excused_committee", excused=fmt_number(excused))
        excused = 0
    eligible = None
    if members:
        if excused >= members:
            problem("vote_excused_too_many", "vote.excused_too_many", excused=fmt_number(excused),
                    members=fmt_number(members))
        else:
            eligible = members - excused
    if eligible is not None and present is not None and present > eligible:
        if branch:
            problem("vote_present_too_many", "vote.present_over_eligible", present=fmt_number(present),
                    eligible=fmt_number(eligible), members=fmt_number(members), excused=fmt_number(excused))
        else:
            problem("vote_present_too_many", "vote.present_over_committee", present=fmt_number(present),
                    members=fmt_number(members))
    against = vote.votes_against
    if votes_for is not None and against is not None and present is not None and votes_for + against > present:
        problem("vote_against_too_many", "recog.against_over_present", votes_for=fmt_number(votes_for),
                against=fmt_number(against), present=fmt_number(present))
    elif votes_for is not None and against is not None and eligible is not None and votes_for + against > eligible:
        problem("vote_against_too_many", "recog.against_over_eligible", votes_for=fmt_number(votes_for),
                against=fmt_number(against), eligible=fmt_number(eligible))
    if votes_for is not None and present is not None and votes_for > present:
        problem("vote_for_too_many", "vote.for_over_present", votes_for=fmt_number(votes_for), present=fmt_number(present))
    elif votes_for is not None and eligible is not None and votes_for > eligible:
        if branch:
            problem("vote_for_too_many", "vote.for_over_eligible", votes_for=fmt_number(votes_for),
                    eligible=fmt_number(eligible))
        else:
            problem("vote_for_too_many", "vote.for_over_committee", votes_for=fmt_number(votes_for),
                    members=fmt_number(members))
    if not problems and votes_for * rules.vote_min_denominator < eligible * rules.vote_min_numerator:
        shown = {"votes_for": fmt_number(votes_for), "numerator": rules.vote_min_numerator,
                 "denominator": rules.vote_min_denominator, "needed": fmt_number(_ceil_fraction(eligible, rules))}
        if branch:
            problem("vote_short", "vote.branch_short", eligible=fmt_number(eligible), members=fmt_number(members),
                    excused=fmt_number(excused), **shown)
        else:
            problem("vote_short", "vote.committee_short", members=fmt_number(members), **shown)
    return [Finding(code, True, f"{message} {cite}") for code, message in problems]


def check_stage(
    facts: CandidateFacts,
    stage: Stage,
    event_date: date | None,
    *,
    today: date,
    rules: RuleSettings,
    vote: Vote | None = None,
) -> list[Finding]:
    """May `stage` be entered on `event_date`? Order, dates, and the stage's own conditions:
    a resolution's `vote` (None: not checked, for past steps imported without their minutes;
    their 2/3 stays unknown and core.procedure.votes lists them)."""
    if event_date is None:
        return [Finding("date_missing", True, t("rule.date_missing"))]
    findings = _date_findings(event_date, today)
    if facts.exit:
        findings.append(Finding("exited", True, t("rule.exited", exit=label("exit", facts.exit))))
        return findings
    if stage not in required_stages(facts.route):
        findings.append(Finding("not_applicable", True, t("rule.not_applicable", stage=label("stage", stage))))
        return findings
    if facts.stage_dates.get(stage):
        findings.append(Finding("already_entered", True, t("rule.already_entered", stage=label("stage", stage))))
        return findings
    if facts.recognition_rejected_date is not None:
        findings.append(Finding("recognition_rejected", True,
                                t("recog.rejected_block", date=fmt_date(facts.recognition_rejected_date))))
        return findings
    prev = previous_stage(stage, facts.route)
    if prev is not None:
        prev_date = facts.stage_dates.get(prev)
        if prev_date is None:
            findings.append(Finding("missing_previous", True, t("rule.missing_previous", previous=label("stage", prev))))
            return findings
        if event_date < prev_date:
            findings.append(
                Finding(
                    "before_previous",
                    True,
                    t(
                        "rule.before_previous",
                        date=fmt_date(event_date),
                        previous=label("stage", prev),
                        previous_date=fmt_date(prev_date),
                    ),
                )
            )
    if stage is Stage.BRANCH_RESOLUTION:
        findings.extend(vote_eligibility(facts, event_date, rules))
    findings.extend(dossier_findings(facts, stage, event_date, rules))  # the papers of the vote, the consents of the decision
    if vote is not None:  # None: past steps imported without their minutes, listed by unproven_resolutions
        findings.extend(vote_findings(stage, vote, rules))
    if stage is Stage.ADMITTED:
        findings.extend(ceremony_findings(facts, event_date, rules))
    if stage in (Stage.RECOGNITION_BRANCH, Stage.OFFICIAL):
        admitted = facts.stage_dates.get(Stage.ADMITTED)
        if admitted is not None:
            probation_end = add_months(admitted, rules.probation_months)
            if event_date < probation_end:
                findings.append(
                    Finding("probation_not_over", True,
                            t("rule.probation_not_over", date=fmt_date(probation_end), months=rules.probation_months))
                )
        if facts.new_member_class_taken is None:
            findings.append(Finding("new_member_class_missing", True, t("rule.new_member_class_missing")))
    return findings


def recorded_official_findings(facts: CandidateFacts, official: date, *, today: date,
                               rules: RuleSettings) -> list[Finding]:
    """May an official status be taken over as a file records it (an import): its date is the
    day it took effect, so it is checked against the admission (the probation over, the
    new-member class taken), not against the recognition resolutions, which such a file may
    not hold (they are then listed as not recorded, core.procedure.recognition)."""
    findings = _date_findings(official, today)
    if facts.exit:
        return [*findings, Finding("exited", True, t("rule.exited", exit=label("exit", facts.exit)))]
    admitted = facts.stage_dates.get(Stage.ADMITTED)
    if admitted is None:
        return [*findings, Finding("missing_previous", True, t("rule.missing_previous",
                                                                previous=label("stage", Stage.ADMITTED)))]
    probation_end = add_months(admitted, rules.probation_months)
    if official < probation_end:
        findings.append(Finding("probation_not_over", True,
                                t("rule.probation_not_over", date=fmt_date(probation_end), months=rules.probation_months)))
    if facts.new_member_class_taken is None:
        findings.append(Finding("new_member_class_missing", True, t("rule.new_member_class_missing")))
    return findings


def ceremony_due(facts: CandidateFacts, rules: RuleSettings) -> date | None:
    """The last day of the ceremony: 30 working days (a setting) after the decision was
    received (the decision's date when its receipt was not recorded); None before a decision."""
    decision = facts.stage_dates.get(Stage.DECISION)
    if decision is None:
        return None
    return add_working_days(facts.decision_received_date or decision, rules.ceremony_working_days)


def ceremony_findings(facts: CandidateFacts, ceremony: date, rules: RuleSettings) -> list[Finding]:
    """A ceremony later than its 30 working days after receipt of the decision needs the upper
    committee's consent, recorded before (Quy định 294-QĐ/TW, điểm 4.1)."""
    due = ceremony_due(facts, rules)
    if due is None or ceremony <= due:
        return []
    consent = facts.ceremony_consent_date
    if consent is not None and consent <= ceremony:
        return []
    return [Finding("ceremony_late", True, t("recog.ceremony_late", date=fmt_date(ceremony), due=fmt_date(due),
                                              days=rules.ceremony_working_days))]


def check_exit(facts: CandidateFacts, exit_: Exit, event_date: date | None, *, today: date) -> list[Finding]:
    """May the candidate leave the pipeline this way, on this date?"""
    if event_date is None:
        return [Finding("date_missing", True, t("rule.date_missing"))]
    findings = _date_findings(event_date, today)
    if facts.exit:
        findings.append(Finding("exited", True, t("rule.exited", exit=label("exit", facts.exit))))
        return findings
    stage = current_stage(facts.stage_dates)
    if stage is None:
        findings.append(Finding("no_stage_yet", True, t("rule.no_stage_yet", exit=label("exit", exit_))))
        return findings
    if stage not in EXIT_ALLOWED_FROM[exit_]:
        findings.append(
            Finding("exit_not_allowed", True, t("rule.exit_not_allowed", exit=label("exit", exit_), stage=label("stage", stage),
                                           when=t(f"rule.exit_when.{exit_.value}")))
        )
    stage_date = facts.stage_dates[stage]
    if event_date < stage_date:
        findings.append(
            Finding(
                "before_previous",
                True,
                t("rule.before_previous", date=fmt_date(event_date), previous=label("stage", stage), previous_date=fmt_date(stage_date)),
            )
        )
    return findings


def _date_findings(event_date: date, today: date) -> list[Finding]:
    if event_date > today:
        return [Finding("future_date", True, t("rule.future_date", date=fmt_date(event_date)))]
    return []


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that forbid the step."""
    return [f for f in findings if f.blocking]


def exceptions(findings: list[Finding]) -> list[Finding]:
    """The findings that need an acknowledged exception."""
    return [f for f in findings if not f.blocking]
