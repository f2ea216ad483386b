"""Users: creation with a bcrypt hash (the sign-in flow itself comes with the sign-in issue)."""
from __future__ import annotations

import bcrypt
from sqlmodel import Session, select

from core.audit import record_audit, snapshot
from core.db import bump_data_version
from core.i18n import t
from core.models import Organization, User
from core.stages import Role

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_BYTES = 72  # bcrypt refuses more


class UserError(ValueError):
    """A user could not be created or changed; the message says why, in Vietnamese."""


def check_password(password: str) -> None:
    """Refuse a password bcrypt cannot take, or one too short to be safe."""
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise UserError(t("error.password_too_long"))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(t("error.password_too_short", min=MIN_PASSWORD_LENGTH))


def hash_password(password: str) -> str:
    """A bcrypt hash of the password (checked first)."""
    check_password(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


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
    username = username.strip()
    if role not in Role._value2member_map_:
        raise UserError(t("error.bad_role", role=role, roles=", ".join(r.value for r in Role)))
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise UserError(t("error.user_exists", username=username))
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        role=role,
        organization_id=organization.id,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    record_audit(session, username=created_by, action="create_user", entity="user", entity_id=user.id, after=snapshot(user))
    bump_data_version(session)
    return user
