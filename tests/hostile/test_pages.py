"""Every page (core.access.navigation.PAGES), as every role, opened through AppTest with every
hostile URL value in every parameter the app reads, and with organizations, candidates and
accounts named with Markdown payloads: no exception element, no payload rendered as Markdown
(a link, an image, HTML, a colour, an icon), and the database unchanged.

A new page joins by being in PAGES; a new URL parameter by being in payloads.URL_PARAMETERS.
"""
from __future__ import annotations

import random

import pytest
from sqlalchemy import update
from sqlmodel import select

from core.access.navigation import PAGES
from core.format import md_escape
from core.procedure.stages import Role
from core.storage.db import make_engine, session_scope
from core.storage.models import Candidate, DataVersion, Organization, User
from tests.apptest import app, sign_in
from tests.hostile.payloads import (
    HOSTILE_NAMES,
    HOSTILE_URL_VALUES,
    IMAGE,
    LINK,
    URL_PARAMETERS,
    data_fingerprint,
    unescaped_markers,
)

USERS = {Role.ADMIN: "admin", Role.LEADER: "lanhdao", Role.SECRETARY: "bithu.hdnd", Role.PROJECTOR: "trinhchieu"}
MARKDOWN_KINDS = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success", "toast")


def markdown_bodies(at) -> list[str]:
    """The Markdown source of every element that renders Markdown, pills' options included."""
    bodies = [str(e.value) for kind in MARKDOWN_KINDS for e in getattr(at, kind)]
    bodies += [str(o) for pills in at.get("button_group") for o in getattr(pills, "options", [])]
    return bodies


def assert_nothing_rendered(at, context) -> None:
    assert not at.exception, (context, [e.value for e in at.exception])
    leaks = [(body[:120], unescaped_markers(body)) for body in markdown_bodies(at) if unescaped_markers(body)]
    assert not leaks, (context, leaks)


@pytest.mark.parametrize("role", list(USERS), ids=lambda r: r.value)
def test_every_page_survives_every_hostile_url_value(demo_app, role):
    engine = make_engine(f"sqlite:///{demo_app}")
    at = sign_in(app().run(), USERS[role])
    before = data_fingerprint(engine)  # signing in is audited; nothing after it may write
    opened = 0
    for spec in PAGES:
        if role not in spec.roles:
            continue
        for value in HOSTILE_URL_VALUES:
            at.query_params.clear()
            for name in URL_PARAMETERS:
                at.query_params[name] = value
            at.switch_page(spec.file).run()
            assert_nothing_rendered(at, (spec.file, value))
            opened += 1
    assert opened >= len(HOSTILE_URL_VALUES)
    assert data_fingerprint(engine) == before
    engine.dispose()


def _name_everything(db_file) -> dict[str, str]:
    """Organizations, candidates and display names of the demo copy renamed with payloads; the
    data version moved on so no cache of another test answers."""
    engine = make_engine(f"sqlite:///{db_file}")
    names = {}
    with session_scope(engine) as s:
        hdnd = s.exec(select(Organization).where(Organization.code == "KB-HDND")).one()
        hdnd.name = names["org"] = LINK
        cells = s.exec(select(Organization).where(Organization.parent_id == hdnd.id).order_by(Organization.id)).all()
        for cell, payload in zip(cells, HOSTILE_NAMES):
            cell.name = payload.replace("\x00", "")
        people = s.exec(select(Candidate).where(Candidate.org_path.startswith(hdnd.path)).order_by(Candidate.id)).all()
        for person, payload in zip(people, HOSTILE_NAMES):
            person.full_name = payload.replace("\x00", "")
        names["candidate_id"] = str(people[0].id)
        names["candidate"] = people[0].full_name
        for user in s.exec(select(User)).all():
            user.display_name = IMAGE
        s.execute(update(DataVersion).values(version=DataVersion.version + random.randint(10_000, 10**9)))
    engine.dispose()
    return names


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEADER, Role.SECRETARY, Role.PROJECTOR], ids=lambda r: r.value)
def test_names_holding_markdown_are_shown_literally_on_every_page(demo_app, role):
    names = _name_everything(demo_app)
    engine = make_engine(f"sqlite:///{demo_app}")
    at = sign_in(app().run(), USERS[role])
    before = data_fingerprint(engine)  # signing in is audited; nothing after it may write
    for spec in PAGES:
        if role not in spec.roles:
            continue
        at.query_params.clear()
        at.query_params["org"] = "KB-HDND"
        at.query_params["id"] = names["candidate_id"]
        at.switch_page(spec.file).run()
        assert_nothing_rendered(at, spec.file)
        if spec.url_path in ("tong-quan", "chi-bo", "trinh-chieu", "bao-cao"):
            assert any(md_escape(LINK) in body for body in markdown_bodies(at)), spec.file  # shown, escaped
        if spec.url_path == "ho-so":
            assert [e.value for e in at.title] == [md_escape(names["candidate"])]
    assert data_fingerprint(engine) == before
    engine.dispose()
