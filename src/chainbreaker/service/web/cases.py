"""Case pages: the list, one case with its network, evidence and safeguard, and the workflow forms.

Each form posts the case version it was rendered with, so a colleague's change in between is caught
by the library's optimistic lock and shown instead of being overwritten.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from chainbreaker.cases import views, workflow
from chainbreaker.cases.safeguards import ALTERNATIVES
from chainbreaker.service import accounts, reporting
from chainbreaker.service.deps import Ctx, Db, Reader, Worker
from chainbreaker.service.reads import party_names
from chainbreaker.service.security.roles import Permission
from chainbreaker.service.views.network import network_for_case
from chainbreaker.service.web.render import page

router = APIRouter(include_in_schema=False)

Version = Annotated[int | None, Form(ge=1)]
Reason = Annotated[str, Form(max_length=4000)]


def _back(ref: str, message: str) -> RedirectResponse:
    return RedirectResponse(f"/cases/{quote(ref)}?done={quote(message)}", status_code=303)


@router.get("/cases", response_class=HTMLResponse)
def cases(
    request: Request,
    db: Db,
    who: Reader,
    status: Annotated[str, Query(pattern="^(new|in_review|escalated|reported|closed)?$")] = "",
) -> HTMLResponse:
    rows = views.list_cases(db, who.org_id, status=status or None, limit=500)
    return page(request, "cases.html", who, "cases", cases=rows, status=status)


@router.get("/cases/{ref}", response_class=HTMLResponse)
def case(request: Request, ref: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    view = views.case_view(db, who.org_id, ref)
    names = party_names(ctx.workspace, [p["party_id"] for p in view.parties])
    return page(
        request,
        "case.html",
        who,
        "cases",
        case=view,
        network=network_for_case(view.network, names),
        reports=reporting.case_reports(db, who.org_id, ref),
        names=names,
        can_work=who.can(Permission.WORK),
        alternatives=ALTERNATIVES,
        members=[
            u.username
            for u in accounts.list_users(db, who.org_id)
            if u.active and u.role in ("analyst", "supervisor")
        ],
    )


@router.post("/cases/{ref}/transition")
def transition(
    ref: str,
    db: Db,
    who: Worker,
    to_status: Annotated[str, Form(max_length=20)],
    version: Version = None,
    reason: Reason = "",
) -> RedirectResponse:
    case = workflow.transition(
        db,
        who.org_id,
        ref,
        to_status,
        who.actor,
        reason=reason or None,
        expected_version=version,
        actor_role=who.role,
    )
    return _back(case.reference, f"Case moved to {case.status.replace('_', ' ')}.")


@router.post("/cases/{ref}/assign")
def assign(
    ref: str,
    db: Db,
    who: Worker,
    assignee: Annotated[str, Form(max_length=100)] = "",
    version: Version = None,
) -> RedirectResponse:
    name = accounts.check_member(db, who.org_id, assignee) if assignee else None
    case = workflow.assign(db, who.org_id, ref, name, who.actor, expected_version=version)
    return _back(case.reference, f"Assigned to {name}." if name else "Unassigned.")


@router.post("/cases/{ref}/comments")
def comment(ref: str, db: Db, who: Worker, body: Annotated[str, Form(max_length=20_000)]) -> RedirectResponse:
    workflow.comment(db, who.org_id, ref, who.actor, body)
    return _back(workflow.get_case(db, who.org_id, ref).reference, "Comment added.")


@router.post("/cases/{ref}/parties/{party_id}/role")
def party_role(
    ref: str,
    party_id: str,
    db: Db,
    who: Worker,
    role: Annotated[str, Form(max_length=20)],
    reason: Reason = "",
    version: Version = None,
) -> RedirectResponse:
    workflow.set_party_role(
        db,
        who.org_id,
        ref,
        party_id,
        role,
        who.actor,
        reason=reason,
        expected_version=version,
        actor_role=who.role,
    )
    return _back(workflow.get_case(db, who.org_id, ref).reference, f"Role of {party_id} set to {role}.")


@router.post("/cases/{ref}/parties/{party_id}/account-action")
def account_action(
    ref: str,
    party_id: str,
    db: Db,
    who: Worker,
    action: Annotated[str, Form(max_length=30)],
    reason: Reason = "",
    version: Version = None,
) -> RedirectResponse:
    workflow.record_account_action(
        db,
        who.org_id,
        ref,
        party_id,
        action,
        who.actor,
        who.role,
        reason=reason or None,
        expected_version=version,
    )
    return _back(
        workflow.get_case(db, who.org_id, ref).reference, f"Account decision recorded for {party_id}."
    )


@router.post("/cases/{ref}/reports")
def export_report(
    ref: str,
    ctx: Ctx,
    db: Db,
    who: Worker,
    format: Annotated[str, Form(max_length=20)],
) -> RedirectResponse:
    db.commit()  # the export writes through its own session
    result = reporting.export_for(ctx.workspace, ctx.settings, who, ref, format, None)
    return _back(result.case, f"{format} report exported and validated ({result.size} bytes).")
