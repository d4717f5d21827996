"""Search, party pages and the list of screening results: the pages an investigation moves between.

`/search?q=` takes a name, a party id, an account number, a phone or an email (and case references
and alert ids); `/parties/{party_id}` is the single view of one customer or counterparty;
`/screening/results` lists the organisation's list matches. Search terms stay out of logs: the
service has no access log and these routes log nothing.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from chainbreaker.monitoring.catalogue import default_catalogue
from chainbreaker.service import parties, tables
from chainbreaker.service.csvout import csv_response
from chainbreaker.service.deps import Ctx, Db, Reader
from chainbreaker.service.humanize import human_month
from chainbreaker.service.views.charts import stacked_time_chart
from chainbreaker.service.web.render import page

router = APIRouter(include_in_schema=False)


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request, ctx: Ctx, db: Db, who: Reader, q: Annotated[str, Query(max_length=200)] = ""
) -> HTMLResponse:
    result = parties.search(db, ctx.workspace, who.org_id, q)
    return page(request, "search.html", who, "", result=result, search_q=q)


@router.get("/parties/{party_id}", response_class=HTMLResponse)
def party(request: Request, party_id: str, ctx: Ctx, db: Db, who: Reader) -> HTMLResponse:
    view = parties.party_view(db, ctx.workspace, who.org_id, party_id)
    months = [human_month(m) for m, _i, _o in view.monthly]
    chart = stacked_time_chart(
        months,
        {"money in": [i for _m, i, _o in view.monthly], "money out": [o for _m, _i, o in view.monthly]},
        "Transactions per month, in and out",
    )
    return page(
        request,
        "party.html",
        who,
        "",
        view=view,
        chart=chart,
        titles={i.id: i.title for i in default_catalogue().indicators},
    )


@router.get("/screening/results", response_class=HTMLResponse, response_model=None)
def screening_results(
    request: Request,
    db: Db,
    who: Reader,
    dataset: Annotated[str, Query(max_length=64, pattern=r"^[a-z0-9_]*$")] = "",
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    sort: Annotated[str, Query(pattern="^(score|dataset|entity|party|case)?$")] = "score",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
    format: Annotated[str, Query(pattern="^(html|csv)?$")] = "html",
) -> Response:
    rows = tables.hit_lines(db, who.org_id, dataset=dataset, min_score=min_score, sort=sort or "score")
    if format == "csv":
        header = [
            "case",
            "party_id",
            "query_name",
            "entity_id",
            "entity_name",
            "dataset",
            "score",
            "matched_on",
            "explanation",
        ]
        data = [
            [
                ref,
                h.party_id,
                h.query_name,
                h.entity_id,
                h.entity_name,
                h.dataset,
                h.score,
                h.matched_on,
                h.explanation,
            ]
            for h, ref in rows
        ]
        return csv_response("list-matches.csv", header, data)
    datasets = sorted({h.dataset for h, _ref in tables.hit_lines(db, who.org_id) if h.dataset})
    kept = {"dataset": dataset, "min_score": "" if min_score is None else f"{min_score:g}", "sort": sort}
    return page(
        request,
        "hits.html",
        who,
        "hits",
        result=tables.paginate(rows, page_no),
        datasets=datasets,
        dataset=dataset,
        min_score=min_score,
        sort=sort or "score",
        order="",
        href=lambda **extra: (
            "/screening/results?" + urlencode({k: v for k, v in {**kept, **extra}.items() if v})
        ),
    )
