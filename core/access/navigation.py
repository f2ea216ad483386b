"""Which pages each role is offered, under fixed files and URLs."""
from __future__ import annotations

from dataclasses import dataclass

from core.procedure.stages import Role


@dataclass(frozen=True)
class PageSpec:
    """A page: its file, URL path, catalog key of its title, icon, and the roles that may open it."""

    file: str
    url_path: str
    title_key: str
    icon: str
    roles: frozenset[Role]
    in_menu: bool = True


_READERS = frozenset({Role.ADMIN, Role.LEADER, Role.SECRETARY})
PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "tong-quan", "page.overview", ":material/monitoring:", _READERS),
    # The steps to record, candidate by candidate: for those who record them. A leader reads the
    # same clocks per organization on the alerts page and per chi bộ on the branch page.
    PageSpec("pages/todo.py", "viec-cua-toi", "page.todo", ":material/task_alt:",
             frozenset({Role.ADMIN, Role.SECRETARY})),
    PageSpec("pages/alerts.py", "canh-bao", "page.alerts", ":material/warning:", _READERS),
    PageSpec("pages/pipeline.py", "quy-trinh", "page.pipeline", ":material/filter_alt:", _READERS),
    PageSpec("pages/branch.py", "chi-bo", "page.branch", ":material/groups:", _READERS),
    PageSpec("pages/projector.py", "trinh-chieu", "page.projector", ":material/tv:",
             frozenset({Role.ADMIN, Role.LEADER, Role.PROJECTOR})),
    PageSpec("pages/admin.py", "quan-tri", "page.admin", ":material/settings:", frozenset({Role.ADMIN})),
    PageSpec("pages/reports.py", "bao-cao", "page.reports", ":material/description:", _READERS),
    PageSpec("pages/account.py", "tai-khoan", "page.account", ":material/person:", frozenset(Role)),
    # A candidate's record, opened from the branch page's lists (?id=), not from the menu.
    PageSpec("pages/candidate.py", "ho-so", "page.candidate", ":material/badge:", _READERS, in_menu=False),
)


# The page a role opens on, when not the first of the menu: the meeting-room screen on the
# projector view, a secretary on what is due.
LANDING: dict[Role, str] = {Role.PROJECTOR: "trinh-chieu", Role.SECRETARY: "viec-cua-toi"}


def pages_for(role: Role, *, must_change_password: bool = False) -> list[PageSpec]:
    """The pages a role is offered, in menu order; only the account page on a temporary password."""
    if must_change_password:
        return [p for p in PAGES if p.url_path == "tai-khoan"]
    offered = [p for p in PAGES if role in p.roles]
    landing = LANDING.get(role)
    if landing:
        offered.sort(key=lambda p: p.url_path != landing)
    return offered
