"""The service's own rows: background screening jobs, analysts' alert reviews and login sessions.

Kept in `storage` with every other table of the case store (migrations `0002_service` and `0011_security`);
they carry `org_id` like every other row, and are declared on their own metadata so the case models stay
untouched. The foreign keys to organisations,
users and alerts are enforced by the migration in the database; the ORM classes do not repeat them
because they cannot see the case models' tables from their own metadata.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import NAMING_CONVENTION

JOB_STATUSES = ("queued", "running", "finished", "failed")
REVIEW_DECISIONS = ("relevant", "not_suspicious", "needs_more_information")


class ServiceBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ScreeningJob(ServiceBase):
    """A CSV of names being screened in the background; results are a file written at the end."""

    __tablename__ = "service_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    filename: Mapped[str] = mapped_column(String(200))
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    threshold: Mapped[str | None] = mapped_column(String(10), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class AlertReview(ServiceBase):
    """An analyst's recorded look at one alert: the decision and why (append-only, newest counts)."""

    __tablename__ = "service_alert_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    alert_pk: Mapped[int] = mapped_column(Integer, index=True)
    reviewer: Mapped[str] = mapped_column(String(100))
    decision: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LoginSession(ServiceBase):
    """One browser login (migration `0011_security`); `id` is the SHA-256 of the id in the cookie."""

    __tablename__ = "service_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
