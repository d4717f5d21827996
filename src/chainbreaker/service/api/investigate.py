"""API of the investigator's workspace: set a case's trafficking type, page through its evidence, rank cases.

The same library calls as the pages (`cases.workflow.set_trafficking_type`, `service.casework`,
`cases.ranking`), so an integration sees exactly what an investigator sees.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from chainbreaker.cases import ranking, workflow
from chainbreaker.service import casework
from chainbreaker.service.deps import Db, Reader, Worker
from chainbreaker.service.mcc import mcc_name

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


class TraffickingTypeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trafficking_type: Literal["sex", "labour", "mixed"]
    reason: str = Field(min_length=1, max_length=4000)
    expected_version: int | None = Field(default=None, ge=1)


class TraffickingTypeOut(BaseModel):
    reference: str
    trafficking_type: str
    version: int


class EvidenceOut(BaseModel):
    txn_id: str
    indicator_id: str
    booked_at: datetime
    party_id: str | None
    account_id: str
    direction: str
    channel: str
    amount: Decimal
    currency: str
    counterparty_party_id: str | None
    counterparty_name: str | None
    counterparty_country: str | None
    merchant_name: str | None
    mcc: str | None
    mcc_meaning: str
    city: str | None
    country: str | None


class EvidencePageOut(BaseModel):
    total: int
    page: int
    pages: int
    items: list[EvidenceOut]


class RankOut(BaseModel):
    rank: int
    reference: str
    score: float
    party_risk: float
    indicators: int
    list_match: float
    likely_victims: int
    evidence: int
    above_next: str


@router.get("-ranking", response_model=list[RankOut], summary="Cases ranked, with why each is above the next")
def case_ranking(db: Db, who: Reader) -> list[RankOut]:
    return [
        RankOut(
            rank=r.rank,
            reference=r.reference,
            score=r.score,
            party_risk=r.party_risk,
            indicators=r.indicators,
            list_match=r.list_match,
            likely_victims=r.likely_victims,
            evidence=r.evidence,
            above_next=r.above_next,
        )
        for r in ranking.rank_cases(db, who.org_id)
    ]


@router.post(
    "/{ref}/trafficking-type",
    response_model=TraffickingTypeOut,
    summary="Decide sex or labour trafficking (with a reason, audited)",
)
def set_trafficking_type(ref: str, body: TraffickingTypeIn, db: Db, who: Worker) -> TraffickingTypeOut:
    case = workflow.set_trafficking_type(
        db,
        who.org_id,
        ref,
        body.trafficking_type,
        who.actor,
        reason=body.reason,
        expected_version=body.expected_version,
    )
    return TraffickingTypeOut(
        reference=case.reference, trafficking_type=case.trafficking_type, version=case.version
    )


@router.get(
    "/{ref}/evidence", response_model=EvidencePageOut, summary="A case's evidence, filtered, sorted, paged"
)
def evidence(
    ref: str,
    db: Db,
    who: Reader,
    indicator: Annotated[str, Query(max_length=40)] = "",
    party: Annotated[str, Query(max_length=100)] = "",
    channel: Annotated[str, Query(max_length=20)] = "",
    direction: Annotated[str, Query(pattern="^(in|out)?$")] = "",
    date_from: Annotated[date | None, Query()] = None,
    date_to: Annotated[date | None, Query()] = None,
    sort: Annotated[
        str, Query(pattern="^(booked_at|amount|indicator|channel|direction|party|counterparty|mcc)$")
    ] = "booked_at",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "asc",
    page: Annotated[int, Query(ge=1, le=10**6)] = 1,
    size: Annotated[int, Query(ge=1, le=casework.MAX_EVIDENCE_PAGE)] = casework.EVIDENCE_PAGE,
) -> EvidencePageOut:
    case = workflow.get_case(db, who.org_id, ref)
    flt = casework.EvidenceFilter(indicator, party, channel, direction, date_from, date_to)
    result = casework.evidence_page(
        db, who.org_id, case, flt, sort=sort, order=order, offset=(page - 1) * size, limit=size
    )
    return EvidencePageOut(
        total=result.total,
        page=result.page,
        pages=result.pages,
        items=[
            EvidenceOut(
                txn_id=e.txn_id,
                indicator_id=e.indicator_id,
                booked_at=e.booked_at,
                party_id=e.party_id,
                account_id=e.account_id,
                direction=e.direction,
                channel=e.channel,
                amount=e.amount,
                currency=e.currency,
                counterparty_party_id=e.counterparty_party_id,
                counterparty_name=e.counterparty_name,
                counterparty_country=e.counterparty_country,
                merchant_name=e.merchant_name,
                mcc=e.mcc,
                mcc_meaning=mcc_name(e.mcc),
                city=e.city,
                country=e.country,
            )
            for e in result.rows
        ],
    )
