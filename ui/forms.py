"""Form pieces shared by the workspace pages: the candidate's fields, and how a refused write
is shown. Streamlit-bound; the checks themselves are in core."""
from __future__ import annotations

from datetime import date

import streamlit as st

from core.access.scope import NotFoundError, ScopeError
from core.access.users import UserError
from core.format import md_escape
from core.i18n import label, t
from core.procedure.pipeline import (
    CandidateInput,
    DuplicateCandidateError,
    FormError,
    RuleViolation,
    StaleEditError,
)
from core.procedure.stages import Education, Occupation, Qualification
from core.storage.models import Candidate

# What a write can answer instead of writing; each carries its Vietnamese message.
REFUSALS = (FormError, RuleViolation, StaleEditError, ScopeError, NotFoundError, UserError, ValueError)
OLDEST = date(1900, 1, 1)


def show_refusal(exc: Exception) -> None:
    """One error line per problem found; an exception waiting for acknowledgement is a warning;
    the same person already listed comes with a link to that record."""
    if isinstance(exc, RuleViolation) and exc.needs_ack:
        st.warning(str(exc) + " " + t("candidate.ack_hint"))
        return
    for message in getattr(exc, "errors", None) or [str(exc)]:
        st.error(message)
    if isinstance(exc, DuplicateCandidateError):
        st.page_link("pages/candidate.py", label=t("form.duplicate_open", name=md_escape(exc.full_name)),
                     query_params={"id": exc.candidate_id})


def _date(label_key: str, value: date | None, key: str, *, required: bool = False) -> date | None:
    latest = max(date.today(), value) if value else date.today()  # a stored wrong date still shows
    return st.date_input(t(label_key), value=value if (value or required) else None, min_value=OLDEST,
                         max_value=latest, format="DD/MM/YYYY", key=key)


def candidate_fields(prefix: str, current: Candidate | None = None) -> CandidateInput:
    """The candidate's fields inside the caller's form, filled with `current` when editing."""
    c = current
    full_name = st.text_input(t("cand.full_name"), value=c.full_name if c else "", key=f"{prefix}_name")
    left, right = st.columns(2)
    with left:
        birth = _date("cand.birth_date", c.birth_date if c else date(2000, 1, 1), f"{prefix}_birth", required=True)
        female = st.checkbox(t("cand.female"), value=c.female if c else False, key=f"{prefix}_female")
        ethnicity = st.text_input(t("cand.ethnicity"), value=c.ethnicity if c else "Kinh", key=f"{prefix}_ethnicity")
        religion = st.text_input(t("cand.religion"), value=c.religion if c else "", key=f"{prefix}_religion")
        education = st.selectbox(t("field.general_education"), [e.value for e in Education],
                                 index=[e.value for e in Education].index(c.general_education) if c else 2,
                                 format_func=lambda v: label("education", v), key=f"{prefix}_education")
        qualification = st.selectbox(t("field.qualification"), [q.value for q in Qualification],
                                     index=[q.value for q in Qualification].index(c.qualification) if c else 0,
                                     format_func=lambda v: label("qualification", v), key=f"{prefix}_qualification")
        occupation = st.selectbox(t("field.occupation"), [o.value for o in Occupation],
                                  index=[o.value for o in Occupation].index(c.occupation) if c else 0,
                                  format_func=lambda v: label("occupation", v), key=f"{prefix}_occupation")
    with right:
        youth = st.checkbox(t("cand.youth_union"), value=c.youth_union_member if c else False, key=f"{prefix}_youth")
        village_head = st.checkbox(t("cand.village_head"), value=c.village_head if c else False, key=f"{prefix}_head")
        exemption = st.checkbox(t("cand.exemption"), value=c.education_exemption if c else False, key=f"{prefix}_exempt")
        helper = st.text_input(t("cand.helper"), value=c.helper_name if c else "", key=f"{prefix}_helper")
        sponsor1 = st.text_input(t("cand.sponsor1"), value=c.sponsor1_name if c else "", key=f"{prefix}_s1")
        sponsor1_since = _date("field.sponsor1_since", c.sponsor1_since if c else None, f"{prefix}_s1_since")
        sponsor2 = st.text_input(t("cand.sponsor2"), value=c.sponsor2_name if c else "", key=f"{prefix}_s2")
        sponsor2_since = _date("field.sponsor2_since", c.sponsor2_since if c else None, f"{prefix}_s2_since")
        youth_resolution = _date("field.youth_union_resolution_date", c.youth_union_resolution_date if c else None,
                                 f"{prefix}_youth_res")
        new_member_class = _date("field.new_member_class_date", c.new_member_class_date if c else None,
                                 f"{prefix}_nmc")
    return CandidateInput(
        full_name=full_name, birth_date=birth or date(2000, 1, 1), female=female, ethnicity=ethnicity,
        religion=religion, general_education=education, qualification=qualification, occupation=occupation,
        youth_union_member=youth, village_head=village_head, education_exemption=exemption, helper_name=helper,
        sponsor1_name=sponsor1, sponsor1_since=sponsor1_since, sponsor2_name=sponsor2, sponsor2_since=sponsor2_since,
        youth_union_resolution_date=youth_resolution, new_member_class_date=new_member_class,
    )
