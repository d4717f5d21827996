"""Read-only pages: dashboard, alerts, registry browser and the indicator catalogue as training material."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from chainbreaker.monitoring.catalogue import default_catalogue
from chainbreaker.registry.store import RegistryStore
from chainbreaker.service import casework, humanize, reads, tables
from chainbreaker.service.api.indicators import detail as indicator_detail
from chainbreaker.service.csvout import csv_response
from chainbreaker.service.deps import Ctx, Db, Reader
from chainbreaker.service.mcc import mcc_name
from chainbreaker.service.namecache import names_of
from chainbreaker.service.security.roles import Permission
from chainbreaker.service.tables import case_list
from chainbreaker.service.views.charts import bar_chart, stacked_time_chart
from chainbreaker.service.views.network import network_for_case
from chainbreaker.service.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, db: Db, who: Reader) -> HTMLResponse:
    data = reads.dashboard(db, who.org_id)
    titles = {i.id: i.title for i in default_catalogue().indicators}
    return page(
        request,
        "dashboard.html",
        who,
        "dashboard",
        data=data,
        indicator_chart=bar_chart(
            [(f"{ind} {titles.get(ind, '')}", n) for ind, n in data.by_indicator[:15]],
            "Alerts by indicator",
            links=[f"/alerts?{urlencode({'indicator': ind})}" for ind, _n in data.by_indicator[:15]],
        ),
        type_chart=stacked_time_chart(
            data.periods,
            data.by_type,
            "Alerts by trafficking type per month",
            link=_month_link,
        ),
        cases=case_list(db, who.org_id).page(1).rows[:8],
    )


def _month_link(period: str, kind: str) -> str:
    """The alerts of one trafficking type whose period overlaps one month (`2026-01`)."""
    year, month = (int(x) for x in period.split("-"))
    first = date(year, month, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return "/alerts?" + urlencode(
        {"trafficking_type": kind, "date_from": first.isoformat(), "date_to": last.isoformat()}
    )


@router.get("/alerts", response_class=HTMLResponse, response_model=None)
def alerts(
    request: Request,
    db: Db,
    who: Reader,
    indicator: Annotated[str, Query(max_length=40)] = "",
    trafficking_type: Annotated[str, Query(pattern="^(sex|labour|general)?$")] = "",
    case: Annotated[str, Query(max_length=40)] = "",
    party: Annotated[str, Query(max_length=100)] = "",
    review: Annotated[str, Query(pattern="^(none|relevant|not_suspicious|needs_more_information)?$")] = "",
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    date_from: Annotated[date | None, Query()] = None,
    date_to: Annotated[date | None, Query()] = None,
    sort: Annotated[str, Query(pattern="^(score|indicator|party|period|type|case)?$")] = "score",
    order: Annotated[str, Query(pattern="^(asc|desc)?$")] = "",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
    format: Annotated[str, Query(pattern="^(html|csv)?$")] = "html",
) -> Response:
    flt = tables.AlertFilter(indicator, trafficking_type, case, party, review, min_score, date_from, date_to)
    sort = sort or "score"
    order = order or ("desc" if sort == "score" else "asc")
    if format == "csv":
        _total, every = tables.alert_lines(db, who.org_id, flt, sort=sort, order=order, page=None)
        return csv_response("alerts.csv", tables.ALERT_CSV_HEADER, tables.alert_csv_rows(every))
    total, rows = tables.alert_lines(db, who.org_id, flt, sort=sort, order=order, page=page_no)
    result = tables.Page(rows, total, 1, max(1, -(-total // tables.PAGE_SIZE)), tables.PAGE_SIZE)
    result.page = max(1, min(page_no, result.pages))
    kept = {**flt.params(), "sort": sort, "order": order}
    return page(
        request,
        "alerts.html",
        who,
        "alerts",
        result=result,
        flt=flt,
        sort=sort,
        order=order,
        titles={i.id: i.title for i in default_catalogue().indicators},
        indicators=[i.id for i in default_catalogue().indicators],
        href=lambda **extra: "/alerts?" + urlencode({k: v for k, v in {**kept, **extra}.items() if v}),
    )


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert(request: Request, alert_id: int, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    row = reads.get_alert(db, who.org_id, alert_id)
    summary = casework.case_summary(db, who.org_id, row.case_id)
    party_ids = [p.party_id for p in summary.parties]
    names = names_of(ctx.workspace, party_ids)
    try:
        indicator = default_catalogue().get(row.indicator_id)
    except Exception:
        indicator = None
    transactions, missing = casework.alert_transactions(db, who.org_id, row)
    raw = row.evidence or {}
    return page(
        request,
        "alert.html",
        who,
        "alerts",
        alert=row,
        case=summary.case,
        summary=summary,
        safeguard=summary.safeguard,
        indicator=indicator,
        explanation=raw.get("explanation") or "",
        figures=humanize.figure_rows(raw.get("figures") or {}),
        parameters=humanize.parameter_rows(
            raw.get("parameters") or {}, indicator.parameters if indicator is not None else None
        ),
        named=len(raw.get("txn_ids") or []),
        truncated=bool(raw.get("txn_ids_truncated")),
        sources=raw.get("sources") or [],
        related=[str(p) for p in raw.get("related_party_ids") or []],
        evidence=transactions,
        missing=missing,
        reviews=reads.reviews(db, who.org_id, row.id),
        network=network_for_case(summary.case.network, names, highlight=row.party_id),
        names=names,
        counterparty=casework.counterparty,
        mcc_name=mcc_name,
        can_work=who.can(Permission.WORK),
    )


@router.get("/registry", response_class=HTMLResponse)
def registry(
    request: Request,
    ctx: Ctx,
    who: Reader,
    q: Annotated[str, Query(max_length=200)] = "",
    dataset: Annotated[str, Query(max_length=64, pattern=r"^[a-z0-9_]*$")] = "",
) -> HTMLResponse:
    with ctx.duckdb() as con:
        store = RegistryStore(ctx.workspace, con)
        datasets = store.datasets()
        hits = store.search(q, limit=50, dataset=dataset or None) if q.strip() else []
    return page(request, "registry.html", who, "registry", q=q, dataset=dataset, datasets=datasets, hits=hits)


@router.get("/registry/entities/{entity_id}", response_class=HTMLResponse)
def entity(request: Request, entity_id: str, ctx: Ctx, who: Reader) -> HTMLResponse:
    with ctx.duckdb() as con:
        store = RegistryStore(ctx.workspace, con)
        row = store.get(entity_id)
        statements = store.statements(entity_id)
        editions = store.editions(row["dataset"])
    return page(request, "entity.html", who, "registry", entity=row, statements=statements, editions=editions)


@router.get("/indicators", response_class=HTMLResponse)
def indicators(request: Request, who: Reader) -> HTMLResponse:
    return page(request, "indicators.html", who, "indicators", indicators=default_catalogue().indicators)


@router.get("/indicators/{indicator_id}", response_class=HTMLResponse)
def indicator(request: Request, indicator_id: str, db: Db, who: Reader) -> HTMLResponse:
    found = default_catalogue().get(indicator_id)
    _total, examples = reads.list_alerts(db, who.org_id, indicator=found.id, limit=3)
    return page(
        request,
        "indicator.html",
        who,
        "indicators",
        ind=indicator_detail(found),
        examples=examples,
    )
