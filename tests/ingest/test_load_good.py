"""Good files load completely, typed, with defaults, and extra columns are ignored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder

from .helpers import ACCOUNTS_HEADER, PARTIES, csv_text, query, write_bank


def test_good_bank_loads_every_row(tmp_path: Path, workspace: Workspace) -> None:
    report = load_folder(write_bank(tmp_path / "bank"), workspace)

    counts = {t.table: (t.read, t.accepted, t.rejected, t.inserted) for t in report.tables}
    assert counts == {"parties": (3, 3, 0, 3), "accounts": (3, 3, 0, 3), "transactions": (3, 3, 0, 3)}
    assert report.rejects_csv is None
    assert report.table_rows == {"parties": 3, "accounts": 3, "transactions": 3}


def test_values_are_typed_and_defaults_applied(tmp_path: Path, workspace: Workspace) -> None:
    load_folder(write_bank(tmp_path / "bank"), workspace)

    assert query(workspace, "SELECT booked_at, amount, currency FROM transactions WHERE txn_id = 'T1'") == [
        (dt.datetime(2024, 1, 1, 10, 0), Decimal("12.50"), "USD")
    ]
    # an empty optional currency takes the contract default; a given one is kept
    assert query(workspace, "SELECT account_id, currency FROM accounts ORDER BY 1") == [
        ("A1", "USD"),
        ("A2", "USD"),
        ("A3", "EUR"),
    ]
    assert query(workspace, "SELECT date_of_birth, naics FROM parties WHERE party_id = 'P1'") == [
        (dt.date(1990, 1, 2), None)
    ]


def test_extra_columns_are_ignored_and_reported(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    rows = [[*a, "branch-note"] for a in (["A1", "P1", "checking", "2020-01-01", ""],)]
    (bank / "accounts.csv").write_text(csv_text([*ACCOUNTS_HEADER, "internal_note"], rows), encoding="utf-8")
    (bank / "transactions.csv").unlink()

    report = load_folder(bank, workspace)

    accounts = next(f for f in report.files if f.table == "accounts")
    assert accounts.ignored_columns == ("internal_note",)
    assert accounts.accepted == 1


def test_case_and_spacing_of_codes_are_normalised(tmp_path: Path, workspace: Workspace) -> None:
    rows = [["T1", "A1", "2024-01-01T10:00:00", " 5.00 ", "IN", "Card", "5812", "us"]]
    load_folder(write_bank(tmp_path / "bank", transactions=rows), workspace)

    assert query(workspace, "SELECT amount, direction, channel, country FROM transactions") == [
        (Decimal("5.00"), "in", "card", "US")
    ]


def test_optional_account_holders_table(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    (bank / "account_holders.csv").write_text(
        "account_id,party_id,role\nA1,P3,joint\nA1,P9,joint\nA9,P1,signatory\nA2,P1,owner\n", encoding="utf-8"
    )
    report = load_folder(bank, workspace)

    holders = next(t for t in report.tables if t.table == "account_holders")
    assert (holders.read, holders.accepted, holders.rejected) == (4, 1, 3)
    assert query(workspace, "SELECT * FROM account_holders") == [("A1", "P3", "joint")]


def test_bom_and_crlf_are_accepted(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    text = csv_text(["party_id", "party_type", "name"], [[p[0], p[1], p[2]] for p in PARTIES])
    (bank / "parties.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())

    report = load_folder(bank, workspace)

    assert next(t for t in report.tables if t.table == "parties").accepted == 3
