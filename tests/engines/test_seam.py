"""The engine seam: parameter binding, translation, error wrapping, and the same answers on every engine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest

from chainbreaker.core.contract import TRANSACTIONS, ddl
from chainbreaker.core.errors import EngineError
from chainbreaker.core.workspace import Workspace
from chainbreaker.engines import bind_parameters, get_engine
from chainbreaker.engines.base import check_identifier


def test_values_become_literals_not_sql() -> None:
    tree = bind_parameters("SELECT * FROM t WHERE name = :name AND n >= :n", {"name": "x' OR 1=1 --", "n": 3})
    sql = tree.sql("duckdb")
    assert "'x'' OR 1=1 --'" in sql
    assert ">= 3" in sql


def test_lists_dates_and_decimals_bind() -> None:
    sql = bind_parameters(
        "SELECT 1 FROM t WHERE mcc IN :mccs AND d >= :since AND a > :floor",
        {"mccs": ["7011", "7297"], "since": dt.date(2024, 1, 31), "floor": Decimal("9000.00")},
    ).sql("spark")
    assert "IN ('7011', '7297')" in sql
    assert "CAST('2024-01-31' AS DATE)" in sql
    assert "> 9000.00" in sql


def test_missing_and_unused_parameters_are_errors() -> None:
    with pytest.raises(KeyError, match="no value for parameter :n"):
        bind_parameters("SELECT a FROM t WHERE a = :n", {})
    with pytest.raises(KeyError, match="not used"):
        bind_parameters("SELECT 1", {"n": 1})


@pytest.mark.parametrize("name", ["transactions", "alerts_2024", "_tmp"])
def test_safe_identifiers_pass(name: str) -> None:
    assert check_identifier(name) == name


@pytest.mark.parametrize("name", ["", "1abc", "a;drop table x", "a b", "x" * 200])
def test_unsafe_identifiers_fail(name: str) -> None:
    with pytest.raises(ValueError, match="identifier"):
        check_identifier(name)


def _workspace_with_transactions(workspace: Workspace) -> Workspace:
    con = workspace.connect()
    con.execute(ddl(TRANSACTIONS))
    rows = [
        ("t1", "a1", "2024-03-01 23:10:00", "120.00", "USD", "in", "p2p"),
        ("t2", "a1", "2024-03-02 01:30:00", "80.00", "USD", "in", "p2p"),
        ("t3", "a2", "2024-03-02 12:00:00", "9500.00", "USD", "in", "cash"),
        ("t4", "a2", "2024-03-03 12:00:00", "9800.00", "USD", "in", "cash"),
    ]
    con.executemany(
        "INSERT INTO transactions (txn_id, account_id, booked_at, amount, currency, direction, channel) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    con.close()
    return workspace


def test_same_sql_same_answer_on_every_engine(workspace: Workspace, engine_name: str) -> None:
    _workspace_with_transactions(workspace)
    with get_engine(engine_name, workspace) as engine:
        engine.create_table(
            "night_p2p",
            "night p2p",
            "SELECT account_id, count(*) AS n FROM transactions "
            "WHERE channel = :channel AND (hour(booked_at) >= 22 OR hour(booked_at) < 6) GROUP BY account_id",
            {"channel": "p2p"},
        )
        near = engine.query(
            "near threshold cash",
            "SELECT account_id, count(*) AS n, sum(amount) AS total FROM transactions "
            "WHERE channel = 'cash' AND amount >= :low AND amount < :high GROUP BY account_id",
            {"low": 9000, "high": 10000},
        )
        night = engine.query("read back", "SELECT account_id, n FROM night_p2p ORDER BY account_id")
        assert engine.exists("night_p2p")
        assert "n" in engine.columns("night_p2p")
        assert [t.step for t in engine.timings] == ["night p2p", "near threshold cash", "read back"]
    assert night.to_pylist() == [{"account_id": "a1", "n": 2}]
    row = near.to_pylist()[0]
    assert row["account_id"] == "a2" and row["n"] == 2 and Decimal(str(row["total"])) == Decimal("19300.00")


def test_failed_step_names_step_and_shows_sql(workspace: Workspace, engine_name: str) -> None:
    _workspace_with_transactions(workspace)
    with get_engine(engine_name, workspace) as engine, pytest.raises(EngineError) as info:
        engine.query("broken step", "SELECT no_such_column FROM transactions")
    assert info.value.step == "broken step"
    assert "no_such_column" in str(info.value)


def test_arrow_tables_register(workspace: Workspace, engine_name: str) -> None:
    _workspace_with_transactions(workspace)
    with get_engine(engine_name, workspace) as engine:
        engine.register_arrow("watch", pa.table({"account_id": ["a2"]}))
        got = engine.query("join", "SELECT count(*) AS n FROM transactions JOIN watch USING (account_id)")
    assert got.to_pylist() == [{"n": 2}]


def test_unknown_engine_is_a_clear_error(workspace: Workspace) -> None:
    from chainbreaker.core.errors import ConfigurationError

    _workspace_with_transactions(workspace)
    with pytest.raises(ConfigurationError, match="unknown engine"):
        get_engine("oracle", workspace)


def test_update_changes_a_table_in_place_or_is_refused_by_name(
    workspace: Workspace, engine_name: str
) -> None:
    """`update` works where the engine says `updates_in_place`; elsewhere it refuses, naming the step, and the
    table is left as it was (callers build a new table instead)."""
    _workspace_with_transactions(workspace)
    with get_engine(engine_name, workspace) as engine:
        engine.create_table("flags", "flags", "SELECT txn_id, 0 AS is_cash FROM transactions")
        sql = "UPDATE flags SET is_cash = 1 WHERE txn_id IN ('t3', 't4')"
        if engine.updates_in_place:
            engine.update("mark cash", sql)
        else:
            with pytest.raises(EngineError) as info:
                engine.update("mark cash", sql)
            assert info.value.step == "mark cash" and "in place" in str(info.value)
        got = engine.query("read", "SELECT sum(is_cash) AS n FROM flags").to_pylist()[0]["n"]
    assert got == (2 if engine.updates_in_place else 0)


def test_unordered_results_keep_the_answers(workspace: Workspace, engine_name: str) -> None:
    """`unordered_results` (the monitoring run's speed setting) changes no answer, only the order rows may
    come in; on DuckDB it turns insertion order off for that connection only."""
    _workspace_with_transactions(workspace)
    sql = "SELECT account_id, sum(amount) AS total FROM transactions GROUP BY account_id"
    with get_engine(engine_name, workspace) as engine:
        before = sorted(engine.query("totals", sql).to_pylist(), key=lambda r: r["account_id"])
        engine.unordered_results()
        after = sorted(engine.query("totals", sql).to_pylist(), key=lambda r: r["account_id"])
        if engine_name == "duckdb":
            setting = engine.query("setting", "SELECT current_setting('preserve_insertion_order') AS v")
            assert setting.to_pylist()[0]["v"] is False
    assert after == before and before
