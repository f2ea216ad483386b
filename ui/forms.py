"""Form pieces shared by the workspace pages: the candidate's fields, and how a refused write
is shown. Streamlit-bound; the checks themselves are in core."""
from __future__ import annotations

from datetime import date

import streamlit as st

from core.access.scope import NotFoundError, ScopeError
from core.access.users import UserError
from core.figures.tables import beside_record_table
from core.i18n import label, t
from core.procedure.dossier import Introduction
from core.procedure.pipeline import (
    CandidateInput,
    DuplicateCandidateError,
    FormError,
    RuleViolation,
    StaleEditError,
)
from core.procedure.stages import RELIGIONS, Education, Occupation, Qualification
from core.storage.db import session_scope
from core.storage.models import Candidate
from ui import text, web

# What a write can answer instead of writing; each carries its Vietnamese message.
REFUSALS = (FormError, RuleViolation, StaleEditError, ScopeError, NotFoundError, UserError, ValueError)


DONE_KEY = "ptdv_done"


def as_drawn(key: str, versions: dict[str, int]) -> dict[str, int]:
    """The records' versions as the forms were drawn on the previous run, i.e. as the user saw
    them while typing (this run reads them again, fresh: checking against those would let a
    change made meanwhile be overwritten without a word). Keeps this run's for the next."""
    seen = st.session_state.get(key, versions)
    st.session_state[key] = versions
    return {**versions, **seen}


def done(message: str, *, prefix: str | tuple[str, ...], record_id: int | None = None) -> None:
    """After a write: empty the form (its widgets' keys start with `prefix`), rerun so the page
    shows the change, and confirm where the user is looking (`show_done` on the next run)."""
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]
    st.session_state[DONE_KEY] = ("done", message, record_id)
    st.rerun()


def reload_after(exc: Exception, *, typed: dict[str, str] | None = None, current: dict[str, str] | None = None,
                 only_differences: bool = False, prefix: str | tuple[str, ...] = ()) -> None:
    """After a refusal because someone else changed the record: empty the form (its widgets'
    keys start with `prefix`) and rerun, so the forms show the record as it is now and can
    never send again what was read before; on top, say why and show what the user typed
    beside the record now (`typed`, `current`: texts by field label), so nothing is lost."""
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]
    beside = None if typed is None else beside_record_table(typed, current or {}, only_differences=only_differences)
    st.session_state[DONE_KEY] = ("refused", str(exc), beside)
    st.rerun()


def save(action, success, *, prefix: str | tuple[str, ...], typed: dict[str, str] | None = None,
          current=None, only_differences: bool = False) -> None:
    """Run a write (`action(session)`) in its own transaction, then empty the form (its keys
    start with `prefix`) and confirm (`done`: `success`, or `success(result)` when it is a
    function of what the write returned); or say why not (`show_refusal`). A record changed
    meanwhile by someone else also empties the form and shows what was typed (`typed`) beside
    the record now (`current(session)` reads it), so the next click cannot send stale values."""
    try:
        with session_scope(web.engine()) as session:
            result = action(session)
    except StaleEditError as exc:
        with session_scope(web.engine()) as session:
            now = current(session) if current else None
        reload_after(exc, typed=typed, current=now, prefix=prefix, only_differences=only_differences)
    except REFUSALS as exc:
        show_refusal(exc)
    else:
        done(success(result) if callable(success) else success, prefix=prefix)


def show_done() -> None:
    """The outcome of the last write, once: a toast (seen at any scroll position, on a phone
    too) and a line at the top of the page, with a link to the record written; after a stale
    refusal, what the user typed beside the record now."""
    pending = st.session_state.pop(DONE_KEY, None)
    if pending is None:
        return
    outcome, message, detail = pending
    if outcome == "refused":
        text.toast(t("form.stale_toast"), icon=":material/error:")
        text.error(message)
        if detail is not None and not detail.empty:
            text.caption(t("form.stale_beside"))
            st.dataframe(detail, hide_index=True, width="stretch", placeholder="")
        return
    text.toast(message, icon=":material/check_circle:")
    text.success(message)
    if detail is not None:
        st.page_link("pages/candidate.py", label=t("branch.open_added"), query_params={"id": str(detail)},
                     icon=":material/open_in_new:")


def show_refusal(exc: Exception) -> None:
    """One error line per problem found, and a toast saying nothing was written; an exception
    waiting for acknowledgement is a warning; the same person already listed comes with a link
    to that record."""
    # On a phone the lines below the button can be off the screen: a short toast is seen where
    # the user is (a long one would be cut, behind Streamlit's English "view more").
    text.toast(t("form.refused_toast"), icon=":material/error:")
    if isinstance(exc, RuleViolation) and exc.needs_ack:
        text.warning(str(exc) + " " + t("candidate.ack_hint"))
        return
    for message in getattr(exc, "errors", None) or [str(exc)]:
        text.error(message)
    if isinstance(exc, DuplicateCandidateError):
        st.page_link("pages/candidate.py", label=text.literal(t("form.duplicate_open", name=exc.full_name)),
                     query_params={"id": exc.candidate_id})


# A date typed outside the widget's range is dropped by the browser, which keeps the previous
# value without a word (and a form would save it): the widgets take every day the format can
# spell, and core refuses a day outside the range it holds (core.format.date_range_error).
OLDEST, LATEST = date(1, 1, 1), date(9999, 12, 31)


def date_field(label_text: str, value: date | None, key: str, container=st) -> date | None:
    """A date typed day/month/year; empty unless a value is given. What it means (not in the
    future, after the birth date...) is checked in core, with a Vietnamese message."""
    return container.date_input(label_text, value=value, min_value=OLDEST, max_value=LATEST, format="DD/MM/YYYY",
                                key=key)


def _choice(label_text: str, options: list, current, key: str, format_func=str):
    """A choice with nothing chosen until the user chooses (or the record's current value)."""
    index = options.index(current) if current in options else None
    return st.selectbox(label_text, options, index=index, format_func=format_func, key=key,
                        placeholder=t("form.choose"))


def _official(value: bool) -> str:
    return t("paper.sponsor_official") if value else t("paper.sponsor_probationary")


def candidate_fields(prefix: str, current: Candidate | None = None) -> CandidateInput:
    """The candidate's fields inside the caller's form, filled with `current` when editing and
    empty otherwise: birth date, gender, ethnicity, religion, education and occupation must be
    given (core lists every one missing)."""
    c = current
    full_name = st.text_input(t("cand.full_name"), value=c.full_name if c else "", key=f"{prefix}_name")
    left, right = st.columns(2)
    with left:
        birth = date_field(t("cand.birth_date"), c.birth_date if c else None, f"{prefix}_birth")
        female = _choice(t("field.female"), [False, True], c.female if c else None, f"{prefix}_female",
                         format_func=lambda v: t("form.gender_female") if v else t("form.gender_male"))
        ethnicity = st.text_input(t("cand.ethnicity"), value=c.ethnicity if c else "", key=f"{prefix}_ethnicity",
                                  placeholder=t("form.ethnicity_hint"))
        religions = list(RELIGIONS) + ([c.religion] if c and c.religion not in RELIGIONS else [])
        religion = _choice(t("field.religion"), religions, c.religion if c else None, f"{prefix}_religion",
                           format_func=lambda v: v or t("form.religion_none"))
        education = _choice(t("field.general_education"), [e.value for e in Education],
                            c.general_education if c else None, f"{prefix}_education",
                            format_func=lambda v: label("education", v))
        qualification = _choice(t("field.qualification"), [q.value for q in Qualification],
                                c.qualification if c else None, f"{prefix}_qualification",
                                format_func=lambda v: label("qualification", v))
        occupation = _choice(t("field.occupation"), [o.value for o in Occupation], c.occupation if c else None,
                             f"{prefix}_occupation", format_func=lambda v: label("occupation", v))
    with right:
        youth = st.checkbox(t("cand.youth_union"), value=c.youth_union_member if c else False, key=f"{prefix}_youth")
        village_head = st.checkbox(t("cand.village_head"), value=c.village_head if c else False, key=f"{prefix}_head")
        trade_union = st.checkbox(t("cand.trade_union"), value=c.trade_union_member if c else False, key=f"{prefix}_union")
        route = _choice(t("cand.route"), [r.value for r in Introduction], c.introduction_route if c else None,
                        f"{prefix}_route", format_func=lambda v: label("introduction", v))
        helper = st.text_input(t("cand.helper"), value=c.helper_name if c else "", key=f"{prefix}_helper")
        replacement_help = t("cand.replacement_help", months=web.settings().rules.sponsor_min_months)
        sponsor1 = st.text_input(t("cand.sponsor1"), value=c.sponsor1_name if c else "", key=f"{prefix}_s1")
        sponsor1_since = date_field(t("field.sponsor1_since"), c.sponsor1_since if c else None, f"{prefix}_s1_since")
        sponsor1_official = _choice(t("cand.sponsor1_official"), [True, False], c.sponsor1_official if c else None,
                                    f"{prefix}_s1_official", format_func=_official)
        sponsor1_replacement = st.text_input(t("cand.sponsor1_replacement"), help=replacement_help,
                                             value=c.sponsor1_replacement_decision if c else "", key=f"{prefix}_s1_repl")
        sponsor2 = st.text_input(t("cand.sponsor2"), value=c.sponsor2_name if c else "", key=f"{prefix}_s2")
        sponsor2_since = date_field(t("field.sponsor2_since"), c.sponsor2_since if c else None, f"{prefix}_s2_since")
        sponsor2_official = _choice(t("cand.sponsor2_official"), [True, False], c.sponsor2_official if c else None,
                                    f"{prefix}_s2_official", format_func=_official)
        sponsor2_replacement = st.text_input(t("cand.sponsor2_replacement"), help=replacement_help,
                                             value=c.sponsor2_replacement_decision if c else "", key=f"{prefix}_s2_repl")
        youth_resolution = date_field(t("field.youth_union_resolution_date"),
                                      c.youth_union_resolution_date if c else None, f"{prefix}_youth_res")
        new_member_class = date_field(t("field.new_member_class_date"), c.new_member_class_date if c else None,
                                      f"{prefix}_nmc")
    return CandidateInput(
        full_name=full_name, birth_date=birth, female=female, ethnicity=ethnicity,
        religion=religion, general_education=education, qualification=qualification, occupation=occupation,
        # The old tick box is no longer asked (the consent is a paper now); a record keeps what it held.
        youth_union_member=youth, village_head=village_head, education_exemption=c.education_exemption if c else False,
        helper_name=helper, introduction_route=route or "", trade_union_member=trade_union,
        sponsor1_official=sponsor1_official, sponsor2_official=sponsor2_official,
        sponsor1_replacement_decision=sponsor1_replacement, sponsor2_replacement_decision=sponsor2_replacement,
        sponsor1_name=sponsor1, sponsor1_since=sponsor1_since, sponsor2_name=sponsor2, sponsor2_since=sponsor2_since,
        youth_union_resolution_date=youth_resolution, new_member_class_date=new_member_class,
    )
