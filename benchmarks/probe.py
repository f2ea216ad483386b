"""One measurement, in a process of its own so that its peak memory is its own.

    python -m benchmarks.probe app   --url URL   core computations, page reruns (AppTest), sign-in,
                                                 an import of 1.000 candidates, the report at the root
    python -m benchmarks.probe naive --url URL   the baseline: read the tables into pandas
    python -m benchmarks.probe browser --url URL  Chromium against a hello-world page (benchmarks.browser)

Prints one JSON object on a line of its own, after RESULT_PREFIX. Times are in milliseconds, the median of several rounds.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from core.cli.demo import DEMO_TODAY
from core.i18n import t

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PASSWORD = "KimBang@2024"  # the synthetic tiers' accounts share the demo's password
SIGN_IN = "FormSubmitter:sign_in-Đăng nhập"
# Dashboard pages as the admin at the top of the tree; the branch page as a grassroots
# secretary (its real user); the account page is the floor: signed in, no figures.
# Quản trị once per tab (only the open one is drawn): the tab's catalog key after "#".
PAGES = (
    ("admin", "pages/account.py"),
    ("admin", "pages/overview.py"),
    ("admin", "pages/alerts.py"),
    ("admin", "pages/pipeline.py"),
    ("admin", "pages/projector.py"),
    ("admin", "pages/reports.py"),
    ("admin", "pages/admin.py#admin.users"),
    ("admin", "pages/admin.py#admin.organizations"),
    ("admin", "pages/admin.py#admin.plans"),
    ("admin", "pages/admin.py#reminders.tab"),
    ("bithu.coso", "pages/account.py"),
    ("bithu.coso", "pages/branch.py"),
)
RESULT_PREFIX = "RESULT "  # the line to read: libraries may print their own


def _median_ms(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure_core(url: str, year: int, as_of: date, rounds: int) -> dict[str, float]:
    """The three computations behind the dashboards, for the top of the tree, uncached."""
    from core.access.scope import operator, resolve
    from core.config import load_settings
    from core.figures.alerts import all_alerts
    from core.figures.funnel import funnel
    from core.figures.progress import is_large_subtree, org_figures
    from core.storage.db import get_engine, session_scope

    rules = load_settings().rules
    engine = get_engine(url)
    results = {}
    with session_scope(engine) as session:
        top = resolve(session, operator(session), None)
        with_clocks = not is_large_subtree(session, top)  # as the page decides
        for name, fn in (
            ("progress", lambda: org_figures(session, top, year=year, as_of=as_of, rules=rules)),
            ("funnel", lambda: funnel(session, top, year=year, as_of=as_of, rules=rules)),
            ("alerts", lambda: all_alerts(session, top, year=year, as_of=as_of, rules=rules,
                                          with_clocks=with_clocks)),
        ):
            results[name] = _median_ms(fn, rounds)
    return results


def _users_organization(session, username: str):
    """The organization a user's account belongs to."""
    from sqlmodel import select

    from core.storage.models import Organization, User

    return session.exec(select(Organization).join(User, User.organization_id == Organization.id)
                        .where(User.username == username)).one()


def _edited_candidates(url: str, username: str) -> tuple[int, int | None]:
    """The candidates the probe edits for a user's pages: the first one in the user's own
    subtree (its views go cold) and the first one outside it (None at the root: nothing is)."""
    from sqlmodel import select

    from core.storage.db import get_engine, session_scope
    from core.storage.models import Candidate

    with session_scope(get_engine(url)) as session:
        path = _users_organization(session, username).path
        inside = session.exec(select(Candidate.id).where(Candidate.org_path.startswith(path))
                              .order_by(Candidate.id).limit(1)).one()
        outside = session.exec(select(Candidate.id).where(~Candidate.org_path.startswith(path))
                               .order_by(Candidate.id).limit(1)).first()
    return inside, outside


def _edit(url: str, candidate_id: int, round_no: int) -> None:
    """A real write, as a form would make it: it raises the versions of every view the
    candidate counts in (core.storage.versions), so those views' caches miss."""
    from dataclasses import fields, replace

    from core.access.scope import operator
    from core.config import current_day
    from core.procedure.pipeline import CandidateInput, edit_candidate
    from core.storage.db import get_engine, session_scope
    from core.storage.models import Candidate

    with session_scope(get_engine(url)) as session:
        candidate = session.get(Candidate, candidate_id)
        data = CandidateInput(**{f.name: getattr(candidate, f.name) for f in fields(CandidateInput)})
        data = replace(data, helper_name=f"Người giúp đỡ {round_no}")
        edit_candidate(session, operator(session), candidate_id=candidate.id, data=data,
                       expected_version=candidate.version, today=current_day())


def measure_pages(url: str, rounds: int) -> list[dict[str, object]]:
    """Each page's server-side rerun, signed in: warm (nothing changed), cold (after an edit in
    the user's subtree) and after an edit elsewhere (outside it, where there is an outside)."""
    from streamlit.testing.v1 import AppTest

    rows = []
    sessions: dict[str, AppTest] = {}
    edited: dict[str, tuple[int, int | None]] = {}
    for username, page in PAGES:
        at = sessions.get(username)
        if at is None:
            at = _sign_in(AppTest.from_file(APP, default_timeout=600).run(), username).run()
            sessions[username] = at
            edited[username] = _edited_candidates(url, username)
        inside, outside = edited[username]
        # The synthetic data ends on DEMO_TODAY: look at that day, whatever today is.
        at.query_params.update(year=str(DEMO_TODAY.year), asof=DEMO_TODAY.isoformat())
        script, _, tab = page.partition("#")
        if tab:
            at.session_state["admin_tab"] = t(tab)
        started = time.perf_counter()
        at.switch_page(script).run()
        first = (time.perf_counter() - started) * 1000
        if at.exception:
            raise RuntimeError(f"{page}: {at.exception[0].message}")
        warm = _median_ms(at.run, rounds)
        cold_times, elsewhere_times = [], []
        for n in range(rounds):
            _edit(url, inside, n)
            cold_times.append(_median_ms(at.run, 1))
            if outside is not None:
                _edit(url, outside, n)
                elsewhere_times.append(_median_ms(at.run, 1))
        rows.append({"user": username, "page": page, "first_ms": first, "warm_ms": warm,
                     "cold_ms": statistics.median(cold_times),
                     "elsewhere_ms": statistics.median(elsewhere_times) if elsewhere_times else None})
    return rows


def _sign_in(at, username: str):
    fields = {box.label: box for box in at.text_input}
    fields["Tên đăng nhập"].input(username)
    fields["Mật khẩu"].input(PASSWORD)
    return at.button(key=SIGN_IN).click()


def measure_sign_in(url: str, rounds: int) -> dict[str, float]:
    """The sign-in page's rerun signed out (a visitor's every run until signed in), and the
    form's submission with the right password, against the directory the tier has."""
    from sqlmodel import func, select
    from streamlit.testing.v1 import AppTest

    from core.storage.db import get_engine, session_scope
    from core.storage.models import User

    with session_scope(get_engine(url)) as session:
        accounts = session.exec(select(func.count()).select_from(User)).one()
    visitor = AppTest.from_file(APP, default_timeout=600).run()
    signed_out = _median_ms(visitor.run, rounds)
    submits = []
    for _ in range(rounds):
        at = AppTest.from_file(APP, default_timeout=600).run()
        submit = _sign_in(at, "bithu.coso")
        started = time.perf_counter()
        submit.run()
        submits.append((time.perf_counter() - started) * 1000)
        if at.exception or not at.session_state["authentication_status"]:
            raise RuntimeError("the sign-in did not sign in")
    return {"accounts": accounts, "signed_out_ms": signed_out, "submit_ms": statistics.median(submits)}


IMPORTED_ROWS = 1_000


def measure_office(url: str, rounds: int) -> dict[str, float]:
    """An import of 1.000 new sources into the chi bộ of the grassroots secretary's committee,
    rolled back each round (the tier's data stays as loaded), and the year's report at the root
    (the Word file the reports page downloads)."""
    from sqlmodel import Session

    from benchmarks.import_lock import candidates_file
    from core.access.scope import operator, resolve
    from core.config import load_settings
    from core.office.imports import import_candidates
    from core.office.report import default_heading, report_docx
    from core.storage.db import get_engine, session_scope
    from core.structure.organizations import active_cells

    rules = load_settings().rules
    engine = get_engine(url)
    with session_scope(engine) as session:
        commune = _users_organization(session, "bithu.coso").code
        cells = list(active_cells(session, resolve(session, operator(session), commune)))
    data = candidates_file(cells, IMPORTED_ROWS)

    def import_once() -> None:
        with Session(engine) as session:
            made = import_candidates(session, operator(session), data=data, file_name="nhap.xlsx", today=DEMO_TODAY,
                                     rules=rules, max_bytes=len(data) + 1)
            session.flush()
            session.rollback()
        if made.created != IMPORTED_ROWS:
            raise RuntimeError(f"the import wrote {made.created} candidates, not {IMPORTED_ROWS}")

    def report_once() -> None:
        with session_scope(engine) as session:
            top = resolve(session, operator(session), None)
            report_docx(session, top, year=DEMO_TODAY.year, as_of=DEMO_TODAY, rules=rules,
                        heading=default_heading(session, top, today=DEMO_TODAY))

    return {"import_ms": _median_ms(import_once, rounds), "report_ms": _median_ms(report_once, rounds)}


def run_app(url: str, rounds: int) -> dict[str, object]:
    """Core computations, then page reruns, then this process's peak memory."""
    os.environ.update(DATABASE_URL=url, PTDV_DEMO_MODE="false", PTDV_COOKIE_KEY=secrets.token_urlsafe(48))
    today = DEMO_TODAY  # the synthetic data's last day
    return {
        "core": measure_core(url, today.year, today, rounds),
        "pages": measure_pages(url, rounds),
        "sign_in": measure_sign_in(url, rounds),
        "office": measure_office(url, rounds),
        "peak_mb": _peak_mb(),
    }


def run_browser(url: str, rounds: int) -> dict[str, object]:
    """The browser probe (benchmarks.browser), its edits through core as in measure_pages."""
    from benchmarks.browser import measure_browser

    os.environ.update(PTDV_TODAY=DEMO_TODAY.isoformat())  # the servers look at the synthetic data's last day
    inside, _outside = _edited_candidates(url, "admin")
    return measure_browser(url, rounds, lambda n: _edit(url, inside, n))


def run_naive(url: str, rounds: int) -> dict[str, object]:
    """Progress and funnel the naive way: every table into pandas, computed there."""
    from benchmarks.naive import naive_dashboard

    today = DEMO_TODAY
    return {"naive_ms": _median_ms(lambda: naive_dashboard(url, today.year, today), rounds), "peak_mb": _peak_mb()}


PARTS = {"app": run_app, "naive": run_naive, "browser": run_browser}


def main(argv: list[str] | None = None) -> int:
    """Run one probe and print its result line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.probe")
    parser.add_argument("part", choices=PARTS)
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    result = PARTS[args.part](args.url, args.rounds)
    print(RESULT_PREFIX + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
