"""The alerts page's blocks: one per organization, its alerts in whole sentences with where
to act (its branch page; the records of the candidates a deadline concerns), and the
candidates' deadlines one by one. Long lists show a part and say which, with "show more".
Streamlit-bound; the grouping and the sentences come from core.figures.alerts."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from core.figures.alerts import (
    AlertGroup,
    CandidateDue,
    candidates_concerned,
)
from core.i18n import t
from ui import text

BRANCH_PAGE = "pages/branch.py"
RECORD_PAGE = "pages/candidate.py"
OVERDUE_STATES = ("overdue",)


def record_line(candidate_id: int, who: str) -> None:
    """A candidate and its deadline in words, the link to the record just after them (on the
    next line when the screen is narrow): a page link is one line, cut short on a phone, so the
    words are not in it."""
    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")
    text.markdown(who, container=row)
    row.page_link(RECORD_PAGE, label=t("alerts.open_record"), icon=":material/badge:",
                  query_params={"id": str(candidate_id)})


def alert_group(group: AlertGroup, *, year: int, clocks: pd.DataFrame) -> None:
    """One organization: its name, what is wrong in whole sentences, and links to act.
    `clocks` (candidate_clocks_list, or empty for who may not see names) gives the records a
    deadline concerns."""
    with st.container(border=True):
        text.subheader(group.org_name)
        text.caption(f"{group.summary} · {t('alerts.org_code', code=group.org_code)}")
        for alert in group.alerts:
            text.markdown(text.md(text.Md("- "), alert.detail or alert.message))
            for candidate_id, who in candidates_concerned(clocks, alert):
                record_line(candidate_id, who)
        st.page_link(BRANCH_PAGE, label=t("alerts.open_branch"), icon=":material/groups:",
                     query_params={"org": group.org_code, "year": str(year)})


def candidate_due(item: CandidateDue) -> None:
    """One candidate: name and chi bộ, each deadline in a sentence (overdue ones in red), the record."""
    with st.container(border=True):
        text.markdown(text.md(text.bold(item.full_name), " – ", item.org_name))
        for number, (state, line) in enumerate(item.lines):
            # Coloured by the stylesheet from the container's key, as the work list's cards
            # are (ui/style.py); an overdue line is also in bold, and its words say it.
            with st.container(key=f"due_state_{state}_{item.candidate_id}_{number}"):
                text.markdown(text.bold(line) if state in OVERDUE_STATES else line)
        st.page_link(RECORD_PAGE, label=t("alerts.open_record"), icon=":material/badge:",
                     query_params={"id": str(item.candidate_id)})
