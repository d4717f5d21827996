"""The public grievance intake page: the one page of the service that needs no login.

It only accepts submissions and never shows one back (the thank-you page shows the new reference and
nothing else). Abuse limits: a CSRF token from the page itself, a hidden honeypot field, and at most
`PER_CLIENT` submissions per client per hour and `PER_ORG` per organisation per hour, counted under a keyed
hash of the client address that is never logged or stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.remedy import grievances
from chainbreaker.remedy.i18n import text_for
from chainbreaker.service.deps import Browser, Ctx, Db, check_csrf
from chainbreaker.service.web.render import page
from chainbreaker.storage.models import Organisation
from chainbreaker.storage.remedy_models import GRIEVANCE_CATEGORIES

router = APIRouter(tags=["grievances (public)"])

PER_CLIENT = 5
PER_ORG = 200
WINDOW = 3600.0


class IntakeLimiter:
    """Sliding-window counts per client and per organisation; keys are keyed hashes, never addresses."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _allow(self, key: str, limit: int, now: float) -> bool:
        window = self._hits.setdefault(key, deque())
        while window and now - window[0] > WINDOW:
            window.popleft()
        if len(window) >= limit:
            return False
        window.append(now)
        return True

    def allow(self, client: str, org_id: str) -> bool:
        now = time.monotonic()
        digest = hmac.new(self._key, client.encode(), hashlib.sha256).hexdigest()[:32]
        with self._lock:
            if len(self._hits) > 50_000:  # drop idle keys so the table cannot grow without bound
                self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] <= WINDOW}
            return self._allow("c:" + digest, PER_CLIENT, now) and self._allow("o:" + org_id, PER_ORG, now)


LIMITER = IntakeLimiter()


def _organisation(db: Db, org_id: str) -> Organisation:
    org = db.get(Organisation, org_id)
    if org is None or org.kind not in ("bank", "investor"):
        raise NotFoundError("no such grievance mechanism")
    return org


def _form(request: Request, org: Organisation, lang: str, status: int = 200, **extra: Any) -> HTMLResponse:
    lang, text = text_for(lang)
    return page(
        request,
        "grievance_new.html",
        None,
        status_code=status,
        org=org,
        lang=lang,
        t=text,
        categories=GRIEVANCE_CATEGORIES,
        **extra,
    )


@router.get("/grievances/new/{org_id}", response_class=HTMLResponse, summary="Public grievance form")
def new_grievance(request: Request, org_id: str, db: Db, lang: str = "en") -> HTMLResponse:
    return _form(request, _organisation(db, org_id), lang, values={})


@router.post("/grievances/new/{org_id}", response_class=HTMLResponse, summary="Submit a grievance")
async def submit_grievance(
    request: Request, org_id: str, db: Db, ctx: Ctx, browser: Browser, lang: str = "en"
) -> HTMLResponse:
    org = _organisation(db, org_id)
    await check_csrf(request, ctx, browser)
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    language, text = text_for(values.get("language") or lang)
    client = request.client.host if request.client else "unknown"
    if not LIMITER.allow(client, org.id):
        return _form(request, org, language, status=429, error=text["too_many"], values=values)
    if values.get("website"):  # the honeypot: people never see or fill it
        return _form(request, org, language, done="G-000000")
    uploads = [item for item in form.getlist("attachments") if not isinstance(item, str) and item.filename]
    attachments = [
        grievances.Attachment(item.filename or "attachment", item.content_type or "", await item.read())
        for item in uploads
    ]
    try:
        data = grievances.GrievanceInput(
            category=values.get("category", ""),
            about_name=values.get("about_name", ""),
            description=values.get("description", ""),
            about_country=values.get("about_country") or None,
            language=language,
            workers_affected=int(values["workers"]) if values.get("workers", "").isdigit() else None,
            anonymous=values.get("anonymous") == "on",
            contact=values.get("contact") or None,
        )
        grievance = grievances.submit(db, org.id, data, channel="web", attachments=attachments)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return _form(request, org, language, status=422, error=f"{text['error']} {problems}", values=values)
    except InputError as exc:
        return _form(request, org, language, status=422, error=f"{text['error']} {exc}", values=values)
    return _form(request, org, language, done=grievance.reference)
