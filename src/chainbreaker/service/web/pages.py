"""Read-only pages: dashboard, alerts, registry browser and the indicator catalogue as training material."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from chainbreaker.cases import views
from chainbreaker.monitoring.catalogue import default_catalogue
from chainbreaker.registry.store import RegistryStore
from chainbreaker.service import reads
from chainbreaker.service.api.indicators import detail as indicator_detail
from chainbreaker.service.deps import Ctx, Db, Reader
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
        ),
        type_chart=stacked_time_chart(data.periods, data.by_type, "Alerts by trafficking type per month"),
        cases=views.list_cases(db, who.org_id, limit=8),
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts(
    request: Request,
    db: Db,
    who: Reader,
    indicator: Annotated[str | None, Query(max_length=40)] = None,
    trafficking_type: Annotated[str | None, Query(pattern="^(sex|labour|general)?$")] = None,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> HTMLResponse:
    limit = 50
    total, rows = reads.list_alerts(
        db,
        who.org_id,
        indicator=indicator or None,
        trafficking_type=trafficking_type or None,
        offset=offset,
        limit=limit,
    )
    return page(
        request,
        "alerts.html",
        who,
        "alerts",
        alerts=rows,
        total=total,
        offset=offset,
        limit=limit,
        decisions=reads.latest_decisions(db, who.org_id, [a.id for a in rows]),
        indicator=indicator or "",
        trafficking_type=trafficking_type or "",
        indicators=[i.id for i in default_catalogue().indicators],
    )


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert(request: Request, alert_id: int, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    row = reads.get_alert(db, who.org_id, alert_id)
    case = views.case_view(db, who.org_id, row.case_id)
    names = reads.party_names(ctx.workspace, [p["party_id"] for p in case.parties])
    try:
        indicator = default_catalogue().get(row.indicator_id)
    except Exception:
        indicator = None
    return page(
        request,
        "alert.html",
        who,
        "alerts",
        alert=row,
        case=case,
        indicator=indicator,
        evidence=reads.alert_evidence(db, who.org_id, row),
        reviews=reads.reviews(db, who.org_id, row.id),
        network=network_for_case(case.network, names, highlight=row.party_id),
        names=names,
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
