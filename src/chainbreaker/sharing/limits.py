"""Limits that stop probing (docs/sharing.md T6, T7): sizes, budgets and request rates per partnership."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from chainbreaker.core.errors import PermissionDeniedError


@dataclass(frozen=True)
class SharingPolicy:
    """One partnership's limits, agreed when the hub operator sets it up."""

    min_submission: int = 50  # records in an NGO list: fewer could single out a person
    min_request: int = 50  # distinct identifiers in a bank request: fewer could probe one customer
    max_request_items: int = 4_194_304  # budget: values an NGO answers per request (bank's parties x kinds)
    max_requests_per_day: int = 4
    bucket: int = 1024  # sizes are padded to a multiple of this
    submission_days: int = 90


@dataclass
class RateLimiter:
    """Sliding 24-hour window of answered requests per partnership (in memory; the hub also persists them)."""

    policy: SharingPolicy
    _seen: dict[str, deque[datetime]] = field(default_factory=dict)

    def check(self, partnership: str, now: datetime) -> None:
        window = self._seen.setdefault(partnership, deque())
        while window and window[0] <= now - timedelta(days=1):
            window.popleft()
        if len(window) >= self.policy.max_requests_per_day:
            raise PermissionDeniedError(
                f"partnership {partnership} used its {self.policy.max_requests_per_day} requests for the last "
                "24 hours; bulk probing is refused (docs/sharing.md T6)"
            )
        window.append(now)
