"""Each kind of bad input: a rejected row with its line and reason, or a refused file naming file and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder

from .helpers import TRANSACTIONS, TXN_HEADER, csv_text, query, rejects, write_bank

GOOD_TXN = dict(zip(TXN_HEADER, TRANSACTIONS[0], strict=True))


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("booked_at", "2024-01-01 10:00:00", "not a datetime"),
        ("booked_at", "2024-02-30T10:00:00", "not a datetime"),
        ("booked_at", "", "required value is missing"),
        ("amount", "0", "greater than 0"),
        ("amount", "-12.00", "greater than 0"),
        ("amount", "12,50", "not a decimal"),
        ("amount", "1.234", "not a decimal"),
        ("amount", "1e3", "not a decimal"),
        ("direction", "sideways", "not one of: in, out"),
        ("channel", "crypto", "not one of"),
        ("mcc", "581", "4-digit"),
        ("country", "USA", "ISO 3166-1"),
        ("txn_id", " ", "required value is missing"),
    ],
)
def test_bad_transaction_value_is_rejected_with_line_and_reason(
    tmp_path: Path, workspace: Workspace, column: str, value: str, reason: str
) -> None:
    bad = {**GOOD_TXN, "txn_id": "TX", column: value}
    rows = [TRANSACTIONS[0], [bad[c] for c in TXN_HEADER], TRANSACTIONS[1]]
    report = load_folder(write_bank(tmp_path / "bank", transactions=rows), workspace)

    txn = next(t for t in report.tables if t.table == "transactions")
    assert (txn.read, txn.accepted, txn.rejected) == (3, 2, 1)
    [(table, line, col, why)] = rejects(workspace)
    assert (table, line, col) == ("transactions", 3, column)
    assert reason in str(why)


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["P9", "person", "X", "02/01/1990", "", "", ""], "date_of_birth", "not a date"),
        (["P9", "robot", "X", "", "", "", ""], "party_type", "not one of"),
        (["P9", "person", "", "", "", "", ""], "name", "required"),
        (["P9", "person", "X", "", "ZZ", "", ""], "nationality", "ISO 3166-1"),
        (["P9", "organization", "X", "", "", "", "8121134"], "naics", "NAICS"),
    ],
)
def test_bad_party_value_is_rejected(
    tmp_path: Path, workspace: Workspace, row: list[str], column: str, reason: str
) -> None:
    from .helpers import PARTIES

    load_folder(write_bank(tmp_path / "bank", parties=[*PARTIES, row]), workspace)

    [(table, line, col, why)] = rejects(workspace)
    assert (table, line, col) == ("parties", 5, column)
    assert reason in str(why)


def test_all_problems_of_a_row_are_listed(tmp_path: Path, workspace: Workspace) -> None:
    rows = [["T9", "A1", "yesterday", "-1", "up", "card", "12", "US"]]
    load_folder(write_bank(tmp_path / "bank", transactions=rows), workspace)

    [(column, problems)] = query(workspace, "SELECT column_name, problems FROM rejects")
    assert column == "booked_at"
    assert str(problems).count(";") == 3  # booked_at, amount, direction, mcc


def test_references_are_checked(tmp_path: Path, workspace: Workspace) -> None:
    from .helpers import ACCOUNTS

    accounts = [*ACCOUNTS, ["A9", "P404", "checking", "2020-01-01", ""]]
    txns = [*TRANSACTIONS, ["T9", "A404", "2024-01-01T10:00:00", "5", "in", "cash", "", ""]]
    txns.append(["T10", "A9", "2024-01-01T10:00:00", "5", "in", "cash", "", ""])  # account was rejected
    load_folder(write_bank(tmp_path / "bank", accounts=accounts, transactions=txns), workspace)

    assert [(t, line, c) for t, line, c, _ in rejects(workspace)] == [
        ("accounts", 5, "party_id"),
        ("transactions", 5, "account_id"),
        ("transactions", 6, "account_id"),
    ]


def test_duplicate_key_in_file_keeps_the_first(tmp_path: Path, workspace: Workspace) -> None:
    rows = [*TRANSACTIONS, ["T1", "A2", "2024-02-01T10:00:00", "9", "in", "cash", "", ""]]
    load_folder(write_bank(tmp_path / "bank", transactions=rows), workspace)

    [(_, line, column, reason)] = rejects(workspace)
    assert (line, column) == (5, "txn_id")
    assert "duplicate key in this file (first at row 2)" in str(reason)
    assert query(workspace, "SELECT account_id FROM transactions WHERE txn_id = 'T1'") == [("A1",)]


def test_missing_required_column_refuses_the_file(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    header = [c for c in TXN_HEADER if c != "amount"]
    rows = [[v for c, v in zip(TXN_HEADER, r, strict=True) if c != "amount"] for r in TRANSACTIONS]
    (bank / "transactions.csv").write_text(csv_text(header, rows), encoding="utf-8")

    with pytest.raises(InputError) as err:
        load_folder(bank, workspace)

    assert err.value.column == "amount"
    assert err.value.file is not None and err.value.file.endswith("transactions.csv")
    assert not workspace.exists()  # refused before anything was written


def test_not_utf8_refuses_the_file_with_its_line(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    text = "party_id,party_type,name\nP1,person,Ana\nP2,person,Jos\xe9 Mar\xeda\n"
    (bank / "parties.csv").write_bytes(text.encode("latin-1"))

    with pytest.raises(InputError, match="not UTF-8") as err:
        load_folder(bank, workspace)

    assert err.value.row == 3
    assert err.value.file is not None and err.value.file.endswith("parties.csv")


def test_file_cut_inside_a_character_is_refused(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    data = "party_id,party_type,name\nP1,person,José\n".encode()
    (bank / "parties.csv").write_bytes(data[: data.index(b"\xc3") + 1])

    with pytest.raises(InputError, match="truncated"):
        load_folder(bank, workspace)


def test_file_cut_mid_line_rejects_the_last_line(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    text = csv_text(TXN_HEADER, TRANSACTIONS)
    (bank / "transactions.csv").write_text(text[: text.rindex("1000.00")], encoding="utf-8")

    report = load_folder(bank, workspace)

    txn = next(t for t in report.tables if t.table == "transactions")
    assert (txn.read, txn.accepted, txn.rejected) == (3, 2, 1)
    [(_, line, _, reason)] = rejects(workspace)
    assert line == 4 and "malformed line" in str(reason)


def test_unterminated_quote_is_rejected(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    (bank / "parties.csv").write_text(
        'party_id,party_type,name\nP1,person,Ana\nP2,person,"Bob\nP3,person,Cy\n', encoding="utf-8"
    )
    report = load_folder(bank, workspace)

    parties = next(t for t in report.tables if t.table == "parties")
    assert parties.read == parties.accepted + parties.rejected
    assert parties.accepted == 1
    # the open quote swallows the rest of the file: one malformed record starting on line 3
    found = [(line, "malformed" in str(r)) for table, line, _, r in rejects(workspace) if table == "parties"]
    assert found == [(3, True)]


def test_quotes_blank_lines_and_line_breaks_inside_fields(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    (bank / "parties.csv").write_text(
        "party_id,party_type,name\n"
        'P1,person,"Ana ""La Jefa"" Lopez"\n'  # line 2: RFC 4180 doubled quotes
        "\n"  # line 3: blank, not a record
        'P2,organization,"Spa\nand Nails"\n'  # lines 4-5: a quoted line break
        "P3,person,O'Brien\n"  # line 6
        "P4,robot,Bad\n",  # line 7: rejected, its line counted through the quoted break
        encoding="utf-8",
    )
    report = load_folder(bank, workspace)

    parties = next(t for t in report.tables if t.table == "parties")
    assert (parties.read, parties.accepted, parties.rejected) == (4, 3, 1)
    names = dict(query(workspace, "SELECT party_id, name FROM parties"))
    assert names["P1"] == 'Ana "La Jefa" Lopez' and names["P2"] == "Spa\nand Nails"
    assert [line for t, line, _, _ in rejects(workspace) if t == "parties"] == [7]


def test_wrong_column_counts_are_rejected_with_lines(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    (bank / "parties.csv").write_text(
        "party_id,party_type,name\nP1,person,Ana\nP2,person\nP3,person,Cy,extra\nP4,person,Di\n",
        encoding="utf-8",
    )
    report = load_folder(bank, workspace)

    parties = next(t for t in report.tables if t.table == "parties")
    assert (parties.read, parties.accepted, parties.rejected) == (4, 2, 2)
    assert [line for t, line, _, _ in rejects(workspace) if t == "parties"] == [3, 4]


def test_rejects_csv_has_file_line_column_reason_and_raw_row(tmp_path: Path, workspace: Workspace) -> None:
    rows = [*TRANSACTIONS, ["T9", "A1", "2024-01-01T10:00:00", "-5", "in", "cash", "", ""]]
    report = load_folder(write_bank(tmp_path / "bank", transactions=rows), workspace)

    assert report.rejects_csv is not None and report.rejects_csv.parent == workspace.rejects_dir
    with report.rejects_csv.open(encoding="utf-8") as fh:
        [row] = list(csv.DictReader(fh))
    assert row["file"].endswith("transactions.csv")
    assert (row["row_number"], row["column_name"]) == ("5", "amount")
    assert "greater than 0" in row["reason"]
    assert '"amount": "-5"' in row["raw"]


def test_empty_file_is_refused(tmp_path: Path, workspace: Workspace) -> None:
    bank = write_bank(tmp_path / "bank")
    (bank / "accounts.csv").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        load_folder(bank, workspace)


def test_header_only_file_loads_nothing(tmp_path: Path, workspace: Workspace) -> None:
    report = load_folder(write_bank(tmp_path / "bank", transactions=[]), workspace)
    assert next(t for t in report.tables if t.table == "transactions").read == 0


def test_folder_without_contract_files_is_refused(tmp_path: Path, workspace: Workspace) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no contract files"):
        load_folder(tmp_path / "empty", workspace)
