"""Parquet input: native types are read back in the contract's text shapes; a damaged file is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder

from .helpers import query, rejects, write_bank


def _transactions_parquet(path: Path) -> None:
    table = pa.table(
        {
            "txn_id": ["T1", "T2", "T3"],
            "account_id": ["A1", "A2", "A404"],
            "booked_at": pa.array(
                [dt.datetime(2024, 1, 1, 10), dt.datetime(2024, 1, 2, 23, 59, 59), dt.datetime(2024, 1, 3)],
                pa.timestamp("s"),
            ),
            "amount": pa.array([Decimal("12.50"), Decimal("0.00"), Decimal("3.00")], pa.decimal128(18, 2)),
            "direction": ["in", "out", "in"],
            "channel": ["card", "ach", "cash"],
            "mcc": ["5812", None, None],
            "score": [0.5, 0.1, 0.2],  # an extra column of another type
        }
    )
    pq.write_table(table, path)


def test_parquet_loads_with_native_types(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    (bank / "transactions.csv").unlink()
    _transactions_parquet(bank / "transactions.parquet")

    report = load_folder(bank, workspace)

    txn = next(t for t in report.tables if t.table == "transactions")
    assert (txn.read, txn.accepted, txn.rejected) == (3, 1, 2)
    assert query(workspace, "SELECT txn_id, booked_at, amount FROM transactions") == [
        ("T1", dt.datetime(2024, 1, 1, 10), Decimal("12.50"))
    ]
    # Parquet has no lines: the row number is the 1-based row in the file
    assert [(line, col) for t, line, col, _ in rejects(workspace) if t == "transactions"] == [
        (2, "amount"),
        (3, "account_id"),
    ]


def test_truncated_parquet_is_refused(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    (bank / "transactions.csv").unlink()
    _transactions_parquet(tmp_path / "whole.parquet")
    data = (tmp_path / "whole.parquet").read_bytes()
    (bank / "transactions.parquet").write_bytes(data[: len(data) // 2])

    with pytest.raises(InputError, match="Parquet") as err:
        load_folder(bank, workspace)
    assert err.value.file is not None and err.value.file.endswith("transactions.parquet")
