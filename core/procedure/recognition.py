"""Recognition as official members recorded before it was three steps (migration 0006): the
decision was kept, its effect moved to the end of the probation, and the chi bộ's (13-KNĐ)
and the committee's (15-KNĐ) resolutions before it were left unrecorded. This module lists
them for someone to complete from the dossier; it never invents a resolution."""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core.access.scope import Subtree
from core.format import fmt_date
from core.i18n import label, t
from core.procedure.stages import Route, Stage, required_stages
from core.storage.models import Candidate, Organization
from core.structure.tree import in_subtree

UNRECORDED_COLUMNS = ["candidate_id", "full_name", "organization", "admitted_date", "official_date"]


def unrecorded_recognitions(session: Session, subtree: Subtree) -> pd.DataFrame:
    """The official members of the subtree whose chi bộ's recognition resolution is not
    recorded, oldest first. Columns: UNRECORDED_COLUMNS (full_name "" for a caller who may
    not see personal data; official_date is the day the status took effect)."""
    rows = session.exec(
        select(Candidate.id, Candidate.full_name, Organization.name, Candidate.admitted_date, Candidate.official_date)
        .join(Organization, Organization.id == Candidate.organization_id)
        .where(in_subtree(subtree.path, Candidate.org_path), Candidate.official_date.is_not(None),
               Candidate.recognition_branch_date.is_(None))
        .order_by(Candidate.official_date, Candidate.id)
    ).all()
    personal = subtree.actor.sees_personal_data
    return pd.DataFrame([(cid, name if personal else "", org, admitted, official)
                         for cid, name, org, admitted, official in rows], columns=UNRECORDED_COLUMNS)


def unrecorded_notes(candidate: Candidate, route: Route) -> list[str]:
    """For the record page: one sentence per recognition resolution of the candidate's route
    not recorded before its official decision ("… chưa ghi …")."""
    if candidate.official_date is None:
        return []
    steps = [s for s in (Stage.RECOGNITION_BRANCH, Stage.RECOGNITION_COMMITTEE) if s in required_stages(route)]
    return [t("recog.unrecorded_note", stage=label("stage", s), date=fmt_date(candidate.official_date))
            for s in steps if getattr(candidate, f"{s.value}_date") is None]
