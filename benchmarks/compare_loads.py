"""Load the same bank folders with two source trees and compare what they stored (issue 18, perf-05).

    .venv/bin/python benchmarks/compare_loads.py --base /path/to/other/src --new src DIR [DIR ...]

Each folder is loaded by `load_folder` in a child process per tree (PYTHONPATH set to that tree), into
`--work/NAME-base` and `--work/NAME-new` (a `mapping.yaml` in the folder is used). Compared: every
contract table, `rejects` and `load_log` with `EXCEPT ALL` both ways and an order-sensitive fingerprint
(per column, `sum(hash(rowid, value))`), the rejects CSVs without their load id, and the error when a
load refuses the folder. With `--check-rows`, every Parquet reject of the new tree is also checked against
the file: its raw row must be the file's row at that row number (as Arrow spells it), and the row named
as a duplicate's first occurrence must hold the same key.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb

TABLES = ("parties", "accounts", "account_holders", "transactions")
COLUMNS = {
    "rejects": "table_name, file, row_number, column_name, reason, problems, raw",
    "load_log": "table_name, file, sha256, bytes, mapping, rows_read, rows_accepted, rows_inserted, "
    "rows_rejected, ignored_columns",
}
CHILD = """
import json, sys
from pathlib import Path
from chainbreaker.ingest import load_folder
data, ws = Path(sys.argv[1]), Path(sys.argv[2])
mapping = data / "mapping.yaml"
try:
    r = load_folder(data, ws, mapping if mapping.exists() else None)
    out = {"files": {f"{x.table}:{Path(x.file).name}": [x.read, x.accepted, x.rejected, x.inserted]
                     for x in r.files}, "rejects_csv": str(r.rejects_csv) if r.rejects_csv else None}
except Exception as exc:
    out = {"error": f"{type(exc).__name__}: {exc}", "column": getattr(exc, "column", None)}
print(json.dumps(out))
"""


def load(tree: str, data: Path, ws: Path) -> dict[str, Any]:
    shutil.rmtree(ws, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=tree)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(data), str(ws)], capture_output=True, text=True, env=env
    )
    if proc.returncode:
        sys.exit(proc.stderr)
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def csv_rows(path: str | None) -> list[list[str]]:
    if not path:
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return [row[1:] for row in csv.reader(fh)]  # without the load id


def compare(base: str, new: str, data: Path, work: Path) -> bool:
    a, b = work / f"{data.name}-base", work / f"{data.name}-new"
    ra, rb = load(base, data, a), load(new, data, b)
    if "error" in ra or "error" in rb:
        same = (ra.get("error"), ra.get("column")) == (rb.get("error"), rb.get("column"))
        print(
            f"{data}: refused, base {ra.get('error')!r}, new {rb.get('error')!r}: {'SAME' if same else 'DIFFERENT'}"
        )
        return same
    problems = [] if ra["files"] == rb["files"] else [f"counts {ra['files']} vs {rb['files']}"]
    con = duckdb.connect()
    con.execute(f"ATTACH '{a / 'workspace.duckdb'}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b / 'workspace.duckdb'}' AS b (READ_ONLY)")
    for table in (*TABLES, "rejects", "load_log"):
        cols = COLUMNS.get(table, "*")
        for x, y in (("a", "b"), ("b", "a")):
            row = con.execute(
                f"SELECT count(*) FROM (SELECT {cols} FROM {x}.{table} EXCEPT ALL SELECT {cols} FROM {y}.{table})"
            ).fetchone()
            if row and row[0]:
                problems.append(f"{table}: {row[0]} rows in {x} not in {y}")
        if table in TABLES:
            fp = [
                con.execute(
                    f"SELECT count(*), sum(hash(rowid, hash(COLUMNS(*))) % 1000000007) FROM {x}.{table}"
                ).fetchone()
                for x in "ab"
            ]
            if fp[0] != fp[1]:
                problems.append(f"{table}: stored order or values differ (fingerprints)")
    if csv_rows(ra["rejects_csv"]) != csv_rows(rb["rejects_csv"]):
        problems.append("rejects CSVs differ")
    rejects = con.execute("SELECT count(*) FROM b.rejects").fetchone()
    print(
        f"{data}: {'SAME' if not problems else 'DIFFERENT: ' + '; '.join(problems)} ({rb['files']}, {rejects[0] if rejects else 0} rejects)"
    )
    return not problems


def check_rows(ws: Path) -> int:
    """Rejects of Parquet files whose row number does not hold their raw row (or first duplicate)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    con = duckdb.connect(str(ws / "workspace.duckdb"), read_only=True)
    wrong = 0
    if not con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'rejects'").fetchall():
        return 0  # the load was refused: nothing stored
    for (file,) in con.execute("SELECT DISTINCT file FROM rejects WHERE file LIKE '%.parquet'").fetchall():
        rows = con.execute(
            "SELECT row_number, reason, raw FROM rejects WHERE file = $f ORDER BY row_number", {"f": file}
        ).fetchall()
        header = list(json.loads(rows[0][2]))
        table = pq.read_table(file, columns=header)
        text: dict[str, list[Any]] = {}
        for field in table.schema:
            arr = table.column(field.name)
            if pa.types.is_timestamp(field.type):
                seconds = pc.cast(arr, pa.timestamp("s", tz=field.type.tz), safe=False)
                arr = pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%S")
            text[field.name] = pc.cast(arr, pa.string()).to_pylist()
        for number, reason, raw in rows:
            if json.loads(raw) != {h: text[h][number - 1] for h in header}:
                wrong += 1
            first = re.search(r"\(first at row (\d+)\)$", reason)
            key = header[0]
            if (
                first
                and (text[key][int(first.group(1)) - 1] or "").strip()
                != (text[key][number - 1] or "").strip()
            ):
                wrong += 1
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True, help="source tree (the folder holding chainbreaker/)")
    parser.add_argument("--new", default="src")
    parser.add_argument("--work", type=Path, default=Path("/tmp/compare-loads"))
    parser.add_argument("--check-rows", action="store_true")
    parser.add_argument("folders", type=Path, nargs="+")
    args = parser.parse_args()
    base, new = str(Path(args.base).resolve()), str(Path(args.new).resolve())
    same = [compare(base, new, folder, args.work) for folder in args.folders]
    if args.check_rows:
        for folder in args.folders:
            ws = args.work / f"{folder.name}-new"
            if (ws / "workspace.duckdb").exists():
                print(f"{folder}: rejects whose row number does not hold their raw row: {check_rows(ws)}")
    print("ALL SAME" if all(same) else "SOME DIFFERENT")


if __name__ == "__main__":
    main()
