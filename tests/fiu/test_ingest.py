"""Ingest: every file ingested, duplicate or rejected with a reason; nothing half-loaded; re-ingest is a no-op."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu import store
from chainbreaker.fiu.ingest import ingest_files
from chainbreaker.fiu.synthetic import SyntheticExport

TABLES = ("fiu_reports", "fiu_parties", "fiu_transactions", "fiu_indicators", "fiu_channels")


def snapshot(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    con = ws.connect()
    try:
        out = {}
        for table in TABLES:
            columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall() if c[0] != "ingested_at"]
            out[table] = sorted(con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall(), key=repr)
        return out
    finally:
        con.close()


def files(export: SyntheticExport) -> list[Path]:
    return sorted(export.truth_path.parent.glob("*.xml"))


def test_reports_land_with_parties_indicators_and_types(loaded: Workspace) -> None:
    con = loaded.connect(read_only=True)
    kinds = dict(con.execute("SELECT source, count(*) FROM fiu_reports GROUP BY 1").fetchall())
    roles = dict(con.execute("SELECT role, count(*) FROM fiu_parties GROUP BY 1").fetchall())
    types = {t for (t,) in con.execute("SELECT DISTINCT trafficking_type FROM fiu_reports").fetchall()}
    validated = con.execute("SELECT count(*) FROM fiu_reports WHERE validated_against IS NULL").fetchone()
    con.close()
    assert set(kinds) == {"goaml", "fincen-sar"} and sum(kinds.values()) == 400
    assert roles["subject"] > 0 and roles["victim"] > 0
    assert types <= {"sex", "labour", "both"} and "sex" in types and "labour" in types
    assert validated == (0,)


def test_reingest_changes_nothing(tmp_path: Path, reports_dir: SyntheticExport, shared_dir: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    subset = files(reports_dir)[:60]
    first = ingest_files(ws, subset, schema_dir=shared_dir / "spec", workers=1)
    before = snapshot(ws)
    again = ingest_files(ws, subset, schema_dir=shared_dir / "spec", workers=1)
    assert first.summary == "ingested 60, duplicate 0, rejected 0"
    assert again.summary == "ingested 0, duplicate 60, rejected 0"
    assert snapshot(ws) == before


def malformed(src: Path, folder: Path) -> dict[str, str]:
    """Broken copies of a real goAML and a real FinCEN file, with the words their rejection must contain."""
    goaml = next(p for p in sorted(src.glob("B01-*.xml")))
    fincen = next(p for p in sorted(src.glob("B02-*.xml")))
    g, f = goaml.read_text(), fincen.read_text()
    cases = {
        "truncated.xml": (g[: len(g) // 2], "not well-formed"),
        "empty.xml": ("", "not well-formed"),
        "html.xml": ("<html><body>hello</body></html>", "unknown document type"),
        "no-reference.xml": (
            g.replace("<entity_reference>", "<x>").replace("</entity_reference>", "</x>"),
            "validate",
        ),
        "bad-date.xml": (g.replace("<submission_date>2025", "<submission_date>20X5", 1), "validate"),
        "no-filer-ein.xml": (
            f.replace("<PartyIdentificationTypeCode>2<", "<PartyIdentificationTypeCode>4<"),
            "EIN",
        ),
        "two-activities.xml": (
            f.replace(
                "</EFilingBatchXML>",
                f[f.index("<Activity ") : f.index("</EFilingBatchXML>")] + "</EFilingBatchXML>",
            ),
            "",
        ),
    }
    for name, (text, _) in cases.items():
        (folder / name).write_text(text)
    return {name: why for name, (_, why) in cases.items()}


def test_every_malformed_file_is_rejected_with_a_reason(
    tmp_path: Path, reports_dir: SyntheticExport, shared_dir: Path
) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    expected = malformed(reports_dir.truth_path.parent, bad)
    ws = Workspace(tmp_path / "ws")
    result = ingest_files(ws, [bad], schema_dir=shared_dir / "spec", workers=1)
    assert result.count("rejected") == len(expected) and result.count("ingested") == 0
    for outcome in result.outcomes:
        assert outcome.reason, outcome
        assert expected[outcome.file].lower() in outcome.reason.lower(), outcome
        if outcome.reason.startswith("not well-formed"):
            assert "(line " in outcome.reason, outcome  # no element to name: where the parser stopped
        else:
            assert outcome.element, outcome  # the element path of what is wrong
    by_file = {o.file: o for o in result.outcomes}
    assert by_file["no-filer-ein.xml"].element == "Activity/Party[30]/PartyIdentification"
    assert by_file["bad-date.xml"].element.endswith("submission_date")
    assert result.rejects_path is not None
    assert len(result.rejects_path.read_text().splitlines()) == len(expected) + 1
    assert snapshot(ws)["fiu_reports"] == []


def test_same_id_with_other_content_is_rejected(
    tmp_path: Path, reports_dir: SyntheticExport, shared_dir: Path
) -> None:
    ws = Workspace(tmp_path / "ws")
    original = files(reports_dir)[0]
    ingest_files(ws, [original], schema_dir=shared_dir / "spec", workers=1)
    changed = tmp_path / "changed.xml"
    changed.write_text(original.read_text().replace("<amount_local>", "<amount_local>1", 1))
    result = ingest_files(ws, [changed], schema_dir=shared_dir / "spec", workers=1)
    assert result.outcomes[0].outcome == "rejected"
    assert "other content" in result.outcomes[0].reason


def test_a_failure_while_loading_leaves_nothing(
    tmp_path: Path, reports_dir: SyntheticExport, shared_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = Workspace(tmp_path / "ws")
    real = store.insert_table
    calls = []

    def failing(con, table, rows):  # type: ignore[no-untyped-def]
        calls.append(table)
        if table == "fiu_transactions":
            raise OSError("disk full")
        real(con, table, rows)

    monkeypatch.setattr(store, "insert_table", failing)
    with pytest.raises(OSError):
        ingest_files(ws, files(reports_dir)[:20], schema_dir=shared_dir / "spec", workers=1)
    monkeypatch.setattr(store, "insert_table", real)
    assert "fiu_reports" in calls
    assert all(not rows for rows in snapshot(ws).values())


def test_parallel_workers_give_the_same_tables(
    tmp_path: Path, reports_dir: SyntheticExport, shared_dir: Path
) -> None:
    one, two = Workspace(tmp_path / "a"), Workspace(tmp_path / "b")
    subset = files(reports_dir)[:80]
    ingest_files(one, subset, schema_dir=shared_dir / "spec", workers=1)
    ingest_files(two, subset, schema_dir=shared_dir / "spec", workers=2)
    assert snapshot(one) == snapshot(two)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batches=st.lists(st.lists(st.integers(0, 29), max_size=12), min_size=1, max_size=4))
def test_any_sequence_of_ingests_equals_one_ingest_of_the_union(
    tmp_path_factory: pytest.TempPathFactory, reports_dir: SyntheticExport, batches: list[list[int]]
) -> None:
    pool = files(reports_dir)[:30]
    root = tmp_path_factory.mktemp("seq")
    seq, once = Workspace(root / "seq"), Workspace(root / "once")
    seen: set[int] = set()
    for batch in batches:
        result = ingest_files(seq, [pool[i] for i in batch], workers=1)
        fresh = set(batch) - seen
        assert result.count("ingested") == len(fresh)
        assert result.count("duplicate") == len(batch) - len(fresh)
        seen |= set(batch)
    ingest_files(once, [pool[i] for i in sorted(seen)], workers=1)
    assert snapshot(seq) == snapshot(once)
    shutil.rmtree(root)


def test_the_same_files_give_the_same_tables_in_any_process(reports_dir: SyntheticExport) -> None:
    """Nothing read depends on the process's string hashing (a region chosen among tied cities once did)."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, sys; from pathlib import Path; from chainbreaker.fiu.parse import parse_file; "
        "print(json.dumps([parse_file(Path(p)).region for p in sys.argv[1:]]))"
    )
    fincen = [str(p) for p in files(reports_dir) if "<EFilingBatchXML" in p.read_text()[:400]][:150]
    assert len(fincen) >= 50
    regions = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code, *fincen], env=env, capture_output=True, text=True, check=True
        )
        regions.append(json.loads(done.stdout))
    assert regions[0] == regions[1] == regions[2]
