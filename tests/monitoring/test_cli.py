"""The monitoring commands are thin shells: they call the library and print its summary."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from chainbreaker.cli.main import app
from chainbreaker.core.workspace import Workspace

runner = CliRunner()


def test_indicators_list_and_show() -> None:
    listed = runner.invoke(app, ["indicators", "list"])
    assert listed.exit_code == 0, listed.output
    assert "ST-21" in listed.output and "NW-06" in listed.output
    shown = runner.invoke(app, ["indicators", "show", "st-21"])
    assert shown.exit_code == 0 and "SELECT" in shown.output and "FIN-2020-A008" in shown.output
    missing = runner.invoke(app, ["indicators", "show", "XX-99"])
    assert missing.exit_code == 1 and "no indicator" in missing.output


def test_monitor_and_evaluate(bank_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["monitor", "--workspace", str(bank_ws.root), "--out", str(out), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert "alerts:" in result.output and (out / "party_risk.csv").exists()
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "party_id,scheme,role,trafficking_type,ring_id\nP-CTRL,sex,controller,sex,R1\nP-V1,sex,victim,sex,R1\n"
    )
    ev = runner.invoke(
        app, ["evaluate", "--labels", str(labels), "--risk", str(out / "party_risk.csv"), "--budget", "0.2"]
    )
    assert ev.exit_code == 0, ev.output
    assert "recall 1.000" in ev.output


def test_monitor_bad_input_exits_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["monitor", "--workspace", str(tmp_path / "none")])
    assert result.exit_code == 1 and "chainbreaker load" in result.output
    bad = runner.invoke(app, ["monitor", "--workspace", str(tmp_path), "--from", "yesterday"])
    assert bad.exit_code == 1


def test_help_ends_with_example() -> None:
    for cmd in (
        ["monitor"],
        ["evaluate"],
        ["indicators", "list"],
        ["indicators", "show"],
        ["indicators", "docs"],
    ):
        result = runner.invoke(app, [*cmd, "--help"])
        assert "Example:" in result.output, cmd
