"""Log in and log out pages: CSRF-checked, throttled, and the session nonce rotates on every login."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chainbreaker.cases import audit
from chainbreaker.core.logging import get_logger, redact
from chainbreaker.service import accounts
from chainbreaker.service.deps import Browser, Ctx, CurrentPrincipal, Db, check_csrf
from chainbreaker.service.security import session_store
from chainbreaker.service.web.render import page, safe_next

router = APIRouter(include_in_schema=False)
log = get_logger("chainbreaker.service.auth")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return page(request, "login.html", None, next=safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    ctx: Ctx,
    db: Db,
    browser: Browser,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    await check_csrf(request, ctx, browser)
    client = request.client.host if request.client else "unknown"
    ctx.throttle.check(username, client)
    principal = accounts.check_password(db, username, password)
    if principal is None:
        ctx.throttle.failed(username, client)
        log.info("login failed", extra={"user": redact(username), "client": redact(client)})
        return page(
            request,
            "login.html",
            None,
            status_code=401,
            error="Wrong user name or password.",
            username=username,
            next=safe_next(next),
        )
    ctx.throttle.succeeded(username, client)
    sid = session_store.start(db, principal.user_id, principal.org_id, ctx.options.session_max_age_seconds)
    browser.log_in(principal.user_id, principal.org_id, sid)
    audit.record(db, principal.org_id, principal.actor, "user.login", "user", str(principal.user_id), {})
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(principal: CurrentPrincipal, browser: Browser, db: Db) -> Response:
    """End the session on the server too: a copy of the cookie is worthless from now on."""
    session_store.revoke(db, browser.sid)
    audit.record(db, principal.org_id, principal.actor, "user.logout", "user", str(principal.user_id), {})
    browser.log_out()
    return RedirectResponse("/login", status_code=303)
