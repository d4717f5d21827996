"""Findings 6 and 9 (medium): log pseudonyms used the fixed key "chainbreaker-log", so names and addresses
could be recomputed offline; demo mode signed sessions with the published demo secret, listened on any
host and served any workspace, so a forged cookie for {"u":1,"o":"default"} was a supervisor."""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer

from chainbreaker.core.errors import ConfigurationError
from chainbreaker.core.logging import redact
from chainbreaker.core.secrets import installation_secret, secret_path
from chainbreaker.core.settings import DEMO_SECRET, Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.service import accounts
from chainbreaker.service.app import create_app
from chainbreaker.service.demo import prepare_demo_users
from chainbreaker.service.server import run_server


def _old_token(value: str) -> str:
    return "pii:" + hmac.new(b"chainbreaker-log", value.encode(), hashlib.sha256).hexdigest()[:12]


def test_pseudonyms_cannot_be_recomputed_with_the_published_key(tmp_path: Path) -> None:
    settings = Settings(secret_key="k" * 40, database_url=f"sqlite:///{tmp_path}/c.sqlite")
    create_app(settings, Workspace(tmp_path / "ws"))
    assert redact("alice") != _old_token("alice")
    assert redact("alice") == redact("alice")  # still correlates inside the installation
    key_file = secret_path(tmp_path / "ws", "pseudonym")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700


def test_generated_keys_are_per_installation_and_stable(tmp_path: Path) -> None:
    one, two = installation_secret(tmp_path / "a", "session"), installation_secret(tmp_path / "b", "session")
    assert one != two and installation_secret(tmp_path / "a", "session") == one and len(one) >= 32


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    installation_secret(tmp_path, "session")
    secret_path(tmp_path, "session").chmod(0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        installation_secret(tmp_path, "session")


def test_forged_demo_cookie_is_not_a_supervisor(tmp_path: Path) -> None:
    settings = Settings(secret_key=DEMO_SECRET, demo_mode=True, database_url=f"sqlite:///{tmp_path}/c.sqlite")
    app = create_app(settings, Workspace(tmp_path / "ws"))
    with app.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "default", "demo", "correct horse battery", "supervisor", "test")
    forged = URLSafeTimedSerializer(DEMO_SECRET, salt="chainbreaker.session").dumps(
        {"n": "abc", "u": 1, "o": "default"}
    )
    client = TestClient(app, base_url="https://testserver")
    client.cookies.set("cb_session", forged)
    assert client.get("/api/v1/me").status_code == 401


def test_demo_mode_refuses_a_network_address(tmp_path: Path) -> None:
    settings = Settings(demo_mode=True, database_url=f"sqlite:///{tmp_path}/c.sqlite")
    with pytest.raises(ConfigurationError, match="loopback"):
        run_server(settings, Workspace(tmp_path / "ws"), host="0.0.0.0", port=8765)


def test_demo_mode_refuses_a_workspace_with_real_users(tmp_path: Path) -> None:
    settings = Settings(demo_mode=True, database_url=f"sqlite:///{tmp_path}/c.sqlite")
    app = create_app(Settings(secret_key="k" * 40, database_url=settings.database_url), Workspace(tmp_path))
    with app.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "bank-a", "alice", "correct horse battery", "analyst", "test")
    with pytest.raises(ConfigurationError, match="real users"):
        prepare_demo_users(Workspace(tmp_path), settings)
