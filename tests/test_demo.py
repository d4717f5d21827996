"""`chainbreaker demo` runs every part of the system end to end on a small synthetic bank."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from chainbreaker.cli.main import app
from chainbreaker.core.errors import ConfigurationError
from chainbreaker.demo import DEMO_MARKER, run_demo
from chainbreaker.reports.validate import SchemaMissingError, find_schema, schema_errors


def test_demo_end_to_end_without_the_shared_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, optional_shared_dir: Path | None
) -> None:
    """The demo runs on a machine with no `../shared`: FinCEN validated by the packaged XSD, goAML marked."""
    monkeypatch.delenv("CHAINBREAKER_SHARED_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
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
    # FinCEN's schema ships with the package; the goAML XSD is the FIU's and was not given.
    assert [p.name.split(".", 1)[1] for p in report.validated] == ["sar.xml"]
    goaml = next(p for p in report.reports if p.name.endswith("goaml.xml"))
    note = "not validated: no XSD for profile uae (pass --schema-dir)"
    assert report.not_validated == {goaml: note}
    assert note in summaries["report"]
    assert f"<?chainbreaker {note}?>" in goaml.read_text(encoding="utf-8")
    sar = next(p for p in report.reports if p.name.endswith("sar.xml")).read_text(encoding="utf-8")
    assert "HUMAN TRAFFICKING FIN-2020-A008" in sar
    assert messages and (tmp_path / "demo" / DEMO_MARKER).exists()
    # a case the data cannot report complete (seed 3: a labour front whose accounts have no signatory, so
    # goAML has no director) is refused as `report` refuses it, said, and leaves no file behind
    refused = [m for m in messages if "cannot be exported" in m]
    assert refused
    written = {p.name.split(".", 1)[0] for p in (tmp_path / "demo" / "reports").iterdir()}
    assert len(written) == 1
    for message in refused:
        assert "the demo reports the next case" in message and message.split()[1] not in written

    # Where the reference folder is present, the goAML file the demo wrote is valid against the FIU's XSD.
    if optional_shared_dir is not None:
        xsd = optional_shared_dir / "spec" / "goaml" / "goAMLSchema-5.0.2-ae.xsd"
        document = etree.parse(str(goaml)).getroot()
        assert schema_errors(document, xsd, dotnet_anchors=True) == []


def test_a_real_report_without_its_schema_refuses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHAINBREAKER_SHARED_DIR", raising=False)
    with pytest.raises(
        SchemaMissingError, match=r"not validated: no XSD for profile uae \(pass --schema-dir\)"
    ):
        find_schema("goaml/goAMLSchema-5.0.2-ae.xsd", tmp_path, "uae")
    # The FinCEN schema is in the package, so it is always found.
    assert find_schema("fincen_sar/EFL_SARXBatchSchema.xsd", None, "fincen").is_file()


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
