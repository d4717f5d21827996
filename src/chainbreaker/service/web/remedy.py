"""Remedy pages for the bank's team: grievances and their handling, survivor referrals (and the NGO's
referral form), exit reviews, and a case's restitution schedule.

Thin shells: every change is one call into `chainbreaker.remedy`, which audits it. A complainant's contact
is never on a page by default; a supervisor asks for it with a button and the view is audited.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from chainbreaker.cases import workflow
from chainbreaker.core.errors import PermissionDeniedError
from chainbreaker.engines.factory import get_engine
from chainbreaker.remedy import exits, grievances, referrals
from chainbreaker.remedy.export import render_schedule_html, schedule_csv_text
from chainbreaker.remedy.linking import suggest_links
from chainbreaker.remedy.party_flags import export_party_flags
from chainbreaker.remedy.publication import public_report
from chainbreaker.remedy.restitution import schedule_for_case
from chainbreaker.service.deps import Ctx, Db, Reader, Worker, require
from chainbreaker.service.security.principal import Principal
from chainbreaker.service.security.roles import Permission
from chainbreaker.service.web import flash as flash_messages
from chainbreaker.service.web.render import page
from chainbreaker.storage.models import Organisation
from chainbreaker.storage.remedy_models import (
    EXIT_DECISIONS,
    Grievance,
    GrievanceStep,
    Referral,
)

router = APIRouter(include_in_schema=False)
NgoMember = Annotated[Principal, Depends(require(Permission.SHARE))]
Text = Annotated[str, Form(max_length=4000)]


def _to(request: Request, path: str, message: str) -> RedirectResponse:
    return flash_messages.redirect(request, path, message)


def _bank_only(who: Principal) -> None:
    if who.org_kind not in ("bank", "investor"):
        raise PermissionDeniedError("these pages are for banks and investors")


@router.get("/remedy", response_class=HTMLResponse)
def remedy_home(request: Request, db: Db, who: Reader) -> HTMLResponse:
    _bank_only(who)
    rows = db.scalars(
        select(Grievance).where(Grievance.org_id == who.org_id).order_by(Grievance.id.desc())
    ).all()
    late = {g.reference for g in grievances.overdue(db, who.org_id)}
    refs = db.scalars(
        select(Referral).where(Referral.org_id == who.org_id).order_by(Referral.id.desc())
    ).all()
    return page(
        request,
        "remedy.html",
        who,
        "remedy",
        grievances=rows,
        late=late,
        referrals=refs,
        figures=referrals.figures(db, who.org_id),
        exits=exits.exits_report(db, who.org_id),
        intake_url=f"/grievances/new/{who.org_id}",
        report_year=datetime.now().year,
    )


@router.get("/remedy/report", response_class=HTMLResponse)
def grievance_report(
    request: Request,
    db: Db,
    who: Reader,
    year: Annotated[int, Query(ge=2000, le=2100)],
    k: Annotated[int, Query(ge=1, le=1000)] = 10,
) -> HTMLResponse:
    """The public report on grievances of a year, as it would be published (small cells withheld)."""
    _bank_only(who)
    report = public_report(db, who.org_id, datetime(year, 1, 1), datetime(year + 1, 1, 1), k=k)
    labels = [*report.rows, "total"]
    return page(
        request,
        "remedy_report.html",
        who,
        "remedy",
        report=report,
        lines=list(zip(labels, report.grid.published(), strict=True)),
        year=year,
        k=k,
        withheld=sum(sum(row) for row in report.grid.hidden),
    )


@router.get("/grievances/{reference}", response_class=HTMLResponse)
def grievance_page(request: Request, reference: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    _bank_only(who)
    g = grievances.get(db, who.org_id, reference)
    steps = db.scalars(
        select(GrievanceStep).where(GrievanceStep.grievance_id == g.id).order_by(GrievanceStep.id)
    ).all()
    suggestions = []
    if g.linked_id is None and ctx.workspace.exists():
        with get_engine("duckdb", ctx.workspace) as engine:
            suggestions = suggest_links(engine, g.about_name, g.about_country)
    return page(
        request,
        "grievance.html",
        who,
        "remedy",
        g=g,
        steps=steps,
        suggestions=suggestions,
        can_work=who.can(Permission.WORK),
        can_see_contact=who.role in grievances.CONTACT_ROLES,
        step_kinds=tuple(grievances.TRANSITIONS),
    )


@router.post("/grievances/{reference}/step")
def grievance_step(
    request: Request,
    reference: str,
    ctx: Ctx,
    db: Db,
    who: Worker,
    kind: Annotated[str, Form(max_length=20)],
    detail: Text,
    cooperation: Annotated[str, Form(max_length=20)] = "",
    outcome: Annotated[str, Form(max_length=20)] = "",
) -> RedirectResponse:
    g = grievances.take_step(
        db, who.org_id, reference, kind, detail, who.actor, who.role,
        cooperation=cooperation or None, outcome=outcome or None,
    )  # fmt: skip
    if cooperation:  # a risk note monitoring reads on its next run (docs/remedy.md)
        db.commit()
        export_party_flags(db, who.org_id, ctx.workspace.root)
    return _to(
        request, f"/grievances/{g.reference}", f"Recorded: {kind}. Status: {g.status.replace('_', ' ')}."
    )


@router.post("/grievances/{reference}/link")
def grievance_link(
    request: Request,
    reference: str,
    db: Db,
    who: Worker,
    party_id: Annotated[str, Form(max_length=100)],
    linked_kind: Annotated[str, Form(max_length=20)],
    score: Annotated[float | None, Form(ge=0, le=1)] = None,
) -> RedirectResponse:
    g = grievances.link(db, who.org_id, reference, linked_kind, party_id, who.actor, score=score)
    return _to(
        request, f"/grievances/{g.reference}", f"Linked to {linked_kind.replace('_', ' ')} {party_id}."
    )


@router.post("/grievances/{reference}/contact", response_class=HTMLResponse)
def grievance_contact(request: Request, reference: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    contact = grievances.complainant_contact(db, who.org_id, reference, who.actor, who.role)
    return (
        grievance_page(request, reference, ctx, db, who)
        if contact is None
        else page(
            request, "grievance_contact.html", who, "remedy", reference=reference.upper(), contact=contact
        )
    )


@router.get("/parties/{party_id}/exit-review", response_class=HTMLResponse)
def exit_review_form(request: Request, party_id: str, db: Db, who: Worker) -> HTMLResponse:
    _bank_only(who)
    ctx_flags = exits.context(db, who.org_id, party_id)
    return page(
        request,
        "exit_review.html",
        who,
        "remedy",
        party_id=party_id,
        flags=ctx_flags,
        reasons=exits.EXIT_REASONS,
        decisions=EXIT_DECISIONS,
    )


@router.post("/parties/{party_id}/exit-review")
def exit_review_submit(
    request: Request,
    party_id: str,
    db: Db,
    who: Worker,
    exit_reason: Annotated[str, Form(max_length=60)],
    decision: Annotated[str, Form(max_length=30)],
    rationale: Text,
    business_client: Annotated[bool, Form()] = False,
    leverage_tried: Annotated[str, Form(max_length=5)] = "",
) -> RedirectResponse:
    review = exits.review_exit(
        db, who.org_id, party_id, exit_reason=exit_reason, decision=decision, rationale=rationale,
        actor=who.actor, actor_role=who.role, business_client=business_client,
        leverage_tried={"yes": True, "no": False}.get(leverage_tried),
    )  # fmt: skip
    return _to(
        request, "/remedy", f"Exit review recorded for {party_id}: {review.decision.replace('_', ' ')}."
    )


@router.get("/cases/{ref}/restitution", response_class=HTMLResponse)
def restitution_page(request: Request, ref: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    case = workflow.get_case(db, who.org_id, ref)
    with get_engine("duckdb", ctx.workspace) as engine:
        schedule = schedule_for_case(engine, case)
    style = str(request.url_for("static", path="restitution.css").path)
    return HTMLResponse(render_schedule_html(schedule, stylesheet=style))


@router.get("/cases/{ref}/restitution.csv")
def restitution_csv(ref: str, ctx: Ctx, db: Db, who: Reader) -> Response:
    case = workflow.get_case(db, who.org_id, ref)
    with get_engine("duckdb", ctx.workspace) as engine:
        schedule = schedule_for_case(engine, case)
    return Response(
        schedule_csv_text(schedule),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="restitution-{case.reference}.csv"'},
    )


@router.get("/referrals/new", response_class=HTMLResponse)
def referral_form(request: Request, db: Db, who: NgoMember) -> HTMLResponse:
    if who.org_kind != "ngo":
        raise PermissionDeniedError("referrals are made by support organisations")
    banks = db.scalars(
        select(Organisation).where(Organisation.kind == "bank").order_by(Organisation.name)
    ).all()
    policy = referrals.load_policy()
    return page(request, "referral_new.html", who, "", banks=banks, policy=policy)


@router.post("/referrals/new")
async def referral_submit(request: Request, db: Db, who: NgoMember) -> RedirectResponse:
    """An NGO refers a survivor to a bank; the bank's policy decides which documents count."""
    if who.org_kind != "ngo":
        raise PermissionDeniedError("referrals are made by support organisations")
    form = await request.form()
    bank = str(form.get("bank") or "")
    name = str(form.get("person_name") or "")
    documents = [str(d) for d in form.getlist("documents")]
    referral = referrals.receive(db, bank, who.org_id, name, documents, who.actor, referrals.load_policy())
    return _to(request, "/referrals/new", f"Referral {referral.reference} sent to {bank}.")


@router.get("/referrals/{reference}", response_class=HTMLResponse)
def referral_page(request: Request, reference: str, db: Db, who: Reader) -> HTMLResponse:
    _bank_only(who)
    policy = referrals.load_policy()
    referral = referrals.get(db, who.org_id, reference)
    ok, why = referrals.documents_sufficient(referral, policy)
    return page(
        request, "referral.html", who, "remedy", r=referral, policy=policy, sufficient=ok, why=why,
        can_work=who.can(Permission.WORK),
    )  # fmt: skip


@router.post("/referrals/{reference}/open")
def referral_open(
    request: Request,
    reference: str,
    ctx: Ctx,
    db: Db,
    who: Worker,
    party_id: Annotated[str, Form(max_length=100)],
    account_id: Annotated[str, Form(max_length=100)],
) -> RedirectResponse:
    r = referrals.open_account(
        db, who.org_id, reference, party_id, account_id, who.actor, referrals.load_policy()
    )
    db.commit()  # the protection monitoring reads on its next run
    export_party_flags(db, who.org_id, ctx.workspace.root)
    return _to(
        request, f"/referrals/{r.reference}", f"Account {r.account_id} opened; {r.party_id} is protected."
    )
