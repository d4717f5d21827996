"""Does a new edition remove more entities than its source normally does? If so, it looks damaged.

A truncated download that still parses (a CSV cut at a line end, a well-formed file with only two
entries) would otherwise load as a new edition and delist everyone missing from it, so screening would
stop finding them. Each source declares the share of entities it removes in a year (turnover.yaml,
calibrated on real editions where we have them); an edition may remove at most

    previous × (1 − exp(−λ · SAFETY · max(days, MIN_DAYS) / 365)) + SLACK

entities, where λ = −ln(1 − removed_per_year) is the yearly removal hazard and `days` the time between the
two editions' dates. SAFETY doubles the normal rate, MIN_DAYS gives every reload a month's allowance, and
SLACK lets tiny lists lose a few entries. Lista Suja's real 2023 → 2026 change (168 of 173 removed) passes;
half of a sanctions list gone within a month does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from chainbreaker.core.errors import ConflictError

TURNOVER_FILE = Path(__file__).with_name("turnover.yaml")
SAFETY = 2.0
MIN_DAYS = 31
SLACK = 5


class EditionLooksDamagedError(ConflictError):
    """A new edition removes far more entities than its source normally does; nothing was loaded."""


@dataclass(frozen=True)
class ShrinkCheck:
    """The numbers behind the decision, for the message and the audit log."""

    dataset: str
    previous: int
    removed: int
    allowed: int
    days: int
    removed_per_year: float

    @property
    def ok(self) -> bool:
        return self.removed <= self.allowed

    def as_dict(self) -> dict[str, object]:
        return {
            "previous": self.previous,
            "removed": self.removed,
            "allowed": self.allowed,
            "days": self.days,
            "removed_per_year": self.removed_per_year,
        }


@cache
def _table() -> dict[str, float]:
    data = yaml.safe_load(TURNOVER_FILE.read_text(encoding="utf-8"))
    rates = {name: float(item["removed_per_year"]) for name, item in data["sources"].items()}
    rates["*"] = float(data["default"]["removed_per_year"])
    return rates


def removed_per_year(source: str) -> float:
    """The share of its entities the source removes in a normal year (the default for unknown sources)."""
    table = _table()
    return table.get(source, table["*"])


def allowed_removals(source: str, previous: int, previous_day: date, new_day: date) -> int:
    """How many of `previous` entities an edition dated `new_day` may remove without looking damaged."""
    rate = min(removed_per_year(source), 0.999)
    hazard = -math.log(1.0 - rate)
    days = max((new_day - previous_day).days, MIN_DAYS)
    share = 1.0 - math.exp(-hazard * SAFETY * days / 365.0)
    return math.floor(previous * share) + SLACK


def check_shrink(
    source: str, dataset: str, previous: int, removed: int, previous_day: date, new_day: date
) -> ShrinkCheck:
    """The decision for one edition: how many it removes against how many it may."""
    return ShrinkCheck(
        dataset=dataset,
        previous=previous,
        removed=removed,
        allowed=allowed_removals(source, previous, previous_day, new_day),
        days=(new_day - previous_day).days,
        removed_per_year=removed_per_year(source),
    )


def refuse(check: ShrinkCheck, file: str) -> EditionLooksDamagedError:
    """The error for an edition that removes too much, saying what to do if the shrink is real."""
    return EditionLooksDamagedError(
        f"{check.dataset}: this edition would remove {check.removed} of {check.previous} listed entities "
        f"{check.days} days after the loaded edition, where this source normally allows at most "
        f"{check.allowed}; the file looks truncated or damaged ({file}). Nothing was loaded. If the "
        'publisher really delisted them, load it again with --allow-shrink "why" (recorded in the audit log)'
    )
