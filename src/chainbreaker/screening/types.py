"""Result and input types of screening; cases and the service use these, never the engines behind them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Query:
    """One name to screen: a customer (party), a counterparty or a line of a query file."""

    query_id: str
    name: str
    schema: str | None = None
    birth_date: str | None = None
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListedEntity:
    """The part of a registry entry that screening compares (a row of `registry_entities`)."""

    entity_id: str
    schema: str
    caption: str
    names: tuple[str, ...]
    dataset: str
    source_id: str | None = None
    birth_dates: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeatureScore:
    """One feature's score on a pair, with the sentence that explains it."""

    name: str
    score: float | None
    detail: str


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate match of a query on a listed entity, with the evidence behind its score."""

    query_id: str
    query_name: str
    entity_id: str
    entity_name: str
    dataset: str
    source_id: str | None
    schema: str
    score: float
    matched_on: str  # "name", "alias" or "id"
    matched_name: str
    features: dict[str, float | None] = field(default_factory=dict)
    explanation: str = ""
    algorithm: str = "name-v3"

    def as_row(self) -> dict[str, Any]:
        """The row of the screening output contract."""
        return {
            "query_id": self.query_id,
            "query_name": self.query_name,
            "entity_id": self.entity_id,
            "entity_name": self.entity_name,
            "dataset": self.dataset,
            "source_id": self.source_id,
            "score": round(self.score, 4),
            "matched_on": self.matched_on,
            "explanation": self.explanation,
        }
