"""The dashboards' caches are keyed by what a view depends on (the organization, the role
looking, the filters), not by who looks: users of one role looking at one organization share
the figures computed once; another role, organization or data version computes its own."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
from sqlalchemy import create_engine

from core.access.filters import View
from core.access.scope import Actor, Subtree
from core.procedure.stages import Role
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
        first = web.cached_org_figures(7, ROOT, 2026, DAY)
        again = web.cached_org_figures(7, other_leader, 2026, DAY)  # another leader: the same entry
        assert computed == [("lanhdao", 1)] and again.equals(first)
        web.cached_org_figures(7, replace(ROOT, actor=Actor("admin", Role.ADMIN, "/1/")), 2026, DAY)  # another role
        web.cached_org_figures(8, ROOT, 2026, DAY)  # the data changed
        web.cached_org_figures(8, replace(ROOT, id=2, code="NB-X", path="/1/2/", depth=1), 2026, DAY)  # another one
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
            projector._funnel_spec(3, screen, view, "dark")
        assert drawn == ["trinhchieu"]
    finally:
        projector._funnel_spec.clear()
