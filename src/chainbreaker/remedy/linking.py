"""Which customer or corporate client a grievance is about, found with the screening matcher.

A complainant writes the employer's name as they know it ("Acme Palm Oil", "ACME PALM OIL SDN BHD",
"Fazenda Boa Vista"); the bank's customer file spells it its own way. The candidates come from the
workspace's parties through a SQL pre-filter on name words (the engine seam), then `name-v2` scores them
with the same features and explanations as list screening, so an analyst sees why a party was suggested.
"""

from __future__ import annotations

from dataclasses import dataclass

from chainbreaker.engines.base import Engine, ParamValue
from chainbreaker.screening.index import Screener
from chainbreaker.screening.normalize import normalize_name
from chainbreaker.screening.types import ListedEntity

MAX_CANDIDATES = 5000
LINK_THRESHOLD = 0.70  # lower than list screening: a suggestion for an analyst, never an automatic link


@dataclass(frozen=True)
class LinkSuggestion:
    """A party the grievance may be about, with the matcher's score and explanation."""

    party_id: str
    name: str
    kind: str  # customer (a person) or corporate_client (an organisation)
    score: float
    explanation: str


def suggest_links(
    engine: Engine, about_name: str, country: str | None = None, limit: int = 5
) -> list[LinkSuggestion]:
    """The best-scoring parties for a name, best first (empty when nothing comes close)."""
    words = [w for w in normalize_name(about_name).tokens if len(w) >= 3][:6]
    if not words:
        return []
    where = " OR ".join(f"lower(name) LIKE :w{i}" for i in range(len(words)))
    params: dict[str, ParamValue] = {f"w{i}": f"%{w}%" for i, w in enumerate(words)}
    params["cap"] = MAX_CANDIDATES
    rows = engine.query(
        "grievance link candidates",
        f"SELECT party_id, party_type, name, country FROM parties WHERE {where} LIMIT :cap",
        params,
    ).to_pylist()
    entities = [
        ListedEntity(
            entity_id=str(r["party_id"]),
            schema="Person" if r["party_type"] == "person" else "Organization",
            caption=str(r["name"]),
            names=(str(r["name"]),),
            dataset="customers",
            countries=(str(r["country"]),) if r["country"] else (),
        )
        for r in rows
    ]
    if not entities:
        return []
    screener = Screener(entities, threshold=LINK_THRESHOLD)
    matches = screener.screen_one(about_name, country=country, limit=limit)
    return [
        LinkSuggestion(
            party_id=m.entity_id,
            name=m.entity_name,
            kind="customer" if m.schema == "Person" else "corporate_client",
            score=m.score,
            explanation=m.explanation,
        )
        for m in matches
    ]
