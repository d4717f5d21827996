"""One monitoring library run with CPU-seconds per engine step, for A/B comparisons on a busy machine.

    PYTHONPATH=src .venv/bin/python benchmarks/run_monitor_steps.py WORKSPACE OUT_DIR [--json FILE]

Wall time on a machine shared with other jobs depends on the load; process CPU (user + system, DuckDB's
threads included) much less, so each engine step (`Engine.query` / `create_table`) is timed in both, and the
rest of the run (Python outside SQL: party keys, names, scoring, writing files) is what is left. The
pseudonym key is fixed so that two runs' outputs can be compared (`compare_monitor_runs.py`): otherwise the
shared-identifier tokens are random per process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Fixed only for comparisons between runs; a real installation has its own key.
BENCH_PSEUDONYM_KEY = "chainbreaker-benchmark-pseudonym-key"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _timed(method: Callable[..., Any], step_arg: int, cpu: dict[str, float], wall: dict[str, float]) -> Any:
    """Wrap an engine method so that its CPU and wall seconds are added to its step's totals."""

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        c0, w0 = _cpu(), time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            step = str(args[step_arg])
            cpu[step] += _cpu() - c0
            wall[step] += time.perf_counter() - w0

    return wrapper


def run(workspace: Path, out: Path) -> dict[str, Any]:
    """Run the library once with per-step timing; return totals and steps, largest CPU first. A step's CPU is
    the process's during the step, so Python running in a worker thread meanwhile counts in it."""
    from chainbreaker.core.logging import set_pseudonym_key
    from chainbreaker.engines.base import Engine
    from chainbreaker.monitoring import load_catalogue, run_monitoring

    set_pseudonym_key(BENCH_PSEUDONYM_KEY)
    catalogue = load_catalogue()  # outside the timing, as in bench_monitor.py
    cpu: dict[str, float] = defaultdict(float)
    wall: dict[str, float] = defaultdict(float)
    Engine.query = _timed(Engine.query, 0, cpu, wall)  # type: ignore[method-assign]
    Engine.create_table = _timed(Engine.create_table, 1, cpu, wall)  # type: ignore[method-assign]
    c0, w0 = _cpu(), time.perf_counter()
    report = run_monitoring(workspace, out, catalogue=catalogue)
    total_cpu, total_wall = _cpu() - c0, time.perf_counter() - w0
    steps = sorted(((k, round(cpu[k], 2), round(wall[k], 2)) for k in cpu), key=lambda s: -s[1])
    return {
        "wall": round(total_wall, 2),
        "cpu": round(total_cpu, 2),
        "sql_cpu": round(sum(cpu.values()), 2),
        "sql_wall": round(sum(wall.values()), 2),
        "outside_sql_cpu": round(total_cpu - sum(cpu.values()), 2),
        "outside_sql_wall": round(total_wall - sum(wall.values()), 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load": [round(x, 2) for x in os.getloadavg()],
        "alerts": report.alerts,
        "alerted": report.alerted_parties,
        "rows": report.transactions,
        "steps": steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("workspace", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--top", type=int, default=25, help="steps to print")
    args = parser.parse_args()
    res = run(args.workspace, args.out)
    print(
        f"{res['rows']:,} rows: {res['wall']:.1f} s wall, {res['cpu']:.1f} CPU-s "
        f"(SQL {res['sql_cpu']:.1f} CPU-s / {res['sql_wall']:.1f} s; outside SQL {res['outside_sql_cpu']:.1f} "
        f"CPU-s / {res['outside_sql_wall']:.1f} s), peak {res['peak_mb']:,} MB, {res['alerts']:,} alerts on "
        f"{res['alerted']:,} parties, load {res['load']}"
    )
    for step, c, w in res["steps"][: args.top]:
        print(f"  {c:7.2f} CPU-s {w:7.2f} s  {step}")
    if args.json:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
