"""Compare two monitoring runs' outputs: alerts.parquet, party_risk.parquet and profile.json.

    .venv/bin/python benchmarks/compare_monitor_runs.py RUN_A RUN_B [--rel 1e-9] [--show 10]

A change meant to be faster must leave detection identical. The SQL's row order is not defined (parallel
DuckDB), and parallel double sums can differ in their last bit, so the Parquet files are compared as
multisets (`EXCEPT ALL` both ways, in DuckDB) with every float column rounded away first, and then the
float columns are compared row by row on a key with a small relative tolerance. `profile.json` is compared
as data. Both runs need the same pseudonym key (`run_monitor_steps.py` fixes one), else the
shared-identifier tokens differ. Exit status 0 when equal, 1 when not; the differences are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import duckdb

#: Each output, the columns naming one row, and the float columns compared with a tolerance.
OUTPUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "alerts.parquet": (
        ("alert_id", "period_end", "evidence", "explanation"),
        ("score",),
    ),
    "party_risk.parquet": (
        ("party_id",),
        ("risk_score", "own_score", "subject_score", "victim_score"),
    ),
}


def _quote(path: Path) -> str:
    """A file path as a SQL string literal (our own paths; read_parquet takes no bound parameter here)."""
    return "'" + str(path).replace("'", "''") + "'"


def _columns(con: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    return [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({_quote(path)})").fetchall()]


def compare_parquet(
    con: duckdb.DuckDBPyConnection,
    a: Path,
    b: Path,
    key: tuple[str, ...],
    floats: tuple[str, ...],
    rel: float,
    show: int,
) -> list[str]:
    """Differences between two Parquet files as lines (empty when equal within `rel` on the float columns)."""
    problems: list[str] = []
    cols_a, cols_b = _columns(con, a), _columns(con, b)
    if cols_a != cols_b:
        return [f"{a.name}: columns differ: {cols_a} vs {cols_b}"]
    exact = [c for c in cols_a if c not in floats]
    sel = ", ".join(f'"{c}"' for c in exact)
    counts = [con.execute(f"SELECT count(*) FROM read_parquet({_quote(p)})").fetchone() for p in (a, b)]
    n_a, n_b = (int(c[0]) if c else 0 for c in counts)
    if n_a != n_b:
        problems.append(f"{a.name}: {n_a} rows vs {n_b}")
    for left, right, label in ((a, b, "only in A"), (b, a, "only in B")):
        rows = con.execute(
            f"SELECT {sel} FROM read_parquet({_quote(left)}) EXCEPT ALL SELECT {sel} FROM read_parquet({_quote(right)})"
        ).fetchall()
        if rows:
            problems.append(f"{a.name}: {len(rows)} rows {label} (float columns left out):")
            problems += [f"    {r}" for r in rows[:show]]
    dup = con.execute(
        f"SELECT count(*) FROM (SELECT {', '.join(key)} FROM read_parquet({_quote(a)}) GROUP BY ALL HAVING count(*) > 1)"
    ).fetchone()
    if dup and dup[0]:
        problems.append(f"{a.name}: {dup[0]} keys {key} are not unique; float check skipped")
        return problems
    on = " AND ".join(f'x."{k}" IS NOT DISTINCT FROM y."{k}"' for k in key)
    for col in floats:
        diff = con.execute(
            f"""
            SELECT {", ".join(f'x."{k}"' for k in key)}, x."{col}", y."{col}"
            FROM read_parquet({_quote(a)}) x JOIN read_parquet({_quote(b)}) y ON {on}
            WHERE x."{col}" IS DISTINCT FROM y."{col}"
              AND NOT (abs(x."{col}" - y."{col}") <= {rel!r} * greatest(abs(x."{col}"), abs(y."{col}")))
            """
        ).fetchall()
        if diff:
            problems.append(f"{a.name}: {len(diff)} rows differ in {col} beyond {rel} relative:")
            problems += [f"    {r}" for r in diff[:show]]
        exact_n = con.execute(
            f"""SELECT count(*) FROM read_parquet({_quote(a)}) x JOIN read_parquet({_quote(b)}) y ON {on}
                WHERE x."{col}" IS DISTINCT FROM y."{col}" """
        ).fetchone()
        if exact_n and exact_n[0] and not diff:
            print(f"note: {a.name}.{col}: {exact_n[0]} rows differ within {rel} relative")
    return problems


def _diff_json(a: Any, b: Any, path: str, out: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"profile.json{path}.{k}: only in {'B' if k not in a else 'A'}")
            else:
                _diff_json(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _diff_json(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"profile.json{path}: {a!r} vs {b!r}")


def compare_runs(run_a: Path, run_b: Path, rel: float = 1e-9, show: int = 10) -> list[str]:
    """Every difference between the two runs' three outputs, as printable lines."""
    problems: list[str] = []
    con = duckdb.connect()
    for name, (key, floats) in OUTPUTS.items():
        a, b = run_a / name, run_b / name
        if not a.exists() or not b.exists():
            problems.append(f"{name}: missing in {'A' if not a.exists() else 'B'}")
            continue
        problems += compare_parquet(con, a, b, key, floats, rel, show)
    pa_, pb = run_a / "profile.json", run_b / "profile.json"
    if pa_.exists() and pb.exists():
        _diff_json(json.loads(pa_.read_text("utf-8")), json.loads(pb.read_text("utf-8")), "", problems)
    else:
        problems.append("profile.json: missing")
    con.close()
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("run_a", type=Path)
    parser.add_argument("run_b", type=Path)
    parser.add_argument("--rel", type=float, default=1e-9, help="relative tolerance of float columns")
    parser.add_argument("--show", type=int, default=10, help="rows shown per difference")
    args = parser.parse_args()
    problems = compare_runs(args.run_a, args.run_b, args.rel, args.show)
    for line in problems:
        print(line)
    findings = sum(1 for line in problems if not line.startswith(" "))  # indented lines are examples
    print("EQUAL" if not problems else f"DIFFERENT ({findings} findings)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
