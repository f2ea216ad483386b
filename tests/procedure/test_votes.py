"""The votes of the resolutions (Điều lệ Đảng Điều 4.3; 06-HD/TW 3.6b, 3.7a), hand-worked:
the chi bộ's resolution to admit needs two thirds of the chi bộ's official members, less those on
temporary transfer elsewhere and the exempted, not of those present; the committee's resolution
two thirds of all its members. Every inconsistency is listed at once, each message citing its text."""
from __future__ import annotations

import pytest

from core.config import RuleSettings
from core.procedure.rules import Vote, vote_findings
from core.procedure.stages import Stage
from core.procedure.votes import vote_text

RULES = RuleSettings()
BRANCH, COMMITTEE = Stage.BRANCH_RESOLUTION, Stage.COMMITTEE_RESOLUTION
BRANCH_CITATION = "(Điều lệ Đảng, Điều 4, khoản 3; Hướng dẫn 06-HD/TW, điểm 3.6b)"
COMMITTEE_CITATION = "(Điều lệ Đảng, Điều 4, khoản 3; Hướng dẫn 06-HD/TW, điểm 3.7a)"


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_branch_vote_counts_official_members_not_those_present_8_of_14_refused():
    # 14 official members, 10 present, 8 in favour: 8/10 = 80 % of those present, but 8/14 < 2/3
    # (2/3 of 14 is 9,33…: at least 10 votes).
    (finding,) = vote_findings(BRANCH, Vote(votes_for=8, present=10, members_total=14), RULES)
    assert finding.code == "vote_short" and finding.blocking
    assert finding.message == (
        "Số phiếu tán thành 8/14 đảng viên chính thức của chi bộ (14 đảng viên chính thức, trừ 0 tạm chuyển hoặc "
        "miễn sinh hoạt) chưa đạt 2/3: cần ít nhất 10 phiếu (mẫu số là số đảng viên chính thức, không phải số dự họp). "
        + BRANCH_CITATION)


def test_branch_vote_10_of_14_official_members_accepted():
    assert vote_findings(BRANCH, Vote(votes_for=10, present=10, members_total=14), RULES) == []


def test_branch_vote_9_of_14_refused_one_short():
    assert codes(vote_findings(BRANCH, Vote(votes_for=9, present=10, members_total=14), RULES)) == ["vote_short"]


def test_branch_vote_excludes_the_excused_10_of_15_with_1_excused_accepted():
    # 15 official members, 1 on temporary transfer: the denominator is 14, and 10/14 ≥ 2/3;
    # 10/15 is exactly 2/3 too, but 9 of 15 with 1 excused (9/14) is short.
    assert vote_findings(BRANCH, Vote(votes_for=10, present=12, members_total=15, members_excused=1), RULES) == []
    (short,) = vote_findings(BRANCH, Vote(votes_for=9, present=12, members_total=15, members_excused=1), RULES)
    assert "9/14" in short.message and "trừ 1 tạm chuyển" in short.message


def test_branch_vote_without_those_present_is_judged_on_the_members():
    assert vote_findings(BRANCH, Vote(votes_for=10, members_total=14), RULES) == []


def test_committee_vote_counts_all_committee_members_6_of_9_accepted_5_of_9_refused():
    assert vote_findings(COMMITTEE, Vote(votes_for=6, members_total=9), RULES) == []
    (finding,) = vote_findings(COMMITTEE, Vote(votes_for=5, present=6, members_total=9), RULES)
    assert finding.message == ("Số phiếu tán thành 5/9 cấp ủy viên chưa đạt 2/3: cần ít nhất 6 phiếu. "
                               + COMMITTEE_CITATION)


def test_a_resolution_without_its_denominator_or_votes_is_refused():
    findings = vote_findings(BRANCH, Vote(present=10), RULES)
    assert codes(findings) == ["vote_members_missing", "vote_for_missing"]
    assert all(f.message.endswith(BRANCH_CITATION) for f in findings)
    assert codes(vote_findings(COMMITTEE, Vote(), RULES)) == ["vote_members_missing", "vote_for_missing"]
    assert "tổng số cấp ủy viên" in vote_findings(COMMITTEE, Vote(votes_for=6), RULES)[0].message


def test_inconsistent_branch_figures_are_all_listed_at_once():
    # 14 members, 3 excused: 11 counted; 12 present is more than 11, 13 in favour more than 12 present.
    findings = vote_findings(BRANCH, Vote(votes_for=13, present=12, members_total=14, members_excused=3), RULES)
    assert codes(findings) == ["vote_present_too_many", "vote_for_too_many"]
    assert [f.message for f in findings] == [
        "Số đảng viên chính thức dự họp (12) lớn hơn số được tính (11 = 14 − 3 tạm chuyển hoặc miễn sinh hoạt). "
        + BRANCH_CITATION,
        "Số phiếu tán thành (13) lớn hơn số dự họp (12). " + BRANCH_CITATION,
    ]
    assert all(f.blocking for f in findings)


@pytest.mark.parametrize(
    ("vote", "expected"),
    [
        (Vote(votes_for=12, members_total=10), ["vote_for_too_many"]),  # more in favour than members
        (Vote(votes_for=3, members_total=5, members_excused=5), ["vote_excused_too_many"]),
        (Vote(votes_for=0, members_total=0), ["vote_members_zero"]),
        (Vote(votes_for=-1, present=-2, members_total=10), ["vote_negative", "vote_negative"]),
    ],
)
def test_impossible_branch_figures_are_refused(vote, expected):
    findings = vote_findings(BRANCH, vote, RULES)
    assert codes(findings) == expected
    assert all(f.blocking and f.message.endswith(BRANCH_CITATION) for f in findings)


def test_a_committee_vote_excludes_no_one():
    findings = vote_findings(COMMITTEE, Vote(votes_for=6, present=10, members_total=9, members_excused=1), RULES)
    assert codes(findings) == ["vote_excused_committee", "vote_present_too_many"]
    assert findings[1].message == "Số cấp ủy viên dự họp (10) lớn hơn tổng số cấp ủy viên (9). " + COMMITTEE_CITATION


def test_the_two_thirds_is_a_setting():
    half = RuleSettings(vote_min_numerator=1, vote_min_denominator=2)
    assert vote_findings(BRANCH, Vote(votes_for=7, members_total=14), half) == []
    assert codes(vote_findings(BRANCH, Vote(votes_for=7, members_total=14), RULES)) == ["vote_short"]


def test_other_steps_carry_no_vote_rule():
    assert vote_findings(Stage.DECISION, Vote(votes_for=1, members_total=14), RULES) == []


def test_a_vote_is_shown_with_its_denominator_and_an_old_one_says_it_has_none():
    assert vote_text(votes_for=10, present=12, members_total=15, members_excused=1) == (
        "10/14 phiếu tán thành, 12 dự họp, trừ 1 tạm chuyển hoặc miễn sinh hoạt")
    assert vote_text(votes_for=1200, present=None, members_total=1500, members_excused=None) == (
        "1.200/1.500 phiếu tán thành")
    assert vote_text(votes_for=8, present=10, members_total=float("nan"), members_excused=None) == (
        "8 phiếu tán thành/10 dự họp, chưa ghi số đảng viên chính thức")
    assert vote_text(votes_for=None, present=None, members_total=None, members_excused=None) == ""
