"""Benchmark of the FIU side: ingest and link N reports from the multi-bank synthetic mode, with quality.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_fiu.py --reports 20000 --dir /tmp/bench_fiu
    PYTHONPATH=src .venv/bin/python benchmarks/bench_fiu.py --reports 1000   # a quick run

Steps (one process; wall and CPU seconds, CPU including the parser worker processes):
1. generate the multi-bank world and write it with our own goAML / FinCEN writers (kept in --dir for reuse);
2. `fiu ingest` into a fresh workspace (XSD validation when the shared schemas are at hand), then again
   (every file must be a duplicate, tables unchanged);
3. `fiu link`, then pairwise precision and recall of filed parties against the generator's truth, and the
   same for the naive baseline in the same run: two filed parties are one person when their names are
   exactly equal (case-insensitive), the rule a practitioner would write first.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.ingest import ingest_files
from chainbreaker.fiu.link import link_workspace
from chainbreaker.fiu.synthetic import synthetic_reports
from chainbreaker.synth.multibank import MultiBankConfig


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, c = time.perf_counter(), cpu()
    result = fn()
    return result, time.perf_counter() - wall, cpu() - c


def pairs(labels: list[str]) -> set[tuple[int, int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        groups[label].append(i)
    return {p for members in groups.values() for p in itertools.combinations(members, 2)}


def quality(subjects: Path, truth: Path) -> dict[str, dict[str, float]]:
    by_report: dict[str, list[str]] = defaultdict(list)
    for row in csv.DictReader(truth.open()):
        by_report[row["report_id"]].append(row["person_id"])
    rows = list(csv.DictReader(subjects.open()))
    t = pairs([by_report[r["report_id"]].pop(0) for r in rows])
    out = {}
    for label, predicted in (
        ("linker", pairs([r["subject_id"] for r in rows])),
        ("exact_name", pairs([r["name"].lower() for r in rows])),
    ):
        hit = len(predicted & t)
        out[label] = {
            "precision": round(hit / max(1, len(predicted)), 4),
            "recall": round(hit / max(1, len(t)), 4),
            "pairs": len(predicted),
        }
    out["truth"] = {"pairs": len(t), "filed_parties": len(rows)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reports", type=int, default=20000)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench_fiu"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    inbox = args.dir / f"in-{args.reports}"
    figures: dict[str, Any] = {"reports": args.reports, "cpus": os.cpu_count()}
    if not (inbox / "truth.csv").exists():
        shutil.rmtree(inbox, ignore_errors=True)
        _, wall, c = timed(lambda: synthetic_reports(inbox, MultiBankConfig(reports=args.reports)))
        figures["generate"] = {"wall_s": round(wall, 1), "cpu_s": round(c, 1)}
    ws_dir = args.dir / f"ws-{args.reports}"
    shutil.rmtree(ws_dir, ignore_errors=True)
    ws = Workspace(ws_dir)
    result, wall, c = timed(lambda: ingest_files(ws, [inbox], workers=args.workers))
    figures["ingest"] = {"wall_s": round(wall, 1), "cpu_s": round(c, 1), "summary": result.summary}
    again, wall, c = timed(lambda: ingest_files(ws, [inbox], workers=args.workers))
    figures["reingest"] = {"wall_s": round(wall, 1), "cpu_s": round(c, 1), "summary": again.summary}
    out = args.dir / f"subjects-{args.reports}.csv"
    linked, wall, c = timed(lambda: link_workspace(ws, out))
    figures["link"] = {
        "wall_s": round(wall, 1),
        "cpu_s": round(c, 1),
        "filed_parties": linked.records,
        "persons": linked.persons,
        "cases": linked.cases,
    }
    figures["quality"] = quality(out, inbox / "truth.csv")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
