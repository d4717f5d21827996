"""Search, party pages and the list of screening results: the pages an investigation moves between.

`/search?q=` takes a name, a party id, an account number, a phone or an email (and case references
and alert ids); `/parties/{party_id}` is the single view of one customer or counterparty;
`/screening/results` lists the organisation's list matches. Search terms stay out of logs: the
service has no access log and these routes log nothing.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import duckdb
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from chainbreaker.cases.protection import protection_notes
from chainbreaker.core.demo_lists import list_label
from chainbreaker.monitoring.catalogue import default_catalogue
from chainbreaker.registry.store import RegistryStore
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
        protection=protection_notes(db, who.org_id, [party_id]).get(party_id),
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
        protected = protection_notes(db, who.org_id, [h.party_id or "" for h, _ref in rows])
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
            "protection",
        ]
        data = [
            [
                ref,
                h.party_id,
                h.query_name,
                h.entity_id,
                h.entity_name,
                list_label(h.dataset),
                h.score,
                h.matched_on,
                h.explanation,
                protected.get(h.party_id or "", ""),
            ]
            for h, ref in rows
        ]
        return csv_response("list-matches.csv", header, data)
    datasets = sorted({h.dataset for h, _ref in tables.hit_lines(db, who.org_id) if h.dataset})
    kept = {"dataset": dataset, "min_score": "" if min_score is None else f"{min_score:g}", "sort": sort}
    result = tables.paginate(rows, page_no)
    return page(
        request,
        "hits.html",
        who,
        "hits",
        result=result,
        protected=protection_notes(db, who.org_id, [h.party_id or "" for h, _ref in result.rows]),
        datasets=datasets,
        dataset=dataset,
        min_score=min_score,
        sort=sort or "score",
        order="",
        href=lambda **extra: (
            "/screening/results?" + urlencode({k: v for k, v in {**kept, **extra}.items() if v})
        ),
    )


REGISTRY_SORTS = {"name": "caption", "schema": "schema", "list": "dataset", "source": "source_id"}


@router.get("/registry/lists", response_class=HTMLResponse, response_model=None)
def registry_lists(
    request: Request,
    ctx: Ctx,
    who: Reader,
    dataset: Annotated[str, Query(max_length=64, pattern=r"^[a-z0-9_]*$")] = "",
    status: Annotated[str, Query(pattern="^(listed|delisted)?$")] = "listed",
    schema: Annotated[str, Query(max_length=40, pattern=r"^[A-Za-z]*$")] = "",
    sort: Annotated[str, Query(pattern="^(name|schema|list|source)?$")] = "name",
    page_no: Annotated[int, Query(alias="page", ge=1, le=10**6)] = 1,
    format: Annotated[str, Query(pattern="^(html|csv)?$")] = "html",
) -> Response:
    """Every entity of the loaded lists, browsable without a query: filter by list, status and type."""
    where = ["($dataset = '' OR dataset = $dataset)", "($schema = '' OR schema = $schema)"]
    if status:
        where.append("active" if status == "listed" else "NOT active")
    params = {"dataset": dataset, "schema": schema}
    order = REGISTRY_SORTS[sort or "name"]  # a column name from the fixed table above, never from input
    sql_where = " AND ".join(where)
    columns = "entity_id, schema, caption, dataset, source_id, countries, active"
    with ctx.duckdb() as con:
        try:
            found = con.execute(
                f"SELECT count(*) FROM registry_entities WHERE {sql_where}", params
            ).fetchone()
            total = int(found[0]) if found else 0
        except duckdb.CatalogException:
            total = 0
        size = tables.PAGE_SIZE
        pages = max(1, -(-total // size))
        current = max(1, min(page_no, pages))
        limit, offset = (total, 0) if format == "csv" else (size, (current - 1) * size)
        rows = (
            con.execute(
                f"SELECT {columns} FROM registry_entities WHERE {sql_where} "
                f"ORDER BY {order} NULLS LAST, entity_id LIMIT {int(limit)} OFFSET {int(offset)}",
                params,
            ).fetchall()
            if total
            else []
        )
        schemas = (
            [
                str(r[0])
                for r in con.execute("SELECT DISTINCT schema FROM registry_entities ORDER BY 1").fetchall()
            ]
            if total or dataset or schema
            else []
        )
        datasets = RegistryStore(ctx.workspace, con).datasets()
    if format == "csv":
        header = ["entity_id", "schema", "name", "list", "source_id", "countries", "status"]
        data = [
            [r[0], r[1], r[2], list_label(r[3]), r[4], ";".join(r[5] or []), "listed" if r[6] else "delisted"]
            for r in rows
        ]
        return csv_response(f"{dataset or 'all-lists'}.csv", header, data)
    kept = {"dataset": dataset, "status": status, "schema": schema, "sort": sort}
    return page(
        request,
        "registry_lists.html",
        who,
        "registry",
        result=tables.Page(
            [dict(zip(columns.split(", "), r, strict=True)) for r in rows], total, current, pages, size
        ),
        datasets=datasets,
        schemas=schemas,
        dataset=dataset,
        status=status,
        schema=schema,
        sort=sort or "name",
        order="",
        href=lambda **extra: (
            "/registry/lists?" + urlencode({k: v for k, v in {**kept, **extra}.items() if v})
        ),
    )
