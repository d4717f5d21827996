"""Pick an engine by name and point it at a workspace's contract tables."""

from __future__ import annotations

from chainbreaker.core.contract import TABLES
from chainbreaker.core.errors import ConfigurationError
from chainbreaker.core.workspace import Workspace
from chainbreaker.engines.base import Engine

ENGINE_NAMES = ("duckdb", "spark")


def export_parquet(workspace: Workspace, tables: tuple[str, ...] | None = None) -> dict[str, str]:
    """Write Parquet copies of workspace tables (for Spark); returns table name -> path."""
    names = tables or tuple(t.name for t in TABLES)
    workspace.parquet_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    con = workspace.connect(read_only=True)
    try:
        present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for name in names:
            if name not in present:
                continue
            target = workspace.parquet_dir / f"{name}.parquet"
            con.execute(
                f"COPY (SELECT * FROM {name}) TO '{target}' (FORMAT parquet)"
            )  # path is ours, not user text
            written[name] = str(target)
    finally:
        con.close()
    return written


def get_engine(name: str, workspace: Workspace, tables: tuple[str, ...] | None = None) -> Engine:
    """An engine that can query the workspace's tables by their contract names."""
    if name == "duckdb":
        from chainbreaker.engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine.for_workspace(workspace.require(), read_only=True)
    if name == "spark":
        from pathlib import Path

        from chainbreaker.engines.spark_engine import SparkEngine

        engine = SparkEngine()
        for table, path in export_parquet(workspace.require(), tables).items():
            engine.register_parquet(table, Path(path))
        return engine
    raise ConfigurationError(f"unknown engine {name!r}; choose one of {', '.join(ENGINE_NAMES)}")
