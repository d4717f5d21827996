"""Security of the service: secrets, login, sessions, CSRF, throttling, headers, CORS, API keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from svc_world import PASSWORD, World, csrf_of, make_world

from chainbreaker.core.errors import ConfigurationError
from chainbreaker.core.settings import DEMO_SECRET, Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.service.app import create_app
from chainbreaker.service.security.throttle import LoginThrottle, TooManyAttemptsError


def test_refuses_the_demo_secret_outside_demo_mode(tmp_path: Path) -> None:
    settings = Settings(
        secret_key=DEMO_SECRET, demo_mode=False, database_url=f"sqlite:///{tmp_path}/c.sqlite"
    )
    with pytest.raises(ConfigurationError, match="demo secret"):
        create_app(settings, Workspace(tmp_path / "ws"))


def test_refuses_a_short_secret(tmp_path: Path) -> None:
    settings = Settings(secret_key="short", demo_mode=False, database_url=f"sqlite:///{tmp_path}/c.sqlite")
    with pytest.raises(ConfigurationError, match="at least"):
        create_app(settings, Workspace(tmp_path / "ws"))


def test_demo_mode_accepts_the_demo_secret(tmp_path: Path) -> None:
    settings = Settings(secret_key=DEMO_SECRET, demo_mode=True, database_url=f"sqlite:///{tmp_path}/c.sqlite")
    assert create_app(settings, Workspace(tmp_path / "ws")).state.ctx.settings.demo_mode


def test_login_sets_a_hardened_cookie_and_logout_ends_it(world: World) -> None:
    client = world.client()
    page = client.get("/login")
    token = csrf_of(page.text)
    response = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    for flag in ("HttpOnly", "SameSite=Lax", "Secure", "Path=/"):
        assert flag in cookie
    assert "alice" not in cookie  # ids and a nonce only, signed
    assert client.get("/api/v1/me").json()["username"] == "alice"
    home = client.get("/screening")
    assert (
        client.post("/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False).status_code
        == 303
    )
    assert client.get("/api/v1/me").status_code == 401


def test_session_rotates_on_login(world: World) -> None:
    client = world.client()
    token_before = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token_before})
    token_after = csrf_of(client.get("/screening").text)
    assert token_before != token_after


def test_wrong_password_is_refused_without_saying_which_part(world: World) -> None:
    client = world.client()
    token = csrf_of(client.get("/login").text)
    wrong = client.post(
        "/login", data={"username": "alice", "password": "not the password", "csrf_token": token}
    )
    unknown = client.post(
        "/login", data={"username": "nobody", "password": "not the password", "csrf_token": token}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong user name or password" in wrong.text and "Wrong user name or password" in unknown.text


def test_login_without_csrf_token_is_refused(world: World) -> None:
    client = world.client()
    client.get("/login")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403


def test_forms_need_the_csrf_token_and_a_same_origin(world: World) -> None:
    client = world.login("alice")
    no_token = client.post("/screening", data={"name": "Viktor Bout"})
    assert no_token.status_code == 403
    token = csrf_of(client.get("/screening").text)
    cross_site = client.post(
        "/screening",
        data={"name": "Viktor Bout", "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403
    same_site = client.post(
        "/screening",
        data={"name": "Viktor Bout", "csrf_token": token},
        headers={"Origin": "https://testserver"},
    )
    assert same_site.status_code == 200


def test_json_api_with_a_cookie_needs_the_csrf_header(world: World) -> None:
    client = world.login("alice")
    assert client.post("/api/v1/screening", json={"name": "Viktor Bout"}).status_code == 403
    token = csrf_of(client.get("/screening").text)
    ok = client.post("/api/v1/screening", json={"name": "Viktor Bout"}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200


def test_api_keys_authenticate_and_bad_keys_do_not(world: World) -> None:
    assert world.api("bob").get("/api/v1/me").json() == {
        "username": "bob",
        "role": "analyst",
        "org_id": "bank-b",
        "org_name": "BANK-B",
        "via": "api_key",
    }
    client = world.client()
    for bad in ("cbk_00000000.nothing", "garbage", world.keys["bob"] + "x"):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {bad}"}).status_code == 401


def test_forged_session_cookie_is_ignored(world: World) -> None:
    client = world.client()
    client.cookies.set("cb_session", "eyJ1IjoxLCJvIjoiYmFuay1hIiwibiI6IngifQ.forged.sig", domain="testserver")
    assert client.get("/api/v1/me").status_code == 401


def test_pages_redirect_to_login_and_api_answers_401(world: World) -> None:
    client = world.client()
    page = client.get("/screening", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login?next=")
    api = client.get("/api/v1/me")
    assert api.status_code == 401 and api.headers["www-authenticate"].startswith("Bearer")


def test_login_redirect_never_leaves_the_site(world: World) -> None:
    client = world.client()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_security_headers_on_pages_api_errors_and_assets(world: World) -> None:
    client = world.client()
    for path in ("/login", "/api/v1/me", "/static/app.css", "/no-such-page"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["strict-transport-security"].startswith("max-age=")


def test_no_wildcard_cors(world: World, tmp_path: Path) -> None:
    response = world.client().options(
        "/api/v1/me", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    )
    assert "access-control-allow-origin" not in response.headers
    with pytest.raises(ValueError, match="exact"):
        make_world(world.workspace, tmp_path / "c.sqlite", with_cases=False, allowed_origins=("*",))


def test_allowed_origin_gets_cors_and_others_do_not(service_workspace: Workspace, tmp_path: Path) -> None:
    other = make_world(
        service_workspace,
        tmp_path / "c.sqlite",
        with_cases=False,
        allowed_origins=("https://partner.example",),
    )
    client = other.client()
    ok = client.get("/api/v1/me", headers={"Origin": "https://partner.example"})
    assert ok.headers["access-control-allow-origin"] == "https://partner.example"
    bad = client.get("/api/v1/me", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in bad.headers


def test_login_is_rate_limited(service_workspace: Workspace, tmp_path: Path) -> None:
    limited = make_world(service_workspace, tmp_path / "c.sqlite", with_cases=False, login_max_failures=3)
    client = limited.client()
    token = csrf_of(client.get("/login").text)
    for _ in range(3):
        assert (
            client.post(
                "/login", data={"username": "alice", "password": "wrong!", "csrf_token": token}
            ).status_code
            == 401
        )
    blocked = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0


def test_throttle_window_slides() -> None:
    now = [0.0]
    throttle = LoginThrottle(2, 60, clock=lambda: now[0])
    throttle.failed("alice", "1.2.3.4")
    throttle.failed("alice", "1.2.3.4")
    with pytest.raises(TooManyAttemptsError):
        throttle.check("alice", "1.2.3.4")
    now[0] = 61.0
    throttle.check("alice", "1.2.3.4")


def test_secure_flag_is_off_only_when_asked(service_workspace: Workspace, tmp_path: Path) -> None:
    dev = make_world(service_workspace, tmp_path / "c.sqlite", with_cases=False, secure_cookies=False)
    client = dev.client()
    client.get("/login")
    response = client.get("/login")
    token = csrf_of(response.text)
    login = client.post(
        "/login",
        data={"username": "alice", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert "Secure" not in login.headers["set-cookie"]
    assert "strict-transport-security" not in login.headers
