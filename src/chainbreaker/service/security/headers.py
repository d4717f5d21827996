"""Security headers on every response, set in one pure ASGI middleware.

The Content-Security-Policy allows scripts, styles and images from the service itself only: every
asset is served from the package, and no template has inline script or style, so nothing needs
'unsafe-inline'. Framing is refused (clickjacking), MIME sniffing is off, and pages with case data
are not cached by the browser.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

DEFAULT_HEADERS: dict[str, str] = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]


class SecurityHeadersMiddleware:
    """Adds the headers to every response, including the answer to an unexpected error.

    An exception no handler took used to travel past this middleware to Starlette's outermost error
    handler: the 500 then had no security headers and the server dropped the keep-alive connection.
    `on_error` (the service's own 500 answer: a reference id, nothing else) is called here instead.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        hsts: bool,
        extra: dict[str, str] | None = None,
        on_error: ErrorHandler | None = None,
    ) -> None:
        self.app = app
        self.on_error = on_error
        self.headers = dict(DEFAULT_HEADERS)
        if hsts:
            self.headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
        self.headers.update({k.lower(): v for k, v in (extra or {}).items()})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
                if not is_static:
                    headers["cache-control"] = "no-store"
            await send(message)

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send_with_headers(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started or self.on_error is None:
                raise
            response = await self.on_error(Request(scope, receive), exc)
            await response(scope, receive, tracking_send)
