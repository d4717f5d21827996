"""Ingest and link one folder of received reports into a fresh workspace, with whatever `chainbreaker` is on
the path, so two versions of the code can be timed alternately on the same files in the same window:

    git archive 65fc77a src | tar -x -C /tmp/before
    for v in before after before after; do
      [ $v = before ] && P=/tmp/before/src || P=src
      PYTHONPATH=$P .venv/bin/python benchmarks/bench_fiu_before_after.py $v /tmp/bench_fiu/in-20000
    done
    cmp /tmp/bench_fiu/cmp-before.csv /tmp/bench_fiu/cmp-after.csv

Prints one JSON line per step: wall and CPU seconds (CPU including the parser processes), load average.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.ingest import ingest_files
from chainbreaker.fiu.link import link_workspace


def cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    label, inbox = sys.argv[1], Path(sys.argv[2])
    ws_dir = inbox.parent / f"cmp-{label}"
    shutil.rmtree(ws_dir, ignore_errors=True)
    wall, used, load = time.perf_counter(), cpu(), os.getloadavg()[0]
    result = ingest_files(Workspace(ws_dir), [inbox], workers=2)
    step = {"label": label, "step": "ingest", "summary": result.summary}
    step |= {"wall_s": round(time.perf_counter() - wall, 1), "cpu_s": round(cpu() - used, 1), "load": load}
    print(json.dumps(step), flush=True)
    wall, used, load = time.perf_counter(), cpu(), os.getloadavg()[0]
    linked = link_workspace(Workspace(ws_dir), inbox.parent / f"cmp-{label}.csv")
    step = {"label": label, "step": "link", "persons": linked.persons, "cases": linked.cases}
    step |= {"wall_s": round(time.perf_counter() - wall, 1), "cpu_s": round(cpu() - used, 1), "load": load}
    print(json.dumps(step), flush=True)


if __name__ == "__main__":
    main()
