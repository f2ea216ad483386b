"""Introduction routes and sponsors (Điều lệ Điều 4; Quy định 294-QĐ/TW điểm 3), hand-worked."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.access.scope import Actor, ScopeError
from core.config import RuleSettings
from core.errors import FormError
from core.procedure.pipeline import route_for
from core.procedure.rules import CandidateFacts, Sponsor, blocking, sponsor_findings
from core.procedure.stages import Role
from core.storage.db import session_scope
from core.storage.models import AuditEntry, Organization
from core.structure.organizations import (
    set_organization_authorized,
    set_organization_youth_union,
)
from tests.factories import district

RULES = RuleSettings()
VOTE = date(2025, 3, 1)
BORN_2000 = date(2000, 1, 10)  # 25 years old at the vote: youth age (to the end of 30)
LONG = date(2023, 1, 1)  # 26 months with the candidate at the vote
RECENT = date(2024, 12, 1)  # 3 months


def codes(facts: CandidateFacts) -> set[str]:
    return {f.code for f in blocking(sponsor_findings(facts, VOTE, RULES))}


def test_doan_route_required_at_25_where_the_organization_has_a_doan():
    two = (Sponsor("Lê Văn B", LONG), Sponsor("Phạm Thị C", LONG))
    facts = CandidateFacts(birth_date=BORN_2000, sponsors=two, introduction="two_members", has_youth_union=True)
    findings = blocking(sponsor_findings(facts, VOTE, RULES))
    assert [f.code for f in findings] == ["youth_union_route_required"]
    assert "Điều lệ Đảng, Điều 4" in findings[0].message and "294-QĐ/TW" in findings[0].message


def test_two_sponsors_accepted_at_25_where_the_organization_has_no_doan():
    two = (Sponsor("Lê Văn B", LONG), Sponsor("Phạm Thị C", LONG))
    assert codes(CandidateFacts(birth_date=BORN_2000, sponsors=two, introduction="two_members", has_youth_union=False)) == set()


def test_doan_route_accepted_with_one_official_member_where_a_doan_exists():
    facts = CandidateFacts(birth_date=BORN_2000, sponsors=(Sponsor("Lê Văn B", LONG),), introduction="youth_union",
                           youth_union_member=True, has_youth_union=True)
    assert codes(facts) == set()


def test_doan_route_refused_for_a_non_member():
    facts = CandidateFacts(birth_date=BORN_2000, sponsors=(Sponsor("Lê Văn B", LONG),), introduction="youth_union",
                           youth_union_member=False, has_youth_union=True)
    assert "youth_union_route_not_member" in codes(facts)


def test_cong_doan_route_accepted_for_a_union_member_with_one_official_member():
    facts = CandidateFacts(birth_date=date(1985, 5, 1), sponsors=(Sponsor("Lê Văn B", LONG),), introduction="trade_union",
                           trade_union_member=True)
    assert codes(facts) == set()


def test_cong_doan_route_refused_for_a_non_union_member():
    facts = CandidateFacts(birth_date=date(1985, 5, 1), sponsors=(Sponsor("Lê Văn B", LONG),), introduction="trade_union")
    assert codes(facts) == {"trade_union_route_not_member"}


def test_cong_doan_route_refused_at_youth_age_where_a_doan_exists():
    facts = CandidateFacts(birth_date=BORN_2000, sponsors=(Sponsor("Lê Văn B", LONG),), introduction="trade_union",
                           trade_union_member=True, has_youth_union=True)
    assert codes(facts) == {"youth_union_route_required"}


def test_replacement_sponsor_accepted_without_12_months():
    replacement = Sponsor("Đỗ Văn E", RECENT, replacement_decision="05-NQ/CB ngày 10/12/2024")
    facts = CandidateFacts(birth_date=date(1985, 5, 1), sponsors=(Sponsor("Lê Văn B", LONG), replacement),
                           introduction="two_members")
    assert codes(facts) == set()


def test_sponsor_of_3_months_refused_when_not_a_replacement():
    facts = CandidateFacts(birth_date=date(1985, 5, 1), sponsors=(Sponsor("Lê Văn B", LONG), Sponsor("Đỗ Văn E", RECENT)),
                           introduction="two_members")
    assert codes(facts) == {"sponsor_too_recent"}


def test_probationary_sponsor_refused():
    facts = CandidateFacts(birth_date=date(1985, 5, 1), introduction="two_members",
                           sponsors=(Sponsor("Lê Văn B", LONG), Sponsor("Phạm Thị C", LONG, official=False)))
    findings = blocking(sponsor_findings(facts, VOTE, RULES))
    assert [f.code for f in findings] == ["sponsor_probationary"]
    assert "Phạm Thị C" in findings[0].message and "dự bị" in findings[0].message


def test_sponsor_not_stated_official_is_asked_before_the_vote():
    facts = CandidateFacts(birth_date=date(1985, 5, 1), introduction="two_members",
                           sponsors=(Sponsor("Lê Văn B", LONG, official=None), Sponsor("Phạm Thị C", LONG)))
    assert codes(facts) == {"sponsor_official_unknown"}


def test_old_records_route_inferred_from_the_doan_resolution():
    facts = CandidateFacts(birth_date=BORN_2000, sponsors=(Sponsor("Lê Văn B", LONG),), youth_union_member=True,
                           youth_union_resolution_date=date(2024, 11, 1), has_youth_union=True)
    assert codes(facts) == set()



def test_admin_says_where_a_doan_exists_audited_and_a_secretary_may_not(engine):
    with session_scope(engine) as s:
        orgs = district(s)
        root, version = orgs["D"].path, orgs["C1-A"].version
    admin, secretary = Actor("admin", Role.ADMIN, root), Actor("bithu.c1", Role.SECRETARY, root)
    with session_scope(engine) as s, pytest.raises(ScopeError):
        set_organization_youth_union(s, secretary, org_code="C1-A", has_youth_union=True, expected_version=version)
    with session_scope(engine) as s:
        set_organization_youth_union(s, admin, org_code="C1-A", has_youth_union=True, expected_version=version)
    with session_scope(engine) as s:
        assert s.exec(select(Organization).where(Organization.code == "C1-A")).one().has_youth_union is True
        assert [e.action for e in s.exec(select(AuditEntry)).all()] == ["set_youth_union"]


def test_admin_authorizes_an_existing_dang_uy_co_so_to_decide_and_only_a_dang_bo_co_so(engine):
    """An authorized đảng ủy cơ sở decides admissions itself: its chi bộ's dossiers skip the
    committee's resolution from then on (Hướng dẫn 06-HD/TW, điểm 3.7a); a chi bộ cannot be."""
    with session_scope(engine) as s:
        orgs = district(s)
        root, versions = orgs["D"].path, {code: orgs[code].version for code in ("C1", "C1-A")}
    admin = Actor("admin", Role.ADMIN, root)
    with session_scope(engine) as s, pytest.raises(FormError, match="Chỉ đảng bộ cơ sở mới được ủy quyền"):
        set_organization_authorized(s, admin, org_code="C1-A", authorized=True, expected_version=versions["C1-A"])
    with session_scope(engine) as s:
        assert route_for(s, s.exec(select(Organization).where(Organization.code == "C1-A")).one()).committee
        set_organization_authorized(s, admin, org_code="C1", authorized=True, expected_version=versions["C1"])
    with session_scope(engine) as s:
        cell = s.exec(select(Organization).where(Organization.code == "C1-A")).one()
        assert not route_for(s, cell).committee
        assert [e.action for e in s.exec(select(AuditEntry)).all()] == ["set_authorized"]
