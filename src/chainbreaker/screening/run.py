"""The library functions behind `chainbreaker screen`, `rescreen` and `screening decide`.

Each opens the workspace, runs the job on the chosen engine, applies analysts' decisions, stores the hits
and writes the output file. The CLI and the service call these and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainbreaker.core.errors import InputError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.engines import get_engine
from chainbreaker.screening import store
from chainbreaker.screening.algorithm import DEFAULT_THRESHOLD
from chainbreaker.screening.entities import load_counterparties, load_entities, load_parties
from chainbreaker.screening.index import NameIndex, query_keys
from chainbreaker.screening.io import read_queries, write_rows
from chainbreaker.screening.job import JobResult, Reject, run_job
from chainbreaker.screening.types import Match, Query

log = get_logger(__name__)

Progress = Callable[[str, int, int], None]  # (stage, advance, total)


@dataclass
class ScreenReport:
    """What a screening run did, for the CLI to print and the demo to show."""

    out: Path | None
    queries: int = 0
    screened: int = 0
    hits: int = 0
    suppressed: int = 0
    rejects: list[Reject] = field(default_factory=list)
    rejects_file: Path | None = None
    entities: int = 0
    engine: str = "duckdb"
    matches: list[Match] = field(default_factory=list)


def default_out(workspace: Workspace) -> Path:
    return workspace.root / "screening" / "hits.parquet"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _check_threshold(threshold: float) -> float:
    if not 0.0 <= threshold <= 1.0:
        raise InputError(f"threshold must be between 0 and 1, not {threshold}", column="threshold")
    return threshold


def _run_on_engine(
    workspace: Workspace,
    engine_name: str,
    index: NameIndex,
    queries: Sequence[Query],
    threshold: float,
    progress: Progress | None,
) -> JobResult:
    engine = get_engine(engine_name, workspace, tables=("parties",))
    try:
        return run_job(
            engine,
            index,
            queries,
            threshold,
            on_progress=(lambda n: progress("screening", n, len(queries))) if progress else None,
        )
    finally:
        engine.close()


def _apply_decisions(
    con: Any, matches: list[Match], query_fps: dict[str, str], entity_fps: dict[str, str]
) -> set[tuple[str, str]]:
    """Pairs whose latest decision is a false positive made on the same customer and entity data."""
    known = store.false_positives(con)
    return {
        (m.query_id, m.entity_id)
        for m in matches
        if (fp := known.get((m.query_id, m.entity_id))) is not None
        and fp == (query_fps.get(m.query_id), entity_fps.get(m.entity_id))
    }


def screen_workspace(
    workspace: Workspace,
    names_file: Path | None = None,
    out: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    engine: str = "duckdb",
    counterparties: bool = True,
    progress: Progress | None = None,
) -> ScreenReport:
    """Screen the workspace's customers (and counterparty names), or a query file, against the registry.

    Writes the hits in the screening output contract to `WS/screening/hits.parquet`, which the workspace
    always keeps as its latest results (`cases build` reads it), and to `out` as an extra copy (CSV, Parquet
    or JSON lines by extension). A query file's screening writes only to `out` (default the workspace file). stores them in `screening_hits`, and leaves out pairs an analyst
    marked as false positives while neither side changed. Queries that cannot be screened are written to
    `WS/rejects/screening_rejects.csv` with their reason.
    """
    _check_threshold(threshold)
    workspace.require()
    out = out or default_out(workspace)
    con = workspace.connect(read_only=True)
    try:
        entities = load_entities(con)
        if names_file is None:
            parties = load_parties(con)
            cps = load_counterparties(con) if counterparties else []
        else:
            parties, cps = [], []
    finally:
        con.close()
    queries_by_source: dict[str, list[Query]] = (
        {"names": read_queries(names_file)} if names_file else {"parties": parties, "counterparties": cps}
    )
    index = NameIndex.build(entities)
    entity_fps = {e.entity_id: store.entity_fingerprint(e) for e in entities}
    report = ScreenReport(out=out, entities=len(entities), engine=engine)
    all_queries = [q for qs in queries_by_source.values() for q in qs]
    report.queries = len(all_queries)
    result = _run_on_engine(workspace, engine, index, all_queries, threshold, progress)
    query_fps = {q.query_id: store.query_fingerprint(q) for q in all_queries}
    now = _now()
    con = workspace.connect()
    try:
        store.ensure_tables(con)
        suppressed = _apply_decisions(con, result.matches, query_fps, entity_fps)
        con.execute("BEGIN")
        for source, queries in queries_by_source.items():
            ids = {q.query_id for q in queries}
            source_matches = [m for m in result.matches if m.query_id in ids]
            table = store.hits_table(source, source_matches, query_fps, entity_fps, suppressed, now)
            store.replace_hits(con, source, None if source != "names" else sorted(ids), table)
        if names_file is None:
            party_keys = {q.query_id: query_keys(q) for q in queries_by_source["parties"]}
            store.save_party_state(con, party_keys, replace_all=True)
            store.save_entity_state(con, entity_fps)
        con.execute("COMMIT")
    finally:
        con.close()
    visible = [m for m in result.matches if (m.query_id, m.entity_id) not in suppressed]
    visible.sort(key=lambda m: (m.query_id, -m.score, m.entity_id))
    rows = [m.as_row() for m in visible]
    write_rows(rows, out)
    if names_file is None and out.resolve() != default_out(workspace).resolve():
        write_rows(rows, default_out(workspace))  # the workspace keeps the latest results; `out` is a copy
    report.matches = visible
    report.hits = len(visible)
    report.suppressed = len(result.matches) - len(visible)
    report.screened = result.screened
    report.rejects = result.rejects
    report.rejects_file = _write_rejects(workspace, result.rejects)
    log.info(
        "screening done",
        extra={
            "queries": report.queries,
            "hits": report.hits,
            "rejected": len(report.rejects),
            "engine": engine,
        },
    )
    return report


def _write_rejects(workspace: Workspace, rejects: Sequence[Reject]) -> Path | None:
    if not rejects:
        return None
    path = workspace.rejects_dir / "screening_rejects.csv"
    rows = [{"query_id": r.query_id, "name": r.name, "reason": r.reason} for r in rejects]
    return write_rows(rows, path, columns=("query_id", "name", "reason"))


def decide(
    workspace: Workspace,
    query_id: str,
    entity_id: str,
    decision: str,
    analyst: str | None = None,
    note: str | None = None,
) -> dict[str, object]:
    """Record an analyst's decision (`false_positive` or `true_match`) on a hit of the last screening.

    A false positive is then left out of later screenings until the customer or the entity changes.
    """
    con = workspace.require().connect()
    try:
        return store.record_decision(con, query_id, entity_id, decision, analyst, note)
    finally:
        con.close()
