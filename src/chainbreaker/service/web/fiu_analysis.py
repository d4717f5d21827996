"""The FIU analyst's pages: received reports and cases, one case with its links (accept or reject each),
dissemination of selected reports, feedback letters to filers and the public report. Forms post back and
redirect (no JavaScript needed); who may see what is `service.fiu`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from chainbreaker.core.errors import ChainbreakerError, NotFoundError
from chainbreaker.fiu import views
from chainbreaker.service import fiu
from chainbreaker.service.deps import Ctx, Db
from chainbreaker.service.fiu import FiuReader, FiuWorker
from chainbreaker.service.security.roles import Permission
from chainbreaker.service.web import flash as flash_messages
from chainbreaker.service.web.render import page

router = APIRouter(include_in_schema=False)

#: A letter or package is our own HTML, every value escaped when written; shown as a document of its own.
_DOCUMENT_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@router.get("/fiu", response_class=HTMLResponse)
def home(request: Request, ctx: Ctx, db: Db, who: FiuReader) -> HTMLResponse:
    """Received reports in numbers and the cases linking found (networks spanning several filers)."""
    with ctx.duckdb() as con:
        summary = views.overview(con)
    return page(
        request,
        "fiu_home.html",
        who,
        "fiu",
        summary=summary,
        cases=fiu.cases(db, who),
        can_work=who.can(Permission.WORK),
    )


@router.post("/fiu/link", response_model=None)
def relink(request: Request, ctx: Ctx, db: Db, who: FiuWorker) -> RedirectResponse:
    r = fiu.relink(ctx, db, who)
    return flash_messages.redirect(
        request,
        "/fiu",
        f"Linked again: {r.records} filed parties, {r.persons} persons, {r.cases} cases across filers.",
    )


def _case(
    request: Request,
    ctx: Ctx,
    db: Db,
    who: FiuReader,
    case_id: str,
    status: int = 200,
    error: str | None = None,
) -> HTMLResponse:
    found = fiu.case_page(ctx, db, who, case_id)
    return page(
        request,
        "fiu_case.html",
        who,
        "fiu",
        status,
        case=found.case,
        view=found.view,
        can_work=who.can(Permission.WORK),
        error=error,
    )


@router.get("/fiu/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: str, ctx: Ctx, db: Db, who: FiuReader) -> HTMLResponse:
    return _case(request, ctx, db, who, case_id)


@router.post("/fiu/cases/{case_id}/decisions", response_model=None)
def decision(
    request: Request,
    case_id: str,
    ctx: Ctx,
    db: Db,
    who: FiuWorker,
    party_a: Annotated[str, Form(max_length=300)],
    party_b: Annotated[str, Form(max_length=300)],
    decision: Annotated[str, Form(max_length=10)],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if decision not in ("same", "different"):
        return _case(
            request, ctx, db, who, case_id, 422, "decision must be accept (same) or reject (different)"
        )
    try:
        fiu.record_decision(ctx, db, who, case_id, party_a, party_b, decision, reason)
    except NotFoundError:
        raise
    except ChainbreakerError as exc:
        return _case(request, ctx, db, who, case_id, 422, str(exc))
    said = "accepted (same person)" if decision == "same" else "rejected (different persons)"
    return flash_messages.redirect(
        request, f"/fiu/cases/{case_id}", f"Link {said}; it holds from the next link onwards."
    )


@router.post("/fiu/cases/{case_id}/disseminate", response_model=None)
def disseminate(
    request: Request,
    case_id: str,
    ctx: Ctx,
    db: Db,
    who: FiuWorker,
    recipient: Annotated[str, Form(max_length=200)] = "",
    legal_basis: Annotated[str, Form(max_length=1000)] = "",
    report_id: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        package = fiu.disseminate_case(ctx, db, who, case_id, recipient, legal_basis, report_id or [])
    except NotFoundError:
        raise
    except ChainbreakerError as exc:
        return _case(request, ctx, db, who, case_id, 422, str(exc))
    return flash_messages.redirect(
        request,
        f"/fiu/cases/{case_id}#disseminations",
        f"Package {package.package_id} prepared: {package.reports} reports, {package.persons} persons; "
        "recorded in the audit log.",
    )


@router.get("/fiu/packages/{package_id}.{ext}", response_model=None)
def package_file(package_id: str, ext: str, ctx: Ctx, db: Db, who: FiuReader) -> FileResponse:
    path = fiu.package_file(ctx, db, who, package_id, ext)
    if ext == "xml":
        return FileResponse(path, media_type="application/xml", filename=path.name)
    return FileResponse(path, media_type="text/html", headers={"Content-Security-Policy": _DOCUMENT_CSP})


@router.get("/fiu/feedback", response_class=HTMLResponse)
def feedback(request: Request, ctx: Ctx, who: FiuReader) -> HTMLResponse:
    return page(request, "fiu_feedback.html", who, "fiu", letters=fiu.letters(ctx))


@router.get("/fiu/feedback/{entity_id}", response_class=HTMLResponse)
def letter(entity_id: str, ctx: Ctx, who: FiuReader) -> HTMLResponse:
    return HTMLResponse(fiu.letter(ctx, entity_id), headers={"Content-Security-Policy": _DOCUMENT_CSP})


@router.get("/fiu/public", response_class=HTMLResponse)
def public(
    request: Request,
    ctx: Ctx,
    who: FiuReader,
    period: Annotated[str, Query(max_length=4)] = "",
    k: Annotated[int, Query(ge=3, le=1000)] = 10,
) -> HTMLResponse:
    """The public report for a year: the same files `fiu publish` writes, shown here before release."""
    if not period:
        return page(request, "fiu_public.html", who, "fiu", period="", k=k, report=None)
    try:
        published = fiu.public_report(ctx, period, k)
    except ChainbreakerError as exc:
        return page(
            request, "fiu_public.html", who, "fiu", 422, period=period, k=k, report=None, error=str(exc)
        )
    html = next(p for p in published.files if p.name == "report.html").read_text(encoding="utf-8")
    body = html[html.index("<body>") + len("<body>") : html.rindex("</body>")]
    return page(
        request,
        "fiu_public.html",
        who,
        "fiu",
        period=period,
        k=k,
        report=published,
        body=body,  # built by fiu.publish with every text escaped; the template marks it safe
        csvs=[p.name for p in published.files if p.suffix == ".csv"],
    )


@router.get("/fiu/public/{period}/{name}", response_model=None)
def public_file(
    period: str, name: str, ctx: Ctx, who: FiuReader, k: Annotated[int, Query(ge=3, le=1000)] = 10
) -> FileResponse:
    published = fiu.public_report(ctx, period, k)
    for path in published.files:
        if path.name == name and path.suffix == ".csv":
            return FileResponse(path, media_type="text/csv", filename=f"{period}-k{k}-{name}")
    raise NotFoundError(f"no public table {name}")
