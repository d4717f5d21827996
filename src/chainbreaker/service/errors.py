"""The one place where exceptions become HTTP answers.

Package errors carry their own status (`ChainbreakerError.http_status`); the message of a 4xx error is
meant for the user and is shown as is. A 5xx answer never shows its message (it may hold SQL or data):
the client gets a reference id, the log gets the error type under the same id.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from chainbreaker.core.errors import ChainbreakerError
from chainbreaker.core.logging import get_logger
from chainbreaker.storage.invariants import SafeguardViolationError

log = get_logger("chainbreaker.service")

API_PREFIX = "/api/"


class AuthenticationRequiredError(ChainbreakerError):
    """No valid session cookie or API key came with the request."""

    http_status = 401


class PayloadTooLargeError(ChainbreakerError):
    """An upload is larger than the service accepts."""

    http_status = 413


class UnsupportedMediaError(ChainbreakerError):
    """An upload is not of a type the endpoint reads (for example not CSV)."""

    http_status = 415


def wants_json(request: Request) -> bool:
    """API paths answer JSON; pages answer HTML (and send a browser to the login page on 401)."""
    return request.url.path.startswith(API_PREFIX) or request.url.path == "/openapi.json"


def _page(
    request: Request, status: int, title: str, detail: str, headers: dict[str, str] | None = None
) -> Response:
    templates = getattr(request.app.state, "templates", None)
    if templates is None:
        return HTMLResponse(f"<h1>{status}</h1>", status_code=status, headers=headers)
    session = request.scope.get("state", {}).get("session")
    principal = getattr(request.state, "principal", None)
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        {
            "status": status,
            "title": title,
            "detail": detail,
            "principal": principal,
            "csrf_token": session.csrf_token() if session is not None else "",
        },
        status_code=status,
        headers=headers,
    )


def error_response(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None
) -> Response:
    if wants_json(request):
        body: dict[str, Any] = {"detail": detail, "status": status}
        return JSONResponse(body, status_code=status, headers=headers)
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    titles = {403: "Not allowed", 404: "Not found", 409: "Conflict", 413: "Too large", 429: "Slow down"}
    return _page(request, status, titles.get(status, "Cannot do that"), detail, headers)


def _server_error(request: Request, exc: BaseException) -> Response:
    ref = secrets.token_hex(6)
    log.error("request failed", extra={"ref": ref, "error": type(exc).__name__, "path": request.url.path})
    return error_response(request, 500, f"internal error (reference {ref})")


def _audit_refusal(request: Request, status: int, message: str) -> None:
    """Write a refused change (403, or a broken safeguard) to the audit log in a transaction of its own:
    the request's own transaction is rolled back, and the log must still show who tried."""
    from chainbreaker.cases import audit

    principal = getattr(request.state, "principal", None)
    ctx = getattr(request.app.state, "ctx", None)
    if principal is None or ctx is None:
        return
    try:
        with ctx.sessions.begin() as session:
            audit.record(
                session,
                principal.org_id,
                principal.actor,
                "request.refused",
                "request",
                request.url.path[:100],
                {"method": request.method, "status": status, "why": message[:300]},
            )
    except Exception as exc:
        log.error("refusal not audited", extra={"error": type(exc).__name__})


async def handle_chainbreaker_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ChainbreakerError)
    status = exc.http_status
    if request.method not in ("GET", "HEAD", "OPTIONS") and (
        status == 403 or isinstance(exc, SafeguardViolationError)
    ):
        await anyio.to_thread.run_sync(_audit_refusal, request, status, str(exc))
    if status >= 500 and status != 503:
        return _server_error(request, exc)
    headers = {}
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int):
        headers["retry-after"] = str(retry_after)
    if status == 401 and wants_json(request):
        headers["www-authenticate"] = 'Bearer realm="chainbreaker"'
    return error_response(request, status, str(exc), headers)


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))


async def handle_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))}
        for err in exc.errors()
    ]
    if wants_json(request):
        return JSONResponse({"detail": problems, "status": 422}, status_code=422)
    text = "; ".join(f"{'.'.join(map(str, p['loc'][1:]))}: {p['msg']}" for p in problems)
    return _page(request, 422, "Please check the form", text)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    return _server_error(request, exc)


async def handle_overflow(request: Request, exc: Exception) -> Response:
    """An id past what the database stores (64 bits) names nothing: 404, not a server error."""
    return error_response(request, 404, "not found (the id is out of range)")


def install(app: FastAPI) -> None:
    app.add_exception_handler(ChainbreakerError, handle_chainbreaker_error)
    app.add_exception_handler(OverflowError, handle_overflow)
    app.add_exception_handler(StarletteHTTPException, handle_http_exception)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(Exception, handle_unexpected)
