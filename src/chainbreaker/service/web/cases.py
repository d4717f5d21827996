"""Case pages: the list, one case's summary and its sections, and the workflow forms.

The case page opens on a summary built from aggregates (`service.casework`); evidence, timeline,
network, map, list matches and notes are sections of their own, each one request, so a case with
thousands of transactions opens as fast as a small one. Each form posts the case version it was
rendered with, so a colleague's change in between is caught by the library's optimistic lock and
shown instead of being overwritten; every change comes back to the case with a flash message.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chainbreaker.cases import ranking, views, workflow
from chainbreaker.cases.protection import protection_notes
from chainbreaker.cases.safeguards import ALTERNATIVES
from chainbreaker.monitoring.catalogue import default_catalogue
from chainbreaker.service import accounts, casework, reporting
from chainbreaker.service.csvout import csv_response
from chainbreaker.service.deps import Ctx, Db, Reader, Worker
from chainbreaker.service.mcc import mcc_name
from chainbreaker.service.namecache import names_of
from chainbreaker.service.security.roles import Permission
from chainbreaker.service.tables import case_list
from chainbreaker.service.views.casemap import case_places, map_svg
from chainbreaker.service.views.network import network_for_case
from chainbreaker.service.web import flash
from chainbreaker.service.web.render import page

router = APIRouter(include_in_schema=False)

Version = Annotated[int | None, Form(ge=1)]
Reason = Annotated[str, Form(max_length=4000)]
Ref = Annotated[str, Query(max_length=40)]

SECTIONS = (
    ("", "Summary"),
    ("/evidence", "Evidence"),
    ("/timeline", "Timeline"),
    ("/network", "Network"),
    ("/map", "Map"),
    ("/matches", "List matches"),
    ("/notes", "Notes and audit"),
)


def back_to_case(request: Request, ref: str, message: str, section: str = "") -> RedirectResponse:
    """Back to the case (or one of its sections) with a flash message carried by a cookie, not the URL."""
    return flash.redirect(request, f"/cases/{quote(ref)}{section}", message)


def _titles() -> dict[str, str]:
    return {i.id: i.title for i in default_catalogue().indicators}


@router.get("/cases", response_class=HTMLResponse, response_model=None)
def cases(
    request: Request,
    db: Db,
    who: Reader,
    status: Annotated[str, Query(pattern="^(new|in_review|escalated|reported|closed)?$")] = "",
    trafficking_type: Annotated[str, Query(pattern="^(sex|labour|general|mixed)?$")] = "",
    sort: Annotated[str, Query(pattern="^(rank|reference|status|type|alerts|victims|updated)?$")] = "rank",
    order: Annotated[str, Query(pattern="^(asc|desc)?$")] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
    format: Annotated[str, Query(pattern="^(html|csv)?$")] = "html",
) -> Response:
    table = case_list(
        db, who.org_id, status=status, trafficking_type=trafficking_type, sort=sort or "rank", order=order
    )
    if format == "csv":
        return csv_response("cases.csv", table.csv_header, table.csv_rows())
    kept = {"status": status, "trafficking_type": trafficking_type, "sort": table.sort, "order": table.order}
    return page(
        request,
        "cases.html",
        who,
        "cases",
        table=table.page(page_no),
        table_sort=table.sort,
        table_order=table.order,
        status=status,
        trafficking_type=trafficking_type,
        href=lambda **extra: "/cases?" + urlencode({k: v for k, v in {**kept, **extra}.items() if v}),
    )


def _common(
    request: Request, ctx: Ctx, db: Db, who: Reader, ref: str
) -> tuple[casework.Summary, dict[str, str]]:
    summary = casework.case_summary(db, who.org_id, ref)
    names = names_of(ctx.workspace, [p.party_id for p in summary.parties])
    return summary, names


def _section(
    request: Request, template: str, who: Reader, summary: casework.Summary, section: str, **values: Any
) -> HTMLResponse:
    return page(
        request,
        template,
        who,
        "cases",
        case=summary.case,
        summary=summary,
        safeguard=summary.safeguard,
        sections=SECTIONS,
        section=section,
        can_work=who.can(Permission.WORK),
        **values,
    )


@router.get("/cases/{ref}", response_class=HTMLResponse)
def case(request: Request, ref: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    summary, names = _common(request, ctx, db, who, ref)
    ranks = ranking.rank_cases(db, who.org_id)
    mine = next((r for r in ranks if r.case_id == summary.case.id), None)
    above = ranks[mine.rank - 2] if mine and mine.rank > 1 else None
    return _section(
        request,
        "case.html",
        who,
        summary,
        "",
        names=names,
        titles=_titles(),
        rank=mine,
        above=above,
        ranked=len(ranks),
        reports=reporting.case_reports(db, who.org_id, summary.case.reference),
        alternatives=ALTERNATIVES,
        members=[
            u.username
            for u in accounts.list_users(db, who.org_id)
            if u.active and u.role in ("analyst", "supervisor")
        ],
    )


def _evidence_filter(
    indicator: str, party: str, channel: str, direction: str, date_from: date | None, date_to: date | None
) -> casework.EvidenceFilter:
    return casework.EvidenceFilter(indicator, party, channel, direction, date_from, date_to)


@router.get("/cases/{ref}/evidence", response_class=HTMLResponse, response_model=None)
def evidence(
    request: Request,
    ref: str,
    ctx: Ctx,
    db: Db,
    who: Reader,
    indicator: Annotated[str, Query(max_length=40)] = "",
    party: Annotated[str, Query(max_length=100)] = "",
    channel: Annotated[str, Query(max_length=20)] = "",
    direction: Annotated[str, Query(pattern="^(in|out)?$")] = "",
    date_from: Annotated[date | None, Query()] = None,
    date_to: Annotated[date | None, Query()] = None,
    sort: Annotated[str, Query(max_length=20)] = "booked_at",
    order: Annotated[str, Query(pattern="^(asc|desc)?$")] = "asc",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
    format: Annotated[str, Query(pattern="^(html|csv)?$")] = "html",
) -> Response:
    flt = _evidence_filter(indicator, party, channel, direction, date_from, date_to)
    if format == "csv":
        case_row = workflow.get_case(db, who.org_id, ref)
        rows = list(casework.evidence_rows(db, who.org_id, case_row, flt, sort=sort, order=order or "asc"))
        header = [
            "txn_id", "indicator_id", "booked_at", "party_id", "account_id", "direction", "channel", "amount",
            "currency", "counterparty_party_id", "counterparty_account", "counterparty_name", "counterparty_country",
            "merchant_name", "mcc", "mcc_meaning", "city", "country",
        ]  # fmt: skip
        data = [
            [
                e.txn_id,
                e.indicator_id,
                e.booked_at,
                e.party_id,
                e.account_id,
                e.direction,
                e.channel,
                e.amount,
                e.currency,
                e.counterparty_party_id,
                e.counterparty_account,
                e.counterparty_name,
                e.counterparty_country,
                e.merchant_name,
                e.mcc,
                mcc_name(e.mcc),
                e.city,
                e.country,
            ]
            for e in rows
        ]
        return csv_response(f"{case_row.reference}-evidence.csv", header, data)
    summary, names = _common(request, ctx, db, who, ref)
    limit = casework.EVIDENCE_PAGE
    result = casework.evidence_page(
        db,
        who.org_id,
        summary.case,
        flt,
        sort=sort,
        order=order or "asc",
        offset=(page_no - 1) * limit,
        limit=limit,
    )
    params = flt.params()
    return _section(
        request,
        "case_evidence.html",
        who,
        summary,
        "/evidence",
        names=names,
        result=result,
        flt=flt,
        choices=casework.evidence_choices(db, who.org_id, summary.case),
        href=lambda **extra: (
            f"/cases/{quote(summary.case.reference)}/evidence?"
            + urlencode({**params, "sort": result.sort, "order": result.order, **extra})
        ),
        counterparty=casework.counterparty,
        mcc_name=mcc_name,
        titles=_titles(),
    )


@router.get("/cases/{ref}/timeline", response_class=HTMLResponse)
def timeline(request: Request, ref: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    summary, _names = _common(request, ctx, db, who, ref)
    return _section(
        request,
        "case_timeline.html",
        who,
        summary,
        "/timeline",
        timeline=casework.case_timeline(db, who.org_id, summary.case),
        titles=_titles(),
    )


@router.get("/cases/{ref}/network", response_class=HTMLResponse)
def network(request: Request, ref: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    summary, names = _common(request, ctx, db, who, ref)
    return _section(
        request,
        "case_network.html",
        who,
        summary,
        "/network",
        network=network_for_case(summary.case.network, names, large=True),
        names=names,
    )


@router.get("/cases/{ref}/map", response_class=HTMLResponse)
def case_map(request: Request, ref: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    summary, names = _common(request, ctx, db, who, ref)
    places = case_places(
        db, ctx.workspace, who.org_id, summary.case, [p.party_id for p in summary.parties], names
    )
    return _section(
        request,
        "case_map.html",
        who,
        summary,
        "/map",
        places=places,
        drawing=map_svg(places, f"Places of case {summary.case.reference}"),
    )


@router.get("/cases/{ref}/matches", response_class=HTMLResponse)
def matches(request: Request, ref: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    summary, names = _common(request, ctx, db, who, ref)
    protected = protection_notes(db, who.org_id, [h.party_id or "" for h in summary.case.hits])
    view_hits = [views.hit_row(h, protected) for h in summary.case.hits]
    return _section(request, "case_matches.html", who, summary, "/matches", hits=view_hits, names=names)


@router.get("/cases/{ref}/notes", response_class=HTMLResponse)
def notes(request: Request, ref: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    summary, _names = _common(request, ctx, db, who, ref)
    trail = casework.case_timeline(db, who.org_id, summary.case).workflow
    comments = sorted(summary.case.comments, key=lambda c: c.id, reverse=True)
    return _section(request, "case_notes.html", who, summary, "/notes", comments=comments, trail=trail)


@router.post("/cases/{ref}/transition")
def transition(
    request: Request,
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
    return back_to_case(request, case.reference, f"Case moved to {case.status.replace('_', ' ')}.")


@router.post("/cases/{ref}/assign")
def assign(
    request: Request,
    ref: str,
    db: Db,
    who: Worker,
    assignee: Annotated[str, Form(max_length=100)] = "",
    version: Version = None,
) -> RedirectResponse:
    name = accounts.check_member(db, who.org_id, assignee) if assignee else None
    case = workflow.assign(db, who.org_id, ref, name, who.actor, expected_version=version)
    return back_to_case(request, case.reference, f"Assigned to {name}." if name else "Unassigned.")


@router.post("/cases/{ref}/comments")
def comment(
    request: Request, ref: str, db: Db, who: Worker, body: Annotated[str, Form(max_length=20_000)]
) -> RedirectResponse:
    workflow.comment(db, who.org_id, ref, who.actor, body)
    return back_to_case(request, workflow.get_case(db, who.org_id, ref).reference, "Comment added.", "/notes")


@router.post("/cases/{ref}/trafficking-type")
def trafficking_type(
    request: Request,
    ref: str,
    db: Db,
    who: Worker,
    trafficking_type: Annotated[str, Form(max_length=10)],
    reason: Reason = "",
    version: Version = None,
) -> RedirectResponse:
    case = workflow.set_trafficking_type(
        db, who.org_id, ref, trafficking_type, who.actor, reason=reason, expected_version=version
    )
    label = {"sex": "sex trafficking", "labour": "labour trafficking", "mixed": "sex and labour trafficking"}
    return back_to_case(request, case.reference, f"Case type set to {label[case.trafficking_type]}.")


@router.post("/cases/{ref}/parties/{party_id}/role")
def party_role(
    request: Request,
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
    return back_to_case(
        request, workflow.get_case(db, who.org_id, ref).reference, f"Role of {party_id} set to {role}."
    )


@router.post("/cases/{ref}/parties/{party_id}/account-action")
def account_action(
    request: Request,
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
    return back_to_case(
        request,
        workflow.get_case(db, who.org_id, ref).reference,
        f"Account decision recorded for {party_id}.",
    )


@router.post("/cases/{ref}/reports")
def export_report(
    request: Request,
    ref: str,
    ctx: Ctx,
    db: Db,
    who: Worker,
    format: Annotated[str, Form(max_length=20)],
) -> RedirectResponse:
    db.commit()  # the export writes through its own session
    result = reporting.export_for(ctx.workspace, ctx.settings, who, ref, format, None)
    return back_to_case(
        request, result.case, f"{format} report exported and validated ({result.size:,} bytes).", "#reports"
    )
