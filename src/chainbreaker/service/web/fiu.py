"""The NGO report form (Key 11): NGO members report to the FIU; the report lands with the banks' reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from chainbreaker.core.errors import InputError, PermissionDeniedError
from chainbreaker.core.organisations import OrgKind
from chainbreaker.fiu.ngo import NgoReportIn, submit
from chainbreaker.fiu.patterns import analyse as read_patterns
from chainbreaker.fiu.patterns_report import charts
from chainbreaker.service.deps import Ctx, CurrentPrincipal, Db
from chainbreaker.service.fiu import FiuReader
from chainbreaker.service.security.principal import Principal
from chainbreaker.service.web.render import page
from chainbreaker.storage.clock import utcnow

router = APIRouter(include_in_schema=False)

NGO_ROLES = ("caseworker", "coordinator")


def _ngo_member(who: Principal) -> Principal:
    if who.org_kind != OrgKind.NGO.value or who.role not in NGO_ROLES:
        raise PermissionDeniedError("only caseworkers and coordinators of an NGO file NGO reports")
    return who


@router.get("/fiu/patterns", response_class=HTMLResponse)
def patterns_page(request: Request, ctx: Ctx, who: FiuReader) -> HTMLResponse:
    """Trends, unusual months and new indicator combinations for the FIU's analysts."""
    with ctx.duckdb() as con:
        found = read_patterns(con)
    return page(
        request,
        "fiu_patterns.html",
        who,
        "fiu-patterns",
        patterns=found,
        charts=charts(found),  # SVG built by fiu.charts with every text escaped; the template marks it safe
    )


@router.get("/fiu/ngo-report", response_class=HTMLResponse)
def ngo_form(request: Request, who: CurrentPrincipal) -> HTMLResponse:
    _ngo_member(who)
    return page(request, "fiu_ngo_report.html", who, "ngo-report", form={})


@router.post("/fiu/ngo-report", response_class=HTMLResponse)
def ngo_submit(
    request: Request,
    ctx: Ctx,
    db: Db,
    who: CurrentPrincipal,
    reference: Annotated[str, Form(max_length=60)] = "",
    trafficking_type: Annotated[str, Form(max_length=10)] = "unstated",
    activity_from: Annotated[str, Form(max_length=10)] = "",
    activity_to: Annotated[str, Form(max_length=10)] = "",
    region: Annotated[str, Form(max_length=100)] = "",
    indicators: Annotated[str, Form(max_length=400)] = "",
    narrative: Annotated[str, Form(max_length=8000)] = "",
    suspect_name: Annotated[list[str] | None, Form()] = None,
    suspect_birth_date: Annotated[list[str] | None, Form()] = None,
    suspect_phone: Annotated[list[str] | None, Form()] = None,
    suspect_account: Annotated[list[str] | None, Form()] = None,
    survivor_names: Annotated[str, Form(max_length=1000)] = "",
    survivor_consent: Annotated[str, Form(max_length=3)] = "",
) -> HTMLResponse:
    _ngo_member(who)
    raw = {
        "reference": reference,
        "trafficking_type": trafficking_type,
        "activity_from": activity_from,
        "activity_to": activity_to,
        "region": region,
        "indicators": indicators,
        "narrative": narrative,
        "survivor_names": survivor_names,
    }
    names, dobs = suspect_name or [], suspect_birth_date or []
    phones, accounts = suspect_phone or [], suspect_account or []
    suspects = [
        {
            "name": n.strip(),
            "birth_date": (dobs[i].strip() if i < len(dobs) else "") or None,
            "phone": (phones[i].strip() if i < len(phones) else "") or None,
            "account": (accounts[i].strip() if i < len(accounts) else "") or None,
        }
        for i, n in enumerate(names)
        if n.strip()
    ]
    try:
        form = NgoReportIn.model_validate(
            {
                **raw,
                "activity_from": date.fromisoformat(activity_from) if activity_from else None,
                "activity_to": date.fromisoformat(activity_to) if activity_to else None,
                "indicators": [c for c in indicators.replace(";", ",").split(",") if c.strip()],
                "survivor_names": [n for n in survivor_names.splitlines() if n.strip()],
                "survivor_consent": survivor_consent == "yes",
                "suspects": suspects,
            }
        )
        outcome = submit(ctx.workspace, db, form, who.org_id, who.org_name, who.actor, utcnow())
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return page(request, "fiu_ngo_report.html", who, "ngo-report", 422, form=raw, error=problems)
    except (InputError, ValueError) as exc:
        return page(request, "fiu_ngo_report.html", who, "ngo-report", 422, form=raw, error=str(exc))
    return page(request, "fiu_ngo_report.html", who, "ngo-report", form={}, outcome=outcome)
