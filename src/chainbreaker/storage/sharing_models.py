"""Tables of NGO-bank sharing (docs/sharing.md): what a match did at a bank, and the hub's records.

None of these tables holds an identifier: the hub keeps blinded values, ids, counts and purposes; a bank keeps
its own party ids with the category and partnership of a match (its own data).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import Base


class ProtectedParty(Base):
    """A bank party that matched an NGO's likely-victim or protective list: protected until a supervisor says why not.

    While `released_at` is empty, closing the party's account needs a supervisor and a written reason
    (`cases.safeguards`), whatever role an analyst gives the party in a case.
    """

    __tablename__ = "protected_parties"
    __table_args__ = (UniqueConstraint("org_id", "party_id", "handle"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    party_id: Mapped[str] = mapped_column(String(100), index=True)
    category: Mapped[str] = mapped_column(String(30))
    partnership: Mapped[str] = mapped_column(String(100))
    handle: Mapped[str] = mapped_column(String(120))
    matched_on: Mapped[str] = mapped_column(String(200))
    marked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    released_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    release_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class SharedSignal(Base):
    """A suspected controller, recruiter or front business match: raises the party's risk with its explanation."""

    __tablename__ = "shared_signals"
    __table_args__ = (UniqueConstraint("org_id", "party_id", "handle", "matched_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    party_id: Mapped[str] = mapped_column(String(100), index=True)
    category: Mapped[str] = mapped_column(String(30))
    partnership: Mapped[str] = mapped_column(String(100))
    submitted_on: Mapped[str] = mapped_column(String(10))
    handle: Mapped[str] = mapped_column(String(120))
    matched_on: Mapped[str] = mapped_column(String(200))
    explanation: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class HubPartnership(Base):
    """An agreement between one NGO and one bank to match, with its purpose and limits (T6-T8)."""

    __tablename__ = "hub_partnerships"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    ngo_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    bank_org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    limits: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class HubKey(Base):
    """A member organisation's public key (hex), registered and revoked by the hub operator."""

    __tablename__ = "hub_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    public_key: Mapped[str] = mapped_column(String(128))
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class HubSubmission(Base):
    """An NGO's blinded lists; revoking deletes the blinded values."""

    __tablename__ = "hub_submissions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("hub_partnerships.id"), index=True)
    header: Mapped[dict[str, Any]] = mapped_column(default=dict)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    item_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class HubExchange(Base):
    """One bank request against a submission and the NGO's answer (counted against the partnership's budget)."""

    __tablename__ = "hub_exchanges"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("hub_submissions.id"), index=True)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("hub_partnerships.id"), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    item_count: Mapped[int] = mapped_column(Integer)
    request_header: Mapped[dict[str, Any]] = mapped_column(default=dict)
    request_payload: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    response_header: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    response_payload: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class HubRfi(Base):
    """A bank's request for information about a match; the NGO coordinator decides what to reveal."""

    __tablename__ = "hub_rfis"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partnership_id: Mapped[str] = mapped_column(ForeignKey("hub_partnerships.id"), index=True)
    handle: Mapped[str] = mapped_column(String(120))
    question: Mapped[str] = mapped_column(Text)
    case_reference: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    asked_by: Mapped[str] = mapped_column(String(100))
    answered_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
