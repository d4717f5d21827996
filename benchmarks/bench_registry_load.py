"""Registry load throughput on a big synthetic OFAC SDN set (the project writes it itself).

Measures, in one run and on the same files:
  1. first edition: parse + statements + history + derived entities (chainbreaker `load_source`);
  2. second edition with ~2% of entities changed, 1% delisted, 1% added (history bookkeeping);
  3. the same file again (idempotent no-op);
  4. naive baseline: the same statements written row by row with `executemany` into a plain table,
     with no history, no changes and no derived view (what a simple loader would do).
Reports entities/s, statements/s and peak RSS (psutil).

Run: nice .venv/bin/python benchmarks/bench_registry_load.py [--entities 100000]
"""

from __future__ import annotations

import argparse
import random
import shutil
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


def timed(label: str, fn, entities: int, statements: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    with PeakMemory() as mem:
        start = time.perf_counter()
        fn()
        seconds = time.perf_counter() - start
    result = {
        "seconds": seconds,
        "entities_s": entities / seconds,
        "statements_s": statements / seconds,
        "peak_mb": mem.peak,
    }
    print(
        f"{label:42s} {seconds:8.2f} s  {entities / seconds:10.0f} entities/s  "
        f"{statements / seconds:11.0f} statements/s  peak RSS {mem.peak:7.0f} MB"
    )
    return result


def naive_baseline(workspace: Workspace, folder: Path) -> None:
    """Row-by-row inserts of the same statements: no history, no diff, no derived table."""
    read = read_sdn(folder, "naive")
    table = statements_table("naive", read).to_pylist()
    con = workspace.connect()
    con.execute("CREATE OR REPLACE TABLE naive_statements (entity_id VARCHAR, prop VARCHAR, value VARCHAR)")
    con.executemany(
        "INSERT INTO naive_statements VALUES (?, ?, ?)",
        [(r["entity_id"], r["prop"], r["value"]) for r in table],
    )
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument(
        "--naive-entities",
        type=int,
        default=2_000,
        help="size of the row-by-row baseline (it is slow; rates are compared per second)",
    )
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cb-registry-bench-"))
    try:
        n = args.entities
        write_sdn(root / "ed1", n, seed=1)
        write_sdn(root / "ed2", n, seed=1, change=0.02, drop=0.01, add=0.01)
        write_sdn(root / "small", args.naive_entities, seed=1)
        workspace = Workspace(root / "ws")
        statements = statements_table("x", read_sdn(root / "ed1", "x")).num_rows
        print(
            f"synthetic OFAC SDN set: {n} entities, {statements} statements "
            f"({(root / 'ed1' / 'sdn.csv').stat().st_size / 1e6:.1f} MB sdn.csv)"
        )
        parse = timed("parse only (adapter)", lambda: read_sdn(root / "ed1", "x"), n, statements)
        first = timed(
            "load edition 1 (history + entities)",
            lambda: load_source(workspace, "us_ofac_sdn", root / "ed1", edition_date=date(2025, 1, 1)),
            n,
            statements,
        )
        report = {}
        second = timed(
            "load edition 2 (2% changed, 1% out, 1% in)",
            lambda: report.update(
                r=load_source(workspace, "us_ofac_sdn", root / "ed2", edition_date=date(2025, 2, 1))
            ),
            n,
            statements,
        )
        r = report["r"]
        print(f"    edition 2 recorded {r.added} added, {r.removed} removed, {r.changed} changed")
        again = timed(
            "same file again (no-op)",
            lambda: load_source(workspace, "us_ofac_sdn", root / "ed2", edition_date=date(2025, 2, 1)),
            n,
            statements,
        )
        small_statements = statements_table("x", read_sdn(root / "small", "x")).num_rows
        naive = timed(
            f"naive row-by-row insert ({args.naive_entities} entities)",
            lambda: naive_baseline(Workspace(root / "naive"), root / "small"),
            args.naive_entities,
            small_statements,
        )
        print(
            f"chainbreaker first-edition load is {first['statements_s'] / naive['statements_s']:.1f}x the "
            f"statement rate of the naive loader, while also keeping history and the derived entity table"
        )
        _ = (parse, second, again)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
