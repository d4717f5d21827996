"""Users, organisations and API keys of the service: creating them, and finding who is calling.

Creating and revoking are changes, so each goes to the audit log of the organisation concerned.
Lookups filter on `active` and `revoked_at` on every call, so disabling a user or revoking a key
takes effect at once, even for sessions already open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.cases.organisations import ensure_organisation
from chainbreaker.core.errors import ConflictError, InputError, NotFoundError
from chainbreaker.core.organisations import KIND_ROLES, OrgKind, role_allowed
from chainbreaker.service.security import session_store
from chainbreaker.service.security.passwords import (
    api_key_matches,
    hash_password,
    new_api_key,
    split_api_key,
    verify_password,
)
from chainbreaker.service.security.principal import Principal
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import USER_ROLES, ApiKey, Organisation, User

_NAME = re.compile(r"^[A-Za-z0-9._@-]{2,100}$")


@dataclass(frozen=True)
class UserInfo:
    """What the CLI prints about a user: never the hash."""

    id: int
    username: str
    org_id: str
    role: str
    active: bool


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.username, user.org_id, user.role, user.active)


def add_user(
    session: Session,
    org_id: str,
    username: str,
    password: str,
    role: str,
    actor: str,
    org_name: str | None = None,
    org_kind: str | None = None,
) -> UserInfo:
    """A new active user of an organisation (created if needed), with an argon2 password hash.

    The role must be one the organisation's kind has (an NGO has caseworkers, not bank supervisors).
    """
    if role not in USER_ROLES:
        raise InputError(f"role must be one of {', '.join(USER_ROLES)}, not {role!r}")
    if not _NAME.match(username):
        raise InputError("user name must be 2-100 letters, digits, '.', '_', '@' or '-'")
    org = ensure_organisation(session, org_id, org_name, actor, org_kind)
    if not role_allowed(org.kind, role):
        allowed = ", ".join(KIND_ROLES[OrgKind(org.kind)])
        raise InputError(f"a {org.kind} organisation's members may be {allowed}, not {role!r}")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ConflictError(f"user {username!r} already exists")
    user = User(
        org_id=org_id, username=username, password_hash=hash_password(password), role=role, active=True
    )
    session.add(user)
    session.flush()
    audit.record(
        session, org_id, actor, "user.create", "user", str(user.id), {"username": username, "role": role}
    )
    return _info(user)


def set_user_active(session: Session, username: str, active: bool, actor: str) -> UserInfo:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    user.active = active
    if not active:
        session_store.revoke_user(session, user.id)
    session.flush()
    action = "user.enable" if active else "user.disable"
    audit.record(session, user.org_id, actor, action, "user", str(user.id), {"username": username})
    return _info(user)


def set_password(session: Session, username: str, password: str, actor: str) -> UserInfo:
    """Give a user a new password and end every browser session they have open (API keys stay)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    user.password_hash = hash_password(password)
    ended = session_store.revoke_user(session, user.id)
    session.flush()
    audit.record(
        session, user.org_id, actor, "user.password_change", "user", str(user.id), {"sessions_ended": ended}
    )
    return _info(user)


def list_users(session: Session, org_id: str | None = None) -> list[UserInfo]:
    query = select(User).order_by(User.org_id, User.username)
    if org_id is not None:
        query = query.where(User.org_id == org_id)
    return [_info(u) for u in session.scalars(query)]


def create_api_key(session: Session, username: str, actor: str) -> tuple[str, str]:
    """A new key for a user, as (full key, prefix); the full key is shown once and never stored."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    key, prefix, key_hash = new_api_key()
    row = ApiKey(org_id=user.org_id, user_id=user.id, prefix=prefix, key_hash=key_hash)
    session.add(row)
    session.flush()
    audit.record(session, user.org_id, actor, "api_key.create", "api_key", prefix, {"user": username})
    return key, prefix


def revoke_api_key(session: Session, prefix: str, actor: str) -> None:
    row = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None)))
    if row is None:
        raise NotFoundError(f"no active API key with prefix {prefix!r}")
    row.revoked_at = utcnow()
    session.flush()
    audit.record(session, row.org_id, actor, "api_key.revoke", "api_key", prefix, {})


def check_member(session: Session, org_id: str, username: str) -> str:
    """A user name of an active user of this organisation (cases are only assigned inside it)."""
    found = session.scalar(
        select(User.username).where(User.org_id == org_id, User.username == username, User.active.is_(True))
    )
    if found is None:
        raise InputError(f"no active user {username!r} in your organisation", column="assignee")
    return found


_PRINCIPAL_COLUMNS = (User.id, User.username, User.org_id, Organisation.name, User.role, Organisation.kind)


def _principal(row: tuple[int, str, str, str | None, str, str], via: str) -> Principal:
    user_id, username, org_id, org_name, role, org_kind = row
    return Principal(
        user_id=user_id,
        username=username,
        org_id=org_id,
        org_name=org_name or org_id,
        role=role,
        via="api_key" if via == "api_key" else "session",
        org_kind=org_kind,
    )


def check_password(session: Session, username: str, password: str) -> Principal | None:
    """The principal for a correct name and password of an active user, else None (same cost either way)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        return None
    return _user_principal(session, user.id, user.org_id)


def principal_for_session(
    session: Session, user_id: int, org_id: str, sid: str | None = None
) -> Principal | None:
    """The principal of a logged-in browser, if its server-side session is live (not logged out, not
    ended by a password change) and the user still exists, is active and is in that org."""
    if not session_store.is_live(session, sid, user_id, org_id):
        return None
    return _user_principal(session, user_id, org_id)


def _user_principal(session: Session, user_id: int, org_id: str) -> Principal | None:
    row = session.execute(
        select(*_PRINCIPAL_COLUMNS)
        .join(Organisation, Organisation.id == User.org_id)
        .where(User.id == user_id, User.org_id == org_id, User.active.is_(True))
    ).first()
    if row is None:
        return None
    uid, username, org, org_name, role, org_kind = row
    return _principal((uid, username, org, org_name, role, org_kind), "session")


def principal_for_api_key(session: Session, key: str) -> Principal | None:
    """The principal behind an API key that is well-formed, not revoked and whose user is active.

    One indexed query (key prefix, user, organisation): it runs on every API call.
    """
    prefix = split_api_key(key)
    if prefix is None:
        return None
    rows = session.execute(
        select(ApiKey.key_hash, *_PRINCIPAL_COLUMNS)
        .join(User, User.id == ApiKey.user_id)
        .join(Organisation, Organisation.id == User.org_id)
        .where(
            ApiKey.prefix == prefix,
            ApiKey.revoked_at.is_(None),
            User.active.is_(True),
            User.org_id == ApiKey.org_id,
        )
    ).all()
    for key_hash, user_id, username, org_id, org_name, role, org_kind in rows:
        if api_key_matches(key, key_hash):
            return _principal((user_id, username, org_id, org_name, role, org_kind), "api_key")
    return None
