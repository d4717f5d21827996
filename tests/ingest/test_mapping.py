"""Mapping files: a bank's own export loads unedited; a broken mapping is explained, not half-applied."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder, load_mapping

from .helpers import query, rejects, write_bank

MAPPING = """
version: 1
tables:
  transactions:
    file: "txn_export_*.csv"
    delimiter: ";"
    columns:
      txn_id: TxnRef
      account_id: Acct
      booked_at: PostedAt
      amount: Amt
      direction: DC
      channel: Chan
    values:
      direction: {C: in, D: out}
      channel: {POS: card, TRF: wire, "ON": p2p}
    formats:
      booked_at: "%d/%m/%Y %H:%M"
    defaults:
      currency: EUR
"""

EXPORT = (
    "TxnRef;Acct;PostedAt;Amt;DC;Chan;Branch\n"
    "X1;A1;31/01/2024 22:05;12.50;C;POS;NYC\n"
    "X2;A2;01/02/2024 07:00;99;D;TRF;NYC\n"
    "X3;A2;2024-02-01T07:00:00;99;D;ON;NYC\n"  # ISO datetime does not fit the mapped format
    "X4;A1;02/02/2024 10:00;5;X;POS;NYC\n"  # X is not a mapped spelling
)


def _bank_with_export(tmp_path: Path) -> tuple[Path, Path]:
    bank = write_bank(tmp_path / "bank")
    (bank / "transactions.csv").unlink()
    (bank / "txn_export_2024-01.csv").write_text(EXPORT, encoding="utf-8")
    mapping = tmp_path / "bank.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return bank, mapping


def test_export_with_other_names_and_spellings_loads(tmp_path: Path, workspace: Workspace) -> None:
    bank, mapping = _bank_with_export(tmp_path)

    report = load_folder(bank, workspace, mapping=mapping)

    txn = next(t for t in report.tables if t.table == "transactions")
    assert (txn.read, txn.accepted, txn.rejected) == (4, 2, 2)
    assert query(
        workspace, "SELECT txn_id, booked_at, direction, channel, currency FROM transactions ORDER BY 1"
    ) == [
        ("X1", dt.datetime(2024, 1, 31, 22, 5), "in", "card", "EUR"),
        ("X2", dt.datetime(2024, 2, 1, 7, 0), "out", "wire", "EUR"),
    ]
    reasons = {line: (col, str(why)) for t, line, col, why in rejects(workspace) if t == "transactions"}
    assert reasons[4] == ("booked_at", "not a datetime in the mapped format %d/%m/%Y %H:%M")
    assert reasons[5][0] == "direction"


def test_mapped_required_column_missing_names_the_export_column(tmp_path: Path, workspace: Workspace) -> None:
    bank, mapping = _bank_with_export(tmp_path)
    (bank / "txn_export_2024-01.csv").write_text(EXPORT.replace("Amt", "Amount"), encoding="utf-8")

    with pytest.raises(InputError, match=r"Amt \(mapped to amount\)") as err:
        load_folder(bank, workspace, mapping=mapping)
    assert err.value.column is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tables: [", "not valid YAML"),
        ("- a\n- b\n", "YAML mapping"),
        ("version: 2\n", "version"),
        ("tables:\n  customers: {}\n", "not a contract table"),
        ("tables:\n  parties:\n    colums: {}\n", "colums"),
        ("tables:\n  parties:\n    columns: {nickname: Nick}\n", "nickname: not a column of parties"),
        ("tables:\n  parties:\n    columns: {name: N, email: N}\n", "mapped to more than one"),
        (
            "tables:\n  transactions:\n    values:\n      direction: {C: credit}\n",
            "'credit' not one of: in, out",
        ),
        ("tables:\n  transactions:\n    formats: {amount: '%d'}\n", "date and datetime columns only"),
        ("tables:\n  transactions:\n    formats: {booked_at: 'dd/mm/yyyy'}\n", "no % directive"),
        ("tables:\n  transactions:\n    defaults: {currency: EURO}\n", "ISO 4217"),
        ("tables:\n  transactions:\n    delimiter: ';;'\n", "one character"),
        ("tables:\n  transactions:\n    file: ../../etc/passwd\n", "inside DATA_DIR"),
    ],
)
def test_invalid_mapping_is_explained(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(InputError, match=r"bad\.yaml") as err:
        load_mapping(path)
    assert message in str(err.value)


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_mapping(tmp_path / "absent.yaml")


def test_yaml_scalars_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "tables:\n  transactions:\n    values:\n      channel: {on: p2p, 0742: card}\n", encoding="utf-8"
    )
    mapping = load_mapping(path)
    assert mapping.for_table("transactions").values["channel"] == {"on": "p2p", "0742": "card"}
