"""Finding 3 (medium): the session cookie still worked after logout (200 on /api/v1/me, 201 on a
comment) for up to 8 hours. Sessions now live on the server: logout and a password change end them."""

from __future__ import annotations

from svc_world import PASSWORD, World, csrf_of

from chainbreaker.service import accounts


def _cookie_of(client) -> str:  # type: ignore[no-untyped-def]
    value = client.cookies.get("cb_session")
    assert value
    return str(value)


def test_copied_cookie_is_dead_after_logout(sec_world: World) -> None:
    client = sec_world.login("alice")
    stolen = _cookie_of(client)
    home = client.get("/screening")
    token = csrf_of(home.text)
    ref = sec_world.api("alice").get("/api/v1/cases").json()[0]["reference"]
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303

    replay = sec_world.client()
    replay.cookies.set("cb_session", stolen)
    assert replay.get("/api/v1/me").status_code == 401
    comment = replay.post(
        f"/api/v1/cases/{ref}/comments", json={"body": "still here"}, headers={"x-csrf-token": token}
    )
    assert comment.status_code == 401
    with sec_world.app.state.ctx.sessions() as session:
        from sqlalchemy import select

        from chainbreaker.storage.models import AuditEntry

        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.actor == "alice")).all()
        assert "user.logout" in actions


def test_password_change_ends_every_open_session(sec_world: World) -> None:
    first, second = sec_world.login("sam"), sec_world.login("sam")
    assert first.get("/api/v1/me").status_code == second.get("/api/v1/me").status_code == 200
    with sec_world.app.state.ctx.sessions.begin() as session:
        accounts.set_password(session, "sam", PASSWORD + " v2", actor="test")
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 401
    assert sec_world.login("sam", PASSWORD + " v2").get("/api/v1/me").status_code == 200
    with sec_world.app.state.ctx.sessions.begin() as session:
        accounts.set_password(session, "sam", PASSWORD, actor="test")  # leave the world as found


def test_cookie_without_a_server_side_session_is_refused(sec_world: World) -> None:
    """A cookie signed with the right key but naming no session row (as the old cookies did) is refused."""
    middleware = next(m for m in sec_world.app.user_middleware if m.cls.__name__ == "SessionMiddleware")
    from itsdangerous import URLSafeTimedSerializer

    serializer = URLSafeTimedSerializer(middleware.kwargs["secret"], salt="chainbreaker.session")
    client = sec_world.client()
    client.cookies.set("cb_session", serializer.dumps({"n": "x", "u": 1, "o": "bank-a"}))
    assert client.get("/api/v1/me").status_code == 401
