"""Parquet columns checked in their own types give the same rows, rejects and reasons as the same values as text.

A bank may write typed Parquet (timestamps, decimals) or everything as strings; the loader reads typed
columns as types (DuckDB's reader, `ingest/typed.py`) and strings with the text rules, and a file with a
value only Arrow spells the old way goes through Arrow. All three must load a bank identically.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from chainbreaker.core.contract import TABLES_BY_NAME
from chainbreaker.core.settings import get_settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder
from chainbreaker.ingest.files import inspect_file
from chainbreaker.ingest.mapping import TableMapping
from chainbreaker.ingest.staging import parquet_sources

from .helpers import query, write_bank

T = dt.datetime
ROWS: list[tuple[str | None, str, T | None, Decimal | None, str, str | None]] = [
    ("T1", "A1", T(2024, 1, 1, 10), Decimal("12.500"), "card", "Cafe"),  # accepted
    ("T2", "A1", None, Decimal("3.000"), "card", None),  # booked_at missing
    ("T3", "A2", T(2024, 1, 3), Decimal("0.000"), "card", None),  # amount 0
    ("T4", "A2", T(2024, 1, 4), Decimal("-1.000"), "card", None),  # negative
    ("T5", "A2", T(2024, 1, 5), Decimal("1.234"), "card", None),  # three decimals
    ("T6", "A2", T(2024, 1, 6), Decimal("10000000000000000.000"), "card", None),  # 17 integer digits
    ("T7", "A2", T(2024, 1, 7), None, "card", None),  # amount missing
    ("T8", "A404", T(2024, 1, 8), Decimal("5.000"), "card", None),  # unknown account
    ("T1", "A1", T(2024, 1, 9), Decimal("6.000"), "card", None),  # duplicate of row 1
    ("T9", "A1", T(2024, 1, 10), Decimal("7.000"), "card", "Bad\x0bName"),  # control character
    (None, "A1", T(2024, 1, 11), Decimal("8.000"), "card", None),  # txn_id missing
    ("T10", "A1", T(1, 1, 1), Decimal("9999999999999999.990"), " Wire ", None),  # accepted: year 1, 16 digits
    ("T11", "A1", T(2024, 1, 12, 23, 59, 59, 999000), Decimal("1.000"), "crypto", None),  # channel
]
EXPECTED = [
    (2, "booked_at", "required value is missing"),
    (3, "amount", "amount must be greater than 0"),
    (4, "amount", "amount must be greater than 0"),
    (5, "amount", "not a decimal number (digits, optional point, at most 2 decimals)"),
    (6, "amount", "not a decimal number (digits, optional point, at most 2 decimals)"),
    (7, "amount", "required value is missing"),
    (
        8,
        "account_id",
        "account_id value is not in accounts (neither in the workspace nor earlier in this load)",
    ),
    (9, "txn_id", "duplicate key in this file (first at row 1)"),
    (
        10,
        "counterparty_name",
        "contains a control character (e.g. NUL or vertical tab); reports to an FIU cannot carry it",
    ),
    (11, "txn_id", "required value is missing"),
    (13, "channel", "not one of: cash, atm, card, wire, ach, p2p, check, internal, other"),
]


def _typed(outside: bool = False) -> pa.Table:
    cols = list(zip(*ROWS, strict=True))
    booked = list(cols[2])
    if outside:  # before 1970 with a fraction of a second: DuckDB and Arrow truncate it differently
        booked.append(T(1969, 12, 31, 23, 59, 59, 500000))
    extra = len(booked) - len(ROWS)
    return pa.table(
        {
            "txn_id": list(cols[0]) + [f"X{i}" for i in range(extra)],
            "account_id": list(cols[1]) + ["A1"] * extra,
            "booked_at": pa.array(booked, pa.timestamp("ms")),
            "amount": pa.array(list(cols[3]) + [Decimal("1.000")] * extra, pa.decimal128(20, 3)),
            "direction": ["out"] * len(booked),
            "channel": list(cols[4]) + ["card"] * extra,
            "counterparty_name": list(cols[5]) + [None] * extra,
        }
    )


def _as_text(table: pa.Table) -> pa.Table:
    """What a bank writing everything as strings exports: the same values in the contract's text."""
    cols = {}
    for field in table.schema:
        arr = table.column(field.name)
        if pa.types.is_timestamp(field.type):
            arr = pc.strftime(pc.cast(arr, pa.timestamp("s"), safe=False), format="%Y-%m-%dT%H:%M:%S")
        cols[field.name] = pc.cast(arr, pa.string())
    return pa.table(cols)


def _load(tmp_path: Path, table: pa.Table, name: str) -> Workspace:
    bank = write_bank(tmp_path / name)
    (bank / "transactions.csv").unlink()
    pq.write_table(table, bank / "transactions.parquet")
    ws = Workspace(tmp_path / f"ws-{name}")
    report = load_folder(bank, ws)
    txn = next(f for f in report.files if f.table == "transactions")
    assert txn.read == txn.accepted + txn.rejected
    return ws


def _rejects(ws: Workspace) -> list[tuple[object, ...]]:
    return query(
        ws,
        "SELECT row_number, column_name, reason, raw FROM rejects WHERE table_name = 'transactions' "
        "ORDER BY row_number",
    )


def _stored(ws: Workspace) -> list[tuple[object, ...]]:
    return query(ws, "SELECT * FROM transactions")  # storage order is file order


def test_typed_text_and_arrow_paths_load_the_same(tmp_path: Path) -> None:
    typed = _load(tmp_path, _typed(), "typed")
    text = _load(tmp_path, _as_text(_typed()), "text")
    outside = _load(tmp_path, _typed(outside=True), "outside")

    assert [r[:3] for r in _rejects(typed)] == EXPECTED
    # the raw row of a reject reads the same whether the bank wrote types or text
    assert _rejects(typed) == _rejects(text) == _rejects(outside)
    assert '"booked_at":"2024-01-08T00:00:00","amount":"5.000"' in str(_rejects(typed)[6][3])
    stored = _stored(typed)
    assert stored == _stored(text) == _stored(outside)[: len(stored)]
    assert [(r[0], r[2], r[3], r[6]) for r in stored] == [
        ("T1", T(2024, 1, 1, 10), Decimal("12.50"), "card"),
        ("T10", T(1, 1, 1), Decimal("9999999999999999.99"), "wire"),
    ]
    # Arrow truncates towards zero (1970-01-01T00:00:00), as before; date_trunc would give 23:59:59
    assert _stored(outside)[-1][2] == T(1970, 1, 1)


@pytest.mark.parametrize(
    ("column", "values", "typed"),
    [
        ("amount", pa.array([Decimal("1.00")], pa.decimal128(18, 2)), True),
        ("amount", pa.array([12], pa.int64()), True),
        ("amount", pa.array([1.5], pa.float64()), False),  # DuckDB spells floats unlike Arrow
        ("amount", pa.array([Decimal("0.5")], pa.decimal128(5, 5)), False),  # DuckDB writes .5
        ("booked_at", pa.array([T(2024, 1, 1)], pa.timestamp("s", tz="UTC")), False),  # zoned
        ("booked_at", pa.array([T(2024, 1, 1)], pa.timestamp("ns")), True),
        ("booked_at", pa.array([T(1960, 1, 1, 0, 0, 0, 1)], pa.timestamp("us")), False),  # outside
        ("booked_at", pa.array([dt.date(2024, 1, 1)], pa.date32()), True),
    ],
)
def test_which_parquet_files_are_read_in_their_types(
    tmp_path: Path, column: str, values: pa.Array, typed: bool
) -> None:
    base = {
        "txn_id": ["T1"],
        "account_id": ["A1"],
        "booked_at": pa.array([T(2024, 1, 1)], pa.timestamp("s")),
        "amount": pa.array([Decimal("1.00")], pa.decimal128(18, 2)),
        "direction": ["in"],
        "channel": ["card"],
    }
    path = tmp_path / "transactions.parquet"
    pq.write_table(pa.table(base | {column: values}), path)
    src = inspect_file(TABLES_BY_NAME["transactions"], path, TableMapping())

    assert (parquet_sources(src) is not None) == typed


def test_row_numbers_of_a_file_read_in_parallel_are_file_rows(tmp_path: Path) -> None:
    """Many row groups are read by several threads; staged row k must still be the file's row k.

    The country check used to be a `NOT IN (SELECT ...)` subquery, which DuckDB plans as a join; with it
    the parallel reader's rows reached the staging table out of file order and rejects named wrong rows.
    """
    n = 60_000
    ids = [f"T{i}" for i in range(n)]
    countries = ["US"] * n
    countries[n - 5] = "XX"
    table = pa.table(
        {
            "txn_id": ids,
            "account_id": ["A1"] * n,
            "booked_at": pa.array([T(2024, 1, 1)] * n, pa.timestamp("s")),
            "amount": pa.array([Decimal("1.00")] * n, pa.decimal128(18, 2)),
            "direction": ["in"] * n,
            "channel": ["card"] * n,
            "country": countries,
            "currency": ["USD"] * n,
        }
    )
    bank = write_bank(tmp_path / "bank")
    (bank / "transactions.csv").unlink()
    pq.write_table(table, bank / "transactions.parquet", row_group_size=2_000)
    # more threads than row groups per thread make a reordering likely; three loads make it near certain
    settings = get_settings().model_copy(update={"duckdb_threads": 8})
    for attempt in range(3):
        ws = Workspace(tmp_path / f"ws{attempt}")
        load_folder(bank, ws, settings=settings)

        [(row, column, raw)] = query(ws, "SELECT row_number, column_name, raw FROM rejects")
        assert (row, column) == (n - 4, "country")
        assert f'"txn_id":"T{n - 5}"' in str(raw)
        stored = query(ws, "SELECT txn_id FROM transactions")
        assert stored == [(t,) for t in ids if t != f"T{n - 5}"]  # stored in file order


def test_a_file_name_that_looks_like_a_glob_is_read_as_itself(tmp_path: Path) -> None:
    bank = write_bank(tmp_path / "bank")
    (bank / "transactions.csv").unlink()
    pq.write_table(_typed(), bank / "transactions-[1].parquet")
    pq.write_table(_typed().slice(0, 1), bank / "transactions-1.parquet")  # what the glob [1] would match
    ws = Workspace(tmp_path / "ws")
    report = load_folder(bank, ws)

    reads = sorted((Path(f.file).name, f.read) for f in report.files if f.table == "transactions")
    assert reads == [("transactions-1.parquet", 1), ("transactions-[1].parquet", len(ROWS))]
