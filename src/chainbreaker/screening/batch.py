"""Many names at once: the batch job (candidates in one SQL step, scoring in forked workers) behind a
`Screener`, for callers that hold their names in memory (the portfolio's issuers) rather than in a
workspace table.

One `screen` call per name finds candidates with a Python loop over postings; here one DuckDB join finds
them for every name together (the rule of `job.CANDIDATE_SQL`, the same as `NameIndex.candidates`), and
scoring is spread over the cores. The hits of each name are those `Screener.screen` gives.
"""

from __future__ import annotations

from collections.abc import Sequence

from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.screening.index import NameIndex, rank
from chainbreaker.screening.job import run_job
from chainbreaker.screening.types import Match, Query


def screen_many(
    index: NameIndex, queries: Sequence[Query], threshold: float, limit: int | None = None
) -> dict[str, list[Match]]:
    """Hits per query id (best first, at most `limit`); a query that cannot be screened (no letters in
    its name) has none. Query ids must be unique."""
    engine = DuckDBEngine()
    try:
        result = run_job(engine, index, queries, threshold)
    finally:
        engine.close()
    grouped: dict[str, list[Match]] = {}
    for match in result.matches:
        grouped.setdefault(match.query_id, []).append(match)
    return {qid: rank(found, threshold, limit) for qid, found in grouped.items()}
