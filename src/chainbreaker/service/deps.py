"""FastAPI dependencies: the service context, one database session per request, the caller, CSRF.

Authentication is one dependency used by every route except login and static files: an API key
(`Authorization: Bearer cbk_...` or `X-API-Key`) or the signed session cookie. Requests that change
something with a cookie must also carry the session's CSRF token (form field or `X-CSRF-Token`
header) and, when the browser sends one, an `Origin` of this service or an allowed origin; API-key
requests carry no ambient credential, so they need neither.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from chainbreaker.core.errors import PermissionDeniedError
from chainbreaker.service import accounts
from chainbreaker.service.context import ServiceContext
from chainbreaker.service.errors import AuthenticationRequiredError
from chainbreaker.service.security.principal import Principal
from chainbreaker.service.security.roles import Permission
from chainbreaker.service.security.sessions import CSRF_FIELD, CSRF_HEADER, SessionState

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_ctx(request: Request) -> ServiceContext:
    ctx: ServiceContext = request.app.state.ctx
    return ctx


def get_browser_session(request: Request) -> SessionState:
    session: SessionState = request.scope["state"]["session"]
    return session


#: Threads reserved for ending request transactions. Kept apart from the threads that run routes, so a
#: request that holds a database connection can always commit and give it back, however many requests
#: wait for a route thread (sharing one pool deadlocks under load: holders wait for threads, threads
#: wait for connections).
_FINISH_THREADS = anyio.CapacityLimiter(8)


async def db_session(ctx: Annotated[ServiceContext, Depends(get_ctx)]) -> AsyncIterator[Session]:
    """One transaction per request: committed when the route returns, rolled back when it raises."""
    session = ctx.sessions()
    try:
        yield session
        await anyio.to_thread.run_sync(session.commit, limiter=_FINISH_THREADS)
    except BaseException:
        await anyio.to_thread.run_sync(session.rollback, limiter=_FINISH_THREADS)
        raise
    finally:
        await anyio.to_thread.run_sync(session.close, limiter=_FINISH_THREADS)


Ctx = Annotated[ServiceContext, Depends(get_ctx)]
Db = Annotated[Session, Depends(db_session, scope="function")]
Browser = Annotated[SessionState, Depends(get_browser_session)]


def _api_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("x-api-key")


def origin_allowed(request: Request, ctx: ServiceContext) -> bool:
    """A cross-site form post carries a foreign Origin; same-origin requests carry ours or none."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    own = f"{request.url.scheme}://{request.url.netloc}"
    return origin == own or origin in ctx.options.allowed_origins


async def check_csrf(request: Request, ctx: ServiceContext, browser: SessionState) -> None:
    if not origin_allowed(request, ctx):
        raise PermissionDeniedError("request from another site refused (Origin does not match)")
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            token = value if isinstance(value, str) else None
    if not browser.csrf_valid(token):
        raise PermissionDeniedError("missing or wrong CSRF token; reload the page and try again")


def _lookup(
    ctx: ServiceContext, key: str | None, user_id: int | None, org_id: str | None, sid: str | None = None
) -> Principal | None:
    """Find the caller in a short transaction of its own, so no connection is held while the route runs."""
    with ctx.sessions() as session:
        if key:
            return accounts.principal_for_api_key(session, key)
        if user_id is None or org_id is None:
            return None
        return accounts.principal_for_session(session, user_id, org_id, sid)


async def current_principal(request: Request, ctx: Ctx, browser: Browser) -> Principal:
    """The caller, or 401. Cookie-authenticated changes are checked for CSRF here, once for all routes."""
    key = _api_key(request)
    if key:
        principal = await anyio.to_thread.run_sync(_lookup, ctx, key, None, None)
        if principal is None:
            raise AuthenticationRequiredError("invalid or revoked API key")
        request.state.principal = principal
        return principal
    if browser.user_id is None or browser.org_id is None:
        raise AuthenticationRequiredError("log in first, or send an API key")
    principal = await anyio.to_thread.run_sync(
        _lookup, ctx, None, browser.user_id, browser.org_id, browser.sid
    )
    if principal is None:
        browser.log_out()
        raise AuthenticationRequiredError("your session has ended; log in again")
    if request.method not in SAFE_METHODS:
        await check_csrf(request, ctx, browser)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require(permission: Permission) -> Callable[[Principal], Principal]:
    """A dependency that lets the caller through only with this permission (403 otherwise)."""

    def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.can(permission):
            raise PermissionDeniedError(f"role {principal.role} may not {permission.value}")
        return principal

    return dependency


Reader = Annotated[Principal, Depends(require(Permission.READ))]
Screener = Annotated[Principal, Depends(require(Permission.SCREEN))]
Worker = Annotated[Principal, Depends(require(Permission.WORK))]
Auditor = Annotated[Principal, Depends(require(Permission.AUDIT))]
