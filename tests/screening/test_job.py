"""The batch job gives the same hits on DuckDB and Spark, and the same as the in-memory Screener."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import replace

import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.screening import Screener, screen_workspace
from chainbreaker.screening.entities import load_entities, load_parties
from chainbreaker.screening.index import NameIndex
from chainbreaker.screening.job import JobResult, Reject, run_job
from chainbreaker.screening.types import Match, Query


def rows(matches: list[Match]) -> list[tuple[object, ...]]:
    return sorted((m.query_id, m.entity_id, round(m.score, 6), m.matched_on, m.explanation) for m in matches)


def test_duckdb_job_finds_customers_and_counterparties(screening_ws: Workspace) -> None:
    report = screen_workspace(screening_ws, threshold=0.8)
    found = {(m.query_id, m.entity_id) for m in report.matches}
    assert ("P1", "un-1") in found  # reordered name, same birth date
    assert ("P3", "br-3") in found  # Lista Suja employer by CNPJ
    assert ("P6", "ofac-5") in found  # OOO / PJSC legal forms
    assert ("cp:Sea Princess Shipping", "ofac-4") not in found or report.matches  # counterparty screened
    assert not any(m.query_id in ("P4", "P5") for m in report.matches)  # namesake with another birth date
    assert report.queries == 8 and report.screened == 8 and not report.rejects


def test_job_equals_in_memory_screener(screening_ws: Workspace) -> None:
    report = screen_workspace(screening_ws, threshold=0.5, counterparties=False)
    screener = Screener.from_workspace(screening_ws, threshold=0.5)
    from chainbreaker.core.workspace import Workspace as _W  # noqa: F401 - keeps the import local to this test
    from chainbreaker.screening.entities import load_parties

    con = screening_ws.connect(read_only=True)
    parties = load_parties(con)
    con.close()
    direct = [m for q in parties for m in screener.screen(q, limit=None)]
    assert rows(report.matches) == rows(direct)


@pytest.mark.spark
def test_spark_and_duckdb_give_identical_hits(spark_required: None, screening_ws: Workspace) -> None:
    duck = screen_workspace(screening_ws, threshold=0.3, engine="duckdb")
    spark = screen_workspace(screening_ws, threshold=0.3, engine="spark")
    assert rows(duck.matches) == rows(spark.matches)
    assert len(duck.matches) >= 4


def test_parallel_scoring_gives_the_same_hits(
    screening_ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chainbreaker.screening import job

    one = screen_workspace(screening_ws, threshold=0.3)
    monkeypatch.setattr(job, "PARALLEL_MIN", 1)
    many = screen_workspace(screening_ws, threshold=0.3)
    assert rows(one.matches) == rows(many.matches) and len(one.matches) >= 4


def _run(index: NameIndex, queries: list[Query]) -> tuple[JobResult, list[int]]:
    progress: list[int] = []
    engine = DuckDBEngine()
    try:
        return run_job(engine, index, queries, 0.3, on_progress=progress.append), progress
    finally:
        engine.close()


@pytest.fixture
def book(screening_ws: Workspace) -> tuple[NameIndex, list[Query]]:
    """The fixture's listed entities, and its customers three times over with an unscreenable name inside."""
    con = screening_ws.connect(read_only=True)
    try:
        entities, parties = load_entities(con), load_parties(con)
    finally:
        con.close()
    queries = [replace(q, query_id=f"{q.query_id}-{i}") for i in range(3) for q in parties]
    queries.insert(5, Query("bad", "!!! ---", "Person"))
    return NameIndex.build(entities), queries


def test_worker_processes_give_the_one_process_lists_in_order(
    book: tuple[NameIndex, list[Query]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several chunks over three workers (a share of the 4-query chunks is empty): the same matches in the
    same order, the same rejects, the same count screened and the same progress calls as one process."""
    from chainbreaker.screening import job

    index, queries = book
    monkeypatch.setattr(job, "CHUNK", 4)
    serial, serial_progress = _run(index, queries)
    monkeypatch.setattr(job, "PARALLEL_MIN", 1)
    monkeypatch.setattr(job.os, "cpu_count", lambda: 3)
    parallel, parallel_progress = _run(index, queries)
    assert [m.query_id for m in serial.matches][:3] == ["P1-0", "P2-0", "P3-0"]  # query order, not sorted
    assert parallel.matches == serial.matches and len(serial.matches) >= 12
    assert parallel.rejects == serial.rejects == [Reject("bad", "!!! ---", serial.rejects[0].reason)]
    assert parallel.screened == serial.screened == len(queries) - 1
    assert parallel_progress == serial_progress == [4, 4, 4, 4, 3]
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("failure", ["raises", "exits"])
def test_a_failing_worker_stops_the_run(
    book: tuple[NameIndex, list[Query]], monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """A worker's exception is raised in the parent; a worker that dies is reported; no worker is left."""
    from chainbreaker.screening import job

    def fail(*_: object) -> list[Match]:
        if failure == "exits":
            os._exit(3)
        raise ValueError("scoring failed")

    index, queries = book
    monkeypatch.setattr(job, "CHUNK", 4)
    monkeypatch.setattr(job, "PARALLEL_MIN", 1)
    monkeypatch.setattr(job.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(job, "_score_part", fail)
    expected = (ValueError, "scoring failed") if failure == "raises" else (RuntimeError, "exit code 3")
    with pytest.raises(expected[0], match=expected[1]):
        _run(index, queries)
    assert not multiprocessing.active_children()
