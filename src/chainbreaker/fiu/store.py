"""The FIU workspace tables (DuckDB) holding received reports, and the one transaction that loads them.

Tables: `fiu_reports` (one row per report, with its source: goaml, fincen-sar or ngo), `fiu_parties`
(subjects and victims as filed), `fiu_transactions`, `fiu_indicators` and `fiu_channels`. Linking adds
`fiu_links`, `fiu_decisions` and `fiu_resolved` (see `fiu.link`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from chainbreaker.fiu.parse import ParsedReport

DDL = (
    """CREATE TABLE IF NOT EXISTS fiu_reports (
        report_id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, profile VARCHAR, file_name VARCHAR,
        sha256 VARCHAR NOT NULL, entity_id VARCHAR NOT NULL, entity_name VARCHAR, entity_reference VARCHAR,
        submitted_at TIMESTAMP, period_start TIMESTAMP, period_end TIMESTAMP, trafficking_type VARCHAR NOT NULL,
        region VARCHAR, total_amount DOUBLE, narrative VARCHAR, validated_against VARCHAR,
        ingested_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS fiu_parties (
        party_key VARCHAR PRIMARY KEY, report_id VARCHAR NOT NULL, entity_id VARCHAR NOT NULL, role VARCHAR NOT NULL,
        name VARCHAR NOT NULL, first_name VARCHAR, last_name VARCHAR, birth_date DATE, id_number VARCHAR,
        phone VARCHAR, nationality VARCHAR, country VARCHAR, city VARCHAR, address VARCHAR, local_ref VARCHAR,
        accounts VARCHAR[])""",
    """CREATE TABLE IF NOT EXISTS fiu_transactions (
        report_id VARCHAR NOT NULL, txn_id VARCHAR, booked_at TIMESTAMP, amount DOUBLE, channel VARCHAR,
        from_account VARCHAR, to_account VARCHAR, location VARCHAR)""",
    "CREATE TABLE IF NOT EXISTS fiu_indicators (report_id VARCHAR NOT NULL, scheme VARCHAR, code VARCHAR)",
    "CREATE TABLE IF NOT EXISTS fiu_channels (report_id VARCHAR NOT NULL, channel VARCHAR, n INTEGER)",
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def known_reports(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """report_id → sha256 of every report already in the workspace."""
    return dict(con.execute("SELECT report_id, sha256 FROM fiu_reports").fetchall())


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()]  # table names are ours, not input
    arrow = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows])
    con.register("_fiu_rows", arrow)
    try:
        con.execute(f"INSERT INTO {table} SELECT {', '.join(columns)} FROM _fiu_rows")
    finally:
        con.unregister("_fiu_rows")


def insert_reports(con: duckdb.DuckDBPyConnection, reports: Iterable[ParsedReport], now: datetime) -> int:
    """Insert reports and everything they carry; the caller holds the transaction."""
    rows: dict[str, list[dict[str, Any]]] = {
        "fiu_reports": [],
        "fiu_parties": [],
        "fiu_transactions": [],
        "fiu_indicators": [],
        "fiu_channels": [],
    }
    count = 0
    for r in reports:
        count += 1
        rows["fiu_reports"].append({**{k: getattr(r, k) for k in _REPORT_FIELDS}, "ingested_at": now})
        for n, p in enumerate(r.parties, start=1):
            rows["fiu_parties"].append(
                {
                    **p.__dict__,
                    "party_key": f"{r.report_id}#{n}",
                    "report_id": r.report_id,
                    "entity_id": r.entity_id,
                }
            )
        rows["fiu_transactions"] += [{**t.__dict__, "report_id": r.report_id} for t in r.transactions]
        rows["fiu_indicators"] += [
            {"report_id": r.report_id, "scheme": s, "code": c} for s, c in r.indicators
        ]
        rows["fiu_channels"] += [
            {"report_id": r.report_id, "channel": c, "n": n} for c, n in r.channels.items()
        ]
    for table, table_rows in rows.items():
        insert_rows(con, table, table_rows)
    return count


_REPORT_FIELDS = (
    "report_id",
    "source",
    "profile",
    "file_name",
    "sha256",
    "entity_id",
    "entity_name",
    "entity_reference",
    "submitted_at",
    "period_start",
    "period_end",
    "trafficking_type",
    "region",
    "total_amount",
    "narrative",
    "validated_against",
)
