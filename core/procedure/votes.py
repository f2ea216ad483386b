"""The votes of the resolutions, as people read them, and the resolutions whose two thirds can
no longer be shown: those recorded before the denominators were (migration 0005), or imported
without their minutes. They stay as recorded; this module lists them for someone to complete
from the minutes, it never guesses the chi bộ's official members."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import exists
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from core.access.scope import Subtree
from core.format import fmt_date, fmt_number, is_missing
from core.i18n import label, t
from core.procedure.stages import Stage
from core.storage.models import Candidate, Organization, StageEvent
from core.structure.tree import in_subtree

RESOLUTIONS = (Stage.BRANCH_RESOLUTION.value, Stage.COMMITTEE_RESOLUTION.value)


def _figure(value) -> int | None:
    return None if is_missing(value) else int(value)


def vote_text(*, votes_for, present, members_total, members_excused) -> str:
    """"10/14 phiếu tán thành, 12 dự họp, trừ 1 tạm chuyển hoặc miễn sinh hoạt" (the denominator
    is the official members less the excused); without the denominator, an old resolution:
    "8 phiếu tán thành/10 dự họp, chưa ghi số đảng viên chính thức"; "" when no vote is recorded.
    Accepts None and pandas' NaN alike."""
    votes_for, present = _figure(votes_for), _figure(present)
    members, excused = _figure(members_total), _figure(members_excused) or 0
    if members is None:
        if votes_for is None and present is None:
            return ""
        return t("audit.votes_unknown", votes_for=fmt_number(votes_for), present=fmt_number(present))
    parts = [t("audit.votes", votes_for=fmt_number(votes_for), eligible=fmt_number(members - excused))]
    if present is not None:
        parts.append(t("audit.votes_present", present=fmt_number(present)))
    if excused:
        parts.append(t("audit.votes_excused", excused=fmt_number(excused)))
    return ", ".join(parts)


def is_unproven(stage: str, members_total) -> bool:
    """A resolution whose denominator is not recorded: its two thirds cannot be shown."""
    return stage in RESOLUTIONS and is_missing(members_total)


def unproven_resolutions(session: Session, subtree: Subtree) -> pd.DataFrame:
    """The resolutions in force in the subtree (neither voided nor replaced by a correction)
    recorded without the chi bộ's official members (or the committee's members), oldest first.

    Columns: candidate_id, full_name ("" for a caller who may not see personal data),
    organization, stage (its label), event_date, votes_for, present.
    """
    replacing = aliased(StageEvent)
    rows = session.exec(
        select(StageEvent.candidate_id, Candidate.full_name, Organization.name, StageEvent.stage,
               StageEvent.event_date, StageEvent.votes_for, StageEvent.votes_total)
        .join(Candidate, Candidate.id == StageEvent.candidate_id)
        .join(Organization, Organization.id == Candidate.organization_id)
        .where(in_subtree(subtree.path, Candidate.org_path), StageEvent.stage.in_(RESOLUTIONS),
               StageEvent.members_total.is_(None), StageEvent.voids.is_(False),
               ~exists().where(replacing.replaces_event_id == StageEvent.id))
        .order_by(StageEvent.event_date, StageEvent.id)
    ).all()
    personal = subtree.actor.sees_personal_data
    return pd.DataFrame(
        [{"candidate_id": cid, "full_name": name if personal else "", "organization": org,
          "stage": label("stage", stage), "event_date": when, "votes_for": votes_for, "present": present}
         for cid, name, org, stage, when, votes_for, present in rows],
        columns=["candidate_id", "full_name", "organization", "stage", "event_date", "votes_for", "present"],
    )


def unproven_notes(history: pd.DataFrame) -> list[str]:
    """For a candidate_history: one sentence per resolution in force recorded without its
    denominator ("… chưa ghi số đảng viên chính thức …"), for the record page."""
    if history.empty:
        return []
    replaced = set(history["replaces_event_id"].dropna())
    return [t("vote.unproven_branch" if row["stage"] == Stage.BRANCH_RESOLUTION.value else "vote.unproven_committee",
              stage=label("stage", row["stage"]), date=fmt_date(row["event_date"]))
            for _i, row in history.iterrows()
            if not row["voids"] and row["id"] not in replaced and is_unproven(row["stage"], row["members_total"])]
