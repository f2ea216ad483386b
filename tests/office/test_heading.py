"""The Party document heading (Hướng dẫn 36-HD/VPTW) read from the tree as it stood on the
document's date: the upper đảng bộ, the issuing body as its cấp ủy, its symbol, who signs and
the place; before and after the reorganisation of 01/7/2025 (a province renamed, communes merged
into a ward with the powers of the level above the grassroots, the district dissolved)."""
from __future__ import annotations

from datetime import date

import pytest

from core.access.scope import Actor
from core.office.heading import (
    committee_name,
    party_body_name,
    party_heading,
    place_name,
    symbol,
)
from core.procedure.stages import OrgKind, Role, Sector
from core.storage.db import session_scope
from core.storage.models import Organization
from core.structure import restructure
from core.structure.organizations import org_by_code
from tests.factories import add_org

REORGANISED = date(2025, 7, 1)
BEFORE, AFTER = date(2024, 1, 19), date(2026, 11, 20)


def lines(heading, kind: str = "NQ", number: str = "") -> tuple[str, str, str, str, str]:
    """What the document shows: upper line, issuing body, number, who signs, the place."""
    return heading.upper_body, heading.issuing_body, heading.number(kind, number), heading.on_behalf, heading.place


def kim_bang(session) -> dict[str, Organization]:
    """Tỉnh ủy Hà Nam → Huyện ủy Kim Bảng → Đảng bộ xã Thanh Sơn, Đảng bộ xã Ba Sao (→ chi bộ)
    and Đảng bộ HĐND & UBND huyện, as they stood until 30/6/2025."""
    p = add_org(session, "P", kind=OrgKind.UPPER_COMMITTEE, sector=Sector.OTHER, name="Tỉnh ủy Hà Nam")
    d = add_org(session, "D", p, kind=OrgKind.UPPER_COMMITTEE, sector=Sector.OTHER, name="Huyện ủy Kim Bảng")
    c1 = add_org(session, "C1", d, kind=OrgKind.GRASSROOTS_COMMITTEE, name="Đảng bộ xã Thanh Sơn")
    c2 = add_org(session, "C2", d, kind=OrgKind.GRASSROOTS_COMMITTEE, name="Đảng bộ xã Ba Sao")
    a = add_org(session, "C1-A", c1, name="Chi bộ thôn 1")
    b = add_org(session, "C2-B", c2, name="Chi bộ thôn Ba Sao")
    agencies = add_org(session, "HDND", d, kind=OrgKind.GRASSROOTS_COMMITTEE, sector=Sector.ADMINISTRATION,
                       name="Đảng bộ HĐND & UBND huyện")
    office = add_org(session, "HDND-1", agencies, sector=Sector.ADMINISTRATION, name="Chi bộ Văn phòng HĐND & UBND")
    return {o.code: o for o in (p, d, c1, c2, a, b, agencies, office)}


def reorganise(session, orgs: dict[str, Organization]) -> None:
    """From 01/7/2025 the province is Tỉnh ủy Ninh Bình, the two communes are merged into Đảng ủy
    phường Tam Chúc, the agencies' đảng bộ is under the province and the district is dissolved:
    every change recorded with core.structure.restructure."""
    actor, on = Actor("admin", Role.ADMIN, orgs["P"].path), dict(effective_date=REORGANISED, today=AFTER)
    restructure.rename(session, actor, org_code="P", name="Tỉnh ủy Ninh Bình", **on)
    restructure.merge(session, actor, source_codes=["C1", "C2"], **on, new=restructure.NewOrg(
        parent_code="P", code="W", name="Đảng ủy phường Tam Chúc", kind=OrgKind.COMMUNE_COMMITTEE.value,
        sector=Sector.URBAN.value))
    restructure.move(session, actor, org_code="HDND", new_parent_code="P", **on)
    restructure.dissolve(session, actor, org_code="D", **on)
    orgs["W"] = org_by_code(session, "W")


def reorganised_province(session) -> dict[str, Organization]:
    orgs = kim_bang(session)
    reorganise(session, orgs)
    return orgs


def test_a_district_committee_of_2024_under_its_province(engine):
    with session_scope(engine) as s:
        reorganised_province(s)
        district = party_heading(s, org_by_code(s, "D"), BEFORE)
    assert lines(district, "CV", "141") == ("ĐẢNG BỘ TỈNH HÀ NAM", "HUYỆN ỦY KIM BẢNG", "141-CV/HU",
                                            "T/M BAN THƯỜNG VỤ", "Kim Bảng")
    assert district.authority == "BAN THƯỜNG VỤ HUYỆN ỦY KIM BẢNG"


def test_a_ward_of_2026_under_the_renamed_province_has_a_standing_committee(engine):
    with session_scope(engine) as s:
        reorganised_province(s)
        ward = party_heading(s, org_by_code(s, "W"), AFTER)
    assert lines(ward, "QĐ") == ("ĐẢNG BỘ TỈNH NINH BÌNH", "ĐẢNG ỦY PHƯỜNG TAM CHÚC", "   -QĐ/ĐU",
                                 "T/M BAN THƯỜNG VỤ", "Tam Chúc")
    assert ward.authority == "BAN THƯỜNG VỤ ĐẢNG ỦY PHƯỜNG TAM CHÚC"


def test_a_chi_bo_under_its_commune_then_under_the_ward_it_went_to(engine):
    with session_scope(engine) as s:
        orgs = reorganised_province(s)
        before = party_heading(s, orgs["C1-A"], BEFORE)
        after = party_heading(s, orgs["C1-A"], AFTER)
    assert lines(before, "NQ", "07") == ("ĐẢNG BỘ XÃ THANH SƠN", "CHI BỘ THÔN 1", "07-NQ/CB", "T/M CHI BỘ", "Thanh Sơn")
    assert lines(after, "NQ", "07") == ("ĐẢNG BỘ PHƯỜNG TAM CHÚC", "CHI BỘ THÔN 1", "07-NQ/CB", "T/M CHI BỘ",
                                        "Tam Chúc")


def test_a_dang_uy_co_so_without_standing_committee_signs_for_the_dang_uy(engine):
    with session_scope(engine) as s:
        orgs = reorganised_province(s)
        commune = party_heading(s, orgs["C1"], BEFORE)
        agencies_before = party_heading(s, orgs["HDND"], BEFORE)
        agencies_after = party_heading(s, orgs["HDND"], AFTER)
    assert lines(commune) == ("ĐẢNG BỘ HUYỆN KIM BẢNG", "ĐẢNG ỦY XÃ THANH SƠN", "   -NQ/ĐU", "T/M ĐẢNG ỦY", "Thanh Sơn")
    assert commune.authority == "ĐẢNG ỦY XÃ THANH SƠN"
    # The district's agencies sit in the district, then (under the province) in the province.
    assert lines(agencies_before) == ("ĐẢNG BỘ HUYỆN KIM BẢNG", "ĐẢNG ỦY HĐND & UBND HUYỆN", "   -NQ/ĐU", "T/M ĐẢNG ỦY",
                                      "Kim Bảng")
    assert agencies_after.upper_body == "ĐẢNG BỘ TỈNH NINH BÌNH" and agencies_after.place == "Ninh Bình"


def test_the_renamed_province_at_the_top_writes_its_own_name_alone(engine):
    """36-HD/VPTW point 1.2.1 b): a tỉnh ủy's documents name no đảng bộ above it."""
    with session_scope(engine) as s:
        orgs = reorganised_province(s)
        before = party_heading(s, orgs["P"], BEFORE)
        after = party_heading(s, orgs["P"], AFTER)
    assert lines(before, "CV") == ("", "TỈNH ỦY HÀ NAM", "   -CV/TU", "T/M BAN THƯỜNG VỤ", "Hà Nam")
    assert lines(after, "CV") == ("", "TỈNH ỦY NINH BÌNH", "   -CV/TU", "T/M BAN THƯỜNG VỤ", "Ninh Bình")
    assert not before.upper_missing and not after.upper_missing


def test_a_district_at_the_top_of_the_tree_leaves_its_province_to_fill_in(engine):
    with session_scope(engine) as s:
        district = add_org(s, "D", kind=OrgKind.UPPER_COMMITTEE, sector=Sector.OTHER, name="Huyện ủy Kim Bảng")
        heading = party_heading(s, district, BEFORE)
    assert (heading.upper_body, heading.upper_missing, heading.issuing_body) == ("", True, "HUYỆN ỦY KIM BẢNG")


def test_a_document_dated_before_its_body_existed_names_its_first_form(engine):
    """A ward founded on 01/7/2025 asked for a heading of 2024 reads as it was founded."""
    with session_scope(engine) as s:
        reorganised_province(s)
        heading = party_heading(s, org_by_code(s, "W"), BEFORE)
    assert (heading.upper_body, heading.issuing_body) == ("ĐẢNG BỘ TỈNH NINH BÌNH", "ĐẢNG ỦY PHƯỜNG TAM CHÚC")


@pytest.mark.parametrize(("name", "kind", "committee", "body", "code"), [
    ("Tỉnh ủy Ninh Bình", "upper_committee", "Tỉnh ủy Ninh Bình", "Đảng bộ tỉnh Ninh Bình", "TU"),
    ("Đảng bộ tỉnh Hà Nam", "upper_committee", "Tỉnh ủy Hà Nam", "Đảng bộ tỉnh Hà Nam", "TU"),
    ("Thành ủy Hà Nội", "upper_committee", "Thành ủy Hà Nội", "Đảng bộ thành phố Hà Nội", "TU"),
    ("Huyện ủy Kim Bảng", "upper_committee", "Huyện ủy Kim Bảng", "Đảng bộ huyện Kim Bảng", "HU"),
    ("Đảng bộ huyện Kim Bảng", "upper_committee", "Huyện ủy Kim Bảng", "Đảng bộ huyện Kim Bảng", "HU"),
    ("Thị ủy Duy Tiên", "upper_committee", "Thị ủy Duy Tiên", "Đảng bộ thị xã Duy Tiên", "HU"),
    ("Đảng bộ các cơ quan Đảng tỉnh", "upper_committee", "Đảng ủy các cơ quan Đảng tỉnh",
     "Đảng bộ các cơ quan Đảng tỉnh", "ĐU"),
    ("Đảng ủy phường Tam Chúc", "commune_committee", "Đảng ủy phường Tam Chúc", "Đảng bộ phường Tam Chúc", "ĐU"),
    ("Đảng bộ xã Thanh Sơn", "grassroots_committee", "Đảng ủy xã Thanh Sơn", "Đảng bộ xã Thanh Sơn", "ĐU"),
    ("Đảng bộ HĐND & UBND huyện", "grassroots_committee", "Đảng ủy HĐND & UBND huyện", "Đảng bộ HĐND & UBND huyện",
     "ĐU"),
    ("Đảng bộ bộ phận các tổ dân phố phía Nam", "sub_committee", "Đảng ủy bộ phận các tổ dân phố phía Nam",
     "Đảng bộ bộ phận các tổ dân phố phía Nam", "ĐU"),
    ("Chi bộ thôn 1", "cell", "Chi bộ thôn 1", "Chi bộ thôn 1", "CB"),
    ("Chi bộ Trường THPT A Kim Bảng", "grassroots_cell", "Chi bộ Trường THPT A Kim Bảng",
     "Chi bộ Trường THPT A Kim Bảng", "CB"),
])
def test_an_organization_is_named_as_its_committee_and_as_its_dang_bo(name, kind, committee, body, code):
    assert (committee_name(name, kind), party_body_name(name), symbol(name, kind)) == (committee, body, code)


def test_a_city_within_a_province_numbers_as_a_district():
    assert symbol("Thành ủy Phủ Lý", "upper_committee", within_province=True) == "HU"
    assert symbol("Thành ủy Phủ Lý", "upper_committee") == "TU"


@pytest.mark.parametrize(("name", "place"), [
    ("Huyện ủy Kim Bảng", "Kim Bảng"), ("Đảng ủy phường Tam Chúc", "Tam Chúc"), ("Đảng bộ xã Thanh Sơn", "Thanh Sơn"),
    ("Đảng bộ thị trấn Quế", "Quế"), ("Tỉnh ủy Ninh Bình", "Ninh Bình"), ("Đảng bộ thành phố Phủ Lý", "Phủ Lý"),
])
def test_the_place_is_the_territory_the_name_says(name, place):
    assert place_name(name) == place
