"""One clock for stored timestamps: naive UTC, because SQLite drops time zones and the audit hash must be
computed from exactly what both databases give back."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now in UTC, without tzinfo, truncated to microseconds (what both databases keep)."""
    return datetime.now(UTC).replace(tzinfo=None)
