"""Statutory clocks of a candidate, with due dates counted by hand on the calendar (core.procedure.clocks)."""
from __future__ import annotations

from datetime import date

import pytest

from core.config import RuleSettings
from core.procedure.clocks import Clock, candidate_clocks, clock_state
from core.procedure.rules import CandidateFacts, Sponsor, check_stage
from core.procedure.stages import Exit, Route, Stage

RULES = RuleSettings()
S = Stage

# Up to the chi bộ resolution of Friday 05/01/2024.
TO_BRANCH = {
    S.SOURCE: date(2023, 1, 5),
    S.OUTSTANDING: date(2023, 3, 1),
    S.CLASS_DONE: date(2023, 6, 1),
    S.DOSSIER: date(2023, 11, 1),
    S.BRANCH_RESOLUTION: date(2024, 1, 5),
}
# Decision due = 60 working days after Friday 05/01/2024:
#   January: Mon 08 to Wed 31 = 18 weekdays, no holiday             -> 18
#   February 2024: 21 weekdays, minus Tết Thu 08, Fri 09, Mon 12,
#     Tue 13, Wed 14 (5 weekdays off)                                -> 16, total 34
#   March 2024 (starts on a Friday): 21 weekdays, no holiday        -> 21, total 55
#   April: Mon 01, Tue 02, Wed 03, Thu 04, Fri 05                    -> 5, total 60
# so 05/04/2024 (without Tết it would have been Friday 29/03/2024).
DECISION_DUE = date(2024, 4, 5)


# Two sponsors known for years, so a dossier is complete unless a test says otherwise.
SPONSORS = (Sponsor("Lê Văn B", date(2015, 1, 1)), Sponsor("Lê Thị C", date(2015, 1, 1)))


def candidate(stage_dates, *, birth_date=date(1995, 6, 1), **changes) -> CandidateFacts:
    changes.setdefault("sponsors", SPONSORS)
    return CandidateFacts(birth_date=birth_date, stage_dates=dict(stage_dates), **changes)


def kinds(clocks: list[Clock]) -> list[str]:
    return [c.kind for c in clocks]


def test_decision_due_60_working_days_after_the_branch_resolution_skips_tet():
    clocks = candidate_clocks(candidate(TO_BRANCH), date(2024, 2, 1), RULES)
    # Its days left count working days, as the deadline does: 01/02 to 05/04/2024 is 64
    # calendar days but 41 working days (Fri 02, Mon 05–Wed 07, Tết, 15–16, 19–23, 26–29/02:
    # 15; March: 21; 01–05/04: 5).
    assert clocks == [Clock("decision", DECISION_DUE, "ok", 41, working_days=True)]


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2024, 3, 5), "ok"),  # 31 days before 05/04
        (date(2024, 3, 6), "due_soon"),  # 30 days before
        (date(2024, 4, 5), "due_soon"),  # the due date itself is still in time
        (date(2024, 4, 6), "overdue"),  # the day after
    ],
)
def test_clock_state_transitions(today, state):
    assert clock_state(DECISION_DUE, today, 30) == state


def test_decision_clock_overdue_the_day_after():
    # Saturday 06/04, after the deadline on Friday: no working day has passed yet, but it is
    # late all the same, by one day at least.
    clocks = candidate_clocks(candidate(TO_BRANCH), date(2024, 4, 6), RULES)
    assert clocks == [Clock("decision", DECISION_DUE, "overdue", -1, working_days=True)]
    later = candidate_clocks(candidate(TO_BRANCH), date(2024, 4, 10), RULES)
    assert later == [Clock("decision", DECISION_DUE, "overdue", -3, working_days=True)]  # Mon 08–Wed 10


def test_decision_clock_follows_the_setting():
    # 30 working days after 05/01/2024: 18 in January + Thu 01, Fri 02, Mon 05–Wed 07 (23),
    # Tết, Thu 15, Fri 16 (25), Mon 19–Fri 23 (30): 23/02/2024.
    clocks = candidate_clocks(candidate(TO_BRANCH), date(2024, 2, 1), RuleSettings(decision_working_days=30))
    assert clocks == [Clock("decision", date(2024, 2, 23), "due_soon", 11, working_days=True)]


def test_ceremony_clock_after_the_decision():
    # Decision on Monday 10/06/2024; 30 working days: 11–14/06 (4), 17–21 (9), 24–28 (14),
    # 01–05/07 (19), 08–12 (24), 15–19 (29), Monday 22/07 (30). No holiday in June or July.
    stage_dates = {**TO_BRANCH, S.COMMITTEE_RESOLUTION: date(2024, 2, 20), S.DECISION: date(2024, 6, 10)}
    clocks = candidate_clocks(candidate(stage_dates), date(2024, 7, 1), RULES)
    assert clocks == [Clock("ceremony", date(2024, 7, 22), "due_soon", 15, working_days=True)]  # 02–22/07


ADMITTED = {
    **TO_BRANCH,
    S.COMMITTEE_RESOLUTION: date(2024, 1, 20),
    S.DECISION: date(2024, 2, 26),
    S.ADMITTED: date(2024, 3, 15),
}

REVIEW_DUE = date(2025, 4, 26)  # see test_recognition_review_after_probation


def test_probation_end_reminder_after_admission():
    # Ceremony 15/03/2024: probation ends 15/03/2025, 14 days after 01/03/2025.
    facts = candidate(ADMITTED, new_member_class_date=date(2024, 9, 20))
    assert candidate_clocks(facts, date(2025, 3, 1), RULES) == [Clock("probation_end", date(2025, 3, 15), "due_soon", 14)]
    # Far from the end it is simply running.
    assert candidate_clocks(facts, date(2024, 4, 1), RULES) == [Clock("probation_end", date(2025, 3, 15), "ok", 348)]
    # On the last day it is still a reminder, not a deadline missed.
    assert candidate_clocks(facts, date(2025, 3, 15), RULES) == [Clock("probation_end", date(2025, 3, 15), "due_soon", 0)]


def test_recognition_review_after_probation():
    # Probation ends Saturday 15/03/2025. 30 working days: Mon 17–Fri 21 (5), 24–28 (10),
    # Mon 31/03 (11), Tue 01–Fri 04/04 (15), Mon 07/04 Hùng Kings' day off, Tue 08–Fri 11 (19),
    # 14–18 (24), 21–25 (29), Saturday 26/04/2025 (30): worked in exchange for Friday 02/05/2025.
    facts = candidate(ADMITTED, new_member_class_date=date(2024, 9, 20))
    clocks = candidate_clocks(facts, date(2025, 3, 16), RULES)
    # Sunday 16/03: the 30 working days are all still ahead.
    assert clocks == [Clock("recognition_review", REVIEW_DUE, "ok", 30, working_days=True)]
    assert candidate_clocks(facts, date(2025, 4, 27), RULES) == [
        Clock("recognition_review", REVIEW_DUE, "overdue", -1, working_days=True)]


def test_new_member_class_clock_when_the_date_is_missing():
    facts = candidate(ADMITTED, new_member_class_date=None)
    clocks = candidate_clocks(facts, date(2025, 3, 1), RULES)
    assert sorted(kinds(clocks)) == ["new_member_class", "probation_end"]
    assert [c for c in clocks if c.kind == "new_member_class"] == [Clock("new_member_class", date(2025, 3, 15), "due_soon", 14)]


def test_results_are_sorted_overdue_first():
    # After probation, the missing class is overdue and the review is still in time.
    facts = candidate(ADMITTED, new_member_class_date=None)
    clocks = candidate_clocks(facts, date(2025, 3, 16), RULES)
    assert clocks == [
        Clock("new_member_class", date(2025, 3, 15), "overdue", -1),
        Clock("recognition_review", REVIEW_DUE, "ok", 30, working_days=True),
    ]


def test_results_are_sorted_by_state_before_date():
    # Born 15/08/1964: turns 60 on 15/08/2024, shown from 15/02/2024 as due soon.
    # Certificate of 15/04/2019 expires 15/04/2024, 60 days after 15/02/2024: ok, yet earlier.
    stage_dates = {
        S.SOURCE: date(2018, 10, 1),
        S.OUTSTANDING: date(2019, 1, 10),
        S.CLASS_DONE: date(2019, 4, 15),
        S.DOSSIER: date(2024, 1, 20),
    }
    clocks = candidate_clocks(candidate(stage_dates, birth_date=date(1964, 8, 15)), date(2024, 2, 15), RULES)
    assert clocks == [
        Clock("turns_60", date(2024, 8, 15), "due_soon", 182),
        Clock("certificate_expiry", date(2024, 4, 15), "ok", 60),
    ]


def test_certificate_expiry_before_the_vote():
    # Certificate 10/03/2019 + 60 months = 10/03/2024, 9 days after 01/03/2024.
    stage_dates = {
        S.SOURCE: date(2018, 10, 1),
        S.OUTSTANDING: date(2019, 1, 10),
        S.CLASS_DONE: date(2019, 3, 10),
        S.DOSSIER: date(2024, 1, 15),
    }
    facts = candidate(stage_dates, birth_date=date(1990, 5, 5))
    assert candidate_clocks(facts, date(2024, 3, 1), RULES) == [Clock("certificate_expiry", date(2024, 3, 10), "due_soon", 9)]
    assert candidate_clocks(facts, date(2024, 3, 11), RULES) == [Clock("certificate_expiry", date(2024, 3, 10), "overdue", -1)]


def test_no_certificate_clock_once_the_chi_bo_has_voted():
    assert "certificate_expiry" not in kinds(candidate_clocks(candidate(TO_BRANCH), date(2028, 6, 2), RULES))


def test_turns_18_reminder_for_a_17_year_old_source():
    # Born 20/03/2007: 18 on 20/03/2025; from 10/01/2025 that is 21 + 28 + 20 = 69 days.
    facts = candidate({S.SOURCE: date(2024, 11, 1)}, birth_date=date(2007, 3, 20))
    assert candidate_clocks(facts, date(2025, 1, 10), RULES) == [Clock("turns_18", date(2025, 3, 20), "ok", 69)]
    assert candidate_clocks(facts, date(2025, 3, 19), RULES) == [Clock("turns_18", date(2025, 3, 20), "due_soon", 1)]
    # From the birthday on there is nothing left to wait for.
    assert candidate_clocks(facts, date(2025, 3, 20), RULES) == []


def test_turns_60_shown_within_six_months():
    # Born 15/08/1964: 60 on 15/08/2024; shown from 15/02/2024 (six months before).
    # 15/02 to 15/08/2024: 14 + 31 + 30 + 31 + 30 + 31 + 15 = 182 days.
    facts = candidate({S.SOURCE: date(2024, 1, 10)}, birth_date=date(1964, 8, 15))
    assert candidate_clocks(facts, date(2024, 2, 15), RULES) == [Clock("turns_60", date(2024, 8, 15), "due_soon", 182)]


def test_turns_60_absent_when_far():
    facts = candidate({S.SOURCE: date(2024, 1, 10)}, birth_date=date(1964, 8, 15))
    assert candidate_clocks(facts, date(2024, 2, 14), RULES) == []
    assert candidate_clocks(facts, date(2024, 1, 10), RULES) == []


def test_stuck_only_when_over_the_limit():
    # Source on 10/01/2024; + 180 days: 21 left in January, 29, 31, 30, 31, 30 -> 172, + 8 = 08/07/2024.
    facts = candidate({S.SOURCE: date(2024, 1, 10)}, birth_date=date(1990, 5, 5))
    assert candidate_clocks(facts, date(2024, 7, 8), RULES) == []
    assert candidate_clocks(facts, date(2024, 7, 9), RULES) == [Clock("stuck", date(2024, 7, 8), "overdue", -1)]


def test_stuck_follows_the_setting():
    facts = candidate({S.SOURCE: date(2024, 1, 10)}, birth_date=date(1990, 5, 5))
    # 10/01/2024 + 30 days = 09/02/2024.
    assert candidate_clocks(facts, date(2024, 2, 10), RuleSettings(stuck_days=30)) == [
        Clock("stuck", date(2024, 2, 9), "overdue", -1)
    ]


def test_no_stuck_clock_for_a_probationary_member():
    facts = candidate(ADMITTED, new_member_class_date=date(2024, 9, 20))
    assert "stuck" not in kinds(candidate_clocks(facts, date(2025, 1, 10), RULES))


def test_an_exited_candidate_has_no_clocks():
    facts = candidate(TO_BRANCH, exit=Exit.STOPPED, exit_date=date(2024, 2, 1))
    assert candidate_clocks(facts, date(2024, 6, 1), RULES) == []


def test_an_official_member_has_no_clocks():
    facts = candidate({**ADMITTED, S.OFFICIAL: date(2025, 3, 20)}, new_member_class_date=None)
    assert candidate_clocks(facts, date(2025, 4, 1), RULES) == []


def test_a_dossier_without_enough_sponsors_is_a_to_do_now():
    dossier = {S.SOURCE: date(2023, 1, 5), S.OUTSTANDING: date(2023, 3, 1), S.CLASS_DONE: date(2023, 6, 1),
               S.DOSSIER: date(2023, 11, 1)}
    one_sponsor = candidate(dossier, sponsors=(Sponsor("Lê Văn B", date(2020, 1, 1)),))
    two_sponsors = candidate(dossier, sponsors=(Sponsor("Lê Văn B", date(2020, 1, 1)), Sponsor("Lê Thị C", date(2021, 1, 1))))
    today = date(2023, 12, 1)
    assert Clock("sponsors_missing", today, "due_soon", 0) in candidate_clocks(one_sponsor, today, RULES)
    assert "sponsors_missing" not in kinds(candidate_clocks(two_sponsors, today, RULES))


# Issue 16: the decision's extension, the ceremony from the receipt, recognition's second clock.

# Up to the chi bộ resolution of Friday 10/05/2024.
TO_BRANCH_MAY = {**TO_BRANCH, S.BRANCH_RESOLUTION: date(2024, 5, 10)}
# 60 working days after Friday 10/05/2024: May Mon 13 to Fri 31 = 15; June 20 weekdays -> 35;
#   July 23 weekdays -> 58; Thu 01, Fri 02 August -> 60: Friday 02/08/2024.
# 30 more: August Mon 05 to Fri 30 = 20 -> 80; Mon 02 and Tue 03/09/2024 are the National Day
#   holidays; Wed 04 to Fri 06 -> 83; Mon 09 to Fri 13 -> 88; Mon 16, Tue 17 -> 90: 17/09/2024.
DECISION_DUE_MAY, EXTENDED_DUE = date(2024, 8, 2), date(2024, 9, 17)


def test_the_decision_clock_is_60_working_days_or_60_plus_30_with_a_recorded_extension():
    plain = candidate(TO_BRANCH_MAY)
    [clock] = [c for c in candidate_clocks(plain, date(2024, 8, 5), RULES) if c.kind == "decision"]
    assert (clock.due, clock.state, clock.working_days) == (DECISION_DUE_MAY, "overdue", True)
    extended = candidate(TO_BRANCH_MAY, decision_extension_date=date(2024, 7, 25))
    [clock] = [c for c in candidate_clocks(extended, date(2024, 8, 5), RULES) if c.kind == "decision"]
    assert (clock.due, clock.state) == (EXTENDED_DUE, "ok")  # 43 calendar days ahead
    [clock] = [c for c in candidate_clocks(extended, date(2024, 9, 18), RULES) if c.kind == "decision"]
    assert clock.state == "overdue"
    # The extension is a setting.
    shorter = RuleSettings(decision_extension_working_days=0)
    assert [c.due for c in candidate_clocks(extended, date(2024, 8, 5), shorter) if c.kind == "decision"] == [
        DECISION_DUE_MAY]


# Decision Friday 07/06/2024, received Friday 14/06/2024. 30 working days after the receipt:
#   June Mon 17 to Fri 28 = 10; July Mon 01 to Fri 26 = 20 -> 30: Friday 26/07/2024 (from the
#   decision's own date it would have been Friday 19/07/2024).
DECIDED = {**TO_BRANCH_MAY, S.COMMITTEE_RESOLUTION: date(2024, 5, 20), S.DECISION: date(2024, 6, 7)}


def test_the_ceremony_is_counted_from_the_receipt_of_the_decision():
    received = candidate(DECIDED, decision_received_date=date(2024, 6, 14))
    assert [c.due for c in candidate_clocks(received, date(2024, 7, 22), RULES) if c.kind == "ceremony"] == [
        date(2024, 7, 26)]
    unknown_receipt = candidate(DECIDED)
    assert [c.due for c in candidate_clocks(unknown_receipt, date(2024, 7, 22), RULES) if c.kind == "ceremony"] == [
        date(2024, 7, 19)]


def test_a_late_ceremony_is_refused_without_the_upper_committees_consent_and_accepted_with_it():
    received = candidate(DECIDED, decision_received_date=date(2024, 6, 14), new_member_class_date=None)
    on_time = check_stage(received, S.ADMITTED, date(2024, 7, 26), today=date(2024, 8, 1), rules=RULES)
    assert on_time == []
    late = check_stage(received, S.ADMITTED, date(2024, 7, 29), today=date(2024, 8, 1), rules=RULES)
    assert [f.code for f in late] == ["ceremony_late"]
    assert "26/07/2024" in late[0].message and "294-QĐ/TW" in late[0].message and "đồng ý" in late[0].message
    consented = candidate(DECIDED, decision_received_date=date(2024, 6, 14), ceremony_consent_date=date(2024, 7, 24))
    assert check_stage(consented, S.ADMITTED, date(2024, 7, 29), today=date(2024, 8, 1), rules=RULES) == []
    # Once the consent is recorded, the ceremony's clock is no longer overdue.
    assert "ceremony" not in kinds(candidate_clocks(consented, date(2024, 7, 29), RULES))


# Admitted 10/05/2023: probation over on 10/05/2024. The chi bộ's recognition resolution on
# Friday 07/06/2024; the committee's decision within 30 working days: June Mon 10 to Fri 28 =
# 15; July Mon 01 to Fri 19 = 15 -> 30: Friday 19/07/2024.
RECOGNIZED = {**DECIDED, S.DECISION: date(2023, 4, 20), S.ADMITTED: date(2023, 5, 10),
              S.RECOGNITION_BRANCH: date(2024, 6, 7)}


def test_the_second_30_working_day_clock_of_recognition_is_due_then_overdue():
    facts = candidate(RECOGNIZED, route=Route(committee=False), new_member_class_date=date(2023, 9, 1))
    [due] = [c for c in candidate_clocks(facts, date(2024, 7, 10), RULES) if c.kind == "recognition_decision"]
    assert (due.due, due.state, due.working_days, due.days_left) == (date(2024, 7, 19), "due_soon", True, 7)
    [late] = [c for c in candidate_clocks(facts, date(2024, 7, 22), RULES) if c.kind == "recognition_decision"]
    assert (late.state, late.days_left) == ("overdue", -1)
    # The chi bộ's review clock is over once its resolution is recorded.
    assert "recognition_review" not in kinds(candidate_clocks(facts, date(2024, 7, 10), RULES))
    # With a committee on the route, the clock counts from its resolution, the last one.
    committee = candidate({**RECOGNIZED, S.RECOGNITION_COMMITTEE: date(2024, 6, 14)},
                          new_member_class_date=date(2023, 9, 1))
    [clock] = [c for c in candidate_clocks(committee, date(2024, 7, 10), RULES) if c.kind == "recognition_decision"]
    assert clock.due == date(2024, 7, 26)
