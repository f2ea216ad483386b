"""Rules of the admission procedure on hand-built candidates (core.procedure.rules)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from core.config import RuleSettings
from core.i18n import t
from core.procedure.rules import (
    CandidateFacts,
    Finding,
    Sponsor,
    Vote,
    blocking,
    check_exit,
    check_stage,
    current_stage,
    exceptions,
    open_findings,
    vote_eligibility,
    vote_findings,
)
from core.procedure.stages import CELL_ROUTE, Education, Exit, Route, Stage

RULES = RuleSettings()
VOTE = date(2024, 3, 10)  # the chi bộ vote used throughout
TODAY = date(2024, 6, 1)


def sponsors(since: date = date(2020, 1, 1)) -> tuple[Sponsor, ...]:
    return (Sponsor("Nguyễn Văn An", since), Sponsor("Trần Thị Bình", since))


def ready(**changes) -> CandidateFacts:
    """A candidate born 01/01/2000 with everything in order for a chi bộ vote on 10/03/2024."""
    facts = CandidateFacts(
        birth_date=date(2000, 1, 1),
        general_education=Education.UPPER_SECONDARY,
        sponsors=sponsors(),
        stage_dates={
            Stage.SOURCE: date(2023, 1, 5),
            Stage.OUTSTANDING: date(2023, 3, 1),
            Stage.CLASS_DONE: date(2023, 6, 1),
            Stage.DOSSIER: date(2024, 2, 1),
        },
    )
    return replace(facts, **changes)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def assert_vietnamese(findings: list[Finding]) -> None:
    """Messages are shown to secretaries: filled, non-empty, with Vietnamese diacritics."""
    for f in findings:
        assert isinstance(f.message, str) and f.message.strip(), f.code
        assert "{" not in f.message and "}" not in f.message, f.message
        assert any(ord(ch) > 127 for ch in f.message), f.message


def only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, codes(findings)
    return matching[0]


def test_a_candidate_in_order_has_no_finding():
    assert vote_eligibility(ready(), VOTE, RULES) == []


# Age


def test_turning_18_the_day_after_the_vote_is_too_young():
    # Born 11/03/2006: on 10/03/2024 they are 17 years 11 months (215 full months).
    findings = vote_eligibility(ready(birth_date=date(2006, 3, 11)), VOTE, RULES)
    assert codes(findings) == ["too_young"]
    assert findings[0].blocking is True
    assert "17 tuổi 11 tháng" in findings[0].message
    assert_vietnamese(findings)


def test_on_the_18th_birthday_the_vote_is_allowed():
    assert vote_eligibility(ready(birth_date=date(2006, 3, 10)), VOTE, RULES) == []


def test_born_on_a_leap_day_is_18_on_28_february_of_a_common_year():
    facts = ready(birth_date=date(2008, 2, 29))
    assert vote_eligibility(facts, date(2026, 2, 28), RULES) == []
    assert codes(vote_eligibility(facts, date(2026, 2, 27), RULES)) == ["too_young"]


def test_over_60_by_one_month_is_a_non_blocking_exception():
    # Born 10/01/1964: on 10/02/2024 they are 60 years 1 month (721 months).
    findings = vote_eligibility(ready(birth_date=date(1964, 1, 10)), date(2024, 2, 10), RULES)
    assert codes(findings) == ["over_age"]
    assert findings[0].blocking is False
    assert "60 tuổi 1 tháng" in findings[0].message
    assert exceptions(findings) == findings
    assert blocking(findings) == []
    assert_vietnamese(findings)


def test_exactly_60_years_old_gives_nothing():
    facts = ready(birth_date=date(1964, 1, 10))
    assert vote_eligibility(facts, date(2024, 1, 10), RULES) == []
    # 60 years and 30 days is still a full 60 (720 months), not yet over.
    assert vote_eligibility(facts, date(2024, 2, 9), RULES) == []


# Education


def test_primary_education_is_an_exception_at_the_vote_its_consent_checked_at_the_decision():
    findings = vote_eligibility(ready(general_education=Education.PRIMARY), VOTE, RULES)
    assert codes(findings) == ["education_exception"]
    assert findings[0].blocking is False and "trước ngày quyết định" in findings[0].message
    assert_vietnamese(findings)


def test_the_old_education_exemption_tick_box_changes_nothing_at_the_vote():
    findings = vote_eligibility(
        ready(general_education=Education.PRIMARY, education_exemption=True), VOTE, RULES
    )
    assert codes(findings) == ["education_exception"]
    assert findings[0].blocking is False
    assert_vietnamese(findings)


def test_lower_secondary_is_enough():
    assert vote_eligibility(ready(general_education=Education.LOWER_SECONDARY), VOTE, RULES) == []


# Awareness-class certificate


def with_certificate(day: date | None) -> CandidateFacts:
    facts = ready()
    stage_dates = dict(facts.stage_dates)
    if day is None:
        del stage_dates[Stage.CLASS_DONE]
    else:
        stage_dates[Stage.CLASS_DONE] = day
    return replace(facts, stage_dates=stage_dates)


def test_certificate_exactly_60_months_old_is_valid():
    # 10/03/2019 + 60 months = 10/03/2024, the vote date.
    assert vote_eligibility(with_certificate(date(2019, 3, 10)), VOTE, RULES) == []


def test_certificate_60_months_and_one_day_old_has_expired():
    findings = vote_eligibility(with_certificate(date(2019, 3, 9)), VOTE, RULES)
    assert codes(findings) == ["certificate_expired"]
    assert findings[0].blocking is True
    assert "09/03/2019" in findings[0].message
    assert_vietnamese(findings)


def test_missing_certificate():
    findings = vote_eligibility(with_certificate(None), VOTE, RULES)
    assert codes(findings) == ["no_certificate"]
    assert findings[0].blocking is True
    assert_vietnamese(findings)


# Sponsors


def test_two_sponsors_with_exactly_12_months():
    assert vote_eligibility(ready(sponsors=sponsors(date(2023, 3, 10))), VOTE, RULES) == []


def test_a_sponsor_with_11_months_is_too_recent():
    facts = ready(sponsors=(Sponsor("Nguyễn Văn An", date(2020, 1, 1)), Sponsor("Trần Thị Bình", date(2023, 4, 10))))
    findings = vote_eligibility(facts, VOTE, RULES)
    assert codes(findings) == ["sponsor_too_recent"]
    assert findings[0].blocking is True
    assert "Trần Thị Bình" in findings[0].message
    assert "11 tháng" in findings[0].message
    assert_vietnamese(findings)


def test_two_recent_sponsors_give_two_findings():
    findings = vote_eligibility(ready(sponsors=sponsors(date(2023, 4, 10))), VOTE, RULES)
    assert codes(findings) == ["sponsor_too_recent", "sponsor_too_recent"]


def test_a_sponsor_without_a_start_date_counts_as_zero_months():
    facts = ready(sponsors=(Sponsor("Nguyễn Văn An", date(2020, 1, 1)), Sponsor("Trần Thị Bình", None)))
    finding = only(vote_eligibility(facts, VOTE, RULES), "sponsor_too_recent")
    assert "0 tháng" in finding.message


def test_one_sponsor_only_is_missing_a_sponsor():
    findings = vote_eligibility(ready(sponsors=sponsors()[:1]), VOTE, RULES)
    assert codes(findings) == ["sponsors_missing"]
    assert findings[0].blocking is True
    assert_vietnamese(findings)


def test_a_blank_sponsor_name_does_not_count():
    facts = ready(sponsors=(Sponsor("Nguyễn Văn An", date(2020, 1, 1)), Sponsor("  ", date(2020, 1, 1))))
    assert codes(vote_eligibility(facts, VOTE, RULES)) == ["sponsors_missing"]


def test_youth_union_resolution_plus_one_sponsor_is_enough_under_30():
    # Born 01/01/2000: 24 years old at the vote.
    facts = ready(sponsors=sponsors()[:1], youth_union_member=True, youth_union_resolution_date=date(2024, 2, 20))
    assert vote_eligibility(facts, VOTE, RULES) == []


def test_youth_union_route_at_29_years_11_months():
    # Born 11/03/1994: 29 years 11 months on 10/03/2024.
    facts = ready(
        birth_date=date(1994, 3, 11),
        sponsors=sponsors()[:1],
        youth_union_member=True,
        youth_union_resolution_date=date(2024, 2, 20),
    )
    assert vote_eligibility(facts, VOTE, RULES) == []


def test_youth_union_route_is_open_through_age_30():
    # Born 10/03/1994: 30 years on 10/03/2024, still of Đoàn age (16 to 30) at the vote.
    facts = ready(
        birth_date=date(1994, 3, 10),
        sponsors=sponsors()[:1],
        youth_union_member=True,
        youth_union_resolution_date=date(2024, 2, 20),
    )
    assert codes(vote_eligibility(facts, VOTE, RULES)) == []


def test_youth_union_route_closes_at_31():
    # Born 10/03/1993: 31 years on 10/03/2024, past Đoàn age: two sponsors needed again.
    facts = ready(
        birth_date=date(1993, 3, 10),
        sponsors=sponsors()[:1],
        youth_union_member=True,
        youth_union_resolution_date=date(2024, 2, 20),
    )
    assert codes(vote_eligibility(facts, VOTE, RULES)) == ["sponsors_missing"]


def test_youth_union_member_without_resolution_needs_two_sponsors():
    facts = ready(sponsors=sponsors()[:1], youth_union_member=True, youth_union_resolution_date=None)
    assert codes(vote_eligibility(facts, VOTE, RULES)) == ["sponsors_missing"]


def test_youth_union_route_still_needs_the_sponsor_for_12_months():
    facts = ready(
        sponsors=sponsors(date(2023, 4, 10))[:1],
        youth_union_member=True,
        youth_union_resolution_date=date(2024, 2, 20),
    )
    assert codes(vote_eligibility(facts, VOTE, RULES)) == ["sponsor_too_recent"]


# Votes


# (the vote's denominators: tests/procedure/test_votes.py)


# Stages


def facts_at(*stages: Stage, grassroots_cell: bool = False, **changes) -> CandidateFacts:
    """A candidate who has entered `stages`, one month apart from 01/01/2023."""
    dates = {stage: date(2023, 1 + i, 1) for i, stage in enumerate(stages)}
    return ready(stage_dates=dates, route=CELL_ROUTE if grassroots_cell else Route(), **changes)


S = Stage


def test_current_stage():
    assert current_stage({}) is None
    assert current_stage({S.SOURCE: date(2023, 1, 1), S.OUTSTANDING: date(2023, 2, 1)}) is S.OUTSTANDING


def test_first_stage_can_be_entered():
    assert check_stage(facts_at(), S.SOURCE, date(2024, 1, 5), today=TODAY, rules=RULES) == []


def test_a_future_date_is_blocked():
    findings = check_stage(facts_at(S.SOURCE), S.OUTSTANDING, date(2024, 6, 2), today=TODAY, rules=RULES)
    assert codes(findings) == ["future_date"]
    assert findings[0].blocking is True
    assert "02/06/2024" in findings[0].message
    assert_vietnamese(findings)


def test_today_is_not_the_future():
    assert check_stage(facts_at(S.SOURCE), S.OUTSTANDING, TODAY, today=TODAY, rules=RULES) == []


def test_a_date_before_the_previous_stage_is_blocked():
    # Source entered 01/01/2023.
    findings = check_stage(facts_at(S.SOURCE), S.OUTSTANDING, date(2022, 12, 31), today=TODAY, rules=RULES)
    assert codes(findings) == ["before_previous"]
    assert findings[0].blocking is True
    assert "31/12/2022" in findings[0].message
    assert "01/01/2023" in findings[0].message
    assert "Quần chúng trong diện tạo nguồn" in findings[0].message
    assert_vietnamese(findings)


def test_the_same_date_as_the_previous_stage_is_allowed():
    assert check_stage(facts_at(S.SOURCE), S.OUTSTANDING, date(2023, 1, 1), today=TODAY, rules=RULES) == []


def test_skipping_a_stage_is_blocked():
    findings = check_stage(facts_at(S.SOURCE), S.CLASS_DONE, date(2024, 1, 5), today=TODAY, rules=RULES)
    assert codes(findings) == ["missing_previous"]
    assert findings[0].blocking is True
    assert "Quần chúng ưu tú (cảm tình Đảng)" in findings[0].message
    assert_vietnamese(findings)


def test_re_entering_a_stage_is_blocked():
    findings = check_stage(facts_at(S.SOURCE, S.OUTSTANDING), S.SOURCE, date(2024, 1, 5), today=TODAY, rules=RULES)
    assert codes(findings) == ["already_entered"]
    assert findings[0].blocking is True
    assert "Quần chúng trong diện tạo nguồn" in findings[0].message
    assert_vietnamese(findings)


PRE_DECISION = (S.SOURCE, S.OUTSTANDING, S.CLASS_DONE, S.DOSSIER, S.BRANCH_RESOLUTION)


def test_committee_resolution_is_not_applicable_to_a_grassroots_cell():
    facts = facts_at(*PRE_DECISION, grassroots_cell=True)
    findings = check_stage(facts, S.COMMITTEE_RESOLUTION, date(2024, 1, 5), today=TODAY, rules=RULES)
    assert codes(findings) == ["not_applicable"]
    assert findings[0].blocking is True
    assert "Đảng ủy cơ sở đề nghị" in findings[0].message
    assert_vietnamese(findings)


def test_a_grassroots_cell_goes_from_branch_resolution_to_decision():
    facts = facts_at(*PRE_DECISION, grassroots_cell=True)
    assert check_stage(facts, S.DECISION, date(2024, 1, 5), today=TODAY, rules=RULES) == []


def test_a_cell_under_a_grassroots_committee_needs_the_committee_resolution():
    facts = facts_at(*PRE_DECISION, grassroots_cell=False)
    findings = check_stage(facts, S.DECISION, date(2024, 1, 5), today=TODAY, rules=RULES)
    assert codes(findings) == ["missing_previous"]
    assert "Đảng ủy cơ sở đề nghị" in findings[0].message
    assert check_stage(facts, S.COMMITTEE_RESOLUTION, date(2024, 1, 5), today=TODAY, rules=RULES) == []
    with_committee = facts_at(*PRE_DECISION, S.COMMITTEE_RESOLUTION, grassroots_cell=False)
    assert check_stage(with_committee, S.DECISION, date(2024, 1, 5), today=TODAY, rules=RULES) == []


def test_branch_resolution_checks_eligibility_and_votes():
    facts = ready(birth_date=date(2006, 3, 11))  # 17 years 11 months on 10/03/2024
    findings = check_stage(facts, S.BRANCH_RESOLUTION, VOTE, today=TODAY, rules=RULES,
                           vote=Vote(votes_for=5, present=9, members_total=9))
    assert codes(findings) == ["too_young", "vote_short"]
    ok = check_stage(ready(), S.BRANCH_RESOLUTION, VOTE, today=TODAY, rules=RULES,
                     vote=Vote(votes_for=6, present=9, members_total=9))
    assert ok == []


def test_committee_resolution_checks_votes():
    facts = facts_at(*PRE_DECISION)
    findings = check_stage(
        facts, S.COMMITTEE_RESOLUTION, date(2024, 1, 5), today=TODAY, rules=RULES, vote=Vote(votes_for=5, members_total=9)
    )
    assert codes(findings) == ["vote_short"]


ADMITTED_PATH = {
    S.SOURCE: date(2022, 1, 5),
    S.OUTSTANDING: date(2022, 3, 1),
    S.CLASS_DONE: date(2022, 5, 1),
    S.DOSSIER: date(2022, 9, 1),
    S.BRANCH_RESOLUTION: date(2023, 1, 10),
    S.COMMITTEE_RESOLUTION: date(2023, 2, 1),
    S.DECISION: date(2023, 4, 20),
    S.ADMITTED: date(2023, 5, 10),
}


def test_recognition_before_12_months_of_probation_is_blocked():
    # Ceremony 10/05/2023: probation ends 10/05/2024.
    facts = ready(stage_dates=ADMITTED_PATH, new_member_class_date=date(2023, 9, 15))
    findings = check_stage(facts, S.RECOGNITION_BRANCH, date(2024, 5, 9), today=TODAY, rules=RULES)
    assert codes(findings) == ["probation_not_over"]
    assert findings[0].blocking is True
    assert "10/05/2024" in findings[0].message
    assert_vietnamese(findings)


def test_recognition_on_the_day_probation_ends_is_allowed():
    facts = ready(stage_dates=ADMITTED_PATH, new_member_class_date=date(2023, 9, 15))
    assert check_stage(facts, S.RECOGNITION_BRANCH, date(2024, 5, 10), today=TODAY, rules=RULES) == []


def test_recognition_without_the_new_member_class_is_blocked():
    facts = ready(stage_dates=ADMITTED_PATH, new_member_class_date=None)
    findings = check_stage(facts, S.RECOGNITION_BRANCH, date(2024, 5, 10), today=TODAY, rules=RULES)
    assert codes(findings) == ["new_member_class_missing"]
    assert findings[0].blocking is True
    assert_vietnamese(findings)


@pytest.mark.parametrize("stage", list(Stage))
def test_an_exited_candidate_can_enter_nothing(stage):
    facts = facts_at(S.SOURCE, S.OUTSTANDING, exit=Exit.STOPPED, exit_date=date(2023, 6, 1))
    findings = check_stage(facts, stage, date(2024, 1, 5), today=TODAY, rules=RULES)
    assert codes(findings) == ["exited"]
    assert findings[0].blocking is True
    assert "Dừng xem xét" in findings[0].message
    assert_vietnamese(findings)


# Exits


def test_stopped_allowed_before_admission():
    facts = facts_at(S.SOURCE, S.OUTSTANDING, S.CLASS_DONE, S.DOSSIER)
    assert check_exit(facts, Exit.STOPPED, date(2024, 1, 5), today=TODAY) == []


def test_stopped_not_allowed_after_admission():
    facts = ready(stage_dates=ADMITTED_PATH)
    findings = check_exit(facts, Exit.STOPPED, date(2024, 1, 5), today=TODAY)
    assert codes(findings) == ["exit_not_allowed"]
    assert findings[0].blocking is True
    assert "Dừng xem xét" in findings[0].message
    assert "Đã kết nạp (đảng viên dự bị)" in findings[0].message
    assert_vietnamese(findings)


def test_removed_only_from_admitted():
    admitted = ready(stage_dates=ADMITTED_PATH)
    assert check_exit(admitted, Exit.REMOVED, date(2024, 1, 5), today=TODAY) == []
    decided = ready(stage_dates={s: d for s, d in ADMITTED_PATH.items() if s is not S.ADMITTED})
    assert codes(check_exit(decided, Exit.REMOVED, date(2024, 1, 5), today=TODAY)) == ["exit_not_allowed"]
    official = ready(stage_dates={**ADMITTED_PATH, S.OFFICIAL: date(2024, 5, 10)})
    assert codes(check_exit(official, Exit.REMOVED, TODAY, today=TODAY)) == ["exit_not_allowed"]


def test_a_removal_refused_before_the_admission_says_it_applies_to_probationary_members_citing_article_5():
    decided = ready(stage_dates={s: d for s, d in ADMITTED_PATH.items() if s is not S.ADMITTED})
    [finding] = check_exit(decided, Exit.REMOVED, date(2024, 1, 5), today=TODAY)
    assert finding.message == (
        "Không thể ghi «Xóa tên khỏi danh sách đảng viên dự bị» khi ứng viên đang ở bước «Có quyết định kết nạp»: "
        "chỉ xóa tên đảng viên dự bị, từ lễ kết nạp đến trước quyết định công nhận chính thức (Điều lệ Đảng, Điều 5).")


def test_each_exit_refused_out_of_its_stages_says_when_it_applies():
    official = ready(stage_dates={**ADMITTED_PATH, S.OFFICIAL: date(2024, 5, 10)})
    for exit_ in Exit:
        [finding] = check_exit(official, exit_, TODAY, today=TODAY)
        assert finding.code == "exit_not_allowed" and finding.message.endswith(t(f"rule.exit_when.{exit_.value}"))
    assert_vietnamese([Finding("x", True, t(f"rule.exit_when.{e.value}")) for e in Exit])


def test_transferred_allowed_from_a_probationary_member_not_an_official_one():
    assert check_exit(ready(stage_dates=ADMITTED_PATH), Exit.TRANSFERRED, date(2024, 1, 5), today=TODAY) == []
    official = ready(stage_dates={**ADMITTED_PATH, S.OFFICIAL: date(2024, 5, 10)})
    assert codes(check_exit(official, Exit.TRANSFERRED, TODAY, today=TODAY)) == ["exit_not_allowed"]


def test_no_exit_before_the_first_stage():
    findings = check_exit(facts_at(), Exit.STOPPED, date(2024, 1, 5), today=TODAY)
    assert codes(findings) == ["no_stage_yet"]
    assert findings[0].blocking is True
    assert "Dừng xem xét" in findings[0].message
    assert_vietnamese(findings)


def test_no_second_exit():
    facts = facts_at(S.SOURCE, exit=Exit.STOPPED, exit_date=date(2023, 6, 1))
    assert codes(check_exit(facts, Exit.TRANSFERRED, date(2024, 1, 5), today=TODAY)) == ["exited"]


def test_exit_dated_before_the_current_stage_is_blocked():
    facts = facts_at(S.SOURCE, S.OUTSTANDING)  # outstanding on 01/02/2023
    findings = check_exit(facts, Exit.STOPPED, date(2023, 1, 31), today=TODAY)
    assert codes(findings) == ["before_previous"]
    assert "01/02/2023" in findings[0].message


def test_exit_in_the_future_is_blocked():
    findings = check_exit(facts_at(S.SOURCE), Exit.STOPPED, date(2024, 6, 2), today=TODAY)
    assert codes(findings) == ["future_date"]


# Numbers are settings


def test_a_lower_minimum_age_lets_a_17_year_old_through():
    facts = ready(birth_date=date(2006, 9, 1))  # 17 years 6 months on 10/03/2024
    assert codes(vote_eligibility(facts, VOTE, RULES)) == ["too_young"]
    assert vote_eligibility(facts, VOTE, RuleSettings(min_age_months=16 * 12)) == []


def test_a_longer_certificate_validity_keeps_an_old_certificate():
    facts = with_certificate(date(2019, 3, 9))
    assert codes(vote_eligibility(facts, VOTE, RULES)) == ["certificate_expired"]
    assert vote_eligibility(facts, VOTE, RuleSettings(certificate_valid_months=72)) == []


def test_a_simple_majority_setting_changes_the_vote():
    vote = Vote(votes_for=5, present=9, members_total=9)
    assert codes(vote_findings(S.BRANCH_RESOLUTION, vote, RULES)) == ["vote_short"]
    assert vote_findings(S.BRANCH_RESOLUTION, vote, RuleSettings(vote_min_numerator=1, vote_min_denominator=2)) == []


def test_a_shorter_probation_setting():
    facts = ready(stage_dates=ADMITTED_PATH, new_member_class_date=date(2023, 9, 15))
    # Ceremony 10/05/2023 + 6 months = 10/11/2023.
    assert check_stage(facts, S.RECOGNITION_BRANCH, date(2023, 11, 10), today=TODAY, rules=RuleSettings(probation_months=6)) == []
    assert codes(check_stage(facts, S.RECOGNITION_BRANCH, date(2023, 11, 10), today=TODAY, rules=RULES)) == ["probation_not_over"]


@pytest.mark.parametrize(
    ("rules", "facts", "code", "quoted"),
    [
        # A 16-year-old under a 17-year minimum: the message must say 17, not 18.
        (RuleSettings(min_age_months=17 * 12), ready(birth_date=date(2007, 9, 1)), "too_young", "17 tuổi"),
        # Certificate 72 months valid, 9 years old: the message must say 72 months, not 60.
        (RuleSettings(certificate_valid_months=72), with_certificate(date(2015, 3, 9)), "certificate_expired", "72 tháng"),
        # Sponsors need 24 months, one has 11: the message must say 24 months, not 12.
        (
            RuleSettings(sponsor_min_months=24),
            ready(sponsors=(Sponsor("Nguyễn Văn An", date(2020, 1, 1)), Sponsor("Trần Thị Bình", date(2023, 4, 10)))),
            "sponsor_too_recent",
            "24 tháng",
        ),
    ],
    ids=["too_young", "certificate_expired", "sponsor_too_recent"],
)
def test_messages_quote_the_configured_numbers(rules, facts, code, quoted):
    finding = only(vote_eligibility(facts, VOTE, rules), code)
    assert quoted in finding.message


# What a card lists as lacking (open_findings): what would stop a vote held today, once the
# awareness class is done; the new-member class once admitted; nothing before or in between.
def test_a_dossier_in_order_lacks_nothing():
    assert open_findings(ready(), VOTE, RULES) == []


def test_a_dossier_without_its_second_sponsor_lacks_a_sponsor():
    facts = ready(sponsors=(Sponsor("Nguyễn Văn An", date(2020, 1, 1)), Sponsor("", None)))
    findings = open_findings(facts, VOTE, RULES)
    assert codes(findings) == ["sponsors_missing"]
    assert_vietnamese(findings)


def test_an_awareness_certificate_expiring_within_a_month_is_said_with_its_date():
    # Class done 01/06/2023: the certificate holds 60 months, to 01/06/2028.
    assert open_findings(ready(), date(2028, 5, 1), RULES) == []  # 31 days before: nothing yet
    [finding] = open_findings(ready(), date(2028, 5, 2), RULES)  # 30 days before
    assert (finding.code, finding.message) == (
        "certificate_expiring", "Giấy chứng nhận lớp nhận thức về Đảng hết hạn ngày 01/06/2028: chi bộ cần xét trước ngày đó "
        "(Hướng dẫn 06-HD/TW, điểm 5.4; Hướng dẫn 12-HD/BTCTW).")
    assert codes(open_findings(ready(), date(2028, 6, 2), RULES)) == ["certificate_expired"]


def test_primary_education_is_listed_and_a_record_relying_on_the_old_tick_box_is_flagged():
    assert codes(open_findings(ready(general_education=Education.PRIMARY), VOTE, RULES)) == ["education_exception"]
    assert codes(open_findings(ready(general_education=Education.PRIMARY, education_exemption=True), VOTE, RULES)) == [
        "education_exception", "old_education_exemption"]


def test_before_the_class_and_once_voted_nothing_is_listed():
    early = ready(stage_dates={Stage.SOURCE: date(2023, 1, 5)}, sponsors=())
    assert open_findings(early, VOTE, RULES) == []
    voted = ready(stage_dates={**ready().stage_dates, Stage.BRANCH_RESOLUTION: VOTE}, sponsors=())
    assert open_findings(voted, TODAY, RULES) == []


def test_an_admitted_member_without_the_new_member_class_lacks_it():
    admitted = {**ready().stage_dates, Stage.BRANCH_RESOLUTION: VOTE, Stage.COMMITTEE_RESOLUTION: date(2024, 3, 20),
                Stage.DECISION: date(2024, 4, 1), Stage.ADMITTED: date(2024, 4, 15)}
    assert codes(open_findings(ready(stage_dates=admitted), TODAY, RULES)) == ["new_member_class_missing"]
    assert open_findings(ready(stage_dates=admitted, new_member_class_date=date(2024, 5, 1)), TODAY, RULES) == []
