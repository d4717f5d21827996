"""The batch screening job: candidate generation in SQL on an engine (DuckDB or Spark), scoring in Python.

Names are normalised and cut into blocking keys in Python (transliteration needs `rigour`); the keys go to
the engine as tables, and one SQL step finds, for every query, the listed names that share enough rare
keys with it. Weights are integers and ties break on the name index, so DuckDB and Spark return exactly
the same candidates; scoring them with `name-v1` is then the same code on both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

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


def run_job(
    engine: Engine,
    index: NameIndex,
    queries: Sequence[Query],
    threshold: float,
    on_progress: Callable[[int], None] | None = None,
) -> JobResult:
    """Screen queries against the index on an engine: validate, block in SQL, score, rank."""
    result = JobResult()
    register_index(engine, index)
    for start in range(0, len(queries), CHUNK):
        chunk = queries[start : start + CHUNK]
        valid: list[tuple[Query, tuple[NormalizedName, ...]]] = []
        for query in chunk:
            try:
                valid.append((query, prepare_query(query)))
            except InputError as exc:
                result.rejects.append(Reject(query.query_id, query.name, str(exc)))
        keys = [keys_of(query, names) for query, names in valid]
        candidates = candidate_pairs(engine, index, keys)
        for position, (query, names) in enumerate(valid):
            name_ids = candidates.get(position)
            if name_ids:
                result.matches.extend(rank(index.score(query, names, name_ids), threshold))
        result.screened += len(valid)
        if on_progress:
            on_progress(len(chunk))
    return result
