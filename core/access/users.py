"""Accounts: creation with a bcrypt hash, sign-in bookkeeping kept in the database (failed
attempts, lockout, last activity), password changes, and what the admin does to users.

Plain Python over a Session: the Streamlit sign-in (ui.auth) calls these functions.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import bcrypt
from sqlalchemy import DateTime, case, literal, null, or_, update
from sqlmodel import Session, func, select

from core.access.audit import record_audit, snapshot
from core.access.scope import Actor, NotFoundError, ScopeError
from core.config import Settings
from core.format import clean_text
from core.i18n import t
from core.procedure.pipeline import FormError, StaleEditError
from core.procedure.stages import Role
from core.storage.limits import max_length, too_long
from core.storage.models import Organization, User, utcnow
from core.structure.tree import in_subtree

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt refuses more
BCRYPT_ROUNDS = 12  # cost of a hash: about 0,25 s on these machines


class UserError(ValueError):
    """A user could not be created or changed; the message says why, in Vietnamese."""


def check_password(password: str) -> None:
    """Refuse a password bcrypt cannot take, one too short to be safe, or one that starts or
    ends with a space: the sign-in form (streamlit-authenticator) strips what is typed, so
    such a password could be set but never used. Every place that sets one comes here
    (`hash_password`)."""
    if password != password.strip():
        raise UserError(t("error.password_spaces"))
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise UserError(t("error.password_too_long"))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(t("error.password_too_short", min=MIN_PASSWORD_LENGTH))


def hash_password(password: str) -> str:
    """A bcrypt hash of the password (checked first)."""
    check_password(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode("ascii")


@cache
def _dummy_hash() -> str:
    return bcrypt.hashpw(b"no such account", bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode("ascii")


def spend_a_password_check() -> None:
    """Check a password against a hash nobody has: a sign-in with a username that does not
    exist then takes as long as one with a wrong password, so the time of the answer does
    not tell which names have an account."""
    password_matches("-", _dummy_hash())


def password_matches(password: str, password_hash: str) -> bool:
    """True when the password matches the hash; never raises on odd input."""
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False


def _admin_over(actor: Actor, org: Organization) -> None:
    if actor.role is not Role.ADMIN or not actor.covers(org.path):
        raise ScopeError(t("error.out_of_scope", code=org.code))


def _user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFoundError(t("error.unknown_user", username=username))
    return user


def _managed_user(session: Session, actor: Actor, username: str, expected_version: int | None) -> User:
    user = _user(session, username)
    _admin_over(actor, session.get(Organization, user.organization_id))
    if expected_version is not None and user.version != expected_version:
        raise StaleEditError()
    return user


def _save(session: Session, user: User, *, by: str, action: str, before: dict) -> User:
    user.version += 1
    session.add(user)
    session.flush()
    record_audit(session, username=by, action=action, entity="user", entity_id=user.id, before=before, after=snapshot(user))
    return user


def username_is_valid(username: str) -> bool:
    """Letters without diacritics, digits and . _ -, at most 64 characters (already lower-cased)."""
    return 0 < len(username) <= max_length(User, "username") and username.isascii() and all(c.isalnum() or c in "._-" for c in username)


def _username_problem(session: Session, username: str) -> str | None:
    """Why a new user cannot have this (normalised) username, or None."""
    if not username_is_valid(username):
        return t("error.bad_username", username=username)
    if session.exec(select(User).where(User.username == username)).first() is not None:
        return t("error.user_exists", username=username)
    return None


def _role_problem(role: str) -> str | None:
    """Why a new user cannot have this role, or None."""
    if role not in Role._value2member_map_:
        return t("error.bad_role", role=role, roles=", ".join(r.value for r in Role))
    return None


def _display_name_problem(display_name: str) -> str | None:
    """Why a user cannot have this display name (too long for its column), or None."""
    return too_long(display_name, User, "display_name", t("col.display_name"))


def _insert_user(session: Session, *, username: str, display_name: str, password: str, role: str,
                 organization: Organization, created_by: str, must_change_password: bool) -> User:
    """Write a checked new user in the caller's transaction, audited."""
    user = User(
        username=username,
        display_name=clean_text(display_name) or username,
        password_hash=hash_password(password),
        role=role,
        organization_id=organization.id,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    record_audit(session, username=created_by, action="create_user", entity="user", entity_id=user.id, after=snapshot(user))
    return user


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    role: str,
    organization: Organization,
    created_by: str,
    must_change_password: bool = False,
) -> User:
    """Add a user in the caller's transaction, audited; refuses duplicates and bad roles."""
    username = username.strip().lower()
    for problem in (_username_problem(session, username), _role_problem(role), _display_name_problem(display_name)):
        if problem:
            raise UserError(problem)
    return _insert_user(session, username=username, display_name=display_name, password=password, role=role,
                        organization=organization, created_by=created_by, must_change_password=must_change_password)


def admin_create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: str | None,
    org_code: str | None,
    temporary_password: str,
) -> User:
    """The admin adds a user in its subtree, with a temporary password to change at first sign-in.

    Nothing is assumed: the role and the organization must be chosen. Every problem of the form
    is listed at once (FormError), and nothing is written unless there is none."""
    name = username.strip().lower()
    name_problem = _username_problem(session, name) if name else t("form.username_required")
    role_problem = _role_problem(role) if role else t("form.role_required")
    errors = [problem for problem in (name_problem, role_problem, _display_name_problem(display_name)) if problem]
    org = None
    if not org_code:
        errors.append(t("form.user_org_required"))
    else:
        org = session.exec(select(Organization).where(Organization.code == org_code)).first()
        if org is None:
            errors.append(t("error.unknown_org", code=org_code))
    if not temporary_password:
        errors.append(t("form.temporary_password_required"))
    else:
        try:
            check_password(temporary_password)
        except UserError as exc:
            errors.append(str(exc))
    if org is not None:
        _admin_over(actor, org)
    if errors:
        raise FormError(errors)
    return _insert_user(session, username=name, display_name=display_name, password=temporary_password, role=role,
                        organization=org, created_by=actor.username, must_change_password=True)


def set_active(session: Session, actor: Actor, *, username: str, active: bool, expected_version: int | None) -> User:
    """Disable or re-enable a user (an admin cannot disable itself)."""
    user = _managed_user(session, actor, username, expected_version)
    if user.username == actor.username and not active:
        raise UserError(t("error.cannot_disable_self"))
    before = snapshot(user)
    user.active = active
    if active:
        user.failed_attempts, user.locked_until = 0, None
    return _save(session, user, by=actor.username, action="enable_user" if active else "disable_user", before=before)


def set_temporary_password(
    session: Session, actor: Actor, *, username: str, password: str, expected_version: int | None
) -> User:
    """The admin sets a temporary password; the user must change it at the next sign-in."""
    user = _managed_user(session, actor, username, expected_version)
    before = snapshot(user)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_attempts, user.locked_until = 0, None
    return _save(session, user, by=actor.username, action="set_temporary_password", before=before)


def change_password(session: Session, *, username: str, current: str, new: str, confirm: str) -> User:
    """A user changes its own password; the current one is checked first."""
    user = _user(session, username)
    if not password_matches(current, user.password_hash):
        raise UserError(t("error.wrong_current_password"))
    if new != confirm:
        raise UserError(t("error.password_mismatch"))
    if new == current:
        raise UserError(t("error.password_unchanged"))
    before = snapshot(user)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    return _save(session, user, by=username, action="change_password", before=before)


DIGEST_CHOICES = ("off", "daily", "weekly")
# An address as mail servers take it: one @, a local part of printable ASCII without spaces or
# quotes, a domain of letters, digits and hyphens in dot-separated labels, ending in a top-level
# domain of two letters or more (.vn, .gov.vn, .com).
_LOCAL_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~.")


def email_problem(email: str) -> str | None:
    """Why this (trimmed) address cannot receive the reminders, or None ("" is no address)."""
    if not email:
        return None
    too = too_long(email, User, "email", t("col.email"))
    if too:
        return too
    local, at, domain = email.rpartition("@")
    labels = domain.split(".")
    if (not at or not local or len(local) > 64 or set(local) - _LOCAL_CHARACTERS or local.startswith(".")
            or local.endswith(".") or ".." in local or len(labels) < 2
            or not all(0 < len(part) <= 63 and part.isascii() and part.replace("-", "").isalnum()
                       and not part.startswith("-") and not part.endswith("-") for part in labels)
            or not (len(labels[-1]) >= 2 and labels[-1].isalpha())):  # a top-level domain: letters
        return t("error.bad_email", email=email)
    return None


def set_reminders(session: Session, actor: Actor, *, username: str, email: str, digest: str | None,
                  expected_version: int | None) -> User:
    """Set where a user's reminders go and how often: the user itself (Tài khoản) or an admin
    over it (Quản trị). Every problem is listed at once (FormError); nothing is written unless
    there is none. An address is needed for any digest but "off"."""
    email = clean_text(email or "")
    errors = [problem for problem in (
        email_problem(email),
        None if digest in DIGEST_CHOICES else t("form.digest_required"),
        t("form.digest_needs_email") if digest not in (None, "off") and not email else None,
    ) if problem]
    user = _user(session, username) if actor.username == username else None
    if user is None:
        user = _managed_user(session, actor, username, None)
    if expected_version is not None and user.version != expected_version:
        raise StaleEditError()
    if errors:
        raise FormError(errors)
    before = snapshot(user)
    local, _at, domain = email.rpartition("@")
    user.email, user.digest = f"{local}@{domain.lower()}" if email else "", digest
    return _save(session, user, by=actor.username, action="set_reminders", before=before)


def own_reminders(session: Session, username: str) -> tuple[str, str, int]:
    """(address, digest, version) of the user's own reminders, for its Tài khoản page."""
    user = _user(session, username)
    return user.email, user.digest, user.version


@dataclass(frozen=True)
class SignInState:
    """Where an account stands after a failed sign-in."""

    locked_until: datetime | None
    attempts_left: int


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=utcnow().tzinfo)


def is_locked(user: User, now: datetime) -> bool:
    """True while a lockout is running."""
    locked_until = _aware(user.locked_until)
    return locked_until is not None and locked_until > now


def lockout_end(session: Session, username: str, now: datetime | None = None) -> datetime | None:
    """When the running lockout of an account ends, or None when it is not locked. Asked only
    after the right password was given, so only someone who knows it learns of the lock."""
    user = _user(session, username)
    return _aware(user.locked_until) if is_locked(user, now or utcnow()) else None


def record_failed_sign_in(session: Session, username: str, settings: Settings, now: datetime | None = None) -> SignInState:
    """Count a wrong password; lock the account after too many in a row. Kept in the database,
    so a new tab or a restarted server does not reset the count. While locked, nothing is
    counted. What the person at the form is told does not depend on it (see ui.auth).

    One UPDATE counts and locks: the database adds to the count it holds, so ten wrong
    passwords at the same moment are ten (a read, then a write of the count plus one, let
    concurrent attempts overwrite each other's count and never reach the lock)."""
    now = now or utcnow()
    counted = User.failed_attempts + 1
    locks = counted >= settings.max_failed_sign_ins
    lock_end = now + timedelta(minutes=settings.lockout_minutes)
    row = session.execute(
        update(User)
        .where(User.username == username, or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_attempts=case((locks, 0), else_=counted),
                locked_until=case((locks, literal(lock_end, DateTime(timezone=True))), else_=null()))
        .returning(User.id, User.failed_attempts, User.locked_until)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:  # unknown (NotFoundError), or locked: not counted
        user = _user(session, username)
        return SignInState(_aware(user.locked_until), 0)
    user = session.get(User, row.id, populate_existing=True)
    locked = row.locked_until is not None
    after = snapshot(user)
    before = {**after, "failed_attempts": settings.max_failed_sign_ins - 1 if locked else row.failed_attempts - 1,
              "locked_until": None}
    record_audit(session, username=username, action="lock_user" if locked else "failed_sign_in", entity="user",
                 entity_id=user.id, before=before, after=after)
    if locked:
        return SignInState(_aware(user.locked_until), 0)
    return SignInState(None, settings.max_failed_sign_ins - row.failed_attempts)


def record_sign_in(session: Session, username: str, now: datetime | None = None) -> None:
    """A successful sign-in: the failure count starts again, activity is noted."""
    user = _user(session, username)
    user.failed_attempts = 0
    user.locked_until = None
    user.last_seen_at = now or utcnow()
    session.add(user)
    record_audit(session, username=username, action="sign_in", entity="user", entity_id=user.id)


def revoke_sessions(session: Session, username: str, now: datetime | None = None) -> None:
    """Sign out everywhere: every session and cookie of the user issued before now ends."""
    user = _user(session, username)
    user.sessions_revoked_at = now or utcnow()
    session.add(user)
    record_audit(session, username=username, action="sign_out", entity="user", entity_id=user.id)


def issued_before_revocation(issued_at: datetime, revoked_at: datetime | None) -> bool:
    """True when a session or cookie was issued before the user last signed out."""
    revoked_at = _aware(revoked_at)
    return revoked_at is not None and issued_at <= revoked_at


def note_activity(session: Session, username: str, now: datetime | None = None) -> None:
    """Remember the last activity (for the inactivity expiry across tabs)."""
    user = _user(session, username)
    user.last_seen_at = now or utcnow()
    session.add(user)


def inactive_too_long(last_seen_at: datetime | None, settings: Settings, now: datetime) -> bool:
    """True when nothing was done for longer than the inactivity limit."""
    last = _aware(last_seen_at)
    return last is None or now - last > timedelta(minutes=settings.session_inactivity_minutes)


@dataclass(frozen=True)
class Account:
    """A signed-in user as the app needs it on every run."""

    actor: Actor
    display_name: str
    org_code: str
    org_name: str
    must_change_password: bool
    last_seen_at: datetime | None
    sessions_revoked_at: datetime | None


def account_of(session: Session, username: str) -> Account | None:
    """The account of an active user (role and subtree read fresh from the database), else None."""
    row = session.exec(
        select(User, Organization).join(Organization, Organization.id == User.organization_id).where(User.username == username)
    ).first()
    if row is None or not row[0].active:
        return None
    user, org = row
    return Account(
        actor=Actor(username=user.username, role=Role(user.role), root_path=org.path),
        display_name=user.display_name, org_code=org.code, org_name=org.name,
        must_change_password=user.must_change_password, last_seen_at=_aware(user.last_seen_at),
        sessions_revoked_at=_aware(user.sessions_revoked_at),
    )


class SessionEnded(PermissionError):
    """The session a request belongs to is over, or may no longer do this; the message says
    why, in Vietnamese."""


@dataclass(frozen=True)
class SessionTicket:
    """What work done outside a page's run (a file built when its download is clicked, a
    fragment's rerun) keeps of the session that drew it: who, since when, and the roles of
    the page. Never the actor: role and subtree are read again when the work is done."""

    username: str
    started_at: datetime
    roles: frozenset[Role] = frozenset()


def still_allowed(session: Session, ticket: SessionTicket, settings: Settings, now: datetime | None = None) -> Actor:
    """The actor of a session that is still on, as the database has it now; SessionEnded when
    the session is over, ScopeError when the account may no longer open the page.

    The user still exists and is enabled, did not sign out anywhere after the session began
    (`revoke_sessions`), did something within the inactivity limit (in any tab: the last
    activity is kept in the database), is not on a temporary password, and its role may
    still open the page. Its subtree is the one read now, so a caller that resolves its
    organization with this actor is refused one that left the scope."""
    now = now or utcnow()
    account = account_of(session, ticket.username)
    if account is None:
        raise SessionEnded(t("auth.disabled"))
    if issued_before_revocation(ticket.started_at, account.sessions_revoked_at):
        raise SessionEnded(t("auth.ended"))
    if inactive_too_long(account.last_seen_at, settings, now):
        raise SessionEnded(t("auth.expired"))
    if account.must_change_password:
        raise ScopeError(t("auth.must_change"))
    if ticket.roles and account.actor.role not in ticket.roles:
        raise ScopeError(t("auth.forbidden"))
    return account.actor


def sign_in_entry(session: Session, username: str) -> dict | None:
    """What streamlit-authenticator checks for one user: its name, hash and role, locked
    accounts included (the sign-in refuses a locked account after its password matched,
    `lockout_end`, so the lock is told only to someone who knows the password). None for a
    disabled user or a name nobody has, so neither password nor cookie lets them in."""
    user = session.exec(select(User).where(User.username == username, User.active)).first()
    if user is None:
        return None
    return {"name": user.display_name, "password": user.password_hash, "roles": [user.role], "email": ""}


class SignInDirectory(dict):
    """The credentials as streamlit-authenticator asks for them, each user read when it is
    asked for (`read(username)`, sign_in_entry) and kept for the run: a sign-in reads the one
    account typed or named by the cookie, never the whole directory (a province has tens of
    thousands of accounts). Iterating gives only the users asked for so far."""

    def __init__(self, read: Callable[[str], dict | None]) -> None:
        super().__init__()
        self._read = read
        self._absent: set[str] = set()

    def _load(self, username: object) -> bool:
        if not isinstance(username, str):
            return False
        if dict.__contains__(self, username):
            return True
        if username in self._absent:
            return False
        entry = self._read(username)
        if entry is None:
            self._absent.add(username)
            return False
        dict.__setitem__(self, username, entry)
        return True

    def __contains__(self, username: object) -> bool:
        return self._load(username)

    def __missing__(self, username: str) -> dict:
        if self._load(username):
            return dict.__getitem__(self, username)
        raise KeyError(username)

    def get(self, username, default=None):
        return dict.__getitem__(self, username) if self._load(username) else default


# Users per page on the admin screen: a province has tens of thousands of accounts. They are
# counted up to USERS_COUNTED (counting 300.000 would cost more than the page): past that, the
# admin searches by name.
USERS_PAGE = 50
USERS_COUNTED = 5_000


@dataclass(frozen=True)
class UsersPage:
    """One page of the admin's users (`rows` as list_users gives them), of `total` that match
    (`more`: more than `total`, which is then USERS_COUNTED)."""

    rows: list[dict]
    total: int
    page: int  # from 1
    pages: int
    more: bool = False


def _user_rows(session: Session, actor: Actor, *conditions, offset: int = 0, limit: int | None = None) -> list[dict]:
    if actor.role is not Role.ADMIN:
        raise ScopeError(t("error.out_of_scope", code=""))
    stmt = (select(User, Organization).join(Organization, Organization.id == User.organization_id)
            .where(in_subtree(actor.root_path), *conditions).order_by(User.username).offset(offset).limit(limit))
    now = utcnow()
    return [
        {
            "username": u.username, "display_name": u.display_name, "role": u.role, "org_code": o.code,
            "org_name": o.name, "active": u.active, "locked": is_locked(u, now),
            "must_change_password": u.must_change_password, "last_seen_at": _aware(u.last_seen_at), "version": u.version,
            "email": u.email, "digest": u.digest,
        }
        for u, o in session.exec(stmt).all()
    ]


def list_users(session: Session, actor: Actor) -> list[dict]:
    """Users of the admin's subtree, for the admin screen (no hashes), by name."""
    return _user_rows(session, actor)


def _matching(query: str) -> tuple:
    """SQL: the username or the display name contains the query, in any case, letters with
    diacritics included («Đ» is «đ»; SQLite's lower() is core.storage.db's Unicode one)."""
    query = clean_text(query)
    if not query:
        return ()
    return (or_(User.username.icontains(query, autoescape=True), User.display_name.icontains(query, autoescape=True)),)


def find_users(session: Session, actor: Actor, *, query: str = "", page: int = 1, size: int = USERS_PAGE) -> UsersPage:
    """One page of the admin's users whose username or display name contains `query`, by
    name: the directory of a province is never read whole. A page past the last gives the last."""
    if actor.role is not Role.ADMIN:
        raise ScopeError(t("error.out_of_scope", code=""))
    matching = _matching(query)
    found = (select(User.id).join(Organization, Organization.id == User.organization_id)
             .where(in_subtree(actor.root_path), *matching).limit(USERS_COUNTED + 1))
    total = session.exec(select(func.count()).select_from(found.subquery())).one()
    more = total > USERS_COUNTED
    total = min(total, USERS_COUNTED)
    pages = max(1, -(-total // size))
    page = min(max(1, int(page)), pages)
    rows = _user_rows(session, actor, *matching, offset=(page - 1) * size, limit=size)
    return UsersPage(rows, total, page, pages, more)


def user_row(session: Session, actor: Actor, username: str) -> dict | None:
    """One user of the admin's subtree as list_users gives it, or None."""
    rows = _user_rows(session, actor, User.username == username)
    return rows[0] if rows else None
