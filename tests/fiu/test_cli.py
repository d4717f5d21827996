"""The `fiu` commands end to end on a few real files: the last line of ingest is the summary."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from chainbreaker.cli.main import app
from chainbreaker.fiu.synthetic import SyntheticExport


def test_ingest_link_publish_from_the_command_line(tmp_path: Path, reports_dir: SyntheticExport) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for f in sorted(reports_dir.truth_path.parent.glob("*.xml"))[:40]:
        shutil.copy(f, inbox)
    (inbox / "junk.xml").write_text("not xml")
    ws = str(tmp_path / "ws")
    runner = CliRunner()
    first = runner.invoke(app, ["fiu", "ingest", str(inbox), "--workspace", ws, "--workers", "1"])
    assert first.exit_code == 0, first.output
    assert first.stdout.strip().splitlines()[-1] == "ingested 40, duplicate 0, rejected 1"
    again = runner.invoke(app, ["fiu", "ingest", str(inbox), "--workspace", ws, "--workers", "1"])
    assert again.stdout.strip().splitlines()[-1] == "ingested 0, duplicate 40, rejected 1"
    out = tmp_path / "subjects.csv"
    linked = runner.invoke(app, ["fiu", "link", "--workspace", ws, "--out", str(out)])
    assert linked.exit_code == 0, linked.output
    assert out.read_text().splitlines()[0] == "file,report_id,role,name,subject_id"
    published = runner.invoke(
        app,
        [
            "fiu",
            "publish",
            "--workspace",
            ws,
            "--period",
            "2025",
            "--k",
            "10",
            "--out",
            str(tmp_path / "pub"),
        ],
    )
    assert published.exit_code == 0, published.output
    assert (tmp_path / "pub" / "report.html").exists()
