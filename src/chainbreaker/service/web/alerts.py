"""Alert review form: the decision is recorded and audited; the page returns to the alert."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from chainbreaker.service import reads
from chainbreaker.service.deps import Db, Worker
from chainbreaker.service.web import flash

router = APIRouter(include_in_schema=False)


@router.post("/alerts/{alert_id}/review")
def review(
    request: Request,
    alert_id: int,
    db: Db,
    who: Worker,
    decision: Annotated[str, Form(max_length=30)],
    note: Annotated[str, Form(max_length=4000)] = "",
) -> RedirectResponse:
    reads.review_alert(db, who.org_id, alert_id, who.actor, decision, note)
    return flash.redirect(request, f"/alerts/{alert_id}", "Review recorded.")
