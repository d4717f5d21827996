"""Remedy API: grievances submitted by NGOs and trade unions for workers, and exit reviews by banks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from chainbreaker.core.errors import NotFoundError, PermissionDeniedError
from chainbreaker.remedy import exits, grievances
from chainbreaker.service.deps import Db, Worker, require
from chainbreaker.service.security.principal import Principal
from chainbreaker.service.security.roles import Permission
from chainbreaker.storage.models import Organisation

router = APIRouter(prefix="/api/v1", tags=["remedy"])
Sharer = Annotated[Principal, Depends(require(Permission.SHARE))]


class GrievanceIn(grievances.GrievanceInput):
    """A grievance filed for workers by a partner organisation, addressed to one bank or investor."""

    to_org: str = Field(min_length=1, max_length=64)


class GrievanceReceipt(BaseModel):
    reference: str
    to_org: str
    acknowledge_due: str


class ExitReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exit_reason: str = Field(max_length=60)
    decision: str = Field(max_length=30)
    rationale: str = Field(min_length=1, max_length=5000)
    business_client: bool = False
    leverage_tried: bool | None = None


class ExitReviewOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    party_id: str
    decision: str
    exit_reason: str
    likely_victim: bool
    protected: bool
    decided_by: str


@router.post(
    "/grievances",
    response_model=GrievanceReceipt,
    status_code=201,
    summary="File a grievance for workers (NGOs and trade unions); it is never shown back to the filer",
)
def file_grievance(body: GrievanceIn, db: Db, who: Sharer) -> GrievanceReceipt:
    if who.org_kind != "ngo":
        raise PermissionDeniedError("grievances are filed through the API by NGOs and trade unions")
    target = db.get(Organisation, body.to_org)
    if target is None or target.kind not in ("bank", "investor"):
        raise NotFoundError(f"no grievance mechanism {body.to_org!r}")
    data = grievances.GrievanceInput.model_validate(body.model_dump(exclude={"to_org"}))
    grievance = grievances.submit(db, target.id, data, channel="api", submitted_by_org=who.org_id)
    return GrievanceReceipt(
        reference=grievance.reference, to_org=target.id, acknowledge_due=grievance.acknowledge_due.isoformat()
    )


@router.post(
    "/parties/{party_id}/exit-review",
    response_model=ExitReviewOut,
    status_code=201,
    summary="Review an exit before closing an account linked to alerts (needed before close_account)",
)
def exit_review(party_id: str, body: ExitReviewIn, db: Db, who: Worker) -> ExitReviewOut:
    review = exits.review_exit(
        db,
        who.org_id,
        party_id,
        exit_reason=body.exit_reason,
        decision=body.decision,
        rationale=body.rationale,
        actor=who.actor,
        actor_role=who.role,
        business_client=body.business_client,
        leverage_tried=body.leverage_tried,
    )
    return ExitReviewOut.model_validate(review)
