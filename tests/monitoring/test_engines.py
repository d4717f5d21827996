"""The whole library on both engines over a generated bank: identical alerts and party risk.

Spark runs the same SQL translated by sqlglot. The test needs Java 17; it skips with a reason only when
Java is absent (and fails instead when CHAINBREAKER_REQUIRE_SPARK=1, as in .ci/run).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.monitoring import run_monitoring


@pytest.fixture(scope="module")
def generated_ws(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Workspace]:
    from chainbreaker.ingest import load_folder
    from chainbreaker.synth import SynthConfig, generate_bank

    root = tmp_path_factory.mktemp("gen")
    bank = root / "bank"
    generate_bank(bank, SynthConfig(transactions=40_000, seed=2024, prevalence=0.05))
    ws = Workspace(root / "ws")
    load_folder(bank, ws)
    return bank, ws


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_give_identical_alerts(
    spark_required: None, generated_ws: tuple[Path, Workspace], tmp_path: Path
) -> None:
    _, ws = generated_ws
    duck = run_monitoring(ws, tmp_path / "duckdb", engine="duckdb")
    spark = run_monitoring(ws, tmp_path / "spark", engine="spark")
    assert not duck.failed and not spark.failed, (duck.failed, spark.failed)
    assert [r.indicator_id for r in duck.runs] == [r.indicator_id for r in spark.runs]
    assert [r.hits for r in duck.runs] == [r.hits for r in spark.runs]
    a = pq.read_table(duck.alerts_path).to_pylist()
    b = pq.read_table(spark.alerts_path).to_pylist()
    assert a, "the generated bank should raise alerts"
    assert a == b
    assert pq.read_table(duck.party_risk_path).to_pylist() == pq.read_table(spark.party_risk_path).to_pylist()
