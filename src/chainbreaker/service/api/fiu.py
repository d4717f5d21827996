"""FIU API: received reports in numbers, cases with their links, analyst decisions, relinking,
disseminations, patterns, feedback letters and the public report. For members of the FIU holding the
workspace only (`service.fiu`)."""

from __future__ import annotations

import csv
from dataclasses import asdict
from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from chainbreaker.fiu import views
from chainbreaker.fiu.patterns import analyse
from chainbreaker.service import fiu
from chainbreaker.service.deps import Ctx, Db
from chainbreaker.service.fiu import FiuReader, FiuWorker

router = APIRouter(prefix="/api/v1/fiu", tags=["fiu"])


class CaseOut(BaseModel):
    case_id: str
    status: str
    assignee: str | None
    entities: int
    reports: int
    persons: int
    created_at: datetime


class DecisionIn(BaseModel):
    party_a: str = Field(min_length=3, max_length=300, description="filed party key, report_id#n")
    party_b: str = Field(min_length=3, max_length=300)
    decision: Literal["same", "different"] = Field(description="same: accept the link; different: reject it")
    reason: str = Field(min_length=3, max_length=2000)


class DisseminationIn(BaseModel):
    recipient: str = Field(min_length=2, max_length=200, description="partner agency or foreign FIU")
    legal_basis: str = Field(min_length=5, max_length=1000)
    report_ids: list[str] = Field(min_length=1, max_length=5000, description="reports of the case to send")


class PackageOut(BaseModel):
    package_id: str
    reports: int
    persons: int
    sha256: str
    xml: str
    html: str


class LinkOut(BaseModel):
    filed_parties: int
    links: int
    persons: int
    networks: int
    cases: int


@router.get("/overview", summary="Received reports by source and trafficking type; persons after linking")
def overview(ctx: Ctx, who: FiuReader) -> dict[str, Any]:
    with ctx.duckdb() as con:
        return asdict(views.overview(con))


@router.get("/cases", response_model=list[CaseOut], summary="FIU cases: networks spanning several filers")
def list_cases(db: Db, who: FiuReader) -> list[CaseOut]:
    return [
        CaseOut(
            case_id=c.reference,
            status=c.status,
            assignee=c.assignee,
            entities=c.entities,
            reports=c.reports,
            persons=c.persons,
            created_at=c.created_at,
        )
        for c in fiu.cases(db, who)
    ]


@router.get("/cases/{case_id}", summary="One FIU case: reports, persons, links with decisions, packages")
def get_case(case_id: str, ctx: Ctx, db: Db, who: FiuReader) -> dict[str, Any]:
    found = fiu.case_page(ctx, db, who, case_id)
    return {
        "case_id": case_id,
        "status": found.case.status,
        "current": found.view is not None,
        **({k: v for k, v in asdict(found.view).items() if k != "case_id"} if found.view else {}),
    }


@router.post(
    "/cases/{case_id}/decisions", status_code=201, summary="Accept or reject a link (sticks on relink)"
)
def post_decision(case_id: str, body: DecisionIn, ctx: Ctx, db: Db, who: FiuWorker) -> dict[str, str]:
    fiu.record_decision(ctx, db, who, case_id, body.party_a, body.party_b, body.decision, body.reason)
    return {"recorded": body.decision, "applies": "at the next link (POST /api/v1/fiu/link)"}


@router.post("/link", response_model=LinkOut, summary="Link all received reports again")
def post_link(ctx: Ctx, db: Db, who: FiuWorker) -> LinkOut:
    r = fiu.relink(ctx, db, who)
    return LinkOut(
        filed_parties=r.records, links=r.links, persons=r.persons, networks=r.networks, cases=r.cases
    )


@router.post(
    "/cases/{case_id}/disseminations",
    response_model=PackageOut,
    status_code=201,
    summary="Package selected reports of a case for a partner, recorded in the audit log",
)
def post_dissemination(case_id: str, body: DisseminationIn, ctx: Ctx, db: Db, who: FiuWorker) -> PackageOut:
    p = fiu.disseminate_case(ctx, db, who, case_id, body.recipient, body.legal_basis, body.report_ids)
    base = f"/fiu/packages/{p.package_id}"
    return PackageOut(
        package_id=p.package_id,
        reports=p.reports,
        persons=p.persons,
        sha256=p.sha256,
        xml=f"{base}.xml",
        html=f"{base}.html",
    )


@router.get("/patterns", summary="Unusual months and new indicator combinations")
def patterns(ctx: Ctx, who: FiuReader) -> dict[str, Any]:
    with ctx.duckdb() as con:
        found = analyse(con)
    return {
        "trends": [asdict(t) for t in found.trends],
        "combinations": [asdict(c) for c in found.combinations],
    }


@router.get("/feedback", summary="The reporting entities, each with its feedback letter")
def feedback(ctx: Ctx, who: FiuReader) -> list[dict[str, Any]]:
    return [
        {"entity_id": x.entity_id, "reports": x.reports, "letter": f"/fiu/feedback/{x.entity_id}"}
        for x in fiu.letters(ctx)
    ]


@router.get("/public", summary="Public tables for a year, small cells withheld (null)")
def public(
    ctx: Ctx,
    who: FiuReader,
    period: str = Query(pattern=r"^\d{4}$"),
    k: int = Query(10, ge=3, le=1000),
) -> dict[str, Any]:
    published = fiu.public_report(ctx, period, k)
    tables: dict[str, list[dict[str, str | None]]] = {}
    for path in published.files:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                tables[path.stem] = [
                    {key: (value if value != "" else None) for key, value in row.items()}
                    for row in csv.DictReader(handle)
                ]
    return {
        "period": period,
        "k": k,
        "reports": published.reports,
        "withheld": published.hidden_cells,
        "tables": tables,
    }
