"""Command line: `python -m core.cli init | demo | synth | create-user | summary | recount | remind | backup`.

Bad arguments get a Vietnamese message on stderr and exit code 2; nothing is written then.
"""
from __future__ import annotations

import argparse
import getpass
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from core.access.scope import NotFoundError, ScopeError, operator, org_by_code, resolve
from core.access.users import UserError, create_user
from core.cli.demo import load_demo
from core.cli.synth import TIERS, load_synth
from core.config import SettingsError, current_day, load_settings
from core.errors import FormError
from core.figures.progress import Period, children_of, headline, org_figures
from core.figures.tables import progress_table
from core.format import fmt_compact, fmt_date, fmt_number, fmt_percent, parse_date
from core.i18n import label, t
from core.notify.remind import MailSettingsError, remind
from core.procedure.stages import Role
from core.storage import kept
from core.storage.db import get_engine, migrate, session_scope
from core.storage.faults import database_fault
from core.storage.files import create_private, write_private
from core.storage.versions import bump_data_version


class CliError(Exception):
    """A problem to report to the operator, already in Vietnamese."""


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("error.bad_year", value=text)) from None
    if not 1930 <= year <= 2100:
        raise argparse.ArgumentTypeError(t("error.bad_year", value=text))
    return year


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _engine():
    settings = load_settings()
    engine = get_engine(settings.database_url, settings.database_busy_seconds)
    migrate(engine)
    return settings, engine


def cmd_init(_args) -> str:
    settings, engine = _engine()
    return t("cli.initialised", url=engine.url.render_as_string(hide_password=True))


def cmd_demo(_args) -> str:
    _settings, engine = _engine()
    with session_scope(engine) as session:
        try:
            summary = load_demo(session)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    return t("cli.demo_loaded", orgs=fmt_number(summary.organizations), candidates=fmt_number(summary.candidates),
             events=fmt_number(summary.events), users=summary.users)


def cmd_synth(args) -> str:
    """Bulk-load a synthetic tier into the (empty) configured database, then refresh statistics."""
    _settings, engine = _engine()
    started = time.perf_counter()
    with session_scope(engine) as session:
        try:
            summary = load_synth(session, args.tier, progress=lambda message: print(message, file=sys.stderr))
        except ValueError as exc:
            raise CliError(str(exc)) from None
    # Fresh statistics, or the query planners guess at this size; on PostgreSQL also the
    # visibility map, without which the date indexes cannot be read without the table.
    refresh = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(refresh)
    return t("cli.synth_loaded", tier=summary.tier, orgs=fmt_number(summary.organizations),
             candidates=fmt_number(summary.candidates), events=fmt_number(summary.events),
             plans=fmt_number(summary.plans), users=fmt_number(summary.users),
             seconds=fmt_compact(time.perf_counter() - started))


def cmd_recount(_args) -> str:
    """Count the kept admissions, entries and standing again from the candidates
    (core.storage.kept), in one transaction."""
    _settings, engine = _engine()
    with session_scope(engine) as session:
        rows = kept.rebuild(session)
        bump_data_version(session)
    return t("cli.recounted", rows=fmt_number(rows))


def cmd_create_user(args) -> str:
    _settings, engine = _engine()
    password = args.password if args.password is not None else getpass.getpass("Mật khẩu: ")
    with session_scope(engine) as session:
        try:
            org = org_by_code(session, args.org)
            create_user(session, username=args.username, display_name=args.name or args.username, password=password,
                        role=args.role, organization=org, created_by="cli", must_change_password=args.temporary)
        except (UserError, NotFoundError) as exc:
            raise CliError(str(exc)) from None
    return t("cli.user_created", username=args.username, role=label("role", args.role))


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:-1], widths[1:-1])] + [row[-1]]
        lines.append("  ".join(cells))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cmd_summary(args) -> str:
    settings, engine = _engine()
    as_of = args.as_of or current_day()
    with session_scope(engine) as session:
        try:
            actor = operator(session)
            figures = org_figures(session, resolve(session, actor, args.org), year=args.year, as_of=as_of, rules=settings.rules)
        except (NotFoundError, ScopeError) as exc:
            raise CliError(str(exc)) from None
    head = headline(figures)

    children = children_of(figures)
    table = progress_table(pd.concat([figures.iloc[[0]], children])).drop(columns=[t("col.expected"), t("col.reason")])
    names = t("col.organization")
    table[names] = [table[names].iloc[0], *("  " + n for n in table[names].iloc[1:])]  # children indented
    rows = [list(table.columns), *table.astype(str).values.tolist()]
    period = Period(args.year, as_of)
    lines = [
        t("cli.summary_title", year=args.year, org=head.name, as_of=fmt_date(period.end)),
        "",
        _table(rows),
        "",
        t("cli.grassroots", count=head.grassroots_admitting, total=head.grassroots_total),
    ]
    if head.members_start:
        lines.append(t("cli.members_line", members=fmt_number(head.members_start), percent=fmt_percent(head.percent_members, 2),
                       band=label("band", head.band), low=fmt_compact(settings.rules.band_low_percent),
                       high=fmt_compact(settings.rules.band_high_percent)))
    return "\n".join(lines)


def cmd_backup(args) -> str:
    settings = load_settings()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        raise CliError(t("error.backup_postgres"))
    target = Path(args.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        create_private(target)  # 0600 before a byte is copied, and never over an existing file
    except FileExistsError:
        raise CliError(t("error.backup_exists", path=target)) from None
    # SQLite's online backup copies a consistent snapshot while the app keeps writing.
    with sqlite3.connect(url.database) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    return t("cli.backup_done", path=target)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own messages are English; ours are not
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: {message}\n")


def _preview(folder: Path, messages) -> str:
    """Each message as its recipient would read it, in `folder` (made if missing): an HTML file
    to open in a browser and the plain-text part, readable by their owner only (they name
    candidates); files already there are left alone."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        for message in messages:
            stem = f"{message.username}-{message.kind}-{message.period}"
            written += write_private(folder / f"{stem}.html", message.html().encode("utf-8"))
            written += write_private(folder / f"{stem}.txt", message.text().encode("utf-8"))
    except OSError as exc:
        raise CliError(t("remind.preview_failed", folder=folder, error=exc.strerror or exc)) from None
    return t("remind.previewed", count=fmt_number(written), folder=folder)


def cmd_remind(args) -> str:
    """Send every reminder due today (core.notify.remind), or list them with --dry-run."""
    settings, engine = _engine()
    today = current_day()
    try:
        report = remind(engine, today=today, settings=settings, dry_run=args.dry_run)
    except MailSettingsError as exc:
        raise CliError(str(exc)) from None
    except FormError as exc:  # the database refused or could not be reached (core.storage.faults)
        raise CliError(" ".join(exc.errors)) from None
    lines = [t("remind.heading_dry" if args.dry_run else "remind.heading", date=fmt_date(today),
               count=fmt_number(len(report.messages)))]
    states = {id(m): t("remind.state_sent") for m in report.sent}
    states |= {id(m): t("remind.state_failed", error=error) for m, error in report.failed}
    states |= {id(m): t("remind.state_unknown", error=error) for m, error in report.unknown}
    states |= {id(m): "" for m in report.not_tried}
    for message in report.messages:
        state = "" if args.dry_run else states.get(id(message), t("remind.state_skipped"))
        lines.append(t("remind.line", kind=label("mail_kind", message.kind), username=message.username,
                       address=message.address, subject=message.subject, state=state))
    lines += [t("remind.refused", username=username, reason=reason) for username, reason in report.refused]
    lines.append(t("remind.totals", sent=fmt_number(len(report.sent)), failed=fmt_number(len(report.failed)),
                   skipped=fmt_number(report.skipped)))
    if args.preview:
        lines.append(_preview(Path(args.preview), report.messages))
    if report.stopped:
        lines.append(t("remind.stopped", error=report.stopped, count=fmt_number(len(report.not_tried))))
    if report.failed or report.unknown or report.stopped:
        raise CliError("\n".join([*lines, t("remind.resume")]))
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m core.cli", description="Quản lý cơ sở dữ liệu phát triển đảng viên.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("init", help="tạo hoặc nâng cấp cơ sở dữ liệu").set_defaults(func=cmd_init)
    sub.add_parser("demo", help="nạp dữ liệu mẫu vào cơ sở dữ liệu trống").set_defaults(func=cmd_demo)
    synth = sub.add_parser("synth", help="nạp dữ liệu tổng hợp cỡ huyện, tỉnh hoặc toàn quốc vào cơ sở dữ liệu trống")
    synth.add_argument("--tier", required=True, help=" | ".join(TIERS))
    synth.set_defaults(func=cmd_synth)
    user = sub.add_parser("create-user", help="tạo tài khoản")
    user.add_argument("--username", required=True)
    user.add_argument("--name", default="")
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--org", required=True, help="mã tổ chức đảng của tài khoản")
    user.add_argument("--password", help="bỏ trống để nhập khi được hỏi")
    user.add_argument("--temporary", action="store_true", help="buộc đổi mật khẩu ở lần đăng nhập đầu")
    user.set_defaults(func=cmd_create_user)
    summary = sub.add_parser("summary", help="bảng tiến độ kết nạp của một tổ chức và các tổ chức trực thuộc")
    summary.add_argument("--year", required=True, type=_year)
    summary.add_argument("--org", default=None, help="mã tổ chức đảng (mặc định: cấp cao nhất)")
    summary.add_argument("--as-of", dest="as_of", type=_date, default=None, help="số liệu đến ngày (mặc định: hôm nay)")
    summary.set_defaults(func=cmd_summary)
    sub.add_parser("recount", help="đếm lại số liệu lưu sẵn: kết nạp, vào từng bước, đang ở từng bước").set_defaults(func=cmd_recount)
    remind_ = sub.add_parser("remind", help="gửi thư nhắc việc và bản tin tuần đến hạn hôm nay")
    remind_.add_argument("--dry-run", dest="dry_run", action="store_true", help="chỉ liệt kê thư sẽ gửi, không gửi")
    remind_.add_argument("--preview", metavar="THƯ_MỤC", help="ghi từng thư (HTML và văn bản) vào thư mục này để xem trước")
    remind_.set_defaults(func=cmd_remind)
    backup = sub.add_parser("backup", help="sao lưu cơ sở dữ liệu SQLite khi ứng dụng đang chạy")
    backup.add_argument("path")
    backup.set_defaults(func=cmd_backup)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        print(args.func(args))
    except (CliError, SettingsError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:  # the database out of reach or busy (an unattended job's morning)
        fault = database_fault(exc)
        if fault is None:
            raise
        print(f"Lỗi: {' '.join(fault.errors)}", file=sys.stderr)
        return 2
    return 0

