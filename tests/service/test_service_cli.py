"""The service's CLI commands: users and API keys, the demo login, and `serve` refusing an unsafe secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainbreaker.cli.main import app
from chainbreaker.core.errors import ConfigurationError
from chainbreaker.core.settings import DEMO_SECRET, Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.service.app import create_app
from chainbreaker.service.demo import prepare_demo_users

SECRET = "cli-test-secret-0123456789-abcdefghijklmnop"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CHAINBREAKER_SECRET_KEY", SECRET)
    monkeypatch.delenv("CHAINBREAKER_DATABASE_URL", raising=False)
    monkeypatch.delenv("CHAINBREAKER_DEMO_MODE", raising=False)
    return tmp_path / "ws"


def test_users_and_api_keys_from_the_cli(env: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "carol",
            "--org",
            "ngo-x",
            "--role",
            "supervisor",
            "--password-stdin",
            "-w",
            str(env),
        ],
        input="a long enough password\n",
    )
    assert added.exit_code == 0, added.output
    assert "carol (supervisor) added to ngo-x" in added.output
    short = runner.invoke(
        app, ["users", "add", "dan", "--org", "ngo-x", "--password-stdin", "-w", str(env)], input="short\n"
    )
    assert short.exit_code == 1 and "at least 12" in short.output
    listed = runner.invoke(app, ["users", "list", "-w", str(env)])
    assert "ngo-x\tcarol\tsupervisor\tactive" in listed.output and "argon2" not in listed.output
    created = runner.invoke(app, ["api-keys", "create", "carol", "-w", str(env)])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("cbk_")

    service = create_app(Settings(secret_key=SECRET), Workspace(env))
    client = TestClient(service, base_url="https://testserver")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).json()["org_id"] == "ngo-x"
    revoked = runner.invoke(app, ["api-keys", "revoke", key.split(".")[0], "-w", str(env)])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}).status_code == 401
    disabled = runner.invoke(app, ["users", "disable", "carol", "-w", str(env)])
    assert "carol is disabled" in disabled.output


def test_serve_refuses_the_demo_secret(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINBREAKER_SECRET_KEY", DEMO_SECRET)
    result = CliRunner().invoke(app, ["serve", "-w", str(env), "--port", "8765"])
    assert result.exit_code == 1 and "demo secret" in result.output


def test_demo_users_only_in_demo_mode(env: Path) -> None:
    with pytest.raises(ConfigurationError, match="demo mode"):
        prepare_demo_users(Workspace(env), Settings(secret_key=DEMO_SECRET, demo_mode=False))
    demo = Settings(secret_key=DEMO_SECRET, demo_mode=True)
    username, password = prepare_demo_users(Workspace(env), demo)
    again_user, again_password = prepare_demo_users(Workspace(env), demo)
    assert username == again_user == "demo" and password != again_password  # a fresh password each time
    client = TestClient(create_app(demo, Workspace(env)), base_url="https://testserver")
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    login = client.post(
        "/login",
        data={"username": username, "password": again_password, "csrf_token": token},
        follow_redirects=False,
    )
    assert login.status_code == 303
    assert client.get("/api/v1/me").json()["role"] == "supervisor"
