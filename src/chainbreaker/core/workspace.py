"""A workspace is one folder: the DuckDB file with the bank's data and registry, the case store, rejects.

Keeping everything of one bank in one folder makes it easy to back up, move and delete as a unit, which
matters for data about victims.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from chainbreaker.core.errors import NotFoundError
from chainbreaker.core.settings import Settings, get_settings


@dataclass(frozen=True)
class Workspace:
    """Paths of one workspace folder; nothing is opened until asked for."""

    root: Path

    @property
    def duckdb_path(self) -> Path:
        return self.root / "workspace.duckdb"

    @property
    def cases_path(self) -> Path:
        return self.root / "cases.sqlite"

    @property
    def rejects_dir(self) -> Path:
        return self.root / "rejects"

    @property
    def parquet_dir(self) -> Path:
        """Parquet copies of workspace tables, for engines that cannot read a DuckDB file (Spark)."""
        return self.root / "parquet"

    @property
    def tmp_dir(self) -> Path:
        """Where DuckDB spills when data outgrows memory."""
        return self.root / "tmp"

    def cases_url(self, settings: Settings | None = None) -> str:
        settings = settings or get_settings()
        return settings.database_url or f"sqlite:///{self.cases_path}"

    def exists(self) -> bool:
        return self.duckdb_path.exists()

    def require(self) -> Workspace:
        """Fail with a clear message when the workspace was never created."""
        if not self.exists():
            raise NotFoundError(
                f"workspace {self.root} has no {self.duckdb_path.name}; create it with `chainbreaker load`"
            )
        return self

    def connect(self, read_only: bool = False, settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
        """Open the workspace's DuckDB file with a memory limit and a spill folder."""
        settings = settings or get_settings()
        if read_only:
            self.require()
        self.root.mkdir(parents=True, exist_ok=True)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.duckdb_path), read_only=read_only)
        con.execute(f"SET memory_limit = '{_safe_size(settings.duckdb_memory_limit)}'")
        con.execute("SET temp_directory = ?", [str(self.tmp_dir)])
        con.execute("SET preserve_insertion_order = false")
        if settings.duckdb_threads:
            con.execute(f"SET threads = {int(settings.duckdb_threads)}")
        return con


def _safe_size(value: str) -> str:
    """DuckDB's SET does not take a bound parameter for sizes, so the value is checked instead."""
    cleaned = value.strip().upper().replace(" ", "")
    number = cleaned.rstrip("KMGTIB")
    if not number.replace(".", "", 1).isdigit():
        raise ValueError(f"not a memory size: {value!r} (e.g. 4GB)")
    return cleaned
