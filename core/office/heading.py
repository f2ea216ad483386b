"""The heading of a Party document (Hướng dẫn 36-HD/VPTW, 03/4/2018), derived from the tree as
it stood on the document's date: the one function the official report, the cảm tình list and
the drafted resolutions and decisions use.

Top left, point 1.2.1 b) of 36-HD/VPTW (the name of the issuing body): a cấp ủy's document names
the đảng bộ directly above it, then the cấp ủy itself as its founding decision names it. A
commune's "ĐẢNG BỘ HUYỆN KIM BẢNG / ĐẢNG ỦY XÃ THANH SƠN", a chi bộ's "ĐẢNG BỘ XÃ THANH SƠN /
CHI BỘ THÔN 1", a district's "ĐẢNG BỘ TỈNH HÀ NAM / HUYỆN ỦY KIM BẢNG". A cấp ủy directly under
the Central Committee (a tỉnh ủy, a thành ủy of a city under the centre) writes its own name
alone, "TỈNH ỦY NINH BÌNH": no line above it. So the top of the tree has no upper line when it
is a province, and has one to type in when it is not (a database holding one district, with
no province above it: the admin puts the province above it with
core.structure.restructure.new_root, and the line then comes from the tree like any other).

Then the number with the body's symbol (TU, HU, ĐU, CB), and who signs for the body: "T/M CHI
BỘ", "T/M ĐẢNG ỦY" for a đảng ủy cơ sở (or bộ phận), "T/M BAN THƯỜNG VỤ" for a committee with
a standing committee (above the grassroots, and a đảng ủy xã/phường from 01/7/2025). The place
(point 1.4 of 36-HD/VPTW) is that of the administrative unit where the body sits: a commune's
own name, the district's for the district's agencies, the province's for the Tỉnh ủy.

Names, kinds and parents are those of the document's date (core.structure.dated): a 2024
document of Huyện ủy Kim Bảng reads "ĐẢNG BỘ TỈNH HÀ NAM", a 2026 one of a ward under the
renamed province "ĐẢNG BỘ TỈNH NINH BÌNH". The office may still edit each line where the form
offers it (the report's form, the Word file of a draft).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from core.config import current_day
from core.i18n import t
from core.procedure.stages import CELL_KINDS, OrgKind
from core.structure.dated import Era, chain_on

# Kinds whose cấp ủy has a standing committee that signs ("T/M BAN THƯỜNG VỤ"): above the
# grassroots, and a đảng ủy xã / phường / đặc khu with those powers from 01/7/2025.
STANDING_KINDS = frozenset({OrgKind.UPPER_COMMITTEE, OrgKind.COMMUNE_COMMITTEE})

# A territory's cấp ủy and its đảng bộ: "Huyện ủy Kim Bảng" is the committee of "Đảng bộ huyện Kim Bảng".
TERRITORIAL = (("tỉnh ủy", "đảng bộ tỉnh"), ("thành ủy", "đảng bộ thành phố"), ("huyện ủy", "đảng bộ huyện"),
               ("quận ủy", "đảng bộ quận"), ("thị ủy", "đảng bộ thị xã"))
PROVINCIAL = ("tỉnh ủy", "thành ủy")
DISTRICT = ("huyện ủy", "quận ủy", "thị ủy")
# The communes' level: "Đảng bộ xã Thanh Sơn", "Đảng ủy phường Kim Bảng".
COMMUNE_UNITS = ("xã", "phường", "thị trấn", "đặc khu")
COMMUNE_PREFIXES = tuple(f"{body} {unit}" for body in ("đảng ủy", "đảng bộ") for unit in COMMUNE_UNITS)
# Names that say where their body sits (the place of 36-HD/VPTW point 1.4), longest first.
TERRITORIAL_PREFIXES = tuple(sorted((*(c for c, _ in TERRITORIAL), *(b for _, b in TERRITORIAL), *COMMUNE_PREFIXES),
                                    key=len, reverse=True))
PLACE_PREFIXES = (*TERRITORIAL_PREFIXES, "đảng ủy", "đảng bộ", "chi bộ")


@dataclass(frozen=True)
class PartyHeading:
    """The parts of a Party document's heading that follow from the issuing organization."""

    upper_body: str  # "ĐẢNG BỘ HUYỆN KIM BẢNG"; "" for a province, and above the top of the tree
    issuing_body: str  # "ĐẢNG ỦY XÃ THANH SƠN"
    symbol: str  # TU, HU, ĐU, CB
    on_behalf: str  # "T/M ĐẢNG ỦY"
    place: str  # "Thanh Sơn"
    authority: str = ""  # who decides, as a decision's body says it: "BAN THƯỜNG VỤ HUYỆN ỦY KIM BẢNG"
    # The upper line is empty because the đảng bộ above is not in the database (the top of the
    # tree below a province), not because the rule has none: a line for the office to fill in.
    upper_missing: bool = False

    def number(self, kind: str, number: str = "") -> str:
        """ "12-NQ/CB"; without a number, room to write it: "   -NQ/CB"."""
        return f"{number or '   '}-{kind}/{self.symbol}"


def _starts(name: str, prefixes: tuple[str, ...]) -> str | None:
    lowered = name.casefold()
    return next((p for p in prefixes if lowered.startswith(p + " ") or lowered == p), None)


def _is_cell(kind: str) -> bool:
    return kind in CELL_KINDS


def committee_name(org_name: str, kind: str) -> str:
    """The issuing body as its cấp ủy: "Đảng bộ xã Thanh Sơn" -> "Đảng ủy xã Thanh Sơn", a
    province's or a district's đảng bộ (a committee above the grassroots) -> "Tỉnh ủy Hà Nam",
    "Huyện ủy Kim Bảng"; a chi bộ and a committee already named as one keep their name."""
    if _is_cell(kind) or _starts(org_name, tuple(c for c, _ in TERRITORIAL)):
        return org_name
    if kind == OrgKind.UPPER_COMMITTEE:
        for committee, body in TERRITORIAL:
            if _starts(org_name, (body,)):
                return committee.capitalize() + org_name[len(body):]
    if _starts(org_name, ("đảng bộ",)):
        return "Đảng ủy" + org_name[len("đảng bộ"):]
    return org_name


def party_body_name(org_name: str) -> str:
    """An organization named as a đảng bộ: "Huyện ủy Kim Bảng" -> "Đảng bộ huyện Kim Bảng",
    "Đảng ủy xã Thanh Sơn" -> "Đảng bộ xã Thanh Sơn"; "Đảng bộ …" and "Chi bộ …" unchanged."""
    for committee, body in (*TERRITORIAL, ("đảng ủy", "đảng bộ")):
        if _starts(org_name, (committee,)):
            return body.capitalize() + org_name[len(committee):]
    return org_name


def place_name(org_name: str) -> str:
    """The place in "Kim Bảng, ngày …": the name without its kind ("Huyện ủy Kim Bảng" -> "Kim Bảng")."""
    prefix = _starts(org_name, PLACE_PREFIXES)
    return org_name[len(prefix) + 1:].strip() if prefix else org_name


def symbol(org_name: str, kind: str, *, within_province: bool = False) -> str:
    """The issuing body's symbol in a document number: TU for a tỉnh ủy or a thành ủy under the
    centre, HU for a district's committee (huyện ủy, quận ủy, thị ủy, and a thành ủy `within_province`),
    CB for a chi bộ, ĐU for every đảng ủy (cơ sở, xã/phường, khối)."""
    if _is_cell(kind):
        return "CB"
    committee = committee_name(org_name, kind)
    if _starts(committee, DISTRICT) or (within_province and _starts(committee, PROVINCIAL)):
        return "HU"
    if _starts(committee, PROVINCIAL):
        return "TU"
    return "ĐU"


def has_standing_committee(kind: str) -> bool:
    """Whether the body's standing committee signs and decides for it: a committee above the
    grassroots, and a đảng ủy xã/phường with its powers; not a chi bộ nor a đảng ủy cơ sở (whose
    standing committee, where it has one, the office writes in)."""
    return kind in STANDING_KINDS


def on_behalf(kind: str) -> str:
    """Who signs for: the chi bộ, the đảng ủy (cơ sở, bộ phận), or the standing committee."""
    if _is_cell(kind):
        return t("heading.on_behalf_cell")
    if has_standing_committee(kind):
        return t("heading.on_behalf_standing")
    return t("heading.on_behalf_committee")


def _place(chain: list[Era]) -> str:
    """The place of the nearest organization, the issuer or one above it, that names a territory."""
    sited = next((e for e in chain if _starts(e.name, TERRITORIAL_PREFIXES)), chain[-1])
    return place_name(sited.name)


def party_heading(session: Session, org, on: date | None = None) -> PartyHeading:
    """The heading of a document issued on `on` (today when None) by `org` (an Organization, or
    anything with its `id`; the caller checked its scope), on the tree as it stood that day."""
    chain = chain_on(session, org.id, on or current_day())
    issuer, parent = chain[0], chain[1] if len(chain) > 1 else None
    body = committee_name(issuer.name, issuer.kind).upper()
    standing = has_standing_committee(issuer.kind)
    provincial = symbol(issuer.name, issuer.kind) == "TU"
    return PartyHeading(
        upper_body=party_body_name(parent.name).upper() if parent else "",
        issuing_body=body,
        symbol=symbol(issuer.name, issuer.kind,
                      within_province=parent is not None and symbol(parent.name, parent.kind) == "TU"),
        on_behalf=on_behalf(issuer.kind),
        place=_place(chain),
        authority=t("heading.standing_committee", body=body) if standing else body,
        upper_missing=parent is None and not provincial,
    )
