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

from chainbreaker.core.errors import InputError
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
    "CREATE TABLE IF NOT EXISTS fiu_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
)


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    for statement in DDL:
        con.execute(statement)


def owner(con: duckdb.DuckDBPyConnection) -> str | None:
    """The FIU organisation whose received reports these are (None before any FIU claimed the workspace).

    The service shows the `fiu_*` tables only to members of this organisation: another FIU sharing the
    service must see none of them.
    """
    try:
        row = con.execute("SELECT value FROM fiu_meta WHERE key = 'owner_org'").fetchone()
    except duckdb.CatalogException:
        return None  # a workspace that never received a report
    return str(row[0]) if row else None


def claim(con: duckdb.DuckDBPyConnection, org_id: str) -> None:
    """Record `org_id` as the workspace's FIU, or refuse if another FIU holds it."""
    held = owner(con)
    if held is None:
        con.execute("INSERT INTO fiu_meta VALUES ('owner_org', ?)", [org_id])
    elif held != org_id:
        raise InputError(f"this FIU workspace holds the reports of organisation {held!r}, not {org_id!r}")


def known_reports(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """report_id → sha256 of every report already in the workspace."""
    return dict(con.execute("SELECT report_id, sha256 FROM fiu_reports").fetchall())


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall()]  # table names are ours, not input
    arrow = pa.table({c: [r.get(c) for r in rows] for c in columns})  # by column: cheaper than row dicts
    con.register("_fiu_rows", arrow)
    try:
        con.execute(f"INSERT INTO {table} SELECT {', '.join(columns)} FROM _fiu_rows")
    finally:
        con.unregister("_fiu_rows")


#: Arrow schema of each table the ingest fills, in the DDL's column order, plus `_seq`: the position of the
#: report in the ingest run, by which the loader keeps only the reports it accepted.
_S, _T = pa.string(), pa.timestamp("us")
SCHEMAS: dict[str, pa.Schema] = {
    "fiu_reports": pa.schema(
        [
            *((c, _S) for c in ("report_id", "source", "profile", "file_name", "sha256", "entity_id")),
            ("entity_name", _S),
            ("entity_reference", _S),
            ("submitted_at", _T),
            ("period_start", _T),
            ("period_end", _T),
            ("trafficking_type", _S),
            ("region", _S),
            ("total_amount", pa.float64()),
            ("narrative", _S),
            ("validated_against", _S),
            ("ingested_at", _T),
        ]
    ),
    "fiu_parties": pa.schema(
        [
            *(
                (c, _S)
                for c in ("party_key", "report_id", "entity_id", "role", "name", "first_name", "last_name")
            ),
            ("birth_date", pa.date32()),
            *(
                (c, _S)
                for c in ("id_number", "phone", "nationality", "country", "city", "address", "local_ref")
            ),
            ("accounts", pa.list_(_S)),
        ]
    ),
    "fiu_transactions": pa.schema(
        [
            ("report_id", _S),
            ("txn_id", _S),
            ("booked_at", _T),
            ("amount", pa.float64()),
            *((c, _S) for c in ("channel", "from_account", "to_account", "location")),
        ]
    ),
    "fiu_indicators": pa.schema([("report_id", _S), ("scheme", _S), ("code", _S)]),
    "fiu_channels": pa.schema([("report_id", _S), ("channel", _S), ("n", pa.int32())]),
}


def report_tables(reports: Iterable[ParsedReport], now: datetime, first_seq: int = 0) -> dict[str, pa.Table]:
    """The rows of every table for these reports, as Arrow tables with a `_seq` column (report position).

    Built where the files are parsed (in the worker processes), so the loading process only filters and
    appends columnar data instead of unpickling and converting one object per row.
    """
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in SCHEMAS}
    for seq, r in enumerate(reports, start=first_seq):
        rows["fiu_reports"].append(
            {**{k: getattr(r, k) for k in _REPORT_FIELDS}, "ingested_at": now, "_seq": seq}
        )
        for n, p in enumerate(r.parties, start=1):
            rows["fiu_parties"].append(
                {
                    **p.__dict__,
                    "party_key": f"{r.report_id}#{n}",
                    "report_id": r.report_id,
                    "entity_id": r.entity_id,
                    "_seq": seq,
                }
            )
        rows["fiu_transactions"] += [
            {**t.__dict__, "report_id": r.report_id, "_seq": seq} for t in r.transactions
        ]
        rows["fiu_indicators"] += [
            {"report_id": r.report_id, "scheme": s, "code": c, "_seq": seq} for s, c in r.indicators
        ]
        rows["fiu_channels"] += [
            {"report_id": r.report_id, "channel": c, "n": n, "_seq": seq} for c, n in r.channels.items()
        ]
    return {
        table: pa.Table.from_pylist(table_rows, schema=SCHEMAS[table].append(pa.field("_seq", pa.int64())))
        for table, table_rows in rows.items()
    }


def insert_table(con: duckdb.DuckDBPyConnection, table: str, arrow: pa.Table) -> None:
    """Append an Arrow table (columns named as the table's) in one statement; the caller holds the transaction."""
    if arrow.num_rows == 0:
        return
    columns = ", ".join(SCHEMAS[table].names)  # table and column names are ours, not input
    con.register("_fiu_rows", arrow)
    try:
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _fiu_rows")
    finally:
        con.unregister("_fiu_rows")


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
