"""Server-side login sessions: the signed cookie names a session row, and the row can be ended.

A signed cookie alone stays valid until it expires, so logging out could not end it: anyone holding a
copy (a shared computer, a stolen cookie) kept access for up to the session lifetime. Each login now
creates a row keyed by a hash of a random session id carried in the cookie; every request checks the row,
and logging out, changing the password or disabling the user ends it at once. Only the hash is stored, so
a copy of the database does not hand out live sessions.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.service_models import LoginSession


def _key(sid: str) -> str:
    return hashlib.sha256(sid.encode("utf-8")).hexdigest()


def start(session: Session, user_id: int, org_id: str, max_age_seconds: int) -> str:
    """A new session for a user; returns the id to put in the cookie (never stored in clear)."""
    sid = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        LoginSession(
            id=_key(sid),
            org_id=org_id,
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age_seconds),
        )
    )
    session.flush()
    return sid


def is_live(session: Session, sid: str | None, user_id: int, org_id: str) -> bool:
    """True when the cookie's session exists for this user, is not revoked and has not expired."""
    if not sid:
        return False
    row = session.get(LoginSession, _key(sid))
    return (
        row is not None
        and row.user_id == user_id
        and row.org_id == org_id
        and row.revoked_at is None
        and row.expires_at > utcnow()
    )


def revoke(session: Session, sid: str | None) -> bool:
    """End one session (logout); True when a live one was ended."""
    if not sid:
        return False
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.id == _key(sid), LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


def revoke_user(session: Session, user_id: int) -> int:
    """End every session of a user (password changed, user disabled); returns how many were live."""
    live = session.scalars(
        select(LoginSession.id).where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
    ).all()
    if live:
        session.execute(
            update(LoginSession)
            .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    return len(live)
