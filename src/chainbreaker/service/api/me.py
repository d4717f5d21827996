"""Who am I: lets an integration check its API key and role before doing anything."""

from __future__ import annotations

from fastapi import APIRouter

from chainbreaker.service.deps import CurrentPrincipal
from chainbreaker.service.schemas import Me

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.get("/me", response_model=Me, summary="The caller's user, role and organisation")
def me(principal: CurrentPrincipal) -> Me:
    return Me(
        username=principal.username,
        role=principal.role,
        org_id=principal.org_id,
        org_name=principal.org_name,
        via=principal.via,
    )
