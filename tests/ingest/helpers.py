"""Small contract files for loader tests, written exactly as a bank would export them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from chainbreaker.core.workspace import Workspace

PARTIES_HEADER = ["party_id", "party_type", "name", "date_of_birth", "nationality", "country", "naics"]
PARTIES = [
    ["P1", "person", "Ana Lopez", "1990-01-02", "MX", "US", ""],
    ["P2", "organization", "Nail Spa LLC", "", "", "US", "812113"],
    ["P3", "person", "Li Wei", "1985-07-30", "CN", "US", ""],
]
ACCOUNTS_HEADER = ["account_id", "party_id", "account_type", "opened_at", "currency"]
ACCOUNTS = [
    ["A1", "P1", "checking", "2020-01-01", ""],
    ["A2", "P2", "business", "2021-03-04", "USD"],
    ["A3", "P3", "savings", "2022-05-06", "EUR"],
]
TXN_HEADER = ["txn_id", "account_id", "booked_at", "amount", "direction", "channel", "mcc", "country"]
TRANSACTIONS = [
    ["T1", "A1", "2024-01-01T10:00:00", "12.50", "in", "card", "5812", "US"],
    ["T2", "A1", "2024-01-02T23:15:00", "300", "out", "p2p", "", ""],
    ["T3", "A2", "2024-01-03T08:00:00", "1000.00", "out", "wire", "", "MX"],
]


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_bank(
    folder: Path,
    parties: list[list[str]] | None = None,
    accounts: list[list[str]] | None = None,
    transactions: list[list[str]] | None = None,
) -> Path:
    """A good three-table bank; any table can be replaced by other rows."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "parties.csv").write_text(csv_text(PARTIES_HEADER, parties or PARTIES), encoding="utf-8")
    (folder / "accounts.csv").write_text(csv_text(ACCOUNTS_HEADER, accounts or ACCOUNTS), encoding="utf-8")
    (folder / "transactions.csv").write_text(
        csv_text(TXN_HEADER, TRANSACTIONS if transactions is None else transactions), encoding="utf-8"
    )
    return folder


def query(ws: Workspace, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(ws.duckdb_path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def rejects(ws: Workspace) -> list[tuple[object, ...]]:
    """(table, row_number, column, reason) of every reject, in file order."""
    return query(
        ws, "SELECT table_name, row_number, column_name, reason FROM rejects ORDER BY table_name, row_number"
    )
