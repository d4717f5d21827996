"""The screening commands are thin shells: they print counts, write files and exit 1 with a clear message."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from chainbreaker.cli.main import app
from chainbreaker.core.workspace import Workspace

runner = CliRunner()


def test_screen_decide_rescreen(screening_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "hits.csv"
    result = runner.invoke(app, ["screen", "--workspace", str(screening_ws.root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "hits" in result.output and out.exists()
    result = runner.invoke(
        app, ["screening", "decide", "P6", "ofac-5", "false_positive", "--workspace", str(screening_ws.root)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app, ["rescreen", "--workspace", str(screening_ws.root), "--out", str(tmp_path / "c.csv")]
    )
    assert result.exit_code == 0, result.output
    assert "Re-screened 0 customers" in result.output


def test_screen_reports_a_missing_name_column(screening_ws: Workspace, tmp_path: Path) -> None:
    names = tmp_path / "q.csv"
    names.write_text("query_id,full_name\n1,x\n", encoding="utf-8")
    result = runner.invoke(app, ["screen", "--workspace", str(screening_ws.root), "--names", str(names)])
    assert result.exit_code == 1
    assert "name" in result.output


def test_decide_on_an_unknown_hit(screening_ws: Workspace) -> None:
    result = runner.invoke(
        app, ["screening", "decide", "nobody", "un-1", "true_match", "--workspace", str(screening_ws.root)]
    )
    assert result.exit_code == 1
