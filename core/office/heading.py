"""The heading of a Party document (Hướng dẫn 36-HD/VPTW), derived from the organization that
issues it: the one function the official report and the drafted resolutions and decisions use.

Top left the upper đảng bộ ("ĐẢNG BỘ HUYỆN KIM BẢNG": the parent named as a đảng bộ), under it
the issuing body named as its cấp ủy ("ĐẢNG ỦY XÃ THANH SƠN" for Đảng bộ xã Thanh Sơn, "HUYỆN ỦY
KIM BẢNG", "CHI BỘ THÔN 1"), then the number with the body's symbol (TU, HU, ĐU, CB) and the
signing authority: "T/M CHI BỘ", "T/M ĐẢNG ỦY" or, for a committee above the grassroots,
"T/M BAN THƯỜNG VỤ". The top of the tree has no upper đảng bộ in the database: its line stays
empty, for the office to fill in (for Kim Bảng, "ĐẢNG BỘ TỈNH HÀ NAM").
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from core.access.scope import root_organization
from core.i18n import t
from core.procedure.stages import CELL_KINDS, OrgKind
from core.storage.models import Organization

# A cấp ủy's name and its đảng bộ's: "Huyện ủy Kim Bảng" is the committee of "Đảng bộ huyện Kim Bảng".
COMMITTEE_TO_BODY = (("tỉnh ủy", "Đảng bộ tỉnh"), ("thành ủy", "Đảng bộ thành phố"), ("huyện ủy", "Đảng bộ huyện"),
                     ("quận ủy", "Đảng bộ quận"), ("thị ủy", "Đảng bộ thị xã"), ("đảng ủy", "Đảng bộ"))
PLACE_PREFIXES = ("tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy", "đảng ủy xã", "đảng ủy phường",
                  "đảng bộ xã", "đảng bộ phường", "đảng bộ thị trấn", "đảng ủy", "đảng bộ", "chi bộ")
PROVINCIAL = ("tỉnh ủy", "thành ủy")
DISTRICT = ("huyện ủy", "quận ủy", "thị ủy")


@dataclass(frozen=True)
class PartyHeading:
    """The parts of a Party document's heading that follow from the issuing organization."""

    upper_body: str  # "ĐẢNG BỘ HUYỆN KIM BẢNG"; "" at the top of the tree
    issuing_body: str  # "ĐẢNG ỦY XÃ THANH SƠN"
    symbol: str  # TU, HU, ĐU, CB
    on_behalf: str  # "T/M ĐẢNG ỦY"
    place: str  # "Kim Bảng"

    def number(self, kind: str, number: str = "") -> str:
        """ "12-NQ/CB"; without a number, room to write it: "   -NQ/CB"."""
        return f"{number or '   '}-{kind}/{self.symbol}"


def _starts(name: str, prefixes: tuple[str, ...]) -> str | None:
    lowered = name.casefold()
    return next((p for p in prefixes if lowered.startswith(p + " ") or lowered == p), None)


def committee_name(org_name: str, kind: str) -> str:
    """The issuing body as its cấp ủy: "Đảng bộ xã Thanh Sơn" -> "Đảng ủy xã Thanh Sơn"; a chi
    bộ and a committee already named as one ("Huyện ủy Kim Bảng") keep their name."""
    if OrgKind(kind) not in CELL_KINDS and _starts(org_name, ("đảng bộ",)):
        return "Đảng ủy" + org_name[len("đảng bộ"):]
    return org_name


def party_body_name(org_name: str) -> str:
    """An organization named as a đảng bộ: "Huyện ủy Kim Bảng" -> "Đảng bộ huyện Kim Bảng",
    "Đảng ủy xã Thanh Sơn" -> "Đảng bộ xã Thanh Sơn"; "Đảng bộ …" and "Chi bộ …" unchanged."""
    for committee, body in COMMITTEE_TO_BODY:
        if _starts(org_name, (committee,)):
            return body + org_name[len(committee):]
    return org_name


def place_name(org_name: str) -> str:
    """The place in "Kim Bảng, ngày …": the name without its kind ("Huyện ủy Kim Bảng" -> "Kim Bảng")."""
    prefix = _starts(org_name, PLACE_PREFIXES)
    return org_name[len(prefix) + 1:].strip() if prefix else org_name


def symbol(org_name: str, kind: str) -> str:
    """The issuing body's symbol in a document number: TU, HU, ĐU (every đảng ủy), CB."""
    if OrgKind(kind) in CELL_KINDS:
        return "CB"
    if _starts(org_name, PROVINCIAL):
        return "TU"
    if _starts(org_name, DISTRICT):
        return "HU"
    return "ĐU"


def on_behalf(kind: str) -> str:
    """Who signs for: the chi bộ, the đảng ủy (cơ sở), or the standing committee above it."""
    kind = OrgKind(kind)
    if kind in CELL_KINDS:
        return t("heading.on_behalf_cell")
    if kind is OrgKind.GRASSROOTS_COMMITTEE:
        return t("heading.on_behalf_committee")
    return t("heading.on_behalf_standing")


def party_heading(session: Session, org: Organization) -> PartyHeading:
    """The heading of a document issued by `org` (the caller checked its scope)."""
    parent = session.get(Organization, org.parent_id) if org.parent_id else None
    return PartyHeading(
        upper_body=party_body_name(parent.name).upper() if parent else "",
        issuing_body=committee_name(org.name, org.kind).upper(),
        symbol=symbol(org.name, org.kind),
        on_behalf=on_behalf(org.kind),
        place=place_name(root_organization(session).name),
    )
