"""Rows of the FIU's case store: cases that `fiu link` opens for networks spanning several filers.

The received reports and their parties stay in the FIU workspace's DuckDB (`fiu_*` tables); a case here
holds what analysts work on (status, assignee) and the ids of the reports that feed it, so the case list
survives relinking: a case keeps its reference while its network keeps its earliest report.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import Base

FIU_CASE_STATUSES = ("open", "disseminated", "closed")


class FiuCase(Base):
    """A network of received reports from more than one reporting entity."""

    __tablename__ = "fiu_cases"
    __table_args__ = (
        UniqueConstraint("org_id", "reference"),
        CheckConstraint("status IN ('open', 'disseminated', 'closed')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    network_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="open")
    assignee: Mapped[str | None] = mapped_column(String(100), nullable=True)
    entities: Mapped[int] = mapped_column(Integer, default=0)
    reports: Mapped[int] = mapped_column(Integer, default=0)
    persons: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class FiuCaseReport(Base):
    """One received report feeding an FIU case."""

    __tablename__ = "fiu_case_reports"
    __table_args__ = (UniqueConstraint("case_id", "report_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("fiu_cases.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[str] = mapped_column(String(200))
