"""The candidate pipeline: the stages in order, the exits, and the kinds and sectors of organizations.

Codes are English and stored in the database; labels come from the UI catalog (core.i18n).
"""
from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Stages of the admission procedure, in the order they are entered."""

    SOURCE = "source"
    OUTSTANDING = "outstanding"
    CLASS_DONE = "class_done"
    DOSSIER = "dossier"
    BRANCH_RESOLUTION = "branch_resolution"
    COMMITTEE_RESOLUTION = "committee_resolution"
    DECISION = "decision"
    ADMITTED = "admitted"
    OFFICIAL = "official"


class Exit(StrEnum):
    """Ways a candidate leaves the pipeline before becoming an official member."""

    STOPPED = "stopped"
    REMOVED = "removed"
    TRANSFERRED = "transferred"


STAGES: tuple[Stage, ...] = tuple(Stage)
STAGE_ORDER: dict[str, int] = {s.value: i for i, s in enumerate(STAGES)}

# Stages after which the candidate is an admitted (probationary or official) member.
MEMBER_STAGES = frozenset({Stage.ADMITTED, Stage.OFFICIAL})
# Stages where a dossier is on its way to the admission decision: the "late" pipeline.
LATE_STAGES = (Stage.DOSSIER, Stage.BRANCH_RESOLUTION, Stage.COMMITTEE_RESOLUTION)
# A removal only applies to a probationary member; a stop only before admission.
EXIT_ALLOWED_FROM: dict[Exit, frozenset[Stage]] = {
    Exit.STOPPED: frozenset(STAGES[: STAGE_ORDER[Stage.ADMITTED]]),
    Exit.REMOVED: frozenset({Stage.ADMITTED}),
    Exit.TRANSFERRED: frozenset(s for s in STAGES if s is not Stage.OFFICIAL),
}


def stage_date_column(stage: Stage | str) -> str:
    """Name of the Candidate column holding the date a stage was entered."""
    return f"{Stage(stage).value}_date"


def required_stages(*, grassroots_cell: bool) -> tuple[Stage, ...]:
    """The stages a candidate goes through; a chi bộ cơ sở has no đảng ủy cơ sở vote."""
    if grassroots_cell:
        return tuple(s for s in STAGES if s is not Stage.COMMITTEE_RESOLUTION)
    return STAGES


def previous_stage(stage: Stage, *, grassroots_cell: bool) -> Stage | None:
    """The stage that must have been entered before `stage`, or None for the first."""
    order = required_stages(grassroots_cell=grassroots_cell)
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
    GRASSROOTS_COMMITTEE = "grassroots_committee"  # đảng bộ cơ sở
    GRASSROOTS_CELL = "grassroots_cell"  # chi bộ cơ sở
    CELL = "cell"  # chi bộ trực thuộc


GRASSROOTS_KINDS = frozenset({OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_CELL})
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
