"""User and API-key administration for the CLI: each function opens the case store, migrates it, commits.

The CLI runs these while the service may be running: SQLite's busy timeout (storage.db) makes the two
wait for each other instead of failing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.orm import Session

from chainbreaker.core.settings import Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.service import accounts
from chainbreaker.storage import make_engine, session_factory, upgrade

T = TypeVar("T")
CLI_ACTOR = "cli"


@contextmanager
def admin_session(workspace: Workspace, settings: Settings) -> Iterator[Session]:
    engine = make_engine(workspace.cases_url(settings))
    try:
        upgrade(engine)
        with session_factory(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


def _run(workspace: Workspace, settings: Settings, work: Callable[[Session], T]) -> T:
    with admin_session(workspace, settings) as session:
        return work(session)


def add_user(
    workspace: Workspace,
    settings: Settings,
    org_id: str,
    username: str,
    password: str,
    role: str,
    org_name: str | None = None,
    org_kind: str | None = None,
) -> accounts.UserInfo:
    """Create a user (and its organisation if new); the password is stored as an argon2 hash."""
    return _run(
        workspace,
        settings,
        lambda s: accounts.add_user(
            s, org_id, username, password, role, CLI_ACTOR, org_name=org_name, org_kind=org_kind
        ),
    )


def set_active(workspace: Workspace, settings: Settings, username: str, active: bool) -> accounts.UserInfo:
    """Disable (or enable again) a user; open sessions and API keys of a disabled user stop working."""
    return _run(workspace, settings, lambda s: accounts.set_user_active(s, username, active, CLI_ACTOR))


def set_password(workspace: Workspace, settings: Settings, username: str, password: str) -> accounts.UserInfo:
    """A new password for a user; every browser session they have open ends at once."""
    return _run(workspace, settings, lambda s: accounts.set_password(s, username, password, CLI_ACTOR))


def list_users(
    workspace: Workspace, settings: Settings, org_id: str | None = None
) -> list[accounts.UserInfo]:
    return _run(workspace, settings, lambda s: accounts.list_users(s, org_id))


def create_api_key(workspace: Workspace, settings: Settings, username: str) -> tuple[str, str]:
    """A new API key for a user as (key, prefix); the key is shown once and stored only as a hash."""
    return _run(workspace, settings, lambda s: accounts.create_api_key(s, username, CLI_ACTOR))


def revoke_api_key(workspace: Workspace, settings: Settings, prefix: str) -> None:
    _run(workspace, settings, lambda s: accounts.revoke_api_key(s, prefix, CLI_ACTOR))
