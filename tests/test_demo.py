"""`chainbreaker demo` runs every part of the system end to end on a small synthetic bank."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainbreaker.cli.main import app
from chainbreaker.core.errors import ConfigurationError
from chainbreaker.demo import DEMO_MARKER, run_demo


def test_demo_end_to_end(tmp_path: Path, shared_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHAINBREAKER_SHARED_DIR", str(shared_dir))
    messages: list[str] = []
    report = run_demo(tmp_path / "demo", transactions=120_000, seed=3, say=messages.append)

    assert [name for name, _, _ in report.steps] == [
        "synth",
        "load",
        "registry",
        "monitor",
        "screen",
        "cases",
        "report",
    ]
    summaries = dict((name, text) for name, text, _ in report.steps)
    assert "0/" not in summaries["load"].split(",")[0]
    assert "hits" in summaries["screen"] and " 0 hits" not in summaries["screen"]
    suffixes = sorted(p.name.split(".", 1)[1] for p in report.reports)
    assert suffixes == ["goaml.xml", "html", "sar.xml"]
    # Both FIU files were validated against the schemas in ../shared before they were written.
    assert sorted(p.name.split(".", 1)[1] for p in report.validated) == ["goaml.xml", "sar.xml"]
    sar = next(p for p in report.reports if p.name.endswith("sar.xml")).read_text(encoding="utf-8")
    assert "HUMAN TRAFFICKING FIN-2020-A008" in sar
    assert messages and (tmp_path / "demo" / DEMO_MARKER).exists()


def test_demo_never_replaces_a_folder_it_did_not_make(tmp_path: Path) -> None:
    precious = tmp_path / "bank-data"
    precious.mkdir()
    (precious / "parties.csv").write_text("party_id\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not made by the demo"):
        run_demo(precious, transactions=1000)
    assert (precious / "parties.csv").exists()
    result = CliRunner().invoke(app, ["demo", "--workspace", str(precious), "-n", "1000"])
    assert result.exit_code == 1
    assert "not made by the demo" in result.output
