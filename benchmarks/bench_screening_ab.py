"""One batch screening run in one process, with CPU seconds per stage, for same-window A/B comparisons.

Run the same command against two source trees, alternately, in the same time window (the machine's load
moves a lot; alternating keeps both sides under the same conditions), then compare the hit files:

    git archive OLD src | tar -x -C /tmp/old
    for i in 1 2; do
      PYTHONPATH=/tmp/old/src .venv/bin/python benchmarks/bench_screening_ab.py --out /tmp/old-$i.json
      PYTHONPATH=src .venv/bin/python benchmarks/bench_screening_ab.py --out /tmp/new-$i.json
    done

Each run screens the generated customers of `bench_screening_speed.py` (same seed) against every shared
list, in one process (so CPU time is the process's own, DuckDB's threads included), and writes the stage
times and the full list of (customer, entity, score, explanation) of its hits; `--compare A B` checks two
such files hold the same hits (and, when both runs wrote them, the same matches in the same order with
every field, and the same rejects).

`--parallel` runs the job as a large run does (worker processes; CPU time of all processes, no stage
times); `--unscreenable` makes every 997th customer's name unscreenable, so rejects are compared too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import astuple, replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screening_quality import LISTS, entities_of, load_registry
from bench_screening_speed import cpu_seconds, generate_customers
from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.screening import DEFAULT_THRESHOLD, job
from chainbreaker.screening.index import NameIndex


def timed(stages: dict[str, list[float]], name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        cpu0, started = cpu_seconds(), time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            entry = stages.setdefault(name, [0.0, 0.0])
            entry[0] += time.perf_counter() - started
            entry[1] += cpu_seconds() - cpu0

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path)
    parser.add_argument("--parallel", action="store_true", help="worker processes, as a large run")
    parser.add_argument("--unscreenable", action="store_true", help="every 997th name unscreenable")
    args = parser.parse_args()
    if args.compare:
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        same = a["hits"] == b["hits"]
        print(f"{len(a['hits'])} and {len(b['hits'])} hits; identical: {same}")
        if "ordered" in a and "ordered" in b:
            in_order = a["ordered"] == b["ordered"] and a["rejects"] == b["rejects"]
            print(
                f"matches in job order, every field: identical {a['ordered'] == b['ordered']}; "
                f"{len(a['rejects'])} and {len(b['rejects'])} rejects: identical {a['rejects'] == b['rejects']}"
            )
            same = same and in_order
        sys.exit(0 if same else 1)
    workspace, _ = load_registry(LISTS)
    entities = entities_of(workspace)
    index = NameIndex.build(entities)
    customers = generate_customers(args.customers, entities)
    if args.unscreenable:
        customers = [replace(q, name="!!! ---") if i % 997 == 5 else q for i, q in enumerate(customers)]
    stages: dict[str, list[float]] = {}
    if not args.parallel:
        job.PARALLEL_MIN = 10**12  # one process: its CPU time is the whole cost
        for name in ("_prepare_part", "candidate_pairs", "_score_part"):
            setattr(job, name, timed(stages, name, getattr(job, name)))
    engine = DuckDBEngine()
    cpu0, started = cpu_seconds(), time.perf_counter()
    try:
        result = job.run_job(engine, index, customers, DEFAULT_THRESHOLD)
    finally:
        engine.close()
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu0
    hits = sorted((m.query_id, m.entity_id, round(m.score, 9), m.explanation) for m in result.matches)
    ordered = [[repr(v) for v in astuple(m)] for m in result.matches]
    rejects = [[r.query_id, r.name, r.reason] for r in result.rejects]
    print(
        f"{args.customers:,} customers ({'worker processes' if args.parallel else 'one process'}): {wall:.1f} s "
        f"wall, {cpu:.1f} CPU-s, {len(hits)} hits, {len(rejects)} rejects; stages (wall, CPU) "
        + ", ".join(f"{k} {v[0]:.1f}/{v[1]:.1f}" for k, v in stages.items())
        + f"; load average {os.getloadavg()[0]:.1f}"
    )
    if args.out:
        report = {
            "wall": wall,
            "cpu": cpu,
            "stages": stages,
            "load": os.getloadavg()[0],
            "hits": hits,
            "ordered": ordered,
            "rejects": rejects,
        }
        args.out.write_text(json.dumps(report), encoding="utf-8")


if __name__ == "__main__":
    main()
