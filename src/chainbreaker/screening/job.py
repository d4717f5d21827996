"""The batch screening job: candidate generation in SQL on an engine (DuckDB or Spark), scoring in Python.

Names are normalised and cut into blocking keys in Python (transliteration needs `rigour`); the keys go to
the engine as tables, and one SQL step finds, for every query, the listed names that share enough rare
keys with it. Weights are integers and ties break on the name index, so DuckDB and Spark return exactly
the same candidates; scoring them with `name-v3` is then the same code on both.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from multiprocessing import get_context
from typing import TypeVar

import pyarrow as pa

from chainbreaker.core.errors import InputError
from chainbreaker.engines.base import Engine
from chainbreaker.screening.blocking import CANDIDATES_PER_QUERY
from chainbreaker.screening.index import MIN_SHARED_PERCENT, NameIndex, keys_of, prepare_query, rank
from chainbreaker.screening.normalize import NormalizedName
from chainbreaker.screening.types import Match, Query

#: The candidate rule, readable by an analyst: a listed name is a candidate of a query when the keys they
#: share weigh at least MIN_SHARED_PERCENT of the query's name keys (a shared identifier is enough);
#: the best CANDIDATES_PER_QUERY are kept.
#:
#: How it is computed cheaply (same result as joining every key, checked by tests/screening): keys travel
#: as integer ids (`NameIndex.key_ids`), only the blockable ones (carried by at most `max_df` listed
#: names). Each query row carries its key's weight and the query's total name-key weight (unknown keys
#: counted as the rarest). A query's commonest keys whose weights together stay below MIN_SHARED_PERCENT
#: of the total cannot make a name a candidate on their own, so only the other keys (`required = 1`,
#: identifiers always) look names up; the shared weight of each name found is then summed over all the
#: query's keys. Common keys (`p:JN`) carry hundreds of names each: skipping them in the look-up cuts the
#: join four-fold.
CANDIDATE_SQL = """
WITH found AS (
    SELECT DISTINCT q.query_idx, e.name_idx
    FROM screening_query_keys AS q
    JOIN screening_entity_keys AS e ON q.key_id = e.key_id
    WHERE q.required = 1
),
shared AS (
    SELECT f.query_idx, f.name_idx, sum(q.weight) AS shared, max(q.total) AS total, max(q.by_id) AS by_id
    FROM found AS f
    JOIN screening_entity_keys AS e ON e.name_idx = f.name_idx
    JOIN screening_query_keys AS q ON q.query_idx = f.query_idx AND q.key_id = e.key_id
    GROUP BY f.query_idx, f.name_idx
),
ranked AS (
    SELECT query_idx, name_idx,
           row_number() OVER (PARTITION BY query_idx ORDER BY shared DESC, name_idx) AS rn
    FROM shared
    WHERE shared * 100 >= :min_percent * total OR by_id = 1
)
SELECT query_idx, name_idx, rn FROM ranked WHERE rn <= :limit
"""

T = TypeVar("T")

#: Queries sent to the engine per step; bounds memory on a million-name book.
CHUNK = 100_000


@dataclass(frozen=True, slots=True)
class Reject:
    """A query that could not be screened, with the reason (never silently skipped)."""

    query_id: str
    name: str
    reason: str


@dataclass
class JobResult:
    """Hits and rejects of one batch run."""

    matches: list[Match] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    screened: int = 0


def register_index(engine: Engine, index: NameIndex) -> None:
    """Give the engine the listed names' blockable keys, as integer key ids (once per run)."""
    key_ids = index.key_ids
    rows = list(index.key_rows())
    engine.register_arrow(
        "screening_entity_keys",
        pa.table(
            {
                "key_id": pa.array([key_ids[r[1]] for r in rows], pa.int64()),
                "name_idx": pa.array([r[0] for r in rows], pa.int64()),
            }
        ),
    )


def candidate_pairs(
    engine: Engine, index: NameIndex, keys_by_query: Sequence[frozenset[str]]
) -> dict[int, list[int]]:
    """Query position -> candidate name indexes (best first), computed by the engine's SQL."""
    key_ids, weights, unknown = index.key_ids, index.weights, index.unknown_weight
    query_idx: list[int] = []
    key_col: list[int] = []
    weight_col: list[int] = []
    total_col: list[int] = []
    by_id_col: list[int] = []
    required_col: list[int] = []
    for position, keys in enumerate(keys_by_query):
        total = sum(weights.get(k, unknown) for k in keys if not k.startswith("i:"))
        # blockable keys, commonest (lightest) first; ties by key so every run builds the same rows
        blockable = sorted((weights[k], k) for k in keys if k in key_ids)
        optional = 0  # weight of the lightest keys that together cannot reach the share
        for weight, key in blockable:
            is_id = key.startswith("i:")
            required = is_id or (optional + weight) * 100 >= MIN_SHARED_PERCENT * total
            if not required:
                optional += weight
            query_idx.append(position)
            key_col.append(key_ids[key])
            weight_col.append(weight)
            total_col.append(total)
            by_id_col.append(1 if is_id else 0)
            required_col.append(1 if required else 0)
    engine.register_arrow(
        "screening_query_keys",
        pa.table(
            {
                "query_idx": pa.array(query_idx, pa.int64()),
                "key_id": pa.array(key_col, pa.int64()),
                "weight": pa.array(weight_col, pa.int64()),
                "total": pa.array(total_col, pa.int64()),
                "by_id": pa.array(by_id_col, pa.int64()),
                "required": pa.array(required_col, pa.int64()),
            }
        ),
    )
    result = engine.query(
        "screening.candidates",
        CANDIDATE_SQL,
        {"min_percent": MIN_SHARED_PERCENT, "limit": CANDIDATES_PER_QUERY},
    )
    triples = sorted(
        zip(
            result.column("query_idx").to_pylist(),
            result.column("rn").to_pylist(),
            result.column("name_idx").to_pylist(),
            strict=True,
        )
    )
    out: dict[int, list[int]] = {}
    for q, _, name_idx in triples:
        out.setdefault(int(q), []).append(int(name_idx))
    return out


#: Below this many queries a run stays in one process (forking costs more than it saves).
PARALLEL_MIN = 20_000

_INDEX: NameIndex | None = None  # the index worker processes inherit by fork


def _prepare_part(
    queries: Sequence[Query],
) -> list[tuple[Query, tuple[NormalizedName, ...], frozenset[str]] | Reject]:
    out: list[tuple[Query, tuple[NormalizedName, ...], frozenset[str]] | Reject] = []
    for query in queries:
        try:
            names = prepare_query(query)
        except InputError as exc:
            out.append(Reject(query.query_id, query.name, str(exc)))
            continue
        out.append((query, names, keys_of(query, names)))
    return out


def _score_part(
    items: Sequence[tuple[Query, tuple[NormalizedName, ...], list[int]]], threshold: float
) -> list[Match]:
    if _INDEX is None:
        raise RuntimeError("the name index is set by run_job before workers start")
    out: list[Match] = []
    for query, names, name_ids in items:
        out.extend(rank(_INDEX.score(query, names, name_ids, threshold), threshold))
    return out


def _split(items: Sequence[T], parts: int) -> list[Sequence[T]]:
    size = max(1, -(-len(items) // parts))
    return [items[i : i + size] for i in range(0, len(items), size)]


def run_job(
    engine: Engine,
    index: NameIndex,
    queries: Sequence[Query],
    threshold: float,
    on_progress: Callable[[int], None] | None = None,
) -> JobResult:
    """Screen queries against the index on an engine: validate, block in SQL, score, rank.

    Normalising and scoring are pure Python; on large runs they are spread over the machine's cores
    (forked worker processes that share the index); the SQL step runs on the engine. Results are the same
    in one process or many, in the same order.
    """
    global _INDEX
    result = JobResult()
    register_index(engine, index)
    _INDEX = index
    # The index and the queries live for the whole run: moved out of the collector's reach, they are not
    # walked again by every full collection the scoring's many small objects trigger, and forked workers
    # do not copy the pages the collector would touch (docs/decisions/perf-02-screening-and-load-speed.md).
    gc.freeze()
    workers = min(os.cpu_count() or 1, 4) if len(queries) >= PARALLEL_MIN else 1
    pool = ProcessPoolExecutor(workers, mp_context=get_context("fork")) if workers > 1 else None
    try:
        for start in range(0, len(queries), CHUNK):
            chunk = queries[start : start + CHUNK]
            parts = _split(chunk, workers * 4)
            prepared = (
                [x for part in pool.map(_prepare_part, parts) for x in part] if pool else _prepare_part(chunk)
            )
            valid = [x for x in prepared if not isinstance(x, Reject)]
            result.rejects.extend(x for x in prepared if isinstance(x, Reject))
            candidates = candidate_pairs(engine, index, [keys for _, _, keys in valid])
            items = [
                (query, names, candidates[position])
                for position, (query, names, _) in enumerate(valid)
                if position in candidates
            ]
            if pool:
                for matches in pool.map(_score_part, _split(items, workers * 4), repeat(threshold)):
                    result.matches.extend(matches)
            else:
                result.matches.extend(_score_part(items, threshold))
            result.screened += len(valid)
            if on_progress:
                on_progress(len(chunk))
    finally:
        if pool:
            pool.shutdown()
        _INDEX = None
        gc.unfreeze()
    return result
