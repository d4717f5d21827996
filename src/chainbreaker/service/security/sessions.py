"""Signed session cookies and the CSRF tokens bound to them.

The cookie holds only ids, a random nonce and the id of a server-side session row (which logout and a
password change revoke), signed with the service secret (itsdangerous), never personal data. Every visitor gets a session once a page needs a CSRF token, so the login form itself
is protected. The CSRF token is an HMAC of the session nonce: a page from another site can neither read
it nor forge it, and logging in rotates the nonce so an attacker cannot plant a known session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE_NAME = "cb_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


@dataclass
class SessionState:
    """What one request knows about its browser session."""

    nonce: str
    user_id: int | None = None
    org_id: str | None = None
    #: The server-side session this cookie belongs to (see session_store); None before login.
    sid: str | None = None
    dirty: bool = False
    cleared: bool = False
    secret: str = field(default="", repr=False)

    def csrf_token(self) -> str:
        """The token forms and scripts send back; reading it makes sure the browser has the cookie."""
        if not self.nonce:
            self.nonce = secrets.token_urlsafe(16)
        self.dirty = self.dirty or self.user_id is None
        return hmac.new(self.secret.encode(), f"csrf:{self.nonce}".encode(), hashlib.sha256).hexdigest()

    def csrf_valid(self, token: str | None) -> bool:
        if not token or not self.nonce:
            return False
        return hmac.compare_digest(self.csrf_token(), token)

    def log_in(self, user_id: int, org_id: str, sid: str | None = None) -> None:
        """A fresh nonce on every login: a session planted before login is worth nothing after it."""
        self.nonce = secrets.token_urlsafe(16)
        self.user_id = user_id
        self.org_id = org_id
        self.sid = sid
        self.dirty = True

    def log_out(self) -> None:
        self.nonce = secrets.token_urlsafe(16)
        self.user_id = None
        self.org_id = None
        self.sid = None
        self.dirty = True
        self.cleared = True


class SessionMiddleware:
    """Pure ASGI middleware: loads `scope['state']['session']`, writes the cookie back only when needed."""

    def __init__(
        self, app: ASGIApp, *, secret: str, max_age: int, secure: bool, cookie_name: str = COOKIE_NAME
    ) -> None:
        self.app = app
        self.secret = secret
        self.max_age = max_age
        self.secure = secure
        self.cookie_name = cookie_name
        self.serializer = URLSafeTimedSerializer(secret, salt="chainbreaker.session")

    def load(self, raw: str | None) -> SessionState:
        if raw:
            try:
                data: Any = self.serializer.loads(raw, max_age=self.max_age)
            except BadSignature:
                data = None
            if isinstance(data, dict) and isinstance(data.get("n"), str):
                uid, org, sid = data.get("u"), data.get("o"), data.get("s")
                return SessionState(
                    nonce=data["n"],
                    user_id=uid if isinstance(uid, int) and not isinstance(uid, bool) else None,
                    org_id=org if isinstance(org, str) else None,
                    sid=sid if isinstance(sid, str) else None,
                    secret=self.secret,
                )
        return SessionState(nonce="", secret=self.secret)

    def cookie_header(self, session: SessionState) -> str:
        value = self.serializer.dumps(
            {"n": session.nonce, "u": session.user_id, "o": session.org_id, "s": session.sid}
        )
        parts = [
            f"{self.cookie_name}={value}",
            "Path=/",
            "HttpOnly",
            "SameSite=Lax",
            f"Max-Age={self.max_age}",
        ]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw: str | None = None
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie: SimpleCookie = SimpleCookie()
                try:
                    cookie.load(value.decode("latin-1"))
                except Exception:  # noqa: S112 - a malformed cookie header is treated as no session
                    continue
                if self.cookie_name in cookie:
                    raw = cookie[self.cookie_name].value
        session = self.load(raw)
        scope.setdefault("state", {})["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.dirty and session.nonce:
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", self.cookie_header(session))
            await send(message)

        await self.app(scope, receive, send_with_cookie)
