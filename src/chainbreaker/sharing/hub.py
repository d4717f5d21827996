"""The sharing hub: partnerships, member keys, submissions, exchanges and requests for information.

The hub relays blinded messages between one NGO and one bank and enforces the partnership's limits (T6-T8);
it never holds a secret scalar or an identifier (T3, T4). Every change is an entry of the hash-chained audit
log of the organisation acting, with counts and ids only. Functions take a SQLAlchemy session and the
acting organisation; an organisation outside the partnership gets "not found", as elsewhere in the service.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.core.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from chainbreaker.core.organisations import OrgKind
from chainbreaker.sharing.limits import SharingPolicy
from chainbreaker.sharing.protocol import PROTOCOL, Message
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import Organisation
from chainbreaker.storage.sharing_models import (
    HubExchange,
    HubKey,
    HubPartnership,
    HubRfi,
    HubSubmission,
)

_ID = re.compile(r"^[A-Za-z0-9_.-]{3,100}$")
_KEY = re.compile(r"^[0-9a-f]{64}$")


def _digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()[:16]


def _org(session: Session, org_id: str, kind: OrgKind) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFoundError(f"organisation {org_id} not found")
    if org.kind != kind.value:
        raise InputError(f"organisation {org_id} is a {org.kind}, not a {kind.value}")
    return org


def policy_of(partnership: HubPartnership) -> SharingPolicy:
    return SharingPolicy(**(partnership.limits or {}))


def create_partnership(
    session: Session,
    hub_org: str,
    actor: str,
    partnership_id: str,
    ngo_org: str,
    bank_org: str,
    purpose: str,
    policy: SharingPolicy | None = None,
) -> HubPartnership:
    """The hub operator sets up one NGO-bank partnership with its purpose and limits."""
    if not _ID.match(partnership_id):
        raise InputError("partnership id: 3-100 letters, digits, '.', '_' or '-'", column="id")
    if len(purpose.strip()) < 20:
        raise InputError("a partnership needs a purpose statement (20+ characters)", column="purpose")
    _org(session, ngo_org, OrgKind.NGO)
    _org(session, bank_org, OrgKind.BANK)
    if session.get(HubPartnership, partnership_id) is not None:
        raise ConflictError(f"partnership {partnership_id} exists")
    row = HubPartnership(
        id=partnership_id,
        ngo_org_id=ngo_org,
        bank_org_id=bank_org,
        purpose=purpose.strip(),
        limits=asdict(policy or SharingPolicy()),
    )
    session.add(row)
    audit.record(
        session,
        hub_org,
        actor,
        "hub.partnership",
        "partnership",
        partnership_id,
        {"ngo": ngo_org, "bank": bank_org},
    )
    session.flush()
    return row


def register_key(session: Session, hub_org: str, actor: str, org_id: str, public_key: str) -> HubKey:
    """A member's public key (32 bytes, hex) for signing what it sends; the hub operator registers it."""
    if not _KEY.match(public_key.strip().lower()):
        raise InputError("public key: 64 hex characters", column="public_key")
    if session.get(Organisation, org_id) is None:
        raise NotFoundError(f"organisation {org_id} not found")
    row = HubKey(org_id=org_id, public_key=public_key.strip().lower())
    session.add(row)
    session.flush()
    audit.record(session, hub_org, actor, "hub.key_registered", "key", row.id, {"org": org_id})
    return row


def revoke_key(session: Session, hub_org: str, actor: str, key_id: int) -> None:
    row = session.get(HubKey, key_id)
    if row is None or row.revoked_at is not None:
        raise NotFoundError(f"active key {key_id} not found")
    row.revoked_at = utcnow()
    audit.record(session, hub_org, actor, "hub.key_revoked", "key", key_id, {"org": row.org_id})


def _partnership(session: Session, partnership_id: str, org_id: str) -> HubPartnership:
    row = session.get(HubPartnership, partnership_id)
    if row is None or row.ended_at is not None or org_id not in (row.ngo_org_id, row.bank_org_id):
        raise NotFoundError(f"partnership {partnership_id} not found")
    return row


def submit(session: Session, ngo_org: str, actor: str, message: Message) -> HubSubmission:
    """An NGO uploads a submission message; the hub checks its partnership, size, purpose and expiry."""
    header = message.header
    if header.get("protocol") != PROTOCOL or header.get("type") != "submission":
        raise InputError("not a submission message")
    partnership = _partnership(session, str(header.get("partnership")), ngo_org)
    if partnership.ngo_org_id != ngo_org:
        raise PermissionDeniedError("only the partnership's NGO submits lists")
    policy = policy_of(partnership)
    if message.count < policy.min_submission or message.count % policy.bucket:
        raise PermissionDeniedError(
            f"a submission must hold at least {policy.min_submission} values, padded to {policy.bucket} (T7)"
        )
    if not str(header.get("purpose", "")).strip():
        raise InputError("a submission needs a purpose statement", column="purpose")
    if session.get(HubSubmission, str(header["submission_id"])) is not None:
        raise ConflictError(f"submission {header['submission_id']} exists")
    now = utcnow()
    try:
        announced = datetime.fromisoformat(str(header.get("expires")))
    except ValueError:
        raise InputError("expires must be a date (YYYY-MM-DD)", column="expires") from None
    if announced <= now:
        raise InputError(
            f"the submission expired on {announced:%Y-%m-%d}; blind the list again", column="expires"
        )
    expires = min(announced, now + timedelta(days=policy.submission_days))
    row = HubSubmission(
        id=str(header["submission_id"]),
        partnership_id=partnership.id,
        header=header,
        payload=message.payload,
        item_count=message.count,
        expires_at=expires,
    )
    session.add(row)
    audit.record(
        session,
        ngo_org,
        actor,
        "hub.submission",
        "submission",
        row.id,
        {"partnership": partnership.id, "count": message.count, "sha256": _digest(message.payload)},
    )
    session.flush()
    return row


def revoke_submission(session: Session, ngo_org: str, actor: str, submission_id: str) -> None:
    """The NGO withdraws a list: the blinded values are deleted and no request may use it any more."""
    row = session.get(HubSubmission, submission_id)
    if row is None or _partnership(session, row.partnership_id, ngo_org).ngo_org_id != ngo_org:
        raise NotFoundError(f"submission {submission_id} not found")
    row.revoked_at, row.payload = utcnow(), None
    audit.record(session, ngo_org, actor, "hub.submission_revoked", "submission", submission_id, {})


def _live_submission(
    session: Session, submission_id: str, org_id: str
) -> tuple[HubSubmission, HubPartnership]:
    row = session.get(HubSubmission, submission_id)
    if row is None:
        raise NotFoundError(f"submission {submission_id} not found")
    partnership = _partnership(session, row.partnership_id, org_id)
    if row.revoked_at is not None or row.payload is None:
        raise ConflictError(f"submission {submission_id} was revoked")
    if row.expires_at <= utcnow():
        raise ConflictError(f"submission {submission_id} expired on {row.expires_at:%Y-%m-%d}")
    return row, partnership


def fetch_submission(session: Session, bank_org: str, submission_id: str) -> Message:
    row, _ = _live_submission(session, submission_id, bank_org)
    assert row.payload is not None  # checked by _live_submission
    return Message(dict(row.header), row.payload)


def request(session: Session, bank_org: str, actor: str, message: Message) -> HubExchange:
    """A bank's request: counted against the partnership's daily quota and budget before the NGO sees it."""
    header = message.header
    if header.get("protocol") != PROTOCOL or header.get("type") != "request":
        raise InputError("not a request message")
    submission, partnership = _live_submission(session, str(header.get("submission_id")), bank_org)
    if partnership.bank_org_id != bank_org:
        raise PermissionDeniedError("only the partnership's bank sends requests")
    policy = policy_of(partnership)
    if message.count > policy.max_request_items:
        raise PermissionDeniedError(
            f"request of {message.count} values exceeds the budget of {policy.max_request_items} (T6)"
        )
    if message.count < policy.min_request:
        raise PermissionDeniedError(f"a request needs at least {policy.min_request} values (T7)")
    since = utcnow() - timedelta(days=1)
    used = session.scalar(
        select(func.count(HubExchange.id)).where(
            HubExchange.partnership_id == partnership.id, HubExchange.requested_at > since
        )
    )
    if (used or 0) >= policy.max_requests_per_day:
        raise PermissionDeniedError(
            f"partnership {partnership.id} used its {policy.max_requests_per_day} requests for the last 24 hours (T6)"
        )
    if not str(header.get("purpose", "")).strip():
        raise InputError("a request needs a purpose statement", column="purpose")
    row = HubExchange(
        id=str(header["request_id"]),
        submission_id=submission.id,
        partnership_id=partnership.id,
        purpose=str(header["purpose"]),
        item_count=message.count,
        request_header=header,
        request_payload=message.payload,
    )
    session.add(row)
    audit.record(
        session,
        bank_org,
        actor,
        "hub.request",
        "exchange",
        row.id,
        {"partnership": partnership.id, "count": message.count, "sha256": _digest(message.payload)},
    )
    session.flush()
    return row


def _exchange(session: Session, exchange_id: str, org_id: str) -> tuple[HubExchange, HubPartnership]:
    row = session.get(HubExchange, exchange_id)
    if row is None:
        raise NotFoundError(f"request {exchange_id} not found")
    return row, _partnership(session, row.partnership_id, org_id)


def pending_request(session: Session, ngo_org: str, exchange_id: str) -> Message:
    row, partnership = _exchange(session, exchange_id, ngo_org)
    if partnership.ngo_org_id != ngo_org or row.request_payload is None:
        raise NotFoundError(f"request {exchange_id} not found")
    return Message(dict(row.request_header), row.request_payload)


def respond(session: Session, ngo_org: str, actor: str, message: Message) -> HubExchange:
    header = message.header
    if header.get("protocol") != PROTOCOL or header.get("type") != "response":
        raise InputError("not a response message")
    row, partnership = _exchange(session, str(header.get("request_id")), ngo_org)
    if partnership.ngo_org_id != ngo_org:
        raise PermissionDeniedError("only the partnership's NGO answers requests")
    if row.answered_at is not None:
        raise ConflictError(f"request {row.id} was answered already")
    if message.count != row.item_count:
        raise InputError("the response must answer every value of the request, in order")
    row.response_header, row.response_payload, row.answered_at = header, message.payload, utcnow()
    row.request_payload = None  # no longer needed: keep as little as possible (T4)
    audit.record(session, ngo_org, actor, "hub.response", "exchange", row.id, {"count": message.count})
    return row


def fetch_response(session: Session, bank_org: str, exchange_id: str) -> Message:
    row, partnership = _exchange(session, exchange_id, bank_org)
    if partnership.bank_org_id != bank_org or row.response_payload is None or row.response_header is None:
        raise NotFoundError(f"answer to request {exchange_id} not found")
    return Message(dict(row.response_header), row.response_payload)


def ask(
    session: Session,
    bank_org: str,
    actor: str,
    partnership_id: str,
    handle: str,
    question: str,
    case_reference: str | None = None,
) -> HubRfi:
    """A bank asks the NGO about one match, citing the opaque handle; the NGO decides what to reveal."""
    partnership = _partnership(session, partnership_id, bank_org)
    if partnership.bank_org_id != bank_org:
        raise PermissionDeniedError("only the partnership's bank asks for information")
    if not re.fullmatch(r"sub-[0-9a-f]{16}#\d+", handle):
        raise InputError("handle: submission id and position, as given by `share match`", column="handle")
    if not question.strip():
        raise InputError("say what the bank needs to know and why", column="question")
    row = HubRfi(
        partnership_id=partnership.id,
        handle=handle,
        question=question.strip(),
        case_reference=case_reference,
        asked_by=actor,
    )
    session.add(row)
    session.flush()
    audit.record(session, bank_org, actor, "hub.rfi", "rfi", row.id, {"partnership": partnership.id})
    return row


def answer(
    session: Session, ngo_org: str, actor: str, actor_role: str, rfi_id: int, *, reveal: bool, text: str
) -> HubRfi:
    """The NGO coordinator answers: what to reveal is its decision (T10); declining is a valid answer."""
    row = session.get(HubRfi, rfi_id)
    if row is None or _partnership(session, row.partnership_id, ngo_org).ngo_org_id != ngo_org:
        raise NotFoundError(f"request for information {rfi_id} not found")
    if actor_role != "coordinator":
        raise PermissionDeniedError("an NGO coordinator decides what is revealed after a match")
    if row.status != "open":
        raise ConflictError(f"request for information {rfi_id} was {row.status}")
    if reveal and not text.strip():
        raise InputError("say what is revealed", column="answer")
    row.status = "answered" if reveal else "declined"
    row.answer = text.strip() if reveal else None
    row.answered_by, row.answered_at = actor, utcnow()
    audit.record(session, ngo_org, actor, f"hub.rfi_{row.status}", "rfi", rfi_id, {})
    return row


def ngo_overview(session: Session, ngo_org: str) -> tuple[list[HubPartnership], list[HubSubmission]]:
    """An NGO's live partnerships and its submissions, newest first (the NGO's hub page)."""
    partnerships = list(
        session.scalars(
            select(HubPartnership)
            .where(HubPartnership.ngo_org_id == ngo_org, HubPartnership.ended_at.is_(None))
            .order_by(HubPartnership.id)
        )
    )
    submissions = list(
        session.scalars(
            select(HubSubmission)
            .join(HubPartnership, HubPartnership.id == HubSubmission.partnership_id)
            .where(HubPartnership.ngo_org_id == ngo_org)
            .order_by(HubSubmission.created_at.desc(), HubSubmission.id)
        )
    )
    return partnerships, submissions


def hub_tables(session: Session) -> list[dict[str, Any]]:
    """Every hub row as a dict (used by the leakage tests: no identifier in any column)."""
    out: list[dict[str, Any]] = []
    for model in (HubPartnership, HubKey, HubSubmission, HubExchange, HubRfi):
        for row in session.scalars(select(model)).all():
            out.append({c.name: getattr(row, c.name) for c in model.__table__.columns})
    return out
