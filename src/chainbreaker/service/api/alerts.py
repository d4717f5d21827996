"""Alerts API: list and read an organisation's alerts with their evidence, and record reviews."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chainbreaker.service import reads
from chainbreaker.service.deps import Db, Reader, Worker
from chainbreaker.service.schemas import AlertDetail, AlertList, AlertOut, PageMeta, ReviewIn, ReviewOut

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])


@router.get("", response_model=AlertList, summary="Alerts of your organisation, highest score first")
def list_alerts(
    db: Db,
    who: Reader,
    indicator: Annotated[str | None, Query(max_length=40)] = None,
    trafficking_type: Annotated[str | None, Query(pattern="^(sex|labour|general)$")] = None,
    case_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Query(ge=1, le=reads.MAX_PAGE)] = 50,
) -> AlertList:
    total, rows = reads.list_alerts(
        db,
        who.org_id,
        indicator=indicator,
        trafficking_type=trafficking_type,
        case_id=case_id,
        offset=offset,
        limit=limit,
    )
    decisions = reads.latest_decisions(db, who.org_id, [a.id for a in rows])
    items = [AlertOut.model_validate(a).model_copy(update={"review": decisions.get(a.id)}) for a in rows]
    return AlertList(meta=PageMeta(total=total, offset=offset, limit=limit), items=items)


@router.get("/{alert_id}", response_model=AlertDetail, summary="One alert with its evidence and reviews")
def get_alert(alert_id: int, db: Db, who: Reader) -> AlertDetail:
    alert = reads.get_alert(db, who.org_id, alert_id)
    history = reads.reviews(db, who.org_id, alert.id)
    base = AlertOut.model_validate(alert).model_dump()
    base["review"] = history[0].decision if history else None
    return AlertDetail(
        **base, evidence=alert.evidence or {}, reviews=[ReviewOut.model_validate(r) for r in history]
    )


@router.post("/{alert_id}/reviews", response_model=ReviewOut, status_code=201, summary="Record your review")
def review_alert(alert_id: int, body: ReviewIn, db: Db, who: Worker) -> ReviewOut:
    row = reads.review_alert(db, who.org_id, alert_id, who.actor, body.decision, body.note)
    return ReviewOut.model_validate(row)
