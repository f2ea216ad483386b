"""How long a large candidates import holds SQLite's write lock, and whether another user can
write (a sign-in, say) meanwhile.

    python -m benchmarks.import_lock [--rows 30000] [--busy-seconds 10]

Builds a demo database in a temporary directory and an Excel file of `rows` new sources spread
over the demo's chi bộ, runs the import in one thread and, while it runs, a sign-in write
(record_sign_in) every half second in another. Prints the import's duration, how long the
write lock was held (first INSERT/UPDATE to COMMIT), and each concurrent write's outcome.
"""
from __future__ import annotations

import argparse
import io
import tempfile
import threading
import time
from datetime import date, timedelta

from openpyxl import Workbook
from sqlalchemy import event

from core.access.scope import operator, resolve
from core.access.users import record_sign_in
from core.cli.demo import load_demo
from core.config import RuleSettings
from core.office.exports import candidate_fields
from core.office.imports import import_candidates
from core.storage.db import make_engine, migrate, session_scope
from core.structure.organizations import active_cells

TODAY = date(2026, 11, 20)


def candidates_file(cells: list[str], rows: int) -> bytes:
    """An Excel file of `rows` valid new sources, spread over the chi bộ `cells`."""
    headers = [f.column.header for f in candidate_fields()]
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for n in range(rows):
        values = {"Mã tổ chức": cells[n % len(cells)], "Họ và tên": f"Người Thử {n}",
                  "Ngày sinh": date(1990, 1, 1) + timedelta(days=n % 3000), "Nữ": "Không", "Dân tộc": "Kinh",
                  "Tôn giáo": "Không", "Trình độ giáo dục phổ thông": "Trung học phổ thông",
                  "Trình độ chuyên môn": "Chưa qua đào tạo", "Nghề nghiệp": "Nông dân",
                  "Ngày vào diện tạo nguồn": date(2026, 3, 1)}
        sheet.append([values.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--busy-seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db", busy_seconds=args.busy_seconds)
        migrate(engine)
        with session_scope(engine) as session:
            load_demo(session)
            cells = list(active_cells(session, resolve(session, operator(session), None)))
        data = candidates_file(cells, args.rows)
        print(f"file: {len(data) / 1e6:.1f} MB, {args.rows} rows, {len(cells)} chi bộ")

        lock = {"first_write": None, "commit": None}

        @event.listens_for(engine, "before_cursor_execute")
        def _statement(conn, cursor, statement, *_):
            if threading.current_thread().name == "import" and lock["first_write"] is None and \
                    statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
                lock["first_write"] = time.perf_counter()

        @event.listens_for(engine, "commit")
        def _commit(conn):
            if threading.current_thread().name == "import":
                lock["commit"] = time.perf_counter()

        outcome = {}

        def run_import() -> None:
            started = time.perf_counter()
            try:
                with session_scope(engine) as session:
                    result = import_candidates(session, operator(session), data=data, file_name="bench.xlsx",
                                               today=TODAY, rules=RuleSettings(), max_bytes=50_000_000)
                outcome["result"] = result
            except Exception as exc:  # the measurement reports what happened
                outcome["error"] = f"{type(exc).__name__}: {exc}"
            outcome["seconds"] = time.perf_counter() - started

        thread = threading.Thread(target=run_import, name="import")
        thread.start()
        tries = []
        while thread.is_alive():
            started = time.perf_counter()
            try:
                with session_scope(engine) as session:
                    record_sign_in(session, "admin")
                tries.append(("ok", time.perf_counter() - started))
            except Exception as exc:
                tries.append((type(exc).__name__, time.perf_counter() - started))
            time.sleep(0.5)
        thread.join()
        held = (lock["commit"] - lock["first_write"]) if lock["first_write"] and lock["commit"] else None
        print(f"import: {outcome.get('result') or outcome.get('error')} in {outcome['seconds']:.1f} s")
        print(f"write lock held: {held:.2f} s" if held is not None else "write lock: not taken")
        ok = sum(1 for kind, _ in tries if kind == "ok")
        slowest = max((s for _, s in tries), default=0.0)
        print(f"concurrent sign-in writes: {ok} of {len(tries)} succeeded, slowest {slowest:.2f} s; "
              f"refused: {sorted({kind for kind, _ in tries if kind != 'ok'})}")


if __name__ == "__main__":
    main()
