"""Rows of the relational store (SQLAlchemy 2 declarative models).

Every row carries `org_id`, so the service can keep organisations apart with one filter and tests can prove
it. Personal data of parties (names, addresses, phones) is deliberately NOT copied here: cases keep the
bank's `party_id` and read details from the workspace when a person needs to see them or a report needs
them. A victim's data then lives in one place only, which is the one place to protect and delete.

These classes are storage rows, not API schemas: the service maps them to its own response models.
Changing a column means a new Alembic revision in `storage/migrations/versions/`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from chainbreaker.core.organisations import ALL_ROLES, ORG_KINDS
from chainbreaker.storage.clock import utcnow

#: Constraint names that are the same on SQLite and PostgreSQL, so migrations can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

USER_ROLES = ALL_ROLES
CASE_STATUSES = ("new", "in_review", "escalated", "reported", "closed")
PARTY_ROLES = ("subject", "likely_victim", "witness", "unknown")
TRAFFICKING_TYPES = ("sex", "labour", "general", "mixed")
ACCOUNT_ACTIONS = (
    "keep_under_review",
    "refer_support_partner",
    "offer_basic_account",
    "close_account",
)


def _in(column: str, values: tuple[str, ...]) -> str:
    """A CHECK expression from a fixed tuple of code values (never from user input)."""
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    """Declarative base with a naming convention shared by both databases."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}  # noqa: RUF012 - SQLAlchemy reads it once


class Organisation(Base):
    """A bank, NGO, investor, FIU or hub operator using one installation; every other row belongs to one.

    `kind` decides which roles its members may hold (`core.organisations.KIND_ROLES`).
    """

    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(_in("kind", ORG_KINDS), name="kind"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="bank", server_default="bank")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    """A local user of the service; the password is stored only as a hash (argon2 by the service)."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", USER_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiKey(Base):
    """An API key for integrations: only a short prefix (to find it) and a hash (to check it) are kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Case(Base):
    """Alerts and hits grouped for one analyst: usually one network (a ring) or one listed party.

    `version` is the optimistic lock: every change bumps it, and an update that started from an older
    version fails instead of silently overwriting a colleague's work.
    """

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("org_id", "reference"),
        CheckConstraint(_in("status", CASE_STATUSES), name="status"),
        CheckConstraint(_in("trafficking_type", TRAFFICKING_TYPES), name="trafficking_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="new")
    close_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    trafficking_type: Mapped[str] = mapped_column(String(10), default="general")
    risk_score: Mapped[float] = mapped_column(Float, default=0.0)
    network_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    network: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True)
    period_start: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    period_end: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    parties: Mapped[list[CaseParty]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseParty.id"
    )
    alerts: Mapped[list[Alert]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Alert.id"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Evidence.booked_at"
    )
    hits: Mapped[list[ScreeningHit]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="ScreeningHit.id"
    )
    comments: Mapped[list[Comment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Comment.id"
    )
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Assignment.id"
    )
    reports: Mapped[list[CaseReport]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseReport.id"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it once


class CaseParty(Base):
    """A party's place in a case. The role decides how it may be reported and how its account is handled."""

    __tablename__ = "case_parties"
    __table_args__ = (
        UniqueConstraint("case_id", "party_id"),
        CheckConstraint(_in("role", PARTY_ROLES), name="role"),
        CheckConstraint(
            "account_action IS NULL OR " + _in("account_action", ACCOUNT_ACTIONS), name="account_action"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20), default="unknown")
    sub_role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    risk_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    explanation: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="monitoring")
    role_set_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    role_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    account_action: Mapped[str | None] = mapped_column(String(30), nullable=True)
    account_action_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    account_action_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    #: The role the decider held (migration 0011): the survivor safeguard is checked on stored state.
    account_action_role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    account_action_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    case: Mapped[Case] = relationship(back_populates="parties")


class Alert(Base):
    """One alert from monitoring, identified as monitoring identifies it; re-scored versions go to `history`.

    `alert_id` is `core.handoff.alert_identity(party, indicator, account, period, link)`: the alert monitoring
    writes is the alert the store keeps and the UI shows (migration 0010_chain moved existing stores from the
    old (party, indicator, account) key).
    """

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("org_id", "alert_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    alert_id: Mapped[str] = mapped_column(String(100), index=True)
    party_id: Mapped[str] = mapped_column(String(100), index=True)
    account_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    account_key: Mapped[str] = mapped_column(String(100), default="")
    indicator_id: Mapped[str] = mapped_column(String(40))
    trafficking_type: Mapped[str] = mapped_column(String(10), default="general")
    score: Mapped[float] = mapped_column(Float)
    period_start: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    period_end: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    fingerprint: Mapped[str] = mapped_column(String(64))
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="alerts")


class Evidence(Base):
    """A transaction behind an indicator, copied from the workspace when the case was built.

    Copying keeps the evidence a report was based on even after the bank reloads its data.
    """

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("case_id", "txn_id", "indicator_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    alert_pk: Mapped[int | None] = mapped_column(
        ForeignKey("alerts.id", ondelete="SET NULL"), nullable=True, index=True
    )
    indicator_id: Mapped[str] = mapped_column(String(40))
    txn_id: Mapped[str] = mapped_column(String(100))
    account_id: Mapped[str] = mapped_column(String(100))
    party_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    booked_at: Mapped[datetime] = mapped_column(DateTime)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(20))
    counterparty_account: Mapped[str | None] = mapped_column(String(100), nullable=True)
    counterparty_party_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    counterparty_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    counterparty_country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    merchant_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    mcc: Mapped[str | None] = mapped_column(String(4), nullable=True)
    city: Mapped[str | None] = mapped_column(String(200), nullable=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)

    case: Mapped[Case] = relationship(back_populates="evidence")
    alert: Mapped[Alert | None] = relationship()


class ScreeningHit(Base):
    """A candidate match of a customer (`party_id`) or of a customer's counterparty (`counterparty_of`, with
    the counterparty's own name in `query_name`) against a listed entity (screening output contract)."""

    __tablename__ = "screening_hits"
    __table_args__ = (UniqueConstraint("org_id", "query_id", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    #: For a hit on a counterparty name: the customer it transacts with (the hit is not on that customer).
    counterparty_of: Mapped[str | None] = mapped_column(String(100), nullable=True)
    query_id: Mapped[str] = mapped_column(String(100))
    query_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    entity_id: Mapped[str] = mapped_column(String(200))
    entity_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    dataset: Mapped[str | None] = mapped_column(String(100), nullable=True)
    source_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    score: Mapped[float] = mapped_column(Float)
    matched_on: Mapped[str | None] = mapped_column(String(40), nullable=True)
    explanation: Mapped[str | None] = mapped_column(Text, nullable=True)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="hits")


class Comment(Base):
    """An analyst's note on a case; append-only like the audit log (a correction is a new comment)."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="comments")


class Assignment(Base):
    """Who was given the case, by whom and when (the case row holds only the current assignee)."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True)
    assigned_by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="assignments")


class CaseReport(Base):
    """A validated report file written for a case (goAML, FinCEN SAR, HTML), with its checksum."""

    __tablename__ = "case_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(20))
    profile: Mapped[str] = mapped_column(String(50))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="reports")


class AuditEntry(Base):
    """One append-only, hash-chained line of the audit log (write it only via `cases.audit.record`).

    `hash` covers every other field and `prev_hash`, so changing or removing an entry breaks the chain;
    `seq` numbers entries per organisation without gaps.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("org_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(100))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The latest sequence number and hash per organisation.

    Locking this row serialises concurrent audit writers, and comparing it with the last entry reveals a
    deleted tail, which a chain alone cannot show.
    """

    __tablename__ = "audit_heads"

    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
