"""The candidate pipeline: the stages in order, the exits, and the kinds and sectors of organizations.

Codes are English and stored in the database; labels come from the UI catalog (core.i18n).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Stage(StrEnum):
    """Stages of the admission procedure, in the order they are entered."""

    SOURCE = "source"
    OUTSTANDING = "outstanding"
    CLASS_DONE = "class_done"
    DOSSIER = "dossier"
    BRANCH_RESOLUTION = "branch_resolution"
    SUB_COMMITTEE_APPRAISAL = "sub_committee_appraisal"  # 7-KNĐ, only under a đảng bộ bộ phận
    COMMITTEE_RESOLUTION = "committee_resolution"
    DECISION = "decision"
    ADMITTED = "admitted"
    RECOGNITION_BRANCH = "recognition_branch"  # 13-KNĐ
    RECOGNITION_COMMITTEE = "recognition_committee"  # 15-KNĐ, where committee_resolution applies
    OFFICIAL = "official"


class Exit(StrEnum):
    """Ways a candidate leaves the pipeline before becoming an official member.

    TRANSFERRED is a move out of the tree (with a certificate of where the candidate stands:
    core.office.certificate); a move to another chi bộ of the tree is no exit
    (core.procedure.transfers). CANCELLED is the competent committee's cancellation of an
    admission decision wrongly made: the decision is no longer in force, so the person is not
    counted as admitted (core.procedure.pipeline.derive_state)."""

    STOPPED = "stopped"
    REMOVED = "removed"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"


class Record(StrEnum):
    """Events of a candidate's history that are neither a stage nor an exit: they change no
    stage, and the clocks and rules read them."""

    DECISION_EXTENSION = "decision_extension"  # the decision's 60 working days extended by up to 30, with its reason
    CEREMONY_CONSENT = "ceremony_consent"  # the upper committee's consent to a ceremony past its 30 working days
    RECOGNITION_NO_MAJORITY = "recognition_no_majority"  # a recognition vote without 2/3 either way
    RECOGNITION_REJECTED = "recognition_rejected"  # a recognition vote with 2/3 against: removal follows


STAGES: tuple[Stage, ...] = tuple(Stage)
STAGE_ORDER: dict[str, int] = {s.value: i for i, s in enumerate(STAGES)}
RECORDS = frozenset(r.value for r in Record)
EXITS = frozenset(e.value for e in Exit)

# Stages after which the candidate is an admitted (probationary or official) member.
MEMBER_STAGES = frozenset({Stage.ADMITTED, Stage.RECOGNITION_BRANCH, Stage.RECOGNITION_COMMITTEE, Stage.OFFICIAL})
# The probationary member's recognition: the resolutions that vote on it.
RECOGNITION_STAGES = (Stage.RECOGNITION_BRANCH, Stage.RECOGNITION_COMMITTEE)
# Stages where a dossier is on its way to the admission decision: the "late" pipeline.
LATE_STAGES = (Stage.DOSSIER, Stage.BRANCH_RESOLUTION, Stage.SUB_COMMITTEE_APPRAISAL, Stage.COMMITTEE_RESOLUTION)
# A removal only applies to a probationary member; a stop only before admission.
EXIT_ALLOWED_FROM: dict[Exit, frozenset[Stage]] = {
    Exit.STOPPED: frozenset(STAGES[: STAGE_ORDER[Stage.ADMITTED]]),
    Exit.REMOVED: frozenset({Stage.ADMITTED, Stage.RECOGNITION_BRANCH, Stage.RECOGNITION_COMMITTEE}),
    Exit.TRANSFERRED: frozenset(s for s in STAGES if s is not Stage.OFFICIAL),
    Exit.CANCELLED: frozenset({Stage.DECISION, Stage.ADMITTED}),
}
# Exits after which a person may be re-admitted (kết nạp lại): they were members and left.
READMISSION_FROM = frozenset({Exit.REMOVED, Exit.CANCELLED})
# Stages a cancelled decision takes out of force: the decision and what followed it.
CANCELLED_STAGES = frozenset({Stage.DECISION, Stage.ADMITTED, Stage.OFFICIAL})


def stage_date_column(stage: Stage | str) -> str:
    """Name of the Candidate column holding the date a stage was entered."""
    return f"{Stage(stage).value}_date"


def next_stages(stage: Stage) -> tuple[Stage, ...]:
    """The stages whose date, the first one set, is the day a candidate moved on from `stage` (a
    skipped one passed over). The official date is the day the status took effect, the end of
    the probation, before the recognition resolutions: from those it is no next date."""
    return tuple(s for s in STAGES[STAGES.index(stage) + 1:]
                 if not (s is Stage.OFFICIAL and stage in RECOGNITION_STAGES))


@dataclass(frozen=True)
class Route:
    """Which committees a candidate's dossier goes through, as the chain of its chi bộ gives it
    (route_of): `sub_committee`, a đảng bộ bộ phận between the chi bộ and its đảng bộ cơ sở,
    which appraises (7-KNĐ); `committee`, a đảng ủy cơ sở that votes (8-KNĐ, then 15-KNĐ at
    recognition): not for a chi bộ cơ sở, nor under a đảng ủy cơ sở authorized to decide
    admissions itself (its own decision is then the decision)."""

    committee: bool = True
    sub_committee: bool = False


CELL_ROUTE = Route(committee=False)


class _ChainLink(Protocol):
    kind: str
    authorized: bool


def route_of(chain: Sequence[_ChainLink]) -> Route:
    """The route of a candidate's chi bộ from its chain: the chi bộ first, then its ancestors,
    nearest first (each with `kind` and `authorized`, as Organization has them)."""
    if not chain or chain[0].kind == OrgKind.GRASSROOTS_CELL:
        return CELL_ROUTE
    above = list(chain[1:])
    sub_committee = bool(above) and above[0].kind == OrgKind.SUB_COMMITTEE
    grassroots = next((o for o in above if o.kind in (OrgKind.GRASSROOTS_COMMITTEE, OrgKind.COMMUNE_COMMITTEE)), None)
    # A đảng ủy xã decides admissions itself, as an authorized đảng ủy cơ sở does.
    decides_itself = grassroots is not None and (grassroots.authorized or grassroots.kind == OrgKind.COMMUNE_COMMITTEE)
    return Route(committee=not decides_itself, sub_committee=sub_committee)


def required_stages(route: Route = Route()) -> tuple[Stage, ...]:
    """The stages a candidate goes through on its route."""
    skipped = set()
    if not route.committee:
        skipped |= {Stage.COMMITTEE_RESOLUTION, Stage.RECOGNITION_COMMITTEE}
    if not route.sub_committee:
        skipped.add(Stage.SUB_COMMITTEE_APPRAISAL)
    return tuple(s for s in STAGES if s not in skipped)


def previous_stage(stage: Stage, route: Route = Route()) -> Stage | None:
    """The stage that must have been entered before `stage`, or None for the first."""
    order = required_stages(route)
    if stage not in order:
        return None
    idx = order.index(stage)
    return order[idx - 1] if idx else None


def counting_stage(count_by: str) -> Stage:
    """The stage whose date counts an admission toward the year's quota."""
    return Stage.DECISION if count_by == "decision" else Stage.ADMITTED


class OrgKind(StrEnum):
    """Kinds of Party organization (loại tổ chức đảng)."""

    UPPER_COMMITTEE = "upper_committee"  # đảng bộ cấp trên cơ sở: tỉnh ủy, huyện ủy...
    # Đảng ủy xã / phường / đặc khu from 01/7/2025: a grassroots đảng bộ with the powers of the
    # level above the grassroots (its standing committee decides admissions, "-QĐ/ĐU").
    COMMUNE_COMMITTEE = "commune_committee"
    GRASSROOTS_COMMITTEE = "grassroots_committee"  # đảng bộ cơ sở
    SUB_COMMITTEE = "sub_committee"  # đảng bộ bộ phận: between a đảng bộ cơ sở and its chi bộ
    GRASSROOTS_CELL = "grassroots_cell"  # chi bộ cơ sở
    CELL = "cell"  # chi bộ trực thuộc


GRASSROOTS_KINDS = frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.COMMUNE_COMMITTEE, OrgKind.GRASSROOTS_CELL})
CELL_KINDS = frozenset({OrgKind.GRASSROOTS_CELL, OrgKind.CELL})


class Sector(StrEnum):
    """Sectors (khối) used for breakdowns."""

    RURAL = "rural"
    URBAN = "urban"
    ADMINISTRATION = "administration"
    SCHOOL = "school"
    HEALTH = "health"
    STATE_ENTERPRISE = "state_enterprise"
    PRIVATE_ENTERPRISE = "private_enterprise"
    ARMED_FORCES = "armed_forces"
    OTHER = "other"


class Education(StrEnum):
    """General education (trình độ giáo dục phổ thông); literate only: a village elder or head
    in a hardship area, with the province's consent (core.procedure.dossier)."""

    PRIMARY = "primary"
    LOWER_SECONDARY = "lower_secondary"
    UPPER_SECONDARY = "upper_secondary"
    LITERATE = "literate"


class Qualification(StrEnum):
    """Professional qualification (trình độ chuyên môn)."""

    NONE = "none"
    ELEMENTARY = "elementary"
    INTERMEDIATE = "intermediate"
    COLLEGE = "college"
    UNIVERSITY = "university"
    POSTGRADUATE = "postgraduate"


class Occupation(StrEnum):
    """Occupation or source group of a candidate."""

    FARMER = "farmer"
    WORKER = "worker"
    PRIVATE_ENTERPRISE = "private_enterprise"
    CIVIL_SERVANT = "civil_servant"
    TEACHER = "teacher"
    HEALTH_WORKER = "health_worker"
    HIGH_SCHOOL_STUDENT = "high_school_student"
    UNIVERSITY_STUDENT = "university_student"
    ARMED_FORCES = "armed_forces"
    FREELANCE = "freelance"
    OTHER = "other"


class Role(StrEnum):
    """User roles."""

    ADMIN = "admin"
    LEADER = "leader"
    SECRETARY = "secretary"
    PROJECTOR = "projector"


# Religions the forms offer ("" is none: a choice of its own, never a default): the largest in
# Viet Nam; a record holding another keeps it.
RELIGIONS: tuple[str, ...] = ("", "Phật giáo", "Công giáo", "Tin lành", "Cao Đài", "Phật giáo Hòa Hảo", "Hồi giáo")
