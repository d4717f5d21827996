"""The batch screening job: candidate generation in SQL on an engine (DuckDB or Spark), scoring in Python.

Names are normalised and cut into blocking keys in Python (transliteration needs `rigour`); the keys go to
the engine as tables, and one SQL step finds, for every query, the listed names that share enough rare
keys with it. Weights are integers and ties break on the name index, so DuckDB and Spark return exactly
the same candidates; scoring them with `name-v3` is then the same code on both.
"""

from __future__ import annotations

import gc
import os
import pickle
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.queues import Queue
from queue import Empty

import numpy as np
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


def query_key_rows(index: NameIndex, keyed: Iterable[tuple[int, frozenset[str]]]) -> pa.Table:
    """The rows of `screening_query_keys` for (query position, blocking keys) pairs: one row per blockable
    key, with its weight, the query's total name-key weight, whether it is an identifier and whether it
    looks names up (the rule of `CANDIDATE_SQL`)."""
    key_ids, weights, unknown = index.key_ids, index.weights, index.unknown_weight
    query_idx: list[int] = []
    key_col: list[int] = []
    weight_col: list[int] = []
    total_col: list[int] = []
    by_id_col: list[int] = []
    required_col: list[int] = []
    for position, keys in keyed:
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
    return pa.table(
        {
            "query_idx": pa.array(query_idx, pa.int64()),
            "key_id": pa.array(key_col, pa.int64()),
            "weight": pa.array(weight_col, pa.int64()),
            "total": pa.array(total_col, pa.int64()),
            "by_id": pa.array(by_id_col, pa.int64()),
            "required": pa.array(required_col, pa.int64()),
        }
    )


def find_candidates(engine: Engine, query_keys: pa.Table) -> pa.Table:
    """Run `CANDIDATE_SQL` on the engine for the rows of `query_key_rows`: (query_idx, name_idx) of every
    candidate, ordered by query and then best first (`rn`)."""
    engine.register_arrow("screening_query_keys", query_keys)
    result = engine.query(
        "screening.candidates",
        CANDIDATE_SQL,
        {"min_percent": MIN_SHARED_PERCENT, "limit": CANDIDATES_PER_QUERY},
    )
    # row_number() is unique within a query, so this order is total
    return result.select(["query_idx", "name_idx", "rn"]).sort_by(
        [("query_idx", "ascending"), ("rn", "ascending")]
    )


def _group(query_idx: Sequence[int], name_idx: Sequence[int]) -> dict[int, list[int]]:
    """Query position -> candidate name indexes, for (query_idx, name_idx) rows already in order."""
    out: dict[int, list[int]] = {}
    for q, name in zip(query_idx, name_idx, strict=True):
        found = out.get(q)
        if found is None:
            out[q] = [name]
        else:
            found.append(name)
    return out


def candidate_pairs(
    engine: Engine, index: NameIndex, keys_by_query: Sequence[frozenset[str]]
) -> dict[int, list[int]]:
    """Query position -> candidate name indexes (best first), computed by the engine's SQL."""
    found = find_candidates(engine, query_key_rows(index, enumerate(keys_by_query)))
    return _group(found.column("query_idx").to_pylist(), found.column("name_idx").to_pylist())


#: Below this many queries a run stays in one process (forking costs more than it saves).
PARALLEL_MIN = 20_000

# What worker processes inherit by fork (set by run_job for the length of a run)
_INDEX: NameIndex | None = None
_QUERIES: Sequence[Query] | None = None


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


#: A prepared query a worker keeps until its candidates arrive: (position in the chunk, query, its names).
_Kept = tuple[int, Query, tuple[NormalizedName, ...]]


def _prepare_share(start: int, lo: int, hi: int) -> tuple[pa.Table, list[Reject], list[_Kept]]:
    """Prepare queries lo..hi of the run (a worker's share of the chunk that begins at `start`): the key
    rows for the candidate SQL (positions counted from the chunk's start), the rejects, and the prepared
    queries the worker keeps for scoring."""
    if _INDEX is None or _QUERIES is None:
        raise RuntimeError("the index and the queries are set by run_job before workers start")
    keyed: list[tuple[int, frozenset[str]]] = []
    kept: list[_Kept] = []
    rejects: list[Reject] = []
    for position, item in enumerate(_prepare_part(_QUERIES[lo:hi]), start=lo - start):
        if isinstance(item, Reject):
            rejects.append(item)
            continue
        query, names, keys = item
        keyed.append((position, keys))
        kept.append((position, query, names))
    return query_key_rows(_INDEX, keyed), rejects, kept


def _score_share(
    kept: Sequence[_Kept], query_idx: Sequence[int], name_idx: Sequence[int], threshold: float
) -> list[Match]:
    """Score a worker's prepared queries on their candidates ((query position, name id) rows in the order
    of `find_candidates`), in query order."""
    by_query = _group(query_idx, name_idx)
    return _score_part(
        [(query, names, by_query[position]) for position, query, names in kept if position in by_query],
        threshold,
    )


def _serve(requests: Queue[_Request | None], replies: Queue[_Reply]) -> None:
    """A worker process: prepare and score its shares of the chunks, in the order asked, until told to stop.

    Prepared queries stay here between the two steps; only key rows and candidate lists travel."""
    kept: dict[int, list[_Kept]] = {}
    while (request := requests.get()) is not None:
        try:
            if request.candidates is None:
                rows, rejects, kept[request.start] = _prepare_share(request.start, request.lo, request.hi)
                replies.put(_Reply(request.start, rows=rows, rejects=rejects))
            else:
                query_idx, name_idx = (column.tolist() for column in request.candidates)
                matches = _score_share(kept.pop(request.start), query_idx, name_idx, request.threshold)
                replies.put(_Reply(request.start, matches=matches))
        except Exception as exc:  # sent to the parent, which raises it
            replies.put(_Reply(request.start, error=_portable(exc)))


def _portable(exc: Exception) -> Exception:
    """The exception itself when it survives pickling, else a RuntimeError carrying its traceback."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes, read back at once
    except Exception:
        return RuntimeError("".join(traceback.format_exception(exc)))
    return exc


@dataclass(frozen=True, slots=True)
class _Request:
    """Prepare queries lo..hi of the chunk at `start`; with `candidates`, score that chunk's share."""

    start: int
    lo: int = 0
    hi: int = 0
    candidates: tuple[np.ndarray, np.ndarray] | None = None  # query positions and name ids
    threshold: float = 0.0


@dataclass(frozen=True, slots=True)
class _Reply:
    start: int
    rows: pa.Table | None = None
    rejects: list[Reject] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    error: Exception | None = None


class _Workers:
    """Long-lived forked worker processes; worker w owns the w-th contiguous share of every chunk.

    Each worker answers its requests in the order they were sent (one reply per request). Queues, not
    bare pipes: a put never blocks the sender (a feeder thread writes), so parent and workers can both
    have large messages in flight without deadlock."""

    def __init__(self, count: int) -> None:
        ctx = get_context("fork")
        self.requests: list[Queue[_Request | None]] = [ctx.Queue() for _ in range(count)]
        self.replies: list[Queue[_Reply]] = [ctx.Queue() for _ in range(count)]
        self.processes = [
            ctx.Process(target=_serve, args=(rq, rp), name=f"screening-worker-{i}", daemon=True)
            for i, (rq, rp) in enumerate(zip(self.requests, self.replies, strict=True))
        ]
        for process in self.processes:
            process.start()

    def shares(self, start: int, end: int) -> list[tuple[int, int]]:
        """The (lo, hi) share of each worker in the chunk start..end (contiguous, in worker order)."""
        size = -(-(end - start) // len(self.processes))
        return [
            (min(end, start + w * size), min(end, start + (w + 1) * size)) for w in range(len(self.processes))
        ]

    def prepare(self, start: int, end: int) -> None:
        for requests, (lo, hi) in zip(self.requests, self.shares(start, end), strict=True):
            requests.put(_Request(start, lo, hi))

    def score(self, start: int, end: int, candidates: pa.Table, threshold: float) -> None:
        """Send each worker the candidates of its share (candidates ordered by query_idx)."""
        query_idx = candidates.column("query_idx").to_numpy()
        name_idx = candidates.column("name_idx").to_numpy()
        for requests, (lo, hi) in zip(self.requests, self.shares(start, end), strict=True):
            first, last = np.searchsorted(query_idx, [lo - start, hi - start])
            # copies, so pickling sends only this share (a slice of an Arrow table or of an array
            # would carry the whole buffers it is a view of)
            share = (query_idx[first:last].copy(), name_idx[first:last].copy())
            requests.put(_Request(start, candidates=share, threshold=threshold))

    def receive(self, start: int) -> list[_Reply]:
        """The next reply of every worker, in worker order; each must be about the chunk at `start`."""
        out = []
        for replies, process in zip(self.replies, self.processes, strict=True):
            while True:
                try:
                    reply = replies.get(timeout=1.0)
                    break
                except Empty:
                    if not process.is_alive():
                        raise RuntimeError(
                            f"screening worker {process.name} stopped (exit code {process.exitcode})"
                        ) from None
            if reply.error is not None:
                raise reply.error
            if reply.start != start:
                raise RuntimeError(
                    f"screening worker {process.name} answered for chunk {reply.start}, not {start}"
                )
            out.append(reply)
        return out

    def close(self, clean: bool) -> None:
        """Stop the workers: asked to finish after a clean run, terminated after an error."""
        for requests in self.requests:
            if clean:
                requests.put(None)
            else:
                requests.cancel_join_thread()  # a worker that stopped reading must not hang our exit
        for process in self.processes:
            process.join(timeout=30 if clean else 0)
            if process.is_alive():
                process.terminate()
                process.join()
        for requests in self.requests:
            requests.close()
        for replies in self.replies:
            replies.close()


def run_job(
    engine: Engine,
    index: NameIndex,
    queries: Sequence[Query],
    threshold: float,
    on_progress: Callable[[int], None] | None = None,
) -> JobResult:
    """Screen queries against the index on an engine: validate, block in SQL, score, rank.

    Normalising and scoring are pure Python; on large runs they are spread over the machine's cores
    (forked worker processes that share the index and the queries); the SQL step runs on the engine.
    Results are the same in one process or many, in the same order.
    """
    global _INDEX, _QUERIES
    register_index(engine, index)
    _INDEX, _QUERIES = index, queries
    # The index and the queries live for the whole run: moved out of the collector's reach, they are not
    # walked again by every full collection the scoring's many small objects trigger, and forked workers
    # do not copy the pages the collector would touch (docs/decisions/perf-02-screening-and-load-speed.md).
    gc.freeze()
    try:
        workers = min(os.cpu_count() or 1, 4) if len(queries) >= PARALLEL_MIN else 1
        if workers > 1:
            return _run_parallel(engine, workers, len(queries), threshold, on_progress)
        return _run_serial(engine, index, queries, threshold, on_progress)
    finally:
        _INDEX = _QUERIES = None
        gc.unfreeze()


def _run_serial(
    engine: Engine,
    index: NameIndex,
    queries: Sequence[Query],
    threshold: float,
    on_progress: Callable[[int], None] | None,
) -> JobResult:
    result = JobResult()
    for start in range(0, len(queries), CHUNK):
        chunk = queries[start : start + CHUNK]
        prepared = _prepare_part(chunk)
        valid = [x for x in prepared if not isinstance(x, Reject)]
        result.rejects.extend(x for x in prepared if isinstance(x, Reject))
        candidates = candidate_pairs(engine, index, [keys for _, _, keys in valid])
        items = [
            (query, names, candidates[position])
            for position, (query, names, _) in enumerate(valid)
            if position in candidates
        ]
        result.matches.extend(_score_part(items, threshold))
        result.screened += len(valid)
        if on_progress:
            on_progress(len(chunk))
    return result


def _run_parallel(
    engine: Engine,
    workers: int,
    total: int,
    threshold: float,
    on_progress: Callable[[int], None] | None,
) -> JobResult:
    """The chunks as a pipeline: while the engine finds the candidates of chunk k, the workers score
    chunk k-1 and prepare chunk k+1 (two chunks are asked for ahead, so a worker never waits for the
    parent between steps). Matches and rejects are collected chunk by chunk in worker order, which is
    query order: the same lists, in the same order, as `_run_serial`."""
    result = JobResult()
    chunks = [(start, min(start + CHUNK, total)) for start in range(0, total, CHUNK)]
    pool = _Workers(workers)
    clean = False
    try:
        for start, end in chunks[:2]:
            pool.prepare(start, end)
        for k, (start, end) in enumerate(chunks):
            prepared = pool.receive(start)
            for reply in prepared:
                result.rejects.extend(reply.rejects)
            rows = pa.concat_tables([reply.rows for reply in prepared if reply.rows is not None])
            result.screened += (end - start) - sum(len(reply.rejects) for reply in prepared)
            pool.score(start, end, find_candidates(engine, rows), threshold)
            if k + 2 < len(chunks):
                pool.prepare(*chunks[k + 2])
            if k > 0:
                _collect(pool, chunks[k - 1], result, on_progress)
        if chunks:
            _collect(pool, chunks[-1], result, on_progress)
        clean = True
    finally:
        pool.close(clean)
    return result


def _collect(
    pool: _Workers, chunk: tuple[int, int], result: JobResult, on_progress: Callable[[int], None] | None
) -> None:
    for reply in pool.receive(chunk[0]):
        result.matches.extend(reply.matches)
    if on_progress:
        on_progress(chunk[1] - chunk[0])
