"""Idempotency (the same files twice change nothing), appending a later month, identical vs conflicting keys."""

from __future__ import annotations

from pathlib import Path

from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder

from .helpers import TXN_HEADER, csv_text, query, rejects, write_bank

FEBRUARY = [
    ["T4", "A1", "2024-02-01T09:00:00", "40.00", "out", "card", "5411", "US"],
    ["T5", "A3", "2024-02-02T19:30:00", "75.10", "in", "ach", "", ""],
]


def _snapshot(ws: Workspace) -> dict[str, object]:
    return {
        t: query(ws, f"SELECT * FROM {t} ORDER BY ALL")
        for t in ("parties", "accounts", "account_holders", "transactions", "load_log", "rejects")
    }


def test_reloading_the_same_files_changes_nothing(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    first = load_folder(bank, workspace)
    before = _snapshot(workspace)

    again = load_folder(bank, workspace)

    assert all(f.skipped and f.skipped_because == first.load_id for f in again.files)
    assert (again.read, again.accepted, again.rejected) == (0, 0, 0)
    assert _snapshot(workspace) == before


def test_a_later_month_appends_its_rows(tmp_path: Path, workspace: Workspace) -> None:
    load_folder(write_bank(tmp_path / "bank"), workspace)
    month = tmp_path / "february"
    month.mkdir()
    (month / "transactions.csv").write_text(csv_text(TXN_HEADER, FEBRUARY), encoding="utf-8")

    report = load_folder(month, workspace)

    # references resolve against accounts loaded by the earlier load
    assert (report.read, report.accepted, report.rejected, report.inserted) == (2, 2, 0, 2)
    assert query(workspace, "SELECT count(*) FROM transactions") == [(5,)]


def test_dated_file_names_in_one_folder_load_once_each(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    load_folder(bank, workspace)
    (bank / "transactions-2024-02.csv").write_text(csv_text(TXN_HEADER, FEBRUARY), encoding="utf-8")

    report = load_folder(bank, workspace)

    loaded = [(Path(f.file).name, f.skipped, f.inserted) for f in report.files]
    assert ("transactions-2024-02.csv", False, 2) in loaded
    assert ("transactions.csv", True, 0) in loaded
    assert query(workspace, "SELECT count(*) FROM transactions") == [(5,)]


def test_identical_rows_count_as_accepted_and_changed_rows_are_rejected(
    tmp_path: Path, workspace: Workspace
) -> None:
    bank = write_bank(tmp_path / "bank")
    load_folder(bank, workspace)
    from .helpers import TRANSACTIONS

    changed = [*TRANSACTIONS[0][:3], "99.99", *TRANSACTIONS[0][4:]]
    export = tmp_path / "cumulative"
    export.mkdir()
    (export / "transactions.csv").write_text(
        csv_text(TXN_HEADER, [changed, TRANSACTIONS[1], TRANSACTIONS[2], FEBRUARY[0]]), encoding="utf-8"
    )

    report = load_folder(export, workspace)

    [txn] = report.tables
    assert (txn.read, txn.accepted, txn.rejected, txn.inserted, txn.already_present) == (4, 3, 1, 1, 2)
    [(_, line, column, reason)] = rejects(workspace)
    assert (line, column) == (2, "txn_id") and "different values" in str(reason)
    assert (
        query(workspace, "SELECT amount FROM transactions WHERE txn_id = 'T1'")[0][0] == 12.5
    )  # not overwritten
