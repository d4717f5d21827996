"""`chainbreaker synth` is a thin shell over `generate_bank`: it writes the bank and reports clearly."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from chainbreaker.cli.main import app


def test_synth_writes_a_bank_and_prints_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "bank"
    result = CliRunner().invoke(
        app,
        [
            "synth",
            str(out),
            "--transactions",
            "8000",
            "--seed",
            "3",
            "--scheme-mix",
            "sex=1,structuring=1",
            "--prevalence",
            "0.1",
            "--weak-share",
            "0.5",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "transactions" in result.output and "rings:" in result.output
    for name in ("parties", "accounts", "account_holders", "transactions", "labels", "rings"):
        assert (out / f"{name}.csv").is_file(), name
    manifest = json.loads((out / "synth_manifest.json").read_text())
    assert manifest["parameters"]["seed"] == 3
    assert manifest["parameters"]["scheme_mix"]["labour"] == 0.0
    assert set(k for k, v in manifest["rings"].items() if v) <= {"sex", "structuring"}


def test_synth_parquet(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", str(tmp_path), "-n", "5000", "--format", "parquet"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "transactions.parquet").is_file()


def test_bad_options_exit_1_with_the_option_named(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", str(tmp_path), "--scheme-mix", "sex=1,drugs=2"])
    assert result.exit_code == 1
    assert "--scheme-mix" in result.output and "drugs" in result.output
    result = CliRunner().invoke(app, ["synth", str(tmp_path), "--format", "xlsx"])
    assert result.exit_code == 1 and "--format" in result.output


def test_out_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = CliRunner().invoke(app, ["synth", str(target), "-n", "5000"])
    assert result.exit_code == 1 and "not a folder" in result.output


def test_regenerating_in_another_format_leaves_no_mixed_folder(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["synth", str(tmp_path), "-n", "4000"]).exit_code == 0
    assert runner.invoke(app, ["synth", str(tmp_path), "-n", "4000", "--format", "parquet"]).exit_code == 0
    assert not list(tmp_path.glob("transactions.csv")) and (tmp_path / "transactions.parquet").is_file()
