"""What `cases build` passes between its jobs (planning, evidence, upserts, summary) and reports back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainbreaker.cases.inputs import AlertRow, HitRow, Reject
from chainbreaker.cases.network import Edge

#: At most this many transactions are copied as evidence per alert (the alert keeps the full id list).
MAX_EVIDENCE_PER_ALERT = 100
#: At most this many parties named in one alert's evidence join its case (a hub can name hundreds).
MAX_RELATED_PER_ALERT = 50
#: Groups are committed in batches, so a very large build does not hold one huge transaction.
COMMIT_EVERY = 200
OPEN_STATUSES = ("new", "in_review", "escalated")

Progress = Callable[[int, int], None]


@dataclass
class PlacedHit:
    """A screening hit and where it sits: on the customer screened, or on a counterparty of a customer.

    `party_id` is set only when the listed name is the customer's own; a counterparty hit keeps the
    counterparty's name and names the customer it transacts with in `counterparty_of` (never its party id).
    """

    hit: HitRow
    party_id: str | None
    counterparty_of: str | None


@dataclass
class Plan:
    """One group of parties that becomes (or updates) one case."""

    parties: list[str]
    alerts: list[AlertRow]
    hits: list[PlacedHit]
    edges: list[Edge]


@dataclass
class BuildReport:
    """What `cases build` did, for the CLI, the demo and the tests."""

    cases_created: int = 0
    cases_updated: int = 0
    cases_unchanged: int = 0
    alerts_read: int = 0
    alerts_added: int = 0
    alerts_unchanged: int = 0
    alerts_rescored: int = 0
    hits_read: int = 0
    hits_added: int = 0
    hits_updated: int = 0
    parties_added: int = 0
    evidence_added: int = 0
    rows_read: int = 0
    hits_file: Path | None = None
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejects_path: Path | None = None
    cases: list[str] = field(default_factory=list)

    @property
    def hits_joined(self) -> int:
        """Screening hits now in a case (new or updated)."""
        return self.hits_added + self.hits_updated

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases_created": self.cases_created,
            "cases_updated": self.cases_updated,
            "cases_unchanged": self.cases_unchanged,
            "alerts_read": self.alerts_read,
            "alerts_added": self.alerts_added,
            "alerts_unchanged": self.alerts_unchanged,
            "alerts_rescored": self.alerts_rescored,
            "hits_read": self.hits_read,
            "hits_added": self.hits_added,
            "hits_updated": self.hits_updated,
            "hits_file": str(self.hits_file) if self.hits_file else None,
            "parties_added": self.parties_added,
            "evidence_added": self.evidence_added,
            "rows_read": self.rows_read,
            "rejected": len(self.rejects),
            "rejects_path": str(self.rejects_path) if self.rejects_path else None,
            "warnings": self.warnings,
            "cases": self.cases,
        }
