"""The in-memory name index and the `Screener`: load the registry once, then screen names in milliseconds.

The service keeps one `Screener` per workspace (`Screener.from_workspace(ws)`) and calls `screen_one` per
request. The index holds every normalised listed name with its blocking keys; candidate selection follows
exactly the rule of the SQL job in `job.py` (same keys, same integer weights, same tie-break), so a name
gets the same hits from the service, from `chainbreaker screen` on DuckDB and on Spark.
"""

from __future__ import annotations

import gc
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.screening.algorithm import DEFAULT_THRESHOLD, normalize_all, score_pair
from chainbreaker.screening.blocking import (
    CANDIDATES_PER_QUERY,
    MIN_SHARED_SHARE,
    blocking_keys,
    identifier_keys,
    max_key_frequency,
)
from chainbreaker.screening.entities import load_entities
from chainbreaker.screening.features import parse_partial_date, schema_match
from chainbreaker.screening.normalize import NormalizedName, check_name
from chainbreaker.screening.types import ListedEntity, Match, Query

#: Integer scale of key weights, so sums are exact and ties break the same way on every engine.
WEIGHT_SCALE = 1000
MIN_SHARED_PERCENT = round(MIN_SHARED_SHARE * 100)


def int_weight(document_frequency: int, total_names: int) -> int:
    """The integer rarity weight of a key carried by `document_frequency` of `total_names` names."""
    return round(WEIGHT_SCALE * math.log(1.0 + total_names / max(1, document_frequency)))


@dataclass
class NameIndex:
    """Listed names, their entities and the postings of their blocking keys."""

    entities: list[ListedEntity]
    names: list[NormalizedName] = field(default_factory=list)
    name_entity: list[int] = field(default_factory=list)
    name_keys: list[frozenset[str]] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    max_df: int = 0
    #: Blockable keys (carried by at most `max_df` names) -> a dense integer id, for the SQL job's join.
    key_ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, entities: Sequence[ListedEntity]) -> NameIndex:
        index = cls(list(entities))
        postings: dict[str, list[int]] = defaultdict(list)
        for entity_idx, entity in enumerate(index.entities):
            seen: set[tuple[str, ...]] = set()
            id_keys = identifier_keys(entity.identifiers)
            for norm in normalize_all(entity.names, entity.schema):
                if norm.tokens in seen:
                    continue
                seen.add(norm.tokens)
                name_idx = len(index.names)
                index.names.append(norm)
                index.name_entity.append(entity_idx)
                keys = blocking_keys(norm) | id_keys
                id_keys = frozenset()  # the entity's first name carries its identifiers
                index.name_keys.append(keys)
                for key in keys:
                    postings[key].append(name_idx)
        total = len(index.names)
        index.max_df = max_key_frequency(total)
        index.postings = dict(postings)
        index.weights = {key: int_weight(len(ids), total) for key, ids in postings.items()}
        blockable = sorted(key for key, ids in postings.items() if len(ids) <= index.max_df)
        index.key_ids = {key: i for i, key in enumerate(blockable)}
        return index

    @property
    def unknown_weight(self) -> int:
        """Weight of a query key no listed name has: as rare as a key can be."""
        return int_weight(1, len(self.names))

    def names_keys(self, name_idx: int) -> frozenset[str]:
        """The blocking keys of one listed name."""
        return self.name_keys[name_idx]

    def key_rows(self) -> Iterable[tuple[int, str]]:
        """(name_idx, key) for every blockable key, the table the SQL job joins on."""
        for key, ids in self.postings.items():
            if len(ids) <= self.max_df:
                for name_idx in ids:
                    yield name_idx, key

    def candidates(self, keys: frozenset[str]) -> list[int]:
        """Name indexes worth scoring for a query with these keys (the rule of `job.CANDIDATE_SQL`).

        As in the SQL: the query's commonest keys that together cannot reach the share are not looked up
        (they carry hundreds of names each); the names found through the others get their shared weight
        summed over all the query's blockable keys.
        """
        weights, key_ids = self.weights, self.key_ids
        unknown = self.unknown_weight
        total = sum(weights.get(k, unknown) for k in keys if not k.startswith("i:"))
        found: set[int] = set()
        by_id: set[int] = set()
        optional = 0
        for weight, key in sorted((weights[k], k) for k in keys if k in key_ids):
            is_id = key.startswith("i:")
            if not is_id and (optional + weight) * 100 < MIN_SHARED_PERCENT * total:
                optional += weight
                continue
            found.update(self.postings[key])
            if is_id:
                by_id.update(self.postings[key])
        kept = []
        for name_idx in found:
            shared = sum(weights[k] for k in self.name_keys[name_idx] & keys if k in key_ids)
            if shared * 100 >= MIN_SHARED_PERCENT * total or name_idx in by_id:
                kept.append((shared, name_idx))
        kept.sort(key=lambda item: (-item[0], item[1]))
        return [i for _, i in kept[:CANDIDATES_PER_QUERY]]

    def score(
        self,
        query: Query,
        query_names: tuple[NormalizedName, ...],
        name_ids: Iterable[int],
        min_score: float | None = None,
    ) -> list[Match]:
        """Score a query against the entities of the candidate names (each entity once, on those names);
        with `min_score`, only the matches at or above it are built and returned."""
        by_entity: dict[int, list[NormalizedName]] = {}
        for name_idx in name_ids:
            by_entity.setdefault(self.name_entity[name_idx], []).append(self.names[name_idx])
        matches = []
        for entity_idx, names in by_entity.items():
            match = score_pair(query, query_names, self.entities[entity_idx], tuple(names), min_score)
            if match is not None:
                matches.append(match)
        return matches


def rank(matches: Iterable[Match], threshold: float, limit: int | None = None) -> list[Match]:
    """Hits at or above the threshold, best first (ties by entity id, so the order is stable)."""
    kept = sorted((m for m in matches if m.score >= threshold), key=lambda m: (-m.score, m.entity_id))
    return kept[:limit] if limit is not None else kept


def prepare_query(query: Query) -> tuple[NormalizedName, ...]:
    """Normalised names of a query; raises InputError for a name that cannot be screened."""
    names = normalize_all([check_name(query.name)], query.schema)
    if not names:
        raise InputError("name has no letters or digits to compare", column="name")
    return names


def keys_of(query: Query, names: tuple[NormalizedName, ...]) -> frozenset[str]:
    """Blocking keys of a prepared query: its names' keys and its identifiers' keys."""
    return frozenset().union(*(blocking_keys(n) for n in names)) | identifier_keys(query.identifiers)


def query_keys(query: Query) -> frozenset[str]:
    """Blocking keys of a query; empty for a name that cannot be screened (it is rejected elsewhere)."""
    try:
        names = prepare_query(query)
    except InputError:
        return frozenset()
    return keys_of(query, names)


class Screener:
    """Screens names against an index loaded once; cheap to call many times.

    Example:
        screener = Screener.from_workspace(Workspace(Path("ws")))
        for match in screener.screen_one("Vladimir Putin", schema="Person", birth_date="1952-10-07"):
            print(match.score, match.entity_name, match.explanation)
    """

    def __init__(self, entities: Sequence[ListedEntity], threshold: float = DEFAULT_THRESHOLD) -> None:
        self.index = NameIndex.build(entities)
        self.threshold = threshold
        # The index lives as long as the process: frozen out of the garbage collector's generations, a
        # full collection triggered during a request does not walk its hundreds of thousands of objects.
        gc.collect()
        gc.freeze()

    @classmethod
    def from_workspace(
        cls,
        workspace: Workspace,
        threshold: float = DEFAULT_THRESHOLD,
        datasets: list[str] | None = None,
        query_schema: str | None = None,
    ) -> Screener:
        """Load the active entities of the workspace's registry into memory.

        With `query_schema`, only the entities a query of that type can match are indexed (for `Company`:
        no persons or vessels). A caller that screens only companies (the portfolio's issuers) thus skips
        the name analysis of every listed person, most of the cost of building the index; the key weights
        are then those of the indexed names, so a borderline candidate may differ from the full index."""
        con = workspace.require().connect(read_only=True)
        try:
            entities = load_entities(con, datasets=datasets)
        finally:
            con.close()
        if query_schema is not None:
            entities = [e for e in entities if schema_match(query_schema, e.schema) > 0]
        return cls(entities, threshold)

    def screen(self, query: Query, limit: int | None = 10, threshold: float | None = None) -> list[Match]:
        """Hits of one query, best first."""
        query_names = prepare_query(query)
        keys = keys_of(query, query_names)
        cut = self.threshold if threshold is None else threshold
        matches = self.index.score(query, query_names, self.index.candidates(keys), cut)
        return rank(matches, cut, limit)

    def screen_many(
        self, queries: Sequence[Query], limit: int | None = 10, threshold: float | None = None
    ) -> dict[str, list[Match]]:
        """Hits of many queries at once (query id -> hits, best first): candidates for all of them in one
        SQL step and scoring over the machine's cores (`batch.screen_many`), so a book of 100,000 company
        names is not 100,000 calls of `screen`. Same hits per query as `screen`."""
        from chainbreaker.screening.batch import screen_many

        cut = self.threshold if threshold is None else threshold
        return screen_many(self.index, queries, cut, limit)

    def screen_one(
        self,
        name: str,
        schema: str | None = None,
        birth_date: str | None = None,
        country: str | None = None,
        id_number: str | None = None,
        limit: int = 10,
        threshold: float | None = None,
    ) -> list[Match]:
        """Screen one name (with what else is known) and return up to `limit` hits with per-feature scores.

        An empty or unusable name raises `InputError` with the reason; an impossible date of birth is
        ignored for scoring and reported in each hit's explanation.
        """
        dob = birth_date.strip() if birth_date else None
        query = Query(
            query_id="query",
            name=name,
            schema=schema,
            birth_date=dob,
            countries=(country,) if country else (),
            identifiers=(id_number,) if id_number else (),
        )
        hits = self.screen(query, limit=limit, threshold=threshold)
        if dob and parse_partial_date(dob) is None:
            note = f"; date of birth {dob!r} is not a valid date and was ignored"
            hits = [_with_note(h, note) for h in hits]
        return hits


def _with_note(match: Match, note: str) -> Match:
    from dataclasses import replace

    return replace(match, explanation=match.explanation + note)
