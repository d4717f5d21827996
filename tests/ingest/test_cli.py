"""`chainbreaker load`: prints read/accepted/rejected per table, exits 1 only for an unusable file."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from chainbreaker.cli.main import app

from .helpers import TRANSACTIONS, write_bank


def test_load_prints_counts_per_table(tmp_path: Path) -> None:
    rows = [*TRANSACTIONS, ["T9", "A1", "2024-01-01T10:00:00", "0", "in", "cash", "", ""]]
    bank = write_bank(tmp_path / "bank", transactions=rows)

    result = CliRunner().invoke(
        app, ["load", str(bank), "--workspace", str(tmp_path / "ws")], terminal_width=200
    )

    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "transactions" in x and "│" in x)
    assert [c.strip() for c in line.split("│")[1:-1]] == ["transactions", "4", "3", "1", "3", "0", "0/1"]
    assert "rejects" in result.output


def test_unusable_file_exits_1_naming_file_and_column(tmp_path: Path) -> None:
    bank = write_bank(tmp_path / "bank")
    (bank / "accounts.csv").write_text("account_id,party_id,opened_at\nA1,P1,2020-01-01\n", encoding="utf-8")

    result = CliRunner().invoke(
        app, ["load", str(bank), "--workspace", str(tmp_path / "ws")], terminal_width=200
    )

    assert result.exit_code == 1
    assert "accounts.csv" in result.output and "account_type" in result.output


def test_bad_mapping_exits_1(tmp_path: Path) -> None:
    bank = write_bank(tmp_path / "bank")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("tables:\n  customers: {}\n", encoding="utf-8")

    result = CliRunner().invoke(
        app, ["load", str(bank), "-w", str(tmp_path / "ws"), "--mapping", str(mapping)], terminal_width=200
    )

    assert result.exit_code == 1
    assert "customers" in result.output
