"""What each user receives, built from the figures and clocks the screens show:

- the digest (secretaries and the admin, who record the steps): every candidate of their
  subtree with a deadline passed or near (core.figures.todo: the statutory clocks, expiring
  certificates, probation ending, turning 18) or something the record lacks, with a link to
  the record; nothing at all when nothing is due;
- the weekly brief (leaders): the subtree's progress against plan and pace, what changed since
  the last brief, the organizations behind or at risk with their reasons, a link to the
  overview; figures per organization only, never a candidate.

The projector role (a meeting-room screen) receives nothing. Each message holds only what its
recipient may see: the subtree is resolved with the recipient's own scope (core.access.scope).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from sqlmodel import Session

from core.access.scope import Actor, Subtree, resolve
from core.config import Settings
from core.figures.alerts import due_line
from core.figures.progress import children_of, headline, org_figures
from core.figures.tables import record_link
from core.figures.todo import work_cards
from core.format import fmt_date, fmt_number, fmt_percent
from core.i18n import label, t
from core.notify.messages import Line, Message, Section
from core.procedure.stages import Role
from core.storage.models import Organization, User

# Who gets what: those who record the steps get the digest; the leaders the brief.
DIGEST_ROLES = frozenset({Role.ADMIN, Role.SECRETARY})
BRIEF_ROLES = frozenset({Role.LEADER})
FREQUENCIES = ("off", "daily", "weekly")
# The candidates a digest names at most (the most urgent first): a longer message is cut by
# mail programs (Gmail shows about 100 kB) and refused by some servers.
MAX_LINES = 60
# The children behind or at risk a brief names, worst first.
LAGGING = ("missed", "at_risk", "behind")


@dataclass(frozen=True)
class Recipient:
    """A user a message can go to, with the organization its scope is."""

    user: User
    org: Organization

    @property
    def actor(self) -> Actor:
        return Actor(username=self.user.username, role=Role(self.user.role), root_path=self.org.path)

    def subtree(self, session: Session) -> Subtree:
        return resolve(session, self.actor, self.org.code)


def page_link(settings: Settings, url_path: str, **params: object) -> str:
    """An absolute link to a page of the app (its URL path, or a relative link the screens use,
    core.figures.tables.record_link), for a message read outside it."""
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{settings.public_url.rstrip('/')}/{url_path}" + (f"?{query}" if query else "")


def period_of(kind: str, frequency: str, today: date) -> str:
    """The period a message is for: the day of a daily digest, the ISO week of a weekly one
    and of every brief ("2026-W49")."""
    if kind == "digest" and frequency == "daily":
        return today.isoformat()
    year, week, _day = today.isocalendar()
    return f"{year}-W{week:02d}"


def digest(session: Session, recipient: Recipient, *, today: date, settings: Settings, period: str) -> Message | None:
    """The secretary's digest for today, or None when nothing is due in the subtree."""
    cards = work_cards(session, recipient.subtree(session), today=today, rules=settings.rules)
    overdue, soon, lacking = [], [], []
    for card in cards:
        urgent = [c for c in card.clocks if c.state != "ok"]
        if not urgent and not card.findings:
            continue
        detail = tuple(due_line(c.kind, c.due, c.days_left, c.working_days) for c in urgent)
        detail += tuple(f.message for f in card.findings)  # each says what is missing, in a sentence
        line = Line(t("mail.candidate", name=card.full_name, org=card.org_name, stage=label("stage", card.stage)),
                    link=page_link(settings, record_link(card.candidate_id)),
                    state=urgent[0].state if urgent else "", detail=detail)
        (overdue if line.state == "overdue" else soon if line.state == "due_soon" else lacking).append(line)
    if not (overdue or soon or lacking):
        return None
    # The most urgent first, up to a length every mail program shows whole; the rest by count.
    shown, left = MAX_LINES, []
    groups = []
    for title, lines in ((t("mail.section_overdue"), overdue), (t("mail.section_due_soon"), soon),
                         (t("mail.section_lacking"), lacking)):
        groups.append((title, lines[:shown]))
        left += lines[shown:]
        shown = max(0, shown - len(lines))
    if left:
        groups.append((t("mail.section_more"), [Line(t("mail.more", count=fmt_number(len(left))),
                                                     link=page_link(settings, "viec-cua-toi"))]))
    sections = tuple(Section(title, tuple(lines)) for title, lines in groups if lines)
    user, org = recipient.user, recipient.org
    return Message(
        user_id=user.id, username=user.username, address=user.email, display_name=user.display_name,
        kind="digest", period=period,
        subject=t("mail.digest_subject", org=org.name, date=fmt_date(today), overdue=fmt_number(len(overdue)),
                  due_soon=fmt_number(len(soon))),
        intro=t("mail.digest_intro", org=org.name, date=fmt_date(today), overdue=fmt_number(len(overdue)),
                due_soon=fmt_number(len(soon)), lacking=fmt_number(len(lacking))),
        sections=sections, link=page_link(settings, "viec-cua-toi"), link_text=t("mail.open_todo"),
    )


def brief(session: Session, recipient: Recipient, *, today: date, settings: Settings, period: str,
          last: dict | None) -> Message:
    """The leader's weekly brief: progress of the subtree this year up to today, the change
    since the last brief and the lagging organizations below.

    The change is taken from what the last brief reported (`last`: its `facts`), so an
    admission recorded after it but dated before it counts in this one; without a last brief
    of this year, from the figures of a week ago."""
    subtree = recipient.subtree(session)
    rules = settings.rules
    figures = org_figures(session, subtree, year=today.year, as_of=today, rules=rules)
    head = headline(figures)
    if last is not None and last.get("year") == today.year and last.get("org") == subtree.code:
        since, before = date.fromisoformat(last["as_of"]), (int(last["admitted"]), int(last["done"]))
    else:
        since = today - timedelta(days=7)
        then = headline(org_figures(session, subtree, year=today.year, as_of=since, rules=rules)) \
            if since.year == today.year else None
        before = None if then is None else (then.admitted, then.status_counts["done"])
    root = figures.iloc[0]
    progress = [
        Line(t("mail.brief_admitted", admitted=fmt_number(head.admitted), target=fmt_number(head.target),
               percent=fmt_percent(head.percent_plan), year=today.year)),
        Line(t("mail.brief_status", status=label("status", head.status), reason=root["reason"] or "")),
        Line(t("mail.brief_grassroots", admitting=fmt_number(head.grassroots_admitting),
               total=fmt_number(head.grassroots_total))),
    ]
    changes = [Line(t("mail.brief_change", since=fmt_date(since), added=fmt_number(head.admitted - before[0]),
                      done=fmt_number(head.status_counts["done"] - before[1])))] \
        if before is not None else [Line(t("mail.brief_new_year", year=today.year))]
    children = children_of(figures)
    lagging = children[children["status"].isin(LAGGING)] if not children.empty else children
    if not lagging.empty:
        lagging = lagging.assign(rank=lagging["status"].map(LAGGING.index)).sort_values(["rank", "name"])
    lines = tuple(Line(t("mail.brief_lagging", org=row["name"], status=label("status", row["status"]),
                         reason=row["reason"] or ""),
                       link=page_link(settings, "tong-quan", org=row["code"], year=today.year),
                       state="overdue" if row["status"] in ("missed", "at_risk") else "due_soon")
                  for _id, row in lagging.iterrows())
    sections = [Section(t("mail.section_progress"), tuple(progress)), Section(t("mail.section_changes"), tuple(changes))]
    if lines:
        sections.append(Section(t("mail.section_lagging", count=fmt_number(len(lines))), lines))
    user, org = recipient.user, recipient.org
    return Message(
        user_id=user.id, username=user.username, address=user.email, display_name=user.display_name,
        kind="brief", period=period,
        subject=t("mail.brief_subject", org=org.name, date=fmt_date(today), admitted=fmt_number(head.admitted),
                  target=fmt_number(head.target)),
        intro=t("mail.brief_intro", org=org.name, date=fmt_date(today)),
        sections=tuple(sections), link=page_link(settings, "tong-quan", org=org.code, year=today.year),
        link_text=t("mail.open_overview"),
        facts=json.dumps({"year": today.year, "org": subtree.code, "as_of": today.isoformat(),
                          "admitted": head.admitted, "done": head.status_counts["done"]}),
    )


def test_message(recipient: Recipient, *, today: date, settings: Settings, period: str) -> Message:
    """The message of the admin page's "send me a test": says where reminders will come from."""
    user = recipient.user
    return Message(
        user_id=user.id, username=user.username, address=user.email, display_name=user.display_name,
        kind="test", period=period, subject=t("mail.test_subject", date=fmt_date(today)),
        intro=t("mail.test_intro", address=user.email, frequency=label("digest", user.digest)),
        link=page_link(settings, "tai-khoan"), link_text=t("mail.open_account"),
    )
