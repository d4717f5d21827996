"""A monitoring run reads the party keys and name parts the loader stored (`core.party_keys`) only while they
match the parties table and the rules; otherwise it computes them, and either way the run's output is the
same."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from chainbreaker.core.party_keys import key_rows_sql, key_table, name_rows_sql, name_table
from chainbreaker.core.workspace import Workspace
from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.monitoring import features, run_monitoring
from chainbreaker.monitoring.features import start_party_tables, stored_party_tables


def _copy(ws: Workspace, tmp_path: Path) -> Workspace:
    shutil.copytree(ws.root, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def _sorted(table: object) -> list[tuple[object, ...]]:
    return sorted(tuple(r.values()) for r in table.to_pylist())  # type: ignore[attr-defined]


def test_a_run_reads_the_stored_keys_which_equal_computed_ones(synth_ws: Workspace) -> None:
    with DuckDBEngine.for_workspace(synth_ws) as engine:
        columns = set(engine.columns("parties"))
        stored = stored_party_tables(engine, columns)
        assert stored is not None
        raw = engine.query("test: identifiers", key_rows_sql(columns)).to_pylist()
        names = engine.query("test: names", name_rows_sql(columns)).to_pylist()
        assert _sorted(stored[0]) == _sorted(key_table(raw))
        assert _sorted(stored[1]) == _sorted(name_table(names))
        start_party_tables(engine)
        steps = [t.step for t in engine.timings]
    assert "features: stored party keys" in steps
    assert "features: party identifiers" not in steps[steps.index("features: stored party keys") :]


def test_changed_parties_or_rules_make_the_run_compute_the_keys(
    synth_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = _copy(synth_ws, tmp_path)
    con = ws.connect()
    try:
        pid = con.execute("SELECT min(party_id) FROM parties WHERE party_type = 'person'").fetchone()
        assert pid is not None
        con.execute("UPDATE parties SET phone = '+1 202 555 0199' WHERE party_id = ?", [pid[0]])
    finally:
        con.close()
    with DuckDBEngine.for_workspace(ws) as engine:
        assert stored_party_tables(engine, set(engine.columns("parties"))) is None
        keys = start_party_tables(engine).keys.result()
    assert {r["party_id"]: r["phone_key"] for r in keys.to_pylist()}[pid[0]] == "+12025550199"
    monkeypatch.setattr(features, "RULES", "party-keys-0; other libraries")
    with DuckDBEngine.for_workspace(synth_ws) as engine:
        assert stored_party_tables(engine, set(engine.columns("parties"))) is None


def test_the_run_gives_the_same_output_with_or_without_stored_keys(
    synth_ws: Workspace, tmp_path: Path
) -> None:
    ws = _copy(synth_ws, tmp_path)
    with_stored = run_monitoring(ws, tmp_path / "stored")
    con = ws.connect()
    try:
        con.execute("DROP TABLE party_keys_meta")
    finally:
        con.close()
    computed = run_monitoring(ws, tmp_path / "computed")
    assert "features: stored party keys" in with_stored.step_seconds
    assert "features: stored party keys" not in computed.step_seconds
    assert with_stored.alerts == computed.alerts > 0
    for name in ("alerts.parquet", "party_risk.parquet"):
        a = pq.read_table(tmp_path / "stored" / name)
        b = pq.read_table(tmp_path / "computed" / name)
        assert _sorted(a) == _sorted(b), name
