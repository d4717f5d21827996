"""Demo login for `chainbreaker demo --serve`: a supervisor of the default organisation, demo mode only.

The password is generated on every call and printed once by the caller; nothing about it is fixed in
code, so a demo left running on a network is not open to a published password.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select

from chainbreaker.cases import audit
from chainbreaker.core.errors import ConfigurationError
from chainbreaker.core.settings import Settings, get_settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.service import accounts
from chainbreaker.service.admin import admin_session
from chainbreaker.service.security.passwords import hash_password
from chainbreaker.service.server import run_server
from chainbreaker.storage.db import DEFAULT_ORG_ID
from chainbreaker.storage.models import User

DEMO_USER = "demo"

__all__ = ["DEMO_USER", "prepare_demo_users", "run_server"]


def prepare_demo_users(workspace: Workspace, settings: Settings | None = None) -> tuple[str, str]:
    """Create (or reset) the demo supervisor in the default organisation; returns (username, password).

    Refuses outside demo mode: a real installation gets its users from `chainbreaker users add`.
    """
    settings = settings or get_settings()
    if not settings.demo_mode:
        raise ConfigurationError("demo users exist only in demo mode (CHAINBREAKER_DEMO_MODE=1)")
    password = secrets.token_urlsafe(12)
    with admin_session(workspace, settings) as session:
        others = session.scalars(select(User.username).where(User.username != DEMO_USER).limit(1)).all()
        if others:
            raise ConfigurationError(
                f"workspace {workspace.root} has real users; demo mode only serves a workspace made by "
                "`chainbreaker demo` (it would add a demo supervisor with a printed password)"
            )
        user = session.scalar(select(User).where(User.username == DEMO_USER))
        if user is None:
            accounts.add_user(session, DEFAULT_ORG_ID, DEMO_USER, password, "supervisor", "demo")
        else:
            user.password_hash = hash_password(password)
            user.active = True
            audit.record(session, user.org_id, "demo", "user.password_reset", "user", str(user.id), {})
    return DEMO_USER, password
