"""Cost of the case-state digest in the audit log (issue 11): `cases build` with and without it.

Every audit entry about a case now records the SHA-256 of the case's state (cases/audit_state.py). This
builds the demo bank's cases into fresh SQLite stores, alternating runs with the digest and with it
switched off (the simplest version: the old `record`), and prints wall and CPU seconds of each run.

    nice .venv/bin/python benchmarks/bench_audit_state.py --runs 3 --root /tmp/bench-audit
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import chainbreaker.cases.audit as audit_module
from chainbreaker.cases.builder import build_cases
from chainbreaker.core.workspace import Workspace
from chainbreaker.demo import run_demo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, default=Path("/tmp/bench-audit"))
    args = parser.parse_args()
    demo = args.root / "demo"
    if not (demo / "workspace.duckdb").exists():
        run_demo(demo)
    workspace = Workspace(demo)
    alerts = next(p.parent for p in demo.rglob("alerts.parquet"))
    real_digest = audit_module.digest_of
    results: dict[str, list[tuple[float, float, int, int]]] = {"without": [], "with": []}
    for run in range(args.runs):
        for mode in ("without", "with"):
            audit_module.digest_of = real_digest if mode == "with" else (lambda _s, _o, _r: None)  # type: ignore[assignment]
            db = args.root / f"{mode}-{run}.sqlite"
            db.unlink(missing_ok=True)
            wall, cpu = time.perf_counter(), time.process_time()
            report = build_cases(workspace, alerts_dir=alerts, url=f"sqlite:///{db}")
            results[mode].append(
                (
                    time.perf_counter() - wall,
                    time.process_time() - cpu,
                    report.cases_created,
                    report.alerts_added,
                )
            )
    audit_module.digest_of = real_digest
    for mode, rows in results.items():
        walls = ", ".join(f"{r[0]:.2f}" for r in rows)
        cpus = ", ".join(f"{r[1]:.2f}" for r in rows)
        print(f"{mode:8} wall s [{walls}]  cpu s [{cpus}]  cases {rows[0][2]}  alerts {rows[0][3]}")


if __name__ == "__main__":
    main()
