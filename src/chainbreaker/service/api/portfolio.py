"""Portfolio API for investors and lenders: assess holdings, read the dashboard and holdings, engage,
and assess a modern-slavery statement. Open to investor organisations and to banks (as lenders)."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from pydantic import BaseModel, Field

from chainbreaker.core.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from chainbreaker.portfolio import engagement as eng
from chainbreaker.portfolio import runs
from chainbreaker.portfolio.disclosure import FRAMEWORKS, assess_statement
from chainbreaker.service.deps import Ctx, Db, require
from chainbreaker.service.security.principal import Principal
from chainbreaker.service.security.roles import Permission

router = APIRouter(prefix="/api/v1/portfolio", tags=["portfolio"])
disclosure_router = APIRouter(prefix="/api/v1/disclosure", tags=["disclosure"])
PORTFOLIO_KINDS = ("investor", "bank")
MAX_STATEMENT_BYTES = 20 * 1024 * 1024


def _portfolio(permission: Permission) -> Any:
    """The caller with `permission`, in an investor organisation or a bank (a lender)."""
    base = require(permission)

    # A default, not Annotated[...]: the annotation is a string here and could not see `base`.
    def dependency(who: Principal = Depends(base)) -> Principal:  # noqa: B008
        if who.org_kind not in PORTFOLIO_KINDS:
            raise PermissionDeniedError(f"portfolio pages serve investors and lenders, not a {who.org_kind}")
        return who

    return dependency


PReader = Annotated[Principal, Depends(_portfolio(Permission.READ))]
PWorker = Annotated[Principal, Depends(_portfolio(Permission.WORK))]
PSupervisor = Annotated[Principal, Depends(_portfolio(Permission.SUPERVISE))]


def engagement_kind(who: Principal) -> str:
    return "investor" if who.org_kind == "investor" else "lender"


class OpenIn(BaseModel):
    reason: str = Field(min_length=10, max_length=2000)
    framework: str = Field(default="uk-msa", pattern="^(uk-msa|au-msa|set)$")


class ContactIn(BaseModel):
    contact: str = Field(min_length=1, max_length=200, description="a role, not a person's name")
    answer: str = Field(default="", max_length=5000)
    next_step: str = Field(default="", max_length=2000)
    date: dt.date | None = None


class EscalateIn(BaseModel):
    reason: str = Field(min_length=10, max_length=2000)
    date: dt.date | None = None
    deadline: dt.date | None = None
    exit_harm_weighed: bool = False


class CloseIn(BaseModel):
    reason: str = Field(min_length=10, max_length=2000)


@router.post("/assessments", summary="Assess a holdings CSV (replaces the organisation's last run)")
async def assess(
    ctx: Ctx,
    who: PWorker,
    response: Response,
    file: Annotated[UploadFile, File(description="holdings CSV")],
    background: Annotated[
        bool, Query(description="answer 202 at once and assess in the background; poll GET /job")
    ] = False,
) -> dict[str, Any]:
    data = await file.read(ctx.options.max_upload_bytes + 1)
    if len(data) > ctx.options.max_upload_bytes:
        raise InputError(f"file larger than {ctx.options.max_upload_bytes} bytes", file=file.filename)
    job = runs.read_job(ctx.workspace, who.org_id)
    if job and job.get("state") == "running":
        raise ConflictError("an assessment is still running: poll GET /api/v1/portfolio/job")
    screener = ctx.loaded_screener() or await anyio.to_thread.run_sync(_screener_or_none, ctx)
    if background:
        name = file.filename or "holdings.csv"
        runs.write_job(ctx.workspace, who.org_id, state="running", stage="queued", file=name)
        threading.Thread(
            target=runs.run_upload_job,
            args=(ctx.workspace, who.org_id, data, name),
            kwargs={"screener": screener, "con_factory": ctx.duckdb},
            name=f"portfolio-{who.org_id}",
            daemon=True,
        ).start()
        response.status_code = 202
        return runs.read_job(ctx.workspace, who.org_id) or {}

    def run() -> dict[str, Any]:
        with ctx.duckdb() as con:
            report = runs.assess_upload(
                ctx.workspace, who.org_id, data, file.filename or "holdings.csv", screener=screener, con=con
            )
        return report.summary()

    return await anyio.to_thread.run_sync(run)


def _screener_or_none(ctx: Any) -> Any:
    try:
        return ctx.screener()
    except NotFoundError:
        return None


@router.get("/job", summary="State of the latest upload: running (with its stage), done or failed")
def job_state(ctx: Ctx, who: PReader) -> dict[str, Any]:
    state = runs.read_job(ctx.workspace, who.org_id)
    if state is None:
        raise NotFoundError("no upload yet")
    return state


@router.get("/rejects", summary="Rows of the last uploaded file that were not assessed, with the reason")
def rejected_rows(ctx: Ctx, who: PReader, limit: int = 1000) -> list[dict[str, str]]:
    return runs.rejects(ctx.workspace, who.org_id, limit=max(1, min(limit, 100_000)))


@router.get("", summary="Summary of the last run: bands, exposure, changes, missing tables")
def summary(ctx: Ctx, who: PReader) -> dict[str, Any]:
    view = runs.latest_run(ctx.workspace, who.org_id, limit=0)
    if view is None:
        raise NotFoundError("no portfolio run yet: upload holdings first")
    return view.summary


@router.get("/holdings", summary="Holdings of the last run, riskiest first")
def holdings(ctx: Ctx, who: PReader, band: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    view = runs.latest_run(ctx.workspace, who.org_id, limit=max(1, min(limit, 5000)), band=band)
    return [] if view is None else view.rows


@router.get("/holdings/{holding_id}", summary="One holding: score, reasons, listing path and engagement log")
def holding(holding_id: str, ctx: Ctx, db: Db, who: PReader) -> dict[str, Any]:
    row = runs.holding_detail(ctx.workspace, who.org_id, holding_id)
    found = eng.find(db, who.org_id, holding_id)
    row["engagement"] = asdict(eng.view(db, who.org_id, found.id)) if found else None
    return row


@router.post("/holdings/{holding_id}/engagement", status_code=201, summary="Open an engagement on a holding")
def open_engagement(holding_id: str, body: OpenIn, ctx: Ctx, db: Db, who: PWorker) -> dict[str, Any]:
    row = runs.holding_detail(ctx.workspace, who.org_id, holding_id)
    e = eng.open_engagement(
        db,
        who.org_id,
        who.actor,
        holding_id,
        row["issuer_name"],
        kind=engagement_kind(who),
        questions=eng.questions_from_row(row, body.framework),
        score=row["score"],
        band=row["band"],
        reason=body.reason,
    )
    return asdict(eng.view(db, who.org_id, e.id))


@router.get("/engagements", summary="Engagements of your organisation")
def engagements(db: Db, who: PReader) -> list[dict[str, Any]]:
    return [asdict(eng.view(db, who.org_id, e.id)) for e in eng.list_engagements(db, who.org_id)]


@router.post("/engagements/{engagement_id}/contacts", status_code=201, summary="Record a contact")
def contact(engagement_id: int, body: ContactIn, db: Db, who: PWorker) -> dict[str, Any]:
    eng.log_contact(
        db,
        who.org_id,
        who.actor,
        engagement_id,
        contact=body.contact,
        answer=body.answer,
        next_step=body.next_step,
        on=body.date,
    )
    return asdict(eng.view(db, who.org_id, engagement_id))


@router.post("/engagements/{engagement_id}/escalations", summary="One step up the ladder, with the reason")
def escalate(engagement_id: int, body: EscalateIn, db: Db, who: PWorker) -> dict[str, Any]:
    current = eng.view(db, who.org_id, engagement_id)
    if current.stage == "vote_covenant" and not who.can(Permission.SUPERVISE):
        raise PermissionDeniedError("exit (divest) is a supervisor's decision")
    eng.escalate(
        db,
        who.org_id,
        who.actor,
        engagement_id,
        reason=body.reason,
        on=body.date,
        deadline=body.deadline,
        exit_harm_weighed=body.exit_harm_weighed,
    )
    return asdict(eng.view(db, who.org_id, engagement_id))


@router.post("/engagements/{engagement_id}/close", summary="Close an engagement, with the reason")
def close(engagement_id: int, body: CloseIn, db: Db, who: PWorker) -> dict[str, Any]:
    eng.close_engagement(db, who.org_id, who.actor, engagement_id, reason=body.reason)
    return asdict(eng.view(db, who.org_id, engagement_id))


@disclosure_router.post("/assessments", summary="Assess a modern-slavery statement (.txt, .pdf, .html)")
async def disclosure(
    ctx: Ctx,
    who: PReader,
    file: Annotated[UploadFile, File(description="the statement")],
    framework: Annotated[str, Form()] = "uk-msa",
) -> dict[str, Any]:
    if framework not in FRAMEWORKS:
        raise InputError(f"framework must be one of {', '.join(FRAMEWORKS)}", column="framework")
    name = file.filename or "statement.txt"
    suffix = Path(name).suffix.lower()
    data = await file.read(MAX_STATEMENT_BYTES + 1)
    if len(data) > MAX_STATEMENT_BYTES:
        raise InputError("statement larger than 20 MB", file=name)

    def run() -> dict[str, Any]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"statement{suffix}"
            path.write_bytes(data)
            result = assess_statement(path, framework)
        out = asdict(result) | {"score": result.score, "missing": [c.id for c in result.missing]}
        out["source"] = name
        return out

    return await anyio.to_thread.run_sync(run)
