"""The batch screening job: candidate generation in SQL on an engine (DuckDB or Spark), scoring in Python.

Names are normalised and cut into blocking keys in Python (transliteration needs `rigour`); the keys go to
the engine as tables, and one SQL step finds, for every query, the listed names that share enough rare
keys with it. Weights are integers and ties break on the name index, so DuckDB and Spark return exactly
the same candidates; scoring them with `name-v3` is then the same code on both.
"""

from __future__ import annotations

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
CANDIDATE_SQL = """
WITH qk AS (
    SELECT q.query_idx, q.key,
           coalesce(w.weight, :unknown_weight) AS weight,
           coalesce(w.df <= :max_df, false) AS blockable
    FROM screening_query_keys AS q
    LEFT JOIN screening_key_weights AS w ON q.key = w.key
),
qt AS (
    SELECT query_idx, sum(CASE WHEN key LIKE 'i:%' THEN 0 ELSE weight END) AS total
    FROM qk GROUP BY query_idx
),
shared AS (
    SELECT qk.query_idx, ek.name_idx, sum(qk.weight) AS shared,
           max(CASE WHEN qk.key LIKE 'i:%' THEN 1 ELSE 0 END) AS by_id
    FROM qk
    JOIN screening_entity_keys AS ek ON qk.key = ek.key
    WHERE qk.blockable
    GROUP BY qk.query_idx, ek.name_idx
),
ranked AS (
    SELECT s.query_idx, s.name_idx,
           row_number() OVER (PARTITION BY s.query_idx ORDER BY s.shared DESC, s.name_idx) AS rn
    FROM shared AS s
    JOIN qt ON s.query_idx = qt.query_idx
    WHERE s.shared * 100 >= :min_percent * qt.total OR s.by_id = 1
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
    """Give the engine the listed names' keys and the key weights (once per run)."""
    rows = list(index.key_rows())
    engine.register_arrow(
        "screening_entity_keys",
        pa.table(
            {
                "name_idx": pa.array([r[0] for r in rows], pa.int64()),
                "key": pa.array([r[1] for r in rows], pa.string()),
            }
        ),
    )
    keys = sorted(index.weights)
    engine.register_arrow(
        "screening_key_weights",
        pa.table(
            {
                "key": pa.array(keys, pa.string()),
                "weight": pa.array([index.weights[k] for k in keys], pa.int64()),
                "df": pa.array([len(index.postings[k]) for k in keys], pa.int64()),
            }
        ),
    )


def candidate_pairs(
    engine: Engine, index: NameIndex, keys_by_query: Sequence[frozenset[str]]
) -> dict[int, list[int]]:
    """Query position -> candidate name indexes (best first), computed by the engine's SQL."""
    query_idx: list[int] = []
    key_col: list[str] = []
    for position, keys in enumerate(keys_by_query):
        for key in sorted(keys):
            query_idx.append(position)
            key_col.append(key)
    engine.register_arrow(
        "screening_query_keys",
        pa.table({"query_idx": pa.array(query_idx, pa.int64()), "key": pa.array(key_col, pa.string())}),
    )
    result = engine.query(
        "screening.candidates",
        CANDIDATE_SQL,
        {
            "unknown_weight": index.unknown_weight,
            "max_df": index.max_df,
            "min_percent": MIN_SHARED_PERCENT,
            "limit": CANDIDATES_PER_QUERY,
        },
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
    return result
