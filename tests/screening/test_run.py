"""`screen` end to end: output contract and formats, query files, rejects, analysts' decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from chainbreaker.core.contract import SCREENING_COLUMNS
from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.screening import decide, screen_workspace


def test_default_output_is_parquet_in_the_contract(screening_ws: Workspace) -> None:
    report = screen_workspace(screening_ws)
    assert report.out == screening_ws.root / "screening" / "hits.parquet"
    table = pq.read_table(report.out)
    assert tuple(table.column_names) == SCREENING_COLUMNS
    row = next(r for r in table.to_pylist() if r["query_id"] == "P1")
    assert (
        row["dataset"] == "un_sc_sanctions" and row["source_id"] == "6908555" and 0.8 <= row["score"] <= 1.0
    )
    assert row["explanation"].startswith("name-v3:")


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_names_file_and_formats(screening_ws: Workspace, tmp_path: Path, suffix: str) -> None:
    names = tmp_path / "q.csv"
    names.write_text(
        "query_id,name,schema,date_of_birth,country,id_number\n"
        "Q1,Vladimir PUTIN,Person,1952-10-07,RU,\n"
        "Q2,   ,,,,\n"
        "Q3,Sea Princess,Vessel,,,IMO 9123456\n",
        encoding="utf-8",
    )
    out = tmp_path / f"hits{suffix}"
    report = screen_workspace(screening_ws, names_file=names, out=out, threshold=0.9)
    assert [r.query_id for r in report.rejects] == ["Q2"]
    assert "empty" in report.rejects[0].reason
    assert report.rejects_file is not None and report.rejects_file.exists()
    text = out.read_text(encoding="utf-8")
    if suffix == ".jsonl":
        got = [json.loads(line) for line in text.splitlines()]
        assert {(r["query_id"], r["entity_id"]) for r in got} == {("Q1", "un-1"), ("Q3", "ofac-4")}
        assert next(r for r in got if r["query_id"] == "Q3")["matched_on"] == "id"
    else:
        assert text.splitlines()[0].replace('"', "") == ",".join(SCREENING_COLUMNS)


def test_query_file_without_name_column(screening_ws: Workspace, tmp_path: Path) -> None:
    names = tmp_path / "q.csv"
    names.write_text("query_id,full_name\nQ1,Vladimir Putin\n", encoding="utf-8")
    with pytest.raises(InputError, match="needs a 'name' column"):
        screen_workspace(screening_ws, names_file=names)


def test_bad_threshold_and_format(screening_ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        screen_workspace(screening_ws, threshold=1.5)
    with pytest.raises(InputError, match="output format"):
        screen_workspace(screening_ws, out=tmp_path / "hits.xlsx")


def test_workspace_without_registry(workspace: Workspace) -> None:
    workspace.connect().close()
    with pytest.raises(NotFoundError, match="registry"):
        screen_workspace(workspace)


def test_false_positive_is_suppressed_until_the_customer_changes(screening_ws: Workspace) -> None:
    first = screen_workspace(screening_ws)
    assert any(m.query_id == "P6" and m.entity_id == "ofac-5" for m in first.matches)
    decide(screening_ws, "P6", "ofac-5", "false_positive", analyst="ana", note="different company")
    second = screen_workspace(screening_ws)
    assert not any(m.query_id == "P6" for m in second.matches) and second.suppressed == 1
    con = screening_ws.connect()
    con.execute("UPDATE parties SET country = 'KZ' WHERE party_id = 'P6'")
    con.close()
    third = screen_workspace(screening_ws)
    assert (
        any(m.query_id == "P6" and m.entity_id == "ofac-5" for m in third.matches) and third.suppressed == 0
    )


def test_false_positive_comes_back_when_the_entity_changes(screening_ws: Workspace) -> None:
    screen_workspace(screening_ws)
    decide(screening_ws, "P6", "ofac-5", "false_positive")
    con = screening_ws.connect()
    con.execute("UPDATE registry_entities SET birth_dates = ['2001'] WHERE entity_id = 'ofac-5'")
    con.close()
    again = screen_workspace(screening_ws)
    assert any(m.query_id == "P6" for m in again.matches)


def test_decide_refuses_unknown_hits_and_decisions(screening_ws: Workspace) -> None:
    screen_workspace(screening_ws)
    with pytest.raises(NotFoundError):
        decide(screening_ws, "P4", "un-1", "false_positive")
    with pytest.raises(InputError):
        decide(screening_ws, "P1", "un-1", "maybe")
