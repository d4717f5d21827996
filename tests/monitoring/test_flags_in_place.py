"""DuckDB adds the recurring pay and rent flags to `monitoring_tx` in place (two updates); engines that cannot
update a table copy the rows with the flags joined. Both must give the same table, row for row."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from chainbreaker.core.workspace import Workspace
from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.monitoring.features import build_features, profile
from chainbreaker.monitoring.pipeline import EARLIEST, LATEST


class CopyingEngine(DuckDBEngine):
    """DuckDB taking the path of engines that cannot update in place (Spark)."""

    updates_in_place = False


def _enriched(engine: DuckDBEngine) -> pa.Table:
    with engine:
        build_features(engine, profile(engine), EARLIEST, LATEST)
        return engine.query("test: enriched rows", "SELECT * FROM monitoring_tx")


def test_flags_in_place_equal_the_flagged_copy(synth_ws: Workspace) -> None:
    in_place = _enriched(DuckDBEngine.for_workspace(synth_ws))
    copied = _enriched(CopyingEngine.for_workspace(synth_ws))
    assert in_place.schema == copied.schema
    con = duckdb.connect()
    con.register("a", in_place)
    con.register("b", copied)
    # both updates change rows of this bank (so the comparison covers them): pay credits recognised from
    # their cycle, and the employers' debit lines to those workers' accounts
    cycle_pay = con.execute(
        "SELECT count_if(direction = 'in'), count_if(direction = 'out') FROM b WHERE payroll_memo LIKE 'cycle %'"
    ).fetchone()
    assert cycle_pay is not None and cycle_pay[0] > 0 and cycle_pay[1] > 0
    for left, right in (("a", "b"), ("b", "a")):
        row = con.execute(
            f"SELECT count(*) FROM (SELECT * FROM {left} EXCEPT ALL SELECT * FROM {right})"
        ).fetchone()
        assert row == (0,)
