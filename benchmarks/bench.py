"""The benchmark: synthetic tiers × databases, measured in one run, printed as tables.

    python -m benchmarks.bench [--tiers district province national] [--databases sqlite postgresql]
                               [--rounds 3]

For each tier and database it loads the synthetic data once (kept under benchmarks/.data/ and
in PostgreSQL databases named ptdv_bench_<tier>, reused while the synthetic generator is
unchanged), upgrades the schema, then runs three probes, each in a fresh process:
`app` (the core computations, every page's rerun, the sign-in, an import of 1.000 candidates and
the report at the root, with its peak memory) and
`naive` (the pandas baseline), then `browser` (Chromium against a hello-world page,
benchmarks.browser; said not measured where there is no Chromium). Timings are printed, never
asserted.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.probe import RESULT_PREFIX

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "benchmarks" / ".data"
TIERS = ("district", "province", "national")
DATABASES = ("sqlite", "postgresql")
POSTGRES_ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# A tier is reloaded when the generator or the schema's first migration changes.
FINGERPRINT_FILES = (ROOT / "core" / "cli" / "synth.py",
                     ROOT / "core" / "storage" / "migrations" / "versions" / "0001_initial_schema.py")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in FINGERPRINT_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _python() -> str:
    return sys.executable


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


def _database_url(tier: str, database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA_DIR / f'{tier}.db'}"
    return make_url(POSTGRES_ADMIN_URL).set(database=f"ptdv_bench_{tier}").render_as_string(hide_password=False)


def _marker(tier: str, database: str) -> Path:
    return DATA_DIR / f"{tier}.{database}.loaded"


def _reset(tier: str, database: str) -> None:
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            (DATA_DIR / f"{tier}.db{suffix}").unlink(missing_ok=True)
        return
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "ptdv_bench_{tier}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "ptdv_bench_{tier}"'))
    admin.dispose()


def _postgres_fingerprint(tier: str, fingerprint: str | None = None) -> str | None:
    """The fingerprint `ptdv_bench_<tier>` was loaded with, kept as the database's comment (set
    to `fingerprint`, if given). The database is shared by every checkout on the machine, so a
    marker file of this checkout cannot tell whether another commit loaded it since; SQLite's
    file lies in the checkout, and its marker is enough."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if fingerprint is not None:
                connection.execute(text(f"COMMENT ON DATABASE \"ptdv_bench_{tier}\" IS 'ptdv-bench {fingerprint}'"))
            said = connection.execute(text("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                                           "WHERE datname = :name"), {"name": f"ptdv_bench_{tier}"}).scalar()
    finally:
        admin.dispose()
    return said.removeprefix("ptdv-bench ") if said else None


def ensure_loaded(tier: str, database: str) -> dict[str, object]:
    """The tier's data in the database, loaded now unless an identical load is already there."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    marker, fingerprint = _marker(tier, database), _fingerprint()
    url = _database_url(tier, database)
    if marker.exists():
        loaded = json.loads(marker.read_text())
        if loaded.get("fingerprint") == fingerprint and (database == "sqlite"
                                                         or _postgres_fingerprint(tier) == fingerprint):
            _run([_python(), "-m", "core.cli", "init"], {"DATABASE_URL": url})  # newer migrations, if any
            return loaded
    _reset(tier, database)
    started = time.perf_counter()
    output = _run([_python(), "-m", "core.cli", "synth", "--tier", tier], {"DATABASE_URL": url})
    loaded = {"fingerprint": fingerprint, "load_s": time.perf_counter() - started, "summary": output.strip()}
    if database == "postgresql":
        _postgres_fingerprint(tier, fingerprint)
    marker.write_text(json.dumps(loaded, ensure_ascii=False))
    return loaded


def _probe(part: str, url: str, rounds: int) -> dict:
    output = _run([_python(), "-m", "benchmarks.probe", part, "--url", url, "--rounds", str(rounds)])
    return json.loads(next(line for line in output.splitlines() if line.startswith(RESULT_PREFIX))[len(RESULT_PREFIX):])


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def browser_lines(browser: dict) -> list[str]:
    """The browser probe's lines: the app beside the hello-world page, and the ratio."""
    if "skipped" in browser:
        return [f"browser: not measured ({browser['skipped']})"]
    app, hello = browser["app"], browser["hello"]
    return [f"browser (Chromium, 1920×1080, admin at the top): Enter → headline {_ms(app['enter_ms'])} ms "
            f"(hello {_ms(hello['enter_ms'])} ms, {app['enter_ms'] / hello['enter_ms']:.1f}×) · page to page "
            f"{_ms(app['page_ms'])} ms (hello {_ms(hello['page_ms'])} ms, {app['page_ms'] / hello['page_ms']:.1f}×) · "
            f"to Cảnh báo after another user's edit {_ms(app['after_edit_ms'])} ms"]


def report(tier: str, database: str, loaded: dict, app: dict, naive: dict, browser: dict) -> list[str]:
    """The lines printed for one tier and database."""
    core = app["core"]
    ours = core["progress"] + core["funnel"]
    lines = [
        f"## {tier} · {database}",
        f"data: {loaded['summary']} (loaded in {loaded['load_s']:.0f} s)",
        "core, whole tree, uncached: " + " · ".join(f"{k} {_ms(v)} ms" for k, v in core.items()),
        f"naive (tables into pandas): {_ms(naive['naive_ms'])} ms; ours (progress + funnel): {_ms(ours)} ms; "
        f"naive/ours = {naive['naive_ms'] / ours:.1f}×",
        "",
        f"| {'user':<11} | {'page':<34} | {'first ms':>9} | {'warm ms':>8} | {'cold ms':>8} | {'elsewhere ms':>12} "
        f"| {'warm/floor':>10} |",
        f"|{'-' * 13}|{'-' * 36}|{'-' * 11}|{'-' * 10}|{'-' * 10}|{'-' * 14}|{'-' * 12}|",
    ]
    floors = {row["user"]: row["warm_ms"] for row in app["pages"] if row["page"].endswith("account.py")}
    for row in app["pages"]:
        ratio = row["warm_ms"] / floors[row["user"]]
        elsewhere = "—" if row.get("elsewhere_ms") is None else _ms(row["elsewhere_ms"])
        lines.append(f"| {row['user']:<11} | {row['page']:<34} | {_ms(row['first_ms']):>9} | {_ms(row['warm_ms']):>8} | "
                     f"{_ms(row['cold_ms']):>8} | {elsewhere:>12} | {ratio:>9.1f}× |")
    sign_in, office = app["sign_in"], app["office"]
    lines += ["", f"sign-in with {sign_in['accounts']:,} accounts: signed-out run {_ms(sign_in['signed_out_ms'])} ms "
              f"({sign_in['signed_out_ms'] / floors['admin']:.1f}× the floor) · submit {_ms(sign_in['submit_ms'])} ms",
              f"office: import of 1,000 candidates {_ms(office['import_ms'])} ms (rolled back) · "
              f"the year's report at the root {_ms(office['report_ms'])} ms",
              *browser_lines(browser),
              f"peak memory: app {app['peak_mb']:,.0f} MB · naive {naive['peak_mb']:,.0f} MB", ""]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Load (if needed) and measure each chosen tier on each chosen database, printing as it goes."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--tiers", nargs="+", choices=TIERS, default=list(TIERS))
    parser.add_argument("--databases", nargs="+", choices=DATABASES, default=list(DATABASES))
    parser.add_argument("--rounds", type=int, default=3, help="rounds per timing (the median is shown)")
    args = parser.parse_args(argv)
    print(f"# benchmark · {datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · {platform.machine()} · "
          f"{os.cpu_count()} cores · Python {platform.python_version()}\n", flush=True)
    for tier in args.tiers:
        for database in args.databases:
            loaded = ensure_loaded(tier, database)
            url = _database_url(tier, database)
            app = _probe("app", url, args.rounds)
            naive = _probe("naive", url, args.rounds)
            browser = _probe("browser", url, args.rounds)
            print("\n".join(report(tier, database, loaded, app, naive, browser)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
