"""One way to render a page: the template gets the caller, the CSRF token and the active menu entry."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from chainbreaker.service.security.principal import Principal
from chainbreaker.service.security.sessions import SessionState
from chainbreaker.service.web import flash as flash_messages


def page(
    request: Request,
    template: str,
    principal: Principal | None,
    nav: str = "",
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    session: SessionState = request.scope["state"]["session"]
    values = {"principal": principal, "csrf_token": session.csrf_token(), "nav": nav, **context}
    values.setdefault("flash", flash_messages.take(request))
    response = templates.TemplateResponse(request, template, values, status_code=status_code)
    flash_messages.clear(request, response)
    return response


def safe_next(target: str | None) -> str:
    """Only a path on this site: never `//evil.example` or `https://...` (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
