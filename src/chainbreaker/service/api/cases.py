"""Cases API: list, read, and move cases through their workflow (each change audited by the library)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from chainbreaker.cases import views, workflow
from chainbreaker.service import accounts
from chainbreaker.service.deps import Db, Reader, Worker
from chainbreaker.service.schemas import (
    AccountActionIn,
    AssignIn,
    CaseChanged,
    CaseDetailOut,
    CaseSummaryOut,
    CommentIn,
    CommentOut,
    PartyOut,
    PartyRoleIn,
    TransitionIn,
)

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])


def _changed(case: object) -> CaseChanged:
    return CaseChanged.model_validate(case)


@router.get("", response_model=list[CaseSummaryOut], summary="Cases of your organisation, highest risk first")
def list_cases(
    db: Db,
    who: Reader,
    status: Annotated[str | None, Query(pattern="^(new|in_review|escalated|reported|closed)$")] = None,
    assignee: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[CaseSummaryOut]:
    rows = views.list_cases(db, who.org_id, status=status, assignee=assignee, limit=limit)
    return [CaseSummaryOut.model_validate(r) for r in rows]


@router.get("/{ref}", response_model=CaseDetailOut, summary="One case: parties, network, evidence, safeguard")
def get_case(ref: str, db: Db, who: Reader) -> CaseDetailOut:
    data = views.case_view(db, who.org_id, ref).as_dict()
    data.pop("audit", None)
    return CaseDetailOut.model_validate(data)


@router.post("/{ref}/transition", response_model=CaseChanged, summary="Move the case to another status")
def transition(ref: str, body: TransitionIn, db: Db, who: Worker) -> CaseChanged:
    case = workflow.transition(
        db,
        who.org_id,
        ref,
        body.to_status,
        who.actor,
        reason=body.reason,
        expected_version=body.expected_version,
        actor_role=who.role,
    )
    return _changed(case)


@router.post(
    "/{ref}/assign", response_model=CaseChanged, summary="Assign the case to a user of your organisation"
)
def assign(ref: str, body: AssignIn, db: Db, who: Worker) -> CaseChanged:
    assignee = accounts.check_member(db, who.org_id, body.assignee) if body.assignee else None
    case = workflow.assign(db, who.org_id, ref, assignee, who.actor, expected_version=body.expected_version)
    return _changed(case)


@router.post("/{ref}/comments", response_model=CommentOut, status_code=201, summary="Add a comment")
def add_comment(ref: str, body: CommentIn, db: Db, who: Worker) -> CommentOut:
    return CommentOut.model_validate(workflow.comment(db, who.org_id, ref, who.actor, body.body))


@router.post(
    "/{ref}/parties/{party_id}/role", response_model=PartyOut, summary="Change a party's role (with a reason)"
)
def set_role(ref: str, party_id: str, body: PartyRoleIn, db: Db, who: Worker) -> PartyOut:
    party = workflow.set_party_role(
        db,
        who.org_id,
        ref,
        party_id,
        body.role,
        who.actor,
        reason=body.reason,
        expected_version=body.expected_version,
        actor_role=who.role,
    )
    return PartyOut.model_validate(party)


@router.post(
    "/{ref}/parties/{party_id}/account-action",
    response_model=PartyOut,
    summary="Record what happens to a party's account (survivor safeguard applies)",
)
def account_action(ref: str, party_id: str, body: AccountActionIn, db: Db, who: Worker) -> PartyOut:
    party = workflow.record_account_action(
        db,
        who.org_id,
        ref,
        party_id,
        body.action,
        who.actor,
        who.role,
        reason=body.reason,
        expected_version=body.expected_version,
    )
    return PartyOut.model_validate(party)
