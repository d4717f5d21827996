"""Flash messages ("Case moved to in review.") carried by a short-lived signed cookie, never in the URL.

A message in the query string ends up in browser history, proxies and the address bar (one such URL
grew to 2 MB); here the redirect sets a cookie signed with the service secret and bound to the
session's nonce, and the next page shows it once and clears it. The session cookie itself is left
alone: it holds only ids and the nonce (see `security/sessions.py`).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from chainbreaker.service.context import ServiceContext
from chainbreaker.service.security.sessions import SessionState

COOKIE = "cb_flash"
#: A flash is for the very next page: a minute is plenty for a redirect to be followed.
MAX_AGE_SECONDS = 60
MAX_LENGTH = 500


def _serializer(ctx: ServiceContext) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(ctx.secret, salt="chainbreaker.flash")


def _session(request: Request) -> SessionState | None:
    session = request.scope.get("state", {}).get("session")
    return session if isinstance(session, SessionState) else None


def redirect(request: Request, target: str, message: str) -> RedirectResponse:
    """A 303 to `target` that shows `message` on the next page of this session."""
    response = RedirectResponse(target, status_code=303)
    session = _session(request)
    ctx: ServiceContext = request.app.state.ctx
    value = _serializer(ctx).dumps({"m": message[:MAX_LENGTH], "n": session.nonce if session else ""})
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE_SECONDS,
        path="/",
        httponly=True,
        samesite="lax",
        secure=ctx.options.secure_cookies,
    )
    return response


def take(request: Request) -> str | None:
    """The pending message of this session, if any (the caller clears the cookie with `clear`)."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    ctx: ServiceContext = request.app.state.ctx
    try:
        data = _serializer(ctx).loads(raw, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        return None
    session = _session(request)
    if not isinstance(data, dict) or data.get("n") != (session.nonce if session else ""):
        return None
    message = data.get("m")
    return message if isinstance(message, str) else None


def clear(request: Request, response: Response) -> None:
    if COOKIE in request.cookies:
        ctx: ServiceContext = request.app.state.ctx
        response.delete_cookie(COOKIE, path="/", secure=ctx.options.secure_cookies, httponly=True)
