"""The loader's own workspace tables: `rejects` (every refused row, with why) and `load_log` (every file
loaded, keyed by content hash, which is what makes re-loading the same files a no-op).
"""

from __future__ import annotations

import duckdb

from chainbreaker.core.contract import TABLES, ddl

REJECTS_DDL = """
CREATE TABLE IF NOT EXISTS rejects (
  load_id VARCHAR,
  table_name VARCHAR,
  file VARCHAR,
  row_number BIGINT,
  column_name VARCHAR,
  reason VARCHAR,
  problems VARCHAR,
  raw VARCHAR,
  rejected_at TIMESTAMP
)
"""

LOAD_LOG_DDL = """
CREATE TABLE IF NOT EXISTS load_log (
  load_id VARCHAR,
  table_name VARCHAR,
  file VARCHAR,
  sha256 VARCHAR,
  bytes BIGINT,
  mapping VARCHAR,
  rows_read BIGINT,
  rows_accepted BIGINT,
  rows_inserted BIGINT,
  rows_rejected BIGINT,
  ignored_columns VARCHAR,
  loaded_at TIMESTAMP
)
"""

#: Columns of the rejects CSV, in order (the same as the table, minus the timestamp).
REJECT_CSV_COLUMNS = (
    "load_id",
    "table_name",
    "file",
    "row_number",
    "column_name",
    "reason",
    "problems",
    "raw",
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the contract tables and the loader's tables when absent (inside the load's transaction)."""
    for table in TABLES:
        con.execute(ddl(table))
    con.execute(REJECTS_DDL)
    con.execute(LOAD_LOG_DDL)


def earlier_load(con: duckdb.DuckDBPyConnection, table: str, sha256: str) -> str | None:
    """The load id that already loaded these exact bytes into this table, if any."""
    row = con.execute(
        "SELECT load_id FROM load_log WHERE table_name = $t AND sha256 = $h ORDER BY loaded_at LIMIT 1",
        {"t": table, "h": sha256},
    ).fetchone()
    return str(row[0]) if row else None
