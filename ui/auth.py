"""Sign-in with streamlit-authenticator over the users kept in the database, and the guard
every page starts with.

The library draws the form and keeps the signed cookie; what it keeps in memory (failed
attempts) is not enough, so around it this module counts failures and locks accounts in the
database (core.access.users), expires idle sessions, refuses disabled users, and resolves the
signed-in user's role and subtree fresh from the database on every run.

Exactly one `Authenticate` is made per run (a second would clash on its widget keys): by
`signed_in()` in app.py on every run, or by `guard()` in a page served without app.py.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import partial

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from core.access.scope import Actor, NotFoundError, ScopeError, Subtree, resolve
from core.access.users import (
    Account,
    SessionEnded,
    SessionTicket,
    SignInDirectory,
    account_of,
    inactive_too_long,
    issued_before_revocation,
    lockout_end,
    note_activity,
    record_failed_sign_in,
    record_sign_in,
    revoke_sessions,
    sign_in_entry,
    spend_a_password_check,
    still_allowed,
)
from core.config import Settings, SettingsError, cookie_key_for
from core.format import fmt_datetime
from core.i18n import t
from core.procedure.stages import Role
from core.storage.db import session_scope
from core.storage.models import utcnow
from ui import faults, text, web

ACCOUNT_KEY = "ptdv_account"
ACTIVITY_KEY = "ptdv_last_activity"
ACTIVITY_WRITTEN_KEY = "ptdv_activity_written"
CLICKED_KEY = "ptdv_clicked"
TICKET_KEY = "ptdv_ticket"
NOTICE_KEY = "ptdv_sign_in_notice"
SIGN_OUT_KEY = "ptdv_sign_out"
STARTED_KEY = "ptdv_session_started"
FORM_KEY = "sign_in"
# How often the last activity is written to the database (not on every rerun).
ACTIVITY_WRITE_EVERY = timedelta(minutes=1)


def _fields() -> dict[str, str]:
    return {
        "Form name": t("auth.form_title"),
        "Username": t("auth.username"),
        "Password": t("auth.password"),
        "Login": t("auth.submit"),
    }


def _read_entry(username: str) -> dict | None:
    with session_scope(web.engine()) as session:
        return sign_in_entry(session, username)


def _authenticator(settings: Settings, directory: dict[str, dict]) -> stauth.Authenticate:
    try:
        cookie_key = cookie_key_for(settings)
    except SettingsError as exc:  # outside demo mode, no usable key: refuse to run, say why
        text.error(t("error.settings", detail=exc))
        st.stop()
    credentials: dict[str, dict] = {"usernames": {}}
    authenticator = stauth.Authenticate(
        credentials,
        settings.cookie_name,
        cookie_key,
        # 0: the library writes no cookie itself; _write_cookie does, outside the form's slot.
        0,
        auto_hash=False,  # hashes come from the database; hashing again costs 0,3 s a user a run
        login_sleep_time=0,
    )
    # Given after it was made: its constructor copies a directory key by key, reading every
    # user; it keeps this dict and looks users up in it, so a SignInDirectory reads only the
    # one asked for.
    credentials["usernames"] = directory
    return authenticator


def _write_cookie(authenticator: stauth.Authenticate, settings: Settings) -> None:
    """Set the sign-in cookie. Its component must render in a run that completes (a rerun
    right after it would drop it), and outside the form's slot, which is emptied.

    The cookie manager (extra-streamlit-components) writes it from JavaScript, SameSite=Strict;
    it is marked Secure when the browser shows the app over HTTPS (`st.context.url`, the
    browser's own address, so behind a TLS proxy too). HttpOnly cannot be set from a script."""
    manager = authenticator.cookie_controller.cookie_model.cookie_manager
    manager.set = partial(manager.set, secure=cookie_is_secure(st.context.url), same_site="strict")
    cookies = authenticator.cookie_controller
    cookies.cookie_model.cookie_expiry_days = settings.cookie_expiry_days
    cookies.set_cookie()


def cookie_is_secure(url: str | None) -> bool:
    """The sign-in cookie travels over HTTPS only when the app is served over HTTPS (over plain
    HTTP, on a developer's machine, a Secure cookie would never come back)."""
    return bool(url) and url.lower().startswith("https://")


def _forget(notice: str | None = None) -> None:
    for key in ("authentication_status", "username", "name", "roles", "email"):
        st.session_state[key] = None
    for key in (ACCOUNT_KEY, ACTIVITY_KEY, ACTIVITY_WRITTEN_KEY, STARTED_KEY, TICKET_KEY):
        st.session_state.pop(key, None)
    st.session_state["logout"] = True  # no cookie sign-in for the rest of this session
    if notice:
        st.session_state[NOTICE_KEY] = notice


def _after_form_failure(directory: dict[str, dict], settings: Settings) -> None:
    """streamlit-authenticator marks the account it checked; count the failure in the database.

    The answer is the same whether the username exists, is locked or is unknown, so the form
    tells nobody which accounts there are; a lock is told after the right password only."""
    tried = [name for name, entry in directory.items() if entry.get("failed_login_attempts")]
    if tried:
        with session_scope(web.engine()) as session:
            record_failed_sign_in(session, tried[0], settings)
    else:  # a name nobody has: the library checked no password, so spend the time of one
        spend_a_password_check()
    st.error(t("auth.wrong"))
    text.caption(t("auth.lockout_rule", attempts=settings.max_failed_sign_ins, minutes=settings.lockout_minutes))


def _cookie_expiry(settings: Settings) -> datetime | None:
    """When this browser's sign-in cookie expires, if it is one we signed: None when there is
    none, or it is forged or garbled (`alg: none`, another algorithm, a wrong signature, not a
    JWT, fields missing or of the wrong type)."""
    token = st.context.cookies.get(settings.cookie_name)
    if not token:
        return None
    try:
        payload = jwt.decode(token, cookie_key_for(settings), algorithms=["HS256"])
        expiry = payload["exp_date"]
        if not isinstance(payload["username"], str) or isinstance(expiry, bool) or not isinstance(expiry, (int, float)):
            return None
        return datetime.fromtimestamp(expiry, timezone.utc)
    except (jwt.PyJWTError, KeyError, TypeError, ValueError, OverflowError, OSError):
        return None


def _cookie_issued_at(settings: Settings) -> datetime | None:
    """When this browser's sign-in cookie was written (its expiry less its lifetime)."""
    expires = _cookie_expiry(settings)
    return None if expires is None else expires - timedelta(days=settings.cookie_expiry_days)


def _start_session(username: str, *, from_form: bool, settings: Settings) -> Account | None:
    """Begin a signed-in session; None when a cookie may no longer sign in (the user signed
    out since it was written, was idle too long, or was disabled)."""
    now = utcnow()
    with session_scope(web.engine()) as session:
        account = account_of(session, username)
        if account is None:
            return None
        if from_form:
            record_sign_in(session, username, now)
            started = now
        else:
            started = _cookie_issued_at(settings)
            if (
                started is None
                or issued_before_revocation(started, account.sessions_revoked_at)
                or inactive_too_long(account.last_seen_at, settings, now)
            ):
                return None
            note_activity(session, username, now)
    st.session_state[ACCOUNT_KEY] = account
    st.session_state[ACTIVITY_KEY] = st.session_state[ACTIVITY_WRITTEN_KEY] = now
    st.session_state[STARTED_KEY] = started
    st.session_state.pop(NOTICE_KEY, None)
    return account


def _keep_alive(account: Account, settings: Settings) -> Account | None:
    """The account as the database has it now, or None when disabled or idle too long."""
    now = utcnow()
    last = st.session_state.get(ACTIVITY_KEY)
    if last is None or inactive_too_long(last, settings, now):
        _forget(t("auth.expired"))
        return None
    with session_scope(web.engine()) as session:
        fresh = account_of(session, account.actor.username)
        if fresh is None:
            _forget(t("auth.disabled"))
            return None
        if issued_before_revocation(st.session_state[STARTED_KEY], fresh.sessions_revoked_at):
            _forget(t("auth.ended"))
            return None
        # Written once a minute, counted from the last write (not from the last run, which
        # under steady use is always less than a minute ago and would never write).
        written = st.session_state.get(ACTIVITY_WRITTEN_KEY) or last
        if now - written > ACTIVITY_WRITE_EVERY:
            note_activity(session, fresh.actor.username, now)
            st.session_state[ACTIVITY_WRITTEN_KEY] = now
    st.session_state[ACCOUNT_KEY] = fresh
    st.session_state[ACTIVITY_KEY] = now
    return fresh


@faults.guarded_callback
def _request_sign_out() -> None:
    st.session_state[SIGN_OUT_KEY] = True


def signed_in() -> Account | None:
    """Make this run's authenticator; sign in by cookie or form. Returns the account, or None
    after drawing the sign-in form (the caller stops)."""
    settings = web.settings()
    account: Account | None = st.session_state.get(ACCOUNT_KEY)
    signing_out = st.session_state.pop(SIGN_OUT_KEY, False)
    if account is not None and st.session_state.get("authentication_status") and not signing_out:
        account = _keep_alive(account, settings)
        if account is not None:
            # Made on every run all the same: its cookie component must stay on the page.
            entry = {"name": account.display_name, "password": "", "roles": [account.actor.role.value]}
            _authenticator(settings, {account.actor.username: entry})
    else:
        account = None
    if account is None:
        directory = SignInDirectory(_read_entry)  # the account typed, or the cookie's: read when asked for
        authenticator = _authenticator(settings, directory)
        if signing_out and st.session_state.get("authentication_status"):
            with session_scope(web.engine()) as session:
                revoke_sessions(session, st.session_state["username"])  # no cookie signs in again
            authenticator.logout(location="unrendered")  # and the browser is asked to drop it
            _forget(t("auth.signed_out"))
        account = _form_sign_in(authenticator, directory, settings)
        if account is None:
            return None
    return account


def sign_out_box(account: Account) -> None:
    """Who is signed in, and the button that signs out (handled at the start of the next run)."""
    with st.sidebar:
        text.caption(t("auth.signed_in_as", name=account.display_name, org=account.org_name))
        st.button(t("auth.sign_out"), key="sign_out", width="stretch", on_click=_request_sign_out)


def _form_sign_in(authenticator: stauth.Authenticate, directory: dict[str, dict], settings: Settings) -> Account | None:
    """Sign in by cookie, or draw the form and handle its submission."""
    notice = st.session_state.get(NOTICE_KEY)  # shown until the next sign-in
    if st.context.cookies.get(settings.cookie_name) and _cookie_expiry(settings) is None:
        # A cookie we did not sign: the library would raise on some (`alg: none` is not one of
        # the errors it catches). No cookie sign-in for this session; the form is drawn.
        st.session_state["logout"] = True
    slot = st.empty()
    with slot.container():
        try:
            authenticator.login(location="main", fields=_fields(), key=FORM_KEY)
        except LoginError:  # a cookie for a user no longer allowed in
            _forget(t("auth.disabled"))
            st.rerun()
    status = st.session_state.get("authentication_status")
    if not status:
        if status is False:
            _after_form_failure(directory, settings)
        elif notice:
            text.info(notice)
        return None
    username = st.session_state["username"]
    # The library marks the entry it checked a password against: a form sign-in, not a cookie.
    from_form = "failed_login_attempts" in directory.get(username, {})
    if from_form:
        with session_scope(web.engine()) as session:
            locked_until = lockout_end(session, username)
        if locked_until is not None:  # the right password during a lockout: say so, and until when
            _forget()
            text.error(t("auth.locked", until=fmt_datetime(locked_until)))
            return None
    account = _start_session(username, from_form=from_form, settings=settings)
    if account is None:  # signed out, idle too long or disabled since the cookie was written
        authenticator.logout(location="unrendered")
        _forget(t("auth.ended"))
        return _form_sign_in(authenticator, directory, settings)
    slot.empty()
    if from_form:
        _write_cookie(authenticator, settings)
    return account


def guard(*roles: Role, temporary_password_ok: bool = False) -> Actor:
    """First line of every page: the signed-in actor, if its role may open the page.

    A page served by URL before app.py has run gets the sign-in form and nothing else; a user
    still on a temporary password gets only the account page.
    """
    account: Account | None = st.session_state.get(ACCOUNT_KEY)
    if account is not None and st.session_state.get("authentication_status") and not st.session_state.get(SIGN_OUT_KEY):
        # Also checked here: a page can run without app.py (served by URL, or a rerun).
        account = _keep_alive(account, web.settings())
    else:
        account = None
    if account is None:
        account = signed_in()
        if account is None:
            st.stop()
    if roles and account.actor.role not in roles:
        st.error(t("auth.forbidden"))
        st.stop()
    if account.must_change_password and not temporary_password_ok:
        st.warning(t("auth.must_change"))
        st.stop()
    st.session_state[TICKET_KEY] = SessionTicket(account.actor.username, st.session_state[STARTED_KEY], frozenset(roles))
    return account.actor


def ticket() -> SessionTicket:
    """This session as work done outside the page's run must check it again (after `guard`):
    who, since when, the page's roles; `core.access.users.still_allowed` reads the rest."""
    return st.session_state[TICKET_KEY]


def note_click() -> None:
    """A widget callback inside a fragment: the user did something (a fragment's rerun skips
    the page's guard, which is where activity is noted)."""
    st.session_state[CLICKED_KEY] = True


def fragment_guard(subtree: Subtree) -> Subtree:
    """First line of every fragment, whose reruns (a timer's, a click's) skip the page's guard:
    the fragment's subtree, resolved again for the account as the database has it now.

    The account is checked as a download is (`still_allowed`); an automatic rerun is not
    activity, a click is (`note_click`), except for the projector role, whose screen is meant
    to run unattended through a meeting. When the session is over, or the account may no
    longer see this, the whole page runs again and its guard shows the sign-in form with the
    reason (or the page's own refusal)."""
    now = utcnow()
    try:
        with session_scope(web.engine()) as session:
            actor = still_allowed(session, ticket(), web.settings(), now)
            fresh = resolve(session, actor, subtree.code)
            clicked = st.session_state.pop(CLICKED_KEY, False)
            # The meeting room's screen refreshing on its own is the projector's work: it sees
            # no personal data, and must not sign out in the middle of a meeting for want of a
            # click (written at most once a minute). Any other role needs a click.
            written = st.session_state.get(ACTIVITY_WRITTEN_KEY) or now
            showing = actor.role is Role.PROJECTOR and now - written > ACTIVITY_WRITE_EVERY
            if clicked or showing:
                note_activity(session, actor.username, now)
                st.session_state[ACTIVITY_KEY] = st.session_state[ACTIVITY_WRITTEN_KEY] = now
    except SessionEnded as exc:  # disabled, signed out elsewhere, idle: signed out here too
        _forget(str(exc))
        st.rerun(scope="app")
    except (ScopeError, NotFoundError, KeyError):  # role, scope, temporary password; KeyError: no ticket yet
        st.rerun(scope="app")  # the page's guard and its URL check say which
    return fresh


def current_account() -> Account:
    """The signed-in account (after `guard`)."""
    return st.session_state[ACCOUNT_KEY]


def refresh_account() -> None:
    """Read the signed-in account again (after it changed, e.g. a new password), then rerun."""
    account: Account = st.session_state[ACCOUNT_KEY]
    with session_scope(web.engine()) as session:
        fresh = account_of(session, account.actor.username)
    if fresh is None:
        _forget(t("auth.disabled"))
    else:
        st.session_state[ACCOUNT_KEY] = fresh
    st.rerun()
