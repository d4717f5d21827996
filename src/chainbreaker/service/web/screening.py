"""Screening page: one name with per-feature explanations, and CSV uploads followed as jobs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from chainbreaker.core.errors import InputError
from chainbreaker.service.deps import Ctx, Db, Screener
from chainbreaker.service.explain import match_out
from chainbreaker.service.schemas import ScreenRequest
from chainbreaker.service.uploads import read_upload
from chainbreaker.service.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/screening", response_class=HTMLResponse)
def screening_page(request: Request, ctx: Ctx, db: Db, who: Screener) -> HTMLResponse:
    assert ctx.jobs is not None
    return page(
        request, "screening.html", who, "screening", form={}, jobs=ctx.jobs.recent(db, who.org_id, 10)
    )


@router.post("/screening", response_class=HTMLResponse)
def screening_submit(
    request: Request,
    ctx: Ctx,
    db: Db,
    who: Screener,
    name: Annotated[str, Form(max_length=500)] = "",
    schema_: Annotated[str, Form(alias="schema", max_length=20)] = "",
    birth_date: Annotated[str, Form(max_length=10)] = "",
    country: Annotated[str, Form(max_length=2)] = "",
    id_number: Annotated[str, Form(max_length=100)] = "",
) -> HTMLResponse:
    form = {
        "name": name,
        "schema": schema_,
        "birth_date": birth_date,
        "country": country,
        "id_number": id_number,
    }
    assert ctx.jobs is not None
    jobs = ctx.jobs.recent(db, who.org_id, 10)
    try:
        body = ScreenRequest.model_validate({k: (v.strip() or None) for k, v in form.items()})
        screener = ctx.screener()
        matches = screener.screen_one(
            body.name,
            schema=body.schema_,
            birth_date=body.birth_date,
            country=body.country,
            id_number=body.id_number,
            limit=body.limit,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return page(request, "screening.html", who, "screening", 422, form=form, error=problems, jobs=jobs)
    except InputError as exc:
        return page(request, "screening.html", who, "screening", 422, form=form, error=str(exc), jobs=jobs)
    return page(
        request,
        "screening.html",
        who,
        "screening",
        form=form,
        jobs=jobs,
        matches=[match_out(m) for m in matches],
        threshold=screener.threshold,
        searched=True,
        searched_lists=_searched_lists(ctx),
    )


def _searched_lists(ctx: Ctx) -> list[dict[str, object]]:
    """The lists and editions a screening ran against, so "no match" says against what."""
    from chainbreaker.registry.store import RegistryStore
    from chainbreaker.service.context import WorkspaceBusyError

    try:
        with ctx.duckdb() as con:
            return RegistryStore(ctx.workspace, con).datasets()
    except WorkspaceBusyError:
        return []


@router.post("/screening/upload")
async def screening_upload(
    request: Request,
    ctx: Ctx,
    who: Screener,
    file: Annotated[UploadFile, File()],
) -> Response:
    assert ctx.jobs is not None
    upload = await read_upload(file, ctx.options.max_upload_bytes, ctx.options.max_upload_rows)
    job = ctx.jobs.submit(who, upload, None)
    return RedirectResponse(f"/screening/jobs/{job.id}", status_code=303)


@router.get("/screening/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, ctx: Ctx, db: Db, who: Screener) -> HTMLResponse:
    assert ctx.jobs is not None
    return page(request, "job.html", who, "screening", job=ctx.jobs.get(db, who.org_id, job_id))
