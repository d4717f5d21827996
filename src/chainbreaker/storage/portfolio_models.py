"""Rows of the investors' and lenders' engagement log (revision 0015_portfolio).

An engagement is one company (a holding or a corporate borrower) that an organisation is working to change;
its events are the log: each contact (date, contact role, answer, next step) and each escalation step with
the reason recorded. Names of the people contacted are not stored: `contact` is a role ("Head of
Sustainability"), so the log carries no personal data beyond the acting user's name.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import Base

ENGAGEMENT_STAGES = ("engage", "deadline", "vote_covenant", "divest", "closed")
ENGAGEMENT_KINDS = ("investor", "lender")
EVENT_KINDS = ("opened", "contact", "escalate", "close")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Engagement(Base):
    """One company under engagement, at one step of the escalation ladder."""

    __tablename__ = "engagements"
    __table_args__ = (
        UniqueConstraint("org_id", "holding_id"),
        CheckConstraint(_in("stage", ENGAGEMENT_STAGES), name="stage"),
        CheckConstraint(_in("kind", ENGAGEMENT_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    holding_id: Mapped[str] = mapped_column(String(64))
    issuer_name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="investor")
    stage: Mapped[str] = mapped_column(String(20), default="engage")
    score_at_open: Mapped[float | None] = mapped_column(Float, nullable=True)
    band_at_open: Mapped[str | None] = mapped_column(String(20), nullable=True)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    questions: Mapped[list[Any]] = mapped_column(default=list)
    opened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads it once


class EngagementEvent(Base):
    """One line of an engagement log: a contact or a step of the ladder, always with its reason."""

    __tablename__ = "engagement_events"
    __table_args__ = (CheckConstraint(_in("event", EVENT_KINDS), name="event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagements.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    event_date: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    from_stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_stage: Mapped[str | None] = mapped_column(String(20), nullable=True)
    contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_step: Mapped[str | None] = mapped_column(Text, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
