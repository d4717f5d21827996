"""The batch job gives the same hits on DuckDB and Spark, and the same as the in-memory Screener."""

from __future__ import annotations

import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.screening import Screener, screen_workspace
from chainbreaker.screening.types import Match


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
