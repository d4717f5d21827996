"""Registry load throughput on a big synthetic OFAC SDN set (the project writes it itself).

Measures, in one run and on the same files:
  1. first edition: parse + statements + history + derived entities (chainbreaker `load_source`);
  2. second edition with ~2% of entities changed, 1% delisted, 1% added (history bookkeeping);
  3. the same file again (idempotent no-op);
  4. two baselines, each the strongest simple loader a practitioner would write, on the SAME edition in
     full: the same adapter parse, then the statements into a plain table with no history, no changes and
     no derived table: (a) `sqlite3.executemany` into a file database, (b) DuckDB's Arrow insert
     (`CREATE TABLE AS SELECT * FROM arrow_table`). Their stored statements are checked equal to the
     registry's current statements (entity, property, value).
Steps 1 and 4 repeat `--runs` times per size (spread); reports wall and CPU seconds (process user + system,
DuckDB's threads included), entities/s, statements/s and peak RSS (psutil). Results go to `--json`.

Run: nice .venv/bin/python benchmarks/bench_registry_load.py [--sizes 5000,20000,100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import statistics
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import psutil

from chainbreaker.core.workspace import Workspace
from chainbreaker.registry import demo, load_source
from chainbreaker.registry.adapters.us_ofac_sdn import read as read_sdn
from chainbreaker.registry.store import statements_table

#: The demo lists' name pools, cut to the sizes (and SDN upper-case surnames) the published figures used.
FIRST = demo.FIRST[:12]
LAST = tuple(name.upper() for name in demo.LAST[:10])
COUNTRIES = ("Iran", "Syria", "Russia", "China", "Venezuela", "Cuba", "Mexico", "Colombia", "Lebanon", "Iraq")


class PeakMemory:
    """Samples the process RSS every 50 ms; `peak` in MB."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        proc = psutil.Process()
        while not self._stop.is_set():
            self.peak = max(self.peak, proc.memory_info().rss / 1e6)
            time.sleep(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def write_sdn(
    folder: Path, n: int, seed: int, change: float = 0.0, drop: float = 0.0, add: float = 0.0
) -> None:
    """An SDN CSV set of n records in OFAC's layout; optional share of changed, dropped and added records."""
    rng = random.Random(seed)
    edit = random.Random(seed + 1)
    folder.mkdir(parents=True, exist_ok=True)
    null = "-0- "
    with (
        (folder / "sdn.csv").open("w", encoding="utf-8") as sdn,
        (folder / "alt.csv").open("w", encoding="utf-8") as alt,
        (folder / "add.csv").open("w", encoding="utf-8") as addr,
    ):
        total = n + int(n * add)
        for ent in range(1, total + 1):
            name = f"{rng.choice(LAST)}, {rng.choice(FIRST)} {rng.choice(FIRST)} {ent}"
            dob = f"{rng.randint(1, 28):02d} Jan {rng.randint(1940, 1999)}"
            country = rng.choice(COUNTRIES)
            alias = f"{rng.choice(FIRST).upper()} {rng.choice(LAST)}"
            if edit.random() < drop:
                continue
            if edit.random() < change:
                dob = f"{edit.randint(1, 28):02d} Feb {edit.randint(1940, 1999)}"
            remarks = f"DOB {dob}; nationality {country}; Passport P{ent:07d}; Gender Male."
            row = [str(ent), name, "individual", "SDGT", null, null, null, null, null, null, null, remarks]
            sdn.write(",".join(c if c == null else f'"{c}"' for c in row) + "\r\n")
            alt.write(f'{ent},{ent},"aka","{alias}",-0- \r\n')
            addr.write(f'{ent},{ent},"{ent} Main Street","City",' + f'"{country}",-0- \r\n')
        for fh in (sdn, alt, addr):
            fh.write("\x1a")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, fn, entities: int, statements: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    with PeakMemory() as mem:
        cpu0 = cpu_seconds()
        start = time.perf_counter()
        fn()
        seconds = time.perf_counter() - start
        cpu = cpu_seconds() - cpu0
    result = {
        "seconds": seconds,
        "cpu": cpu,
        "entities_s": entities / seconds,
        "statements_s": statements / seconds,
        "peak_mb": mem.peak,
    }
    print(
        f"{label:44s} {seconds:8.2f} s {cpu:8.2f} CPU-s {entities / seconds:9.0f} entities/s "
        f"{statements / seconds:10.0f} statements/s  peak RSS {mem.peak:6.0f} MB"
    )
    return result


COLUMNS = ("id", "entity_id", "prop", "schema", "prop_type", "value", "lang", "original_value", "source_id")


def baseline_sqlite(folder: Path, db: Path) -> None:
    """Parse with the same adapter, then `sqlite3.executemany` into a file database, one transaction."""
    table = statements_table("us_ofac_sdn", read_sdn(folder, "us_ofac_sdn"))
    rows = zip(*(table.column(c).to_pylist() for c in COLUMNS), strict=True)
    con = sqlite3.connect(db)
    con.execute(f"CREATE TABLE statements ({', '.join(COLUMNS)})")
    con.executemany(f"INSERT INTO statements VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    con.commit()
    con.close()


def baseline_duckdb_arrow(folder: Path, workspace: Workspace) -> None:
    """Parse with the same adapter, then DuckDB's Arrow insert into a plain table."""
    table = statements_table("us_ofac_sdn", read_sdn(folder, "us_ofac_sdn"))
    con = workspace.connect()
    con.register("parsed", table)
    con.execute("CREATE OR REPLACE TABLE statements AS SELECT * FROM parsed")
    con.close()


def stored_registry(workspace: Workspace) -> list[tuple[str, str, str]]:
    con = workspace.connect(read_only=True)
    rows = con.execute(
        "SELECT entity_id, prop, value FROM registry_statements WHERE dataset = 'us_ofac_sdn' AND \"current\""
    ).fetchall()
    con.close()
    return sorted(rows)


def stored_sqlite(db: Path) -> list[tuple[str, str, str]]:
    con = sqlite3.connect(db)
    rows = con.execute("SELECT entity_id, prop, value FROM statements").fetchall()
    con.close()
    return sorted(rows)


def stored_duckdb(workspace: Workspace) -> list[tuple[str, str, str]]:
    con = workspace.connect(read_only=True)
    rows = con.execute("SELECT entity_id, prop, value FROM statements").fetchall()
    con.close()
    return sorted(rows)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def one_size(root: Path, n: int, runs: int, history: bool) -> dict[str, object]:
    folder = root / f"ed1-{n}"
    write_sdn(folder, n, seed=1)
    statements = statements_table("x", read_sdn(folder, "x")).num_rows
    print(
        f"\n## synthetic OFAC SDN set: {n:,} entities, {statements:,} statements "
        f"({(folder / 'sdn.csv').stat().st_size / 1e6:.1f} MB sdn.csv); load average {os.getloadavg()[0]:.1f}"
    )
    out: dict[str, list[dict[str, float]]] = {"parse": [], "registry": [], "sqlite": [], "duckdb_arrow": []}
    for run in range(runs):
        base = root / f"run-{n}-{run}"
        out["parse"].append(timed("parse only (adapter)", lambda: read_sdn(folder, "x"), n, statements))
        ws = Workspace(base / "ws")
        out["registry"].append(
            timed(
                "registry: edition 1 (history + entities)",
                lambda: load_source(ws, "us_ofac_sdn", folder, edition_date=date(2025, 1, 1)),  # noqa: B023
                n,
                statements,
            )
        )
        db = base / "baseline.sqlite"
        out["sqlite"].append(
            timed("baseline: parse + sqlite3.executemany", lambda: baseline_sqlite(folder, db), n, statements)  # noqa: B023
        )
        arrow_ws = Workspace(base / "arrow")
        out["duckdb_arrow"].append(
            timed(
                "baseline: parse + DuckDB Arrow insert",
                lambda: baseline_duckdb_arrow(folder, arrow_ws),  # noqa: B023
                n,
                statements,
            )
        )
        if run == 0:
            ours, lite, duck = stored_registry(ws), stored_sqlite(db), stored_duckdb(arrow_ws)
            print(
                f"    stored statements: registry {len(ours):,}, sqlite {len(lite):,}, DuckDB {len(duck):,}; "
                f"sqlite equal: {ours == lite}, DuckDB equal: {ours == duck}"
            )
            if ours != lite:
                print(
                    f"    only registry: {sorted(set(ours) - set(lite))[:3]}; only baseline: {sorted(set(lite) - set(ours))[:3]}"
                )
        if history and run == 0:
            ed2 = root / f"ed2-{n}"
            write_sdn(ed2, n, seed=1, change=0.02, drop=0.01, add=0.01)
            report: dict[str, object] = {}
            timed(
                "registry: edition 2 (2% changed, 1% out, 1% in)",
                lambda: report.update(r=load_source(ws, "us_ofac_sdn", ed2, edition_date=date(2025, 2, 1))),  # noqa: B023
                n,
                statements,
            )
            r = report["r"]
            print(f"    edition 2 recorded {r.added} added, {r.removed} removed, {r.changed} changed")  # type: ignore[attr-defined]
            timed(
                "registry: same file again (no-op)",
                lambda: load_source(ws, "us_ofac_sdn", ed2, edition_date=date(2025, 2, 1)),  # noqa: B023
                n,
                statements,
            )
        shutil.rmtree(base, ignore_errors=True)
    ours_wall = [r["seconds"] for r in out["registry"]]
    ours_cpu = [r["cpu"] for r in out["registry"]]
    for name in ("sqlite", "duckdb_arrow"):
        wall = [r["seconds"] for r in out[name]]
        cpu = [r["cpu"] for r in out[name]]
        print(
            f"registry / {name}: wall {spread(ours_wall)} s vs {spread(wall)} s -> "
            f"{statistics.median(ours_wall) / statistics.median(wall):.2f}x the time; CPU {spread(ours_cpu)} s vs "
            f"{spread(cpu)} s -> {statistics.median(ours_cpu) / statistics.median(cpu):.2f}x ({runs} runs)"
        )
    return {"entities": n, "statements": statements, **out}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="5000,20000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1, help="runs at 100,000 entities and more")
    parser.add_argument("--json", type=Path, default=Path("docs/performance/registry.json"))
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cb-registry-bench-"))
    results = []
    try:
        for n in (int(x) for x in args.sizes.split(",")):
            results.append(
                one_size(root, n, args.runs if n < 100_000 else args.big_runs, history=n >= 100_000)
            )
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
