"""Dashboard API: the counts behind the dashboard charts, for integrations and other front ends."""

from __future__ import annotations

from fastapi import APIRouter

from chainbreaker.service import reads
from chainbreaker.service.deps import Db, Reader
from chainbreaker.service.schemas import DashboardOut

router = APIRouter(prefix="/api/v1/dashboard", tags=["dashboard"])


@router.get("", response_model=DashboardOut, summary="Alerts by indicator and by trafficking type per month")
def dashboard(db: Db, who: Reader) -> DashboardOut:
    return DashboardOut.model_validate(reads.dashboard(db, who.org_id))
