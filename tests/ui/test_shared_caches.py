"""The dashboards' caches are keyed by what a view depends on (the organization, the role
looking, the filters, the versions of its data), not by who looks: users of one role looking at
one organization share the figures computed once; another role, organization or version computes
its own, and a write below one organization leaves the views of the others warm."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
from sqlalchemy import create_engine

from core.access.filters import View
from core.access.scope import Actor, Subtree, resolve
from core.config import RuleSettings
from core.figures.progress import org_figures
from core.procedure.pipeline import CandidateInput
from core.procedure.pipeline import add_candidate as add_to_procedure
from core.procedure.stages import Role, Stage
from core.storage.db import session_scope
from tests.factories import add_candidate, district
from ui import projector, web

ROOT = Subtree(actor=Actor("lanhdao", Role.LEADER, "/1/"), id=1, code="NB", name="Tỉnh ủy Ninh Bình", parent_id=None,
               path="/1/", depth=0, kind="upper_committee", sector="other", active=True)
DAY = date(2026, 11, 20)


def test_one_organization_and_role_is_computed_once_whoever_looks(monkeypatch):
    computed: list[tuple[str, int]] = []

    def org_figures(session, subtree, **_):
        computed.append((subtree.actor.username, subtree.id))
        return pd.DataFrame({"admitted": [len(computed)]})

    monkeypatch.setattr(web, "engine", lambda: create_engine("sqlite://"))  # a session, no rows read
    monkeypatch.setattr(web, "org_figures", org_figures)
    web.cached_org_figures.clear()
    try:
        other_leader = replace(ROOT, actor=Actor("thuongtruc", Role.LEADER, "/1/"))
        first = web.cached_org_figures((7, 0, 0), ROOT, 2026, DAY)
        again = web.cached_org_figures((7, 0, 0), other_leader, 2026, DAY)  # another leader: the same entry
        assert computed == [("lanhdao", 1)] and again.equals(first)
        web.cached_org_figures((7, 0, 0), replace(ROOT, actor=Actor("admin", Role.ADMIN, "/1/")), 2026, DAY)  # another role
        web.cached_org_figures((7, 1, 0), ROOT, 2026, DAY)  # the data below it changed
        web.cached_org_figures((7, 1, 0), replace(ROOT, id=2, code="NB-X", path="/1/2/", depth=1), 2026, DAY)  # another one
        assert computed == [("lanhdao", 1), ("admin", 1), ("lanhdao", 1), ("lanhdao", 2)]
    finally:
        web.cached_org_figures.clear()


def test_the_projector_shares_its_slides_across_screens_of_one_room(monkeypatch):
    drawn: list[str] = []
    monkeypatch.setattr(web, "cached_funnel", lambda version, subtree, year, as_of: drawn.append(subtree.actor.username)
                        or pd.DataFrame())
    monkeypatch.setattr(projector, "funnel_chart", lambda stages: None)
    monkeypatch.setattr(projector, "vega_spec", lambda chart: {})
    monkeypatch.setattr(projector, "_big", lambda spec, theme: spec)
    monkeypatch.setattr(projector, "_for_the_room", lambda spec, theme: spec)
    projector._funnel_spec.clear()
    try:
        for username in ("trinhchieu", "trinhchieu2"):
            screen = Actor(username, Role.PROJECTOR, "/1/")
            view = View(2026, None, DAY, DAY, replace(ROOT, actor=screen))
            projector._funnel_spec((3, 0, 0), screen, view, "dark")
        assert drawn == ["trinhchieu"]
    finally:
        projector._funnel_spec.clear()


def test_a_write_in_one_commune_leaves_the_other_communes_figures_cached(engine, monkeypatch):
    """The real key on a real database: the secretary of C1 lists a candidate; the next rerun of
    C1's and the district's views computes them again (with the new figure), C2's does not."""
    with session_scope(engine) as s:
        orgs = district(s)
        add_candidate(s, orgs["C2-C"], {Stage.SOURCE: date(2026, 2, 1)})
        leader = Actor("lanhdao", Role.LEADER, orgs["D"].path)
        views = {code: resolve(s, leader, code) for code in ("D", "C1", "C2")}
    computed: list[str] = []

    def counted(session, subtree, **kw):
        computed.append(subtree.code)
        return org_figures(session, subtree, **kw)

    monkeypatch.setattr(web, "engine", lambda: engine)
    monkeypatch.setattr(web, "org_figures", counted)
    web.cached_org_figures.clear()
    try:
        def in_procedure(code: str) -> int:
            figures = web.cached_org_figures(web.current_version(views[code]), views[code], 2026, DAY)
            return int(figures.loc[figures["code"] == code, "active_pipeline"].iloc[0])

        assert [in_procedure(code) for code in views] == [1, 0, 1] and computed == ["D", "C1", "C2"]
        with session_scope(engine) as s:
            add_to_procedure(s, Actor("bithu.c1", Role.SECRETARY, orgs["C1"].path), org_code="C1-A",
                             data=CandidateInput(full_name="Trần Thị Lan", birth_date=date(2001, 2, 3), female=True,
                                                 ethnicity="Kinh", religion="", general_education="upper_secondary",
                                                 qualification="none", occupation="farmer"),
                             source_date=date(2026, 3, 1), today=DAY, rules=RuleSettings())
        assert [in_procedure(code) for code in views] == [2, 1, 1]
        assert computed == ["D", "C1", "C2", "D", "C1"]
    finally:
        web.cached_org_figures.clear()


def test_a_rule_number_changed_in_the_settings_makes_a_new_key(engine, monkeypatch):
    """The figures are counted with the rule settings: another commendation threshold, say,
    read from the secrets file, is another key, while the data's versions stay."""
    with session_scope(engine) as s:
        orgs = district(s)
        view = resolve(s, Actor("lanhdao", Role.LEADER, orgs["D"].path), "D")
    monkeypatch.setattr(web, "engine", lambda: engine)
    base = web.settings()
    monkeypatch.setattr(web, "settings", lambda: base)
    key = web.current_version(view)
    assert web.current_version(view) == key
    stricter = replace(base.rules, commendation_percent=base.rules.commendation_percent + 10)
    monkeypatch.setattr(web, "settings", lambda: replace(base, rules=stricter))
    assert web.current_version(view)[:2] == key[:2] and web.current_version(view) != key
