"""Who sees what, enforced in core: each role against each read, on the demo district."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core.access.audit import audit_log
from core.access.filters import parse_view
from core.access.scope import ScopeError, resolve
from core.access.users import account_of, list_users
from core.config import RuleSettings
from core.figures.alerts import candidate_clocks_list, clock_alerts
from core.figures.progress import org_figures
from core.procedure.candidates import (
    candidate_audit,
    candidate_detail,
    candidate_history,
    candidates_in_scope,
)
from core.storage.db import session_scope
from core.storage.models import Candidate, Organization

RULES = RuleSettings()
TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo(demo_engine):
    with session_scope(demo_engine) as s:
        actors = {name: account_of(s, name).actor for name in ("admin", "lanhdao", "trinhchieu", "bithu.hdnd", "bithu.tamchuc")}
        by_org = dict(s.exec(
            select(Organization.code, Candidate.id).join(Organization, Organization.id == Candidate.organization_id)
        ).all())
    return demo_engine, actors, by_org


def _candidate_of(by_org, prefix):
    return next(cid for code, cid in by_org.items() if code.startswith(prefix))


def test_a_secretary_sees_only_its_own_subtree(demo):
    engine, actors, by_org = demo
    hdnd = actors["bithu.hdnd"]
    with session_scope(engine) as s:
        own = candidates_in_scope(s, resolve(s, hdnd, None))
        assert len(own) > 0 and all(code.startswith("KB-HDND") for code in own["org_code"])
        assert len(candidates_in_scope(s, resolve(s, hdnd, "KB-HDND-02"))) <= len(own)
        foreign = _candidate_of(by_org, "KB-THANHSON-")
        for refused in (
            lambda: candidates_in_scope(s, resolve(s, hdnd, "NB-TAMCHUC")),
            lambda: candidates_in_scope(s, resolve(s, hdnd, "NB-KIMBANG")),  # the ward above it
            lambda: candidates_in_scope(s, resolve(s, hdnd, "KB")),  # the district it stood under until 30/6/2025
            lambda: candidate_detail(s, hdnd, foreign),
            lambda: candidate_history(s, hdnd, foreign),
            lambda: candidate_audit(s, hdnd, foreign),
            lambda: org_figures(s, resolve(s, hdnd, "KB"), year=2023, as_of=TODAY, rules=RULES),
            lambda: candidate_clocks_list(s, resolve(s, hdnd, "NB-TAMCHUC"), today=TODAY, rules=RULES),
            lambda: audit_log(s, hdnd),
            lambda: list_users(s, hdnd),
        ):
            with pytest.raises(ScopeError):
                refused()
        mine = _candidate_of(by_org, "KB-HDND-")
        candidate, org = candidate_detail(s, hdnd, mine)
        assert org.code.startswith("KB-HDND") and candidate.full_name
        # Thanh Sơn's chi bộ are Tam Chúc's since 01/7/2025: its secretary reads them, not HĐND's.
        tamchuc = actors["bithu.tamchuc"]
        _candidate, org = candidate_detail(s, tamchuc, foreign)
        assert org.code.startswith("KB-THANHSON-")
        with pytest.raises(ScopeError):
            candidate_detail(s, tamchuc, mine)


def test_a_url_parameter_out_of_scope_is_refused_with_a_message(demo):
    engine, actors, _ = demo
    with session_scope(engine) as s:
        view, notices = parse_view(s, actors["bithu.hdnd"], {"org": "NB-TAMCHUC", "year": "2023"}, today=TODAY)
        assert view.org_code is None and view.year == 2023
        assert view.subtree.code == "KB-HDND"  # the caller's own, resolved once for the request
        assert notices == ["Tổ chức «NB-TAMCHUC» nằm ngoài phạm vi được phép xem."]
        view, notices = parse_view(s, actors["bithu.hdnd"], {"org": "KB-HDND-01"}, today=TODAY)
        assert view.org_code == "KB-HDND-01" and notices == []
        assert view.subtree == resolve(s, actors["bithu.hdnd"], "KB-HDND-01")
        view, notices = parse_view(s, actors["lanhdao"], {"org": "KHONG-CO", "year": "20x3", "asof": "2027-01-01"},
                                   today=TODAY)
        assert view == type(view)(year=2026, org_code=None, as_of=TODAY, compare=date(2026, 10, 21),  # a month before
                                  subtree=resolve(s, actors["lanhdao"], None))
        assert len(notices) == 3


def test_the_projector_role_gets_aggregates_and_nothing_personal(demo):
    engine, actors, by_org = demo
    projector = actors["trinhchieu"]
    with session_scope(engine) as s:
        figures = org_figures(s, resolve(s, projector, None), year=2023, as_of=date(2023, 12, 31), rules=RULES)
        assert int(figures.iloc[0]["admitted"]) == 148
        alerts = clock_alerts(s, resolve(s, projector, None), today=TODAY, rules=RULES)
        names = set(s.exec(select(Candidate.full_name)).all())
        assert alerts and not any(name in a.message for a in alerts for name in names)
        any_candidate = next(iter(by_org.values()))
        for refused in (
            lambda: candidates_in_scope(s, resolve(s, projector, None)),
            lambda: candidate_detail(s, projector, any_candidate),
            lambda: candidate_history(s, projector, any_candidate),
            lambda: candidate_clocks_list(s, resolve(s, projector, None), today=TODAY, rules=RULES),
        ):
            with pytest.raises(ScopeError, match="dữ liệu cá nhân|ngoài phạm vi"):
                refused()


def test_leader_reads_everything_and_admin_reads_the_audit_log(demo):
    engine, actors, by_org = demo
    with session_scope(engine) as s:
        assert len(candidates_in_scope(s, resolve(s, actors["lanhdao"], "NB-TAMCHUC"))) > 0
        history = candidate_history(s, actors["lanhdao"], _candidate_of(by_org, "KB-THANHSON-"))
        assert list(history["stage"])[0] == "source"
        log = audit_log(s, actors["admin"], entity="user")
        assert set(log["action"]) == {"create_user"} and len(log) == 5
        assert all("password_hash" not in entry for entry in log["after"])
        with pytest.raises(ScopeError):
            audit_log(s, actors["lanhdao"])
