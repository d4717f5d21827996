"""The sharing hub's API (docs/sharing.md): one library call per route, messages as base64 of the `.msg` file.

Only organisations of the right kind reach each route (the hub operator sets up partnerships; an NGO submits
and answers; a bank requests and asks); an organisation outside a partnership gets 404 from the library.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from chainbreaker.core.errors import InputError, PermissionDeniedError
from chainbreaker.service.deps import Db, require
from chainbreaker.service.security.principal import Principal
from chainbreaker.service.security.roles import Permission
from chainbreaker.sharing import hub
from chainbreaker.sharing.limits import SharingPolicy
from chainbreaker.sharing.protocol import Message
from chainbreaker.sharing.upload import check_submission_file

router = APIRouter(prefix="/api/v1/hub", tags=["hub"])

Operator = Annotated[Principal, Depends(require(Permission.HUB))]
Sharer = Annotated[Principal, Depends(require(Permission.SHARE))]


class MessageIn(BaseModel):
    message: str = Field(description="base64 of a chainbreaker-sharing-v1 message file", max_length=7_000_000)


class MessageOut(BaseModel):
    id: str
    count: int
    message: str | None = None


class PartnershipIn(BaseModel):
    id: str = Field(min_length=3, max_length=100)
    ngo_org_id: str = Field(min_length=1, max_length=64)
    bank_org_id: str = Field(min_length=1, max_length=64)
    purpose: str = Field(min_length=20, max_length=2000)
    min_submission: int = Field(50, ge=10, le=1_000_000)
    min_request: int = Field(50, ge=10, le=10_000_000)
    max_request_items: int = Field(4_194_304, ge=1, le=100_000_000)
    max_requests_per_day: int = Field(4, ge=1, le=100)
    bucket: int = Field(1024, ge=16, le=65536)


class RfiIn(BaseModel):
    partnership_id: str = Field(min_length=3, max_length=100)
    handle: str = Field(min_length=5, max_length=120)
    question: str = Field(min_length=1, max_length=5000)
    case_reference: str | None = Field(None, max_length=64)


class RfiAnswerIn(BaseModel):
    reveal: bool
    answer: str = Field("", max_length=5000)


class RfiOut(BaseModel):
    id: int
    status: str
    answer: str | None = None


def _kind(who: Principal, kind: str) -> None:
    if who.org_kind != kind:
        raise PermissionDeniedError(f"only a member of an organisation of kind {kind} may do this")


def _message(body: MessageIn, expect: str) -> Message:
    try:
        data = base64.b64decode(body.message, validate=True)
    except (binascii.Error, ValueError):
        raise InputError("message is not base64", column="message") from None
    head, _, payload = data.partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        raise InputError("message has no JSON header line", column="message") from None
    if not isinstance(header, dict) or header.get("type") != expect or len(payload) % 32:
        raise InputError(f"not a {expect} message", column="message")
    if header.get("count") != len(payload) // 32:
        raise InputError("payload does not hold the announced number of values", column="message")
    return Message(header, payload)


def _encode(message: Message) -> str:
    raw = json.dumps(message.header, sort_keys=True).encode() + b"\n" + message.payload
    return base64.b64encode(raw).decode("ascii")


@router.post("/partnerships", status_code=201, summary="Hub operator: set up an NGO-bank partnership")
def create_partnership(body: PartnershipIn, db: Db, who: Operator) -> dict[str, str]:
    _kind(who, "hub")
    policy = SharingPolicy(
        min_submission=body.min_submission,
        min_request=body.min_request,
        max_request_items=body.max_request_items,
        max_requests_per_day=body.max_requests_per_day,
        bucket=body.bucket,
    )
    row = hub.create_partnership(
        db, who.org_id, who.actor, body.id, body.ngo_org_id, body.bank_org_id, body.purpose, policy
    )
    return {"id": row.id}


@router.post("/submissions", status_code=201, response_model=MessageOut, summary="NGO: upload a blinded list")
def submit(body: MessageIn, db: Db, who: Sharer) -> MessageOut:
    _kind(who, "ngo")
    try:
        data = base64.b64decode(body.message, validate=True)
    except (binascii.Error, ValueError):
        raise InputError("message is not base64", column="message") from None
    row = hub.submit(db, who.org_id, who.actor, check_submission_file(data, "message"))
    return MessageOut(id=row.id, count=row.item_count)


@router.post("/submissions/{submission_id}/revoke", response_model=MessageOut, summary="NGO: withdraw a list")
def revoke(submission_id: str, db: Db, who: Sharer) -> MessageOut:
    hub.revoke_submission(db, who.org_id, who.actor, submission_id)
    return MessageOut(id=submission_id, count=0)


@router.get("/submissions/{submission_id}", response_model=MessageOut, summary="Bank: fetch a blinded list")
def fetch(submission_id: str, db: Db, who: Sharer) -> MessageOut:
    message = hub.fetch_submission(db, who.org_id, submission_id)
    return MessageOut(id=submission_id, count=message.count, message=_encode(message))


@router.post("/requests", status_code=201, response_model=MessageOut, summary="Bank: send a blinded request")
def request(body: MessageIn, db: Db, who: Sharer) -> MessageOut:
    _kind(who, "bank")
    row = hub.request(db, who.org_id, who.actor, _message(body, "request"))
    return MessageOut(id=row.id, count=row.item_count)


@router.get("/requests/{request_id}", response_model=MessageOut, summary="NGO: the request; bank: the answer")
def read_exchange(request_id: str, db: Db, who: Sharer) -> MessageOut:
    if who.org_kind == "ngo":
        message = hub.pending_request(db, who.org_id, request_id)
    else:
        message = hub.fetch_response(db, who.org_id, request_id)
    return MessageOut(id=request_id, count=message.count, message=_encode(message))


@router.post("/requests/{request_id}/response", response_model=MessageOut, summary="NGO: answer a request")
def respond(request_id: str, body: MessageIn, db: Db, who: Sharer) -> MessageOut:
    _kind(who, "ngo")
    message = _message(body, "response")
    if message.header.get("request_id") != request_id:
        raise InputError("the response answers another request", column="message")
    row = hub.respond(db, who.org_id, who.actor, message)
    return MessageOut(id=row.id, count=row.item_count)


@router.post("/rfis", status_code=201, response_model=RfiOut, summary="Bank: ask the NGO about a match")
def ask(body: RfiIn, db: Db, who: Sharer) -> RfiOut:
    _kind(who, "bank")
    row = hub.ask(
        db, who.org_id, who.actor, body.partnership_id, body.handle, body.question, body.case_reference
    )
    return RfiOut(id=row.id, status=row.status)


@router.post("/rfis/{rfi_id}/answer", response_model=RfiOut, summary="NGO coordinator: reveal or decline")
def answer(rfi_id: int, body: RfiAnswerIn, db: Db, who: Sharer) -> RfiOut:
    row = hub.answer(db, who.org_id, who.actor, who.role, rfi_id, reveal=body.reveal, text=body.answer)
    return RfiOut(id=row.id, status=row.status, answer=row.answer)
