"""Survivor account referrals: a registered support organisation refers a survivor to a bank for a basic
account, with the documents the survivor has (Survivor Inclusion Initiative; the Mexico pilot found most
survivors lack identity documents and proof of address).

A referral is checked against the bank's policy (data, `policies/*.yaml`): one accepted identity document
and one accepted address proof. Opening the account marks the person as protected, so monitoring, screening
and exit decisions treat them as a survivor: no automated exit, list matches still shown with the referral
beside them. `figures` gives what the initiative reports: referrals, accounts opened, time to open, and
accounts still active 6 and 12 months after opening.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit, protection
from chainbreaker.core.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import Organisation
from chainbreaker.storage.remedy_models import Protection, Referral

POLICY_DIR = Path(__file__).resolve().parent / "policies"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Policy:
    """What one bank accepts from referred survivors and what it offers them."""

    policy_id: str
    identity: dict[str, str]
    address: dict[str, str]
    products: dict[str, str]
    default_product: str


def load_policy(path: Path | None = None) -> Policy:
    """A policy file (default: the packaged one), checked so a typo does not silently refuse survivors."""
    source = path or POLICY_DIR / "default.yaml"
    try:
        data: Any = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read referral policy: {exc}", file=str(source)) from exc
    try:
        identity = dict(data["identity"]["accepted"])
        address = dict(data["address"]["accepted"])
        products = {k: str(v["name"]) for k, v in data["products"].items()}
        default = next(k for k, v in data["products"].items() if v.get("default"))
    except (KeyError, TypeError, AttributeError, StopIteration) as exc:
        raise InputError(
            f"referral policy needs identity.accepted, address.accepted and a default product ({exc})",
            file=str(source),
        ) from None
    if not identity or not address:
        raise InputError("referral policy accepts no documents", file=str(source))
    return Policy(str(data.get("policy_id", source.stem)), identity, address, products, default)


def _next_reference(session: Session, org_id: str) -> str:
    count = session.scalar(select(func.count()).select_from(Referral).where(Referral.org_id == org_id))
    return f"R-{(count or 0) + 1:06d}"


def receive(
    session: Session,
    bank_org: str,
    referring_org: str,
    person_name: str,
    documents: list[str],
    actor: str,
    policy: Policy,
) -> Referral:
    """A referral from a registered NGO to a bank; documents are checked against the bank's policy at once."""
    ngo = session.get(Organisation, referring_org)
    if ngo is None or ngo.kind != "ngo":
        raise PermissionDeniedError("referrals come from registered support organisations (NGO accounts)")
    bank = session.get(Organisation, bank_org)
    if bank is None or bank.kind != "bank":
        raise NotFoundError(f"no bank {bank_org!r}")
    name = _CONTROL.sub(" ", person_name).strip()
    if not 2 <= len(name) <= 300:
        raise InputError("the person's name must be 2-300 characters", column="person_name")
    known = set(policy.identity) | set(policy.address)
    unknown = sorted(set(documents) - known)
    if unknown:
        raise InputError(
            f"unknown document kinds {', '.join(unknown)}; this bank accepts {', '.join(sorted(known))}",
            column="documents",
        )
    accepted = [d for d in documents if d in known]
    referral = Referral(
        org_id=bank_org,
        reference=_next_reference(session, bank_org),
        referring_org=referring_org,
        person_name=name,
        documents=sorted(set(documents)),
        accepted_documents=accepted,
        product=policy.default_product,
        status="received",
        received_at=utcnow(),
    )
    session.add(referral)
    session.flush()
    audit.record(
        session, bank_org, actor, "referral.receive", "referral", referral.reference, {"from": referring_org}
    )
    return referral


def documents_sufficient(referral: Referral, policy: Policy) -> tuple[bool, str]:
    """Whether the documents meet the policy (one identity, one address proof), and what is missing."""
    have = set(referral.documents)
    missing = []
    if not have & set(policy.identity):
        missing.append("an identity document (" + ", ".join(policy.identity) + ")")
    if not have & set(policy.address):
        missing.append("an address proof (" + ", ".join(policy.address) + ")")
    return (not missing, "; ".join(missing) if missing else "identity and address established")


def get(session: Session, org_id: str, reference: str) -> Referral:
    found = session.scalar(
        select(Referral).where(Referral.org_id == org_id, Referral.reference == reference.strip().upper())
    )
    if found is None:
        raise NotFoundError(f"referral {reference} not found")
    return found


def open_account(
    session: Session,
    org_id: str,
    reference: str,
    party_id: str,
    account_id: str,
    actor: str,
    policy: Policy,
    opened_at: datetime | None = None,
) -> Referral:
    """Record the account opened for a referral and mark the person protected."""
    referral = get(session, org_id, reference)
    if referral.status not in ("received", "documents_checked"):
        raise ConflictError(f"referral {referral.reference} is {referral.status}")
    ok, why = documents_sufficient(referral, policy)
    if not ok:
        raise ConflictError(f"referral {referral.reference} still needs {why}")
    referral.status = "account_opened"
    referral.party_id = party_id.strip()
    referral.account_id = account_id.strip()
    referral.opened_at = opened_at or utcnow()
    protect(session, org_id, referral.party_id, "referral", referral.reference, actor)
    audit.record(session, org_id, actor, "referral.open", "referral", referral.reference, {})
    return referral


def decline(
    session: Session, org_id: str, reference: str, reason: str, actor: str, actor_role: str
) -> Referral:
    """Decline a referral: a supervisor's decision with a reason, since it leaves a survivor unbanked."""
    if actor_role != "supervisor":
        raise PermissionDeniedError("declining a survivor referral is a supervisor's decision")
    if len(reason.strip()) < 10:
        raise InputError("say why the referral is declined", column="reason")
    referral = get(session, org_id, reference)
    if referral.status in ("account_opened", "declined", "withdrawn"):
        raise ConflictError(f"referral {referral.reference} is {referral.status}")
    referral.status = "declined"
    referral.decline_reason = reason.strip()
    audit.record(session, org_id, actor, "referral.decline", "referral", referral.reference, {})
    return referral


def close_account(session: Session, org_id: str, reference: str, closed_at: datetime, actor: str) -> Referral:
    """Record that a referred survivor's account was closed (for the 6- and 12-month figures)."""
    referral = get(session, org_id, reference)
    if referral.status != "account_opened":
        raise ConflictError(f"referral {referral.reference} has no open account")
    referral.closed_at = closed_at
    audit.record(session, org_id, actor, "referral.account_closed", "referral", referral.reference, {})
    return referral


def protect(
    session: Session, org_id: str, party_id: str, source: str, source_ref: str, actor: str
) -> Protection:
    """Mark a party as a protected survivor (idempotent per source)."""
    found = session.scalar(
        select(Protection).where(
            Protection.org_id == org_id,
            Protection.party_id == party_id,
            Protection.source == source,
            Protection.source_ref == source_ref,
        )
    )
    if found is not None:
        return found
    row = Protection(org_id=org_id, party_id=party_id, source=source, source_ref=source_ref)
    session.add(row)
    session.flush()
    audit.record(session, org_id, actor, "protection.add", "party", party_id, {"source": source})
    return row


def is_protected(session: Session, org_id: str, party_id: str) -> bool:
    """Whether a party is a protected survivor now (a referral or a partner NGO's protective match)."""
    return protection.is_protected(session, org_id, party_id)


@dataclass(frozen=True)
class Figures:
    """The Survivor Inclusion Initiative's figures for one bank."""

    referrals: int
    accounts_opened: int
    declined: int
    median_days_to_open: float | None
    active_6_months: int
    eligible_6_months: int
    active_12_months: int
    eligible_12_months: int


def figures(session: Session, org_id: str, as_of: datetime | None = None) -> Figures:
    """Referrals, accounts opened, median days to open, accounts still active after 6 and 12 months.

    "Active after N months" counts accounts opened at least N months before `as_of` and not closed within
    N months of opening; `eligible` is how many were opened early enough to be counted.
    """
    now = as_of or utcnow()
    rows = session.scalars(select(Referral).where(Referral.org_id == org_id)).all()
    opened = [r for r in rows if r.opened_at is not None]
    days = [(r.opened_at - r.received_at).total_seconds() / 86400 for r in opened if r.opened_at]

    def active(months: int) -> tuple[int, int]:
        span = timedelta(days=round(months * 30.44))
        eligible = [r for r in opened if r.opened_at and r.opened_at + span <= now]
        alive = [
            r for r in eligible if r.closed_at is None or (r.opened_at and r.closed_at > r.opened_at + span)
        ]
        return len(alive), len(eligible)

    a6, e6 = active(6)
    a12, e12 = active(12)
    return Figures(
        referrals=len(rows),
        accounts_opened=len(opened),
        declined=sum(1 for r in rows if r.status == "declined"),
        median_days_to_open=round(statistics.median(days), 1) if days else None,
        active_6_months=a6,
        eligible_6_months=e6,
        active_12_months=a12,
        eligible_12_months=e12,
    )
