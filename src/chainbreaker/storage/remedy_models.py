"""Rows of the remedy domain: grievances and their steps, risk notes, survivor referrals, protections and
exit reviews (owned by `chainbreaker.remedy`).

A grievance's complainant contact and a referral's person name are the most sensitive fields here: the
service shows them only to named roles and records every view in the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import Base, _in

GRIEVANCE_STATUSES = ("received", "acknowledged", "assessing", "engaging", "remedy_agreed", "closed")
GRIEVANCE_CATEGORIES = (
    "unpaid_wages",
    "recruitment_fees",
    "document_retention",
    "forced_overtime",
    "threats_or_violence",
    "housing",
    "child_labour",
    "freedom_of_movement",
    "other",
)
GRIEVANCE_CHANNELS = ("web", "api")
GRIEVANCE_OUTCOMES = ("remedied", "partly_remedied", "not_remedied", "unfounded", "withdrawn")
COOPERATION = ("unknown", "cooperating", "not_cooperating")
LINK_KINDS = ("customer", "corporate_client", "holding")
STEP_KINDS = ("acknowledge", "assess", "engage", "leverage", "remedy", "close", "note", "link")
REFERRAL_STATUSES = ("received", "documents_checked", "account_opened", "declined", "withdrawn")
EXIT_DECISIONS = ("exit", "retain_under_review", "retain_with_support", "offer_basic_account")


class Grievance(Base):
    """A complaint about a bank's customer, corporate client or holding, from a worker or on their behalf."""

    __tablename__ = "grievances"
    __table_args__ = (
        UniqueConstraint("org_id", "reference"),
        CheckConstraint(_in("status", GRIEVANCE_STATUSES), name="status"),
        CheckConstraint(_in("category", GRIEVANCE_CATEGORIES), name="category"),
        CheckConstraint(_in("channel", GRIEVANCE_CHANNELS), name="channel"),
        CheckConstraint(_in("cooperation", COOPERATION), name="cooperation"),
        CheckConstraint("outcome IS NULL OR " + _in("outcome", GRIEVANCE_OUTCOMES), name="outcome"),
        CheckConstraint("linked_kind IS NULL OR " + _in("linked_kind", LINK_KINDS), name="linked_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(10))
    submitted_by_org: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    category: Mapped[str] = mapped_column(String(30))
    about_name: Mapped[str] = mapped_column(String(300))
    about_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    description: Mapped[str] = mapped_column(Text)
    workers_affected: Mapped[int | None] = mapped_column(Integer, nullable=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    complainant_contact: Mapped[str | None] = mapped_column(Text, nullable=True)
    linked_kind: Mapped[str | None] = mapped_column(String(20), nullable=True)
    linked_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    link_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    link_explanation: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="received")
    acknowledge_due: Mapped[datetime] = mapped_column(DateTime)
    assess_due: Mapped[datetime] = mapped_column(DateTime)
    cooperation: Mapped[str] = mapped_column(String(20), default="unknown")
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class GrievanceStep(Base):
    """One step of a grievance's handling: acknowledgement, assessment, engagement, leverage, remedy."""

    __tablename__ = "grievance_steps"
    __table_args__ = (CheckConstraint(_in("kind", STEP_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    grievance_id: Mapped[int] = mapped_column(ForeignKey("grievances.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class GrievanceAttachment(Base):
    """A file sent with a grievance, kept only after its type and size were checked."""

    __tablename__ = "grievance_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    grievance_id: Mapped[int] = mapped_column(ForeignKey("grievances.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class RiskNote(Base):
    """A recorded risk about a party that scoring reads (e.g. a client that would not cooperate)."""

    __tablename__ = "risk_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    party_id: Mapped[str] = mapped_column(String(100), index=True)
    source: Mapped[str] = mapped_column(String(30))
    source_ref: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float, default=0.2)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Protection(Base):
    """A party the bank treats as a survivor: no automated exit; list matches shown with the reason beside."""

    __tablename__ = "protections"
    __table_args__ = (UniqueConstraint("org_id", "party_id", "source", "source_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    party_id: Mapped[str] = mapped_column(String(100), index=True)
    source: Mapped[str] = mapped_column(String(30))
    source_ref: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    ended_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class Referral(Base):
    """A survivor referred by a registered support organisation for a basic account (Survivor Inclusion)."""

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("org_id", "reference"),
        CheckConstraint(_in("status", REFERRAL_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(32))
    referring_org: Mapped[str] = mapped_column(String(64))
    person_name: Mapped[str] = mapped_column(String(300))
    documents: Mapped[list[Any]] = mapped_column(JSON, default=list)
    accepted_documents: Mapped[list[Any]] = mapped_column(JSON, default=list)
    product: Mapped[str | None] = mapped_column(String(60), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="received")
    party_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    account_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decline_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ExitReview(Base):
    """The review that must precede closing an account or relationship linked to alerts (de-risking)."""

    __tablename__ = "exit_reviews"
    __table_args__ = (CheckConstraint(_in("decision", EXIT_DECISIONS), name="decision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    party_id: Mapped[str] = mapped_column(String(100), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
    exit_reason: Mapped[str] = mapped_column(String(60))
    likely_victim: Mapped[bool] = mapped_column(Boolean)
    protected: Mapped[bool] = mapped_column(Boolean)
    business_client: Mapped[bool] = mapped_column(Boolean)
    leverage_tried: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    decision: Mapped[str] = mapped_column(String(30))
    rationale: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
