"""Indicators that define the same leading WITH expressions (DB-01 and LT-06: the repayment patterns) read
them from one table made once (`runner.shared_steps`); each must give the hits it gives run on its own."""

from __future__ import annotations

from chainbreaker.core.workspace import Workspace
from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.monitoring import load_catalogue
from chainbreaker.monitoring.features import DataProfile, build_features, profile
from chainbreaker.monitoring.pipeline import EARLIEST, LATEST
from chainbreaker.monitoring.runner import SHARED_PREFIX, run_indicator, run_indicators, shared_steps


def test_repayment_patterns_are_shared() -> None:
    cat = load_catalogue()
    everything = DataProfile(None, None, 0)
    everything.missing = lambda required: []  # type: ignore[method-assign]  # every column present
    shared = shared_steps(list(cat.enabled), everything)
    steps = {step for _name, step, _sql in shared.tables}
    assert "indicators: shared pattern (DB-01, LT-06)" in steps
    assert {"DB-01", "LT-06"} <= set(shared.sql)
    for ind_id in ("DB-01", "LT-06"):
        # the last shared expression reads the table; its own computation is gone from the indicator
        assert f"pattern AS (SELECT * FROM {SHARED_PREFIX}" in shared.sql[ind_id]
    # an expression is shared only with everything before it: a parameter changed in `rep` stops the sharing
    # there (`pay`, before it and without that parameter, is still shared)
    changed = next(i for i in cat.enabled if i.id == "LT-06")
    lower = changed.parameters["min_amount"].model_copy(update={"default": 50})
    other = changed.model_copy(
        update={"id": "LT-99", "parameters": {**changed.parameters, "min_amount": lower}}
    )
    alone = shared_steps([i for i in cat.enabled if i.id == "DB-01"] + [other], everything)
    assert [step for _name, step, _sql in alone.tables] == ["indicators: shared pay (DB-01, LT-99)"]
    assert "pattern AS (SELECT * FROM" not in alone.sql["LT-99"]


def test_shared_run_gives_each_indicators_own_hits(synth_ws: Workspace) -> None:
    cat = load_catalogue()
    with DuckDBEngine.for_workspace(synth_ws) as engine:
        prof = profile(engine)
        build_features(engine, prof, EARLIEST, LATEST)
        enabled = list(cat.enabled)
        together = run_indicators(engine, enabled, prof)
        assert any(t.step.startswith("indicators: shared") for t in engine.timings)
        # the shared tables are dropped once the indicators have run
        left = engine.query("test: tables", "SELECT table_name FROM duckdb_tables()").column(0).to_pylist()
        assert not [t for t in left if t.startswith(SHARED_PREFIX)]
        assert sum(run.hits for run, _ in together) > 0
        for ind, (run, hits) in zip(enabled, together, strict=True):
            own_run, own_hits = run_indicator(engine, ind, prof)
            assert (run.status, run.hits) == (own_run.status, own_run.hits), ind.id
            key = lambda h: (h.sort_key, sorted(h.figures.items()), h.strength)  # noqa: E731
            assert sorted(map(key, hits)) == sorted(map(key, own_hits)), ind.id
