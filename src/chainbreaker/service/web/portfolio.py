"""Portfolio pages: upload holdings, the dashboard (heat map, map, top holdings with reasons) and a holding's
page with its evidence and engagement log. Forms post back and redirect (no JavaScript needed)."""

from __future__ import annotations

import threading
from dataclasses import asdict
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from chainbreaker.core.errors import NotFoundError, PermissionDeniedError
from chainbreaker.portfolio import engagement as eng
from chainbreaker.portfolio import runs
from chainbreaker.service.api.portfolio import PReader, PWorker, _screener_or_none, engagement_kind
from chainbreaker.service.deps import Ctx, Db
from chainbreaker.service.security.roles import Permission
from chainbreaker.service.web.render import page

router = APIRouter(include_in_schema=False)


def _svg(text: str) -> Markup:
    return Markup(text)  # noqa: S704 - drawn by chainbreaker.portfolio.charts from numbers and escaped text


#: An upload is assessed in a background thread; the request waits this long for it, so a small book comes
#: back assessed and a large one (100,000 holdings take tens of seconds) shows its progress instead.
WAIT_SECONDS = 8.0


def _dashboard(
    request: Request, ctx: Ctx, who: PReader, status: int = 200, error: str | None = None
) -> HTMLResponse:
    view = runs.latest_run(ctx.workspace, who.org_id, limit=50)
    job = runs.read_job(ctx.workspace, who.org_id)
    if error is None and job and job.get("state") == "failed":
        error = f"{job.get('file', 'the file')}: {job.get('error', 'failed')}"
    return page(
        request,
        "portfolio.html",
        who,
        "portfolio",
        status,
        view=view,
        job=job,
        rejects=runs.rejects(ctx.workspace, who.org_id),
        heat=_svg(view.heat_svg) if view else None,
        world=_svg(view.map_svg) if view else None,
        error=error,
    )


@router.get("/portfolio", response_class=HTMLResponse)
def dashboard(request: Request, ctx: Ctx, who: PReader) -> HTMLResponse:
    return _dashboard(request, ctx, who)


@router.post("/portfolio/upload", response_model=None)
async def upload(request: Request, ctx: Ctx, who: PWorker, file: Annotated[UploadFile, File()]) -> Response:
    import anyio.to_thread

    data = await file.read(ctx.options.max_upload_bytes + 1)
    if len(data) > ctx.options.max_upload_bytes:
        return _dashboard(request, ctx, who, 413, f"file larger than {ctx.options.max_upload_bytes} bytes")
    job = runs.read_job(ctx.workspace, who.org_id)
    if job and job.get("state") == "running":
        return _dashboard(request, ctx, who, 409, "an assessment is still running: wait for it to finish")
    screener = ctx.loaded_screener() or await anyio.to_thread.run_sync(_screener_or_none, ctx)
    name = file.filename or "holdings.csv"
    runs.write_job(ctx.workspace, who.org_id, state="running", stage="queued", file=name)
    done = threading.Event()

    def work() -> None:
        try:
            runs.run_upload_job(
                ctx.workspace, who.org_id, data, name, screener=screener, con_factory=ctx.duckdb
            )
        finally:
            done.set()

    threading.Thread(target=work, name=f"portfolio-{who.org_id}", daemon=True).start()
    await anyio.to_thread.run_sync(done.wait, WAIT_SECONDS)
    return RedirectResponse("/portfolio", status_code=303)


@router.get("/portfolio/holdings/{holding_id}", response_class=HTMLResponse)
def holding_page(request: Request, holding_id: str, ctx: Ctx, db: Db, who: PReader) -> HTMLResponse:
    row = runs.holding_detail(ctx.workspace, who.org_id, holding_id)
    found = eng.find(db, who.org_id, holding_id)
    log = eng.view(db, who.org_id, found.id) if found else None
    return page(
        request,
        "portfolio_holding.html",
        who,
        "portfolio",
        row=row,
        engagement=asdict(log) if log else None,
        questions=eng.questions_from_row(row),
        can_divest=who.can(Permission.SUPERVISE),
        today=date.today().isoformat(),
    )


def _back(holding_id: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/portfolio/holdings/{holding_id}?done={done}", status_code=303)


@router.post("/portfolio/holdings/{holding_id}/engage")
def engage(
    holding_id: str, ctx: Ctx, db: Db, who: PWorker, reason: Annotated[str, Form(max_length=2000)] = ""
) -> RedirectResponse:
    row = runs.holding_detail(ctx.workspace, who.org_id, holding_id)
    eng.open_engagement(
        db,
        who.org_id,
        who.actor,
        holding_id,
        row["issuer_name"],
        kind=engagement_kind(who),
        questions=eng.questions_from_row(row),
        score=row["score"],
        band=row["band"],
        reason=reason,
    )
    return _back(holding_id, "engagement-opened")


def _holding_of(db: Db, org_id: str, engagement_id: int) -> str:
    return eng.view(db, org_id, engagement_id).holding_id


@router.post("/portfolio/engagements/{engagement_id}/contact")
def contact(
    engagement_id: int,
    db: Db,
    who: PWorker,
    contact: Annotated[str, Form(max_length=200)] = "",
    answer: Annotated[str, Form(max_length=5000)] = "",
    next_step: Annotated[str, Form(max_length=2000)] = "",
    on: Annotated[str, Form(max_length=10)] = "",
) -> RedirectResponse:
    eng.log_contact(
        db,
        who.org_id,
        who.actor,
        engagement_id,
        contact=contact,
        answer=answer,
        next_step=next_step,
        on=_date(on),
    )
    return _back(_holding_of(db, who.org_id, engagement_id), "contact-recorded")


def _date(value: str) -> date | None:
    from chainbreaker.core.errors import InputError

    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise InputError(f"not a date (YYYY-MM-DD): {value!r}") from exc


@router.post("/portfolio/engagements/{engagement_id}/escalate")
def escalate(
    engagement_id: int,
    db: Db,
    who: PWorker,
    reason: Annotated[str, Form(max_length=2000)] = "",
    deadline: Annotated[str, Form(max_length=10)] = "",
    exit_harm_weighed: Annotated[str, Form(max_length=5)] = "",
) -> RedirectResponse:
    current = eng.view(db, who.org_id, engagement_id)
    if current.stage == "vote_covenant" and not who.can(Permission.SUPERVISE):
        raise PermissionDeniedError("exit (divest) is a supervisor's decision")
    eng.escalate(
        db,
        who.org_id,
        who.actor,
        engagement_id,
        reason=reason,
        deadline=_date(deadline),
        exit_harm_weighed=exit_harm_weighed == "yes",
    )
    return _back(current.holding_id, "escalated")


@router.post("/portfolio/engagements/{engagement_id}/close")
def close(
    engagement_id: int, db: Db, who: PWorker, reason: Annotated[str, Form(max_length=2000)] = ""
) -> RedirectResponse:
    holding_id = _holding_of(db, who.org_id, engagement_id)
    eng.close_engagement(db, who.org_id, who.actor, engagement_id, reason=reason)
    return _back(holding_id, "closed")


__all__ = ["NotFoundError", "router"]
