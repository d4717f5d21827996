"""Monitoring benchmark: speed, memory and detection quality on a synthetic bank the project generates.

    .venv/bin/python benchmarks/bench_monitor.py                       # 10M transactions, seed 101
    .venv/bin/python benchmarks/bench_monitor.py --transactions 1000000 --seed 7

It reports, in one run:
- the whole library (all indicators, DuckDB): wall time, rows/s and peak memory (RSS of a fresh process);
- the floor: one full scan-and-group-by of the transactions table, and the library's ratio to it;
- pandas: the feature step plus seven indicators written in pandas, on a labelled subset of the rows,
  against the library running the same seven indicators on the same subset;
- quality within a 1% alert budget: the library against the naive single-rule baseline (baseline_rules.py).
Each measured step runs in its own process so that peak memory belongs to that step alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PANDAS_INDICATORS = ("G-04", "G-06", "ST-05", "ST-13", "ST-15", "ST-21", "NW-06")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__)), *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"child {args[0]} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --- child steps -----------------------------------------------------------------------------------------
def child_monitor(ws: str, out: str, only: str | None) -> dict[str, Any]:
    from chainbreaker.monitoring import load_catalogue, run_monitoring
    from chainbreaker.monitoring.catalogue import Catalogue

    cat = load_catalogue()
    if only:
        keep = set(only.split(","))
        cat = Catalogue(tuple(i for i in cat.indicators if i.id in keep))
    started = time.perf_counter()
    report = run_monitoring(ws, out, catalogue=cat)
    wall = time.perf_counter() - started
    slow = sorted(report.step_seconds.items(), key=lambda kv: -kv[1])[:6]
    return {
        "wall": wall,
        "rows": report.transactions,
        "peak_mb": _peak_mb(),
        "alerts": report.alerts,
        "alerted": report.alerted_parties,
        "failed": len(report.failed),
        "indicators": len(report.runs),
        "features": report.feature_seconds,
        "slowest": slow,
    }


def child_floor(ws: str) -> dict[str, Any]:
    from chainbreaker.core.workspace import Workspace

    con = Workspace(Path(ws)).connect(read_only=True)
    started = time.perf_counter()
    con.execute("SELECT account_id, count(*), sum(amount) FROM transactions GROUP BY account_id").fetchall()
    return {"wall": time.perf_counter() - started, "peak_mb": _peak_mb()}


def child_pandas(ws: str, rows: int) -> dict[str, Any]:
    """Features and seven indicators in plain pandas, as a data scientist might first write them."""
    import numpy as np
    import pandas as pd

    from chainbreaker.core.workspace import Workspace

    con = Workspace(Path(ws)).connect(read_only=True)
    tx = con.execute("SELECT * FROM transactions ORDER BY booked_at LIMIT ?", [rows]).df()
    accounts = con.execute("SELECT account_id, party_id FROM accounts").df()
    parties = con.execute("SELECT party_id, name FROM parties").df()
    con.close()
    started = time.perf_counter()
    tx = tx.merge(accounts, on="account_id", how="left")
    cp = accounts.rename(columns={"account_id": "counterparty_account", "party_id": "cp_party_id"})
    tx = tx.merge(cp, on="counterparty_account", how="left")
    tx["amount"] = tx["amount"].astype(float)
    tx["month"] = tx["booked_at"].dt.to_period("M")
    hour = tx["booked_at"].dt.hour
    tx["night"] = (hour >= 22) | (hour < 6)
    cash = tx["channel"].isin(["cash", "atm"])
    inn = tx["direction"] == "in"
    out = tx["direction"] == "out"
    hits: dict[str, int] = {}
    # G-04: 8+ cash deposits per 90 days and no ACH
    per_acct = tx.groupby("account_id").agg(
        cash_in=("amount", lambda s: int((cash[s.index] & inn[s.index]).sum())),
        ach=("channel", lambda s: int((s == "ach").sum())),
        months=("month", "nunique"),
    )
    hits["G-04"] = int(((per_acct.cash_in * 3 / per_acct.months >= 8) & (per_acct.ach == 0)).sum())
    # G-06: 3+ cash deposits in [7000, 10000) within 168 h, none above
    near = tx[cash & inn & (tx.amount >= 7000) & (tx.amount < 10000)][["party_id", "booked_at"]].sort_values(
        ["party_id", "booked_at"]
    )
    near["n"] = near.groupby("party_id").rolling("168h", on="booked_at")["booked_at"].count().to_numpy()
    hits["G-06"] = int(near[near.n >= 3].party_id.nunique())
    # ST-05: 4+ lodging charges in a month
    mcc = tx["mcc"].fillna("")
    lodging = out & ((mcc == "7011") | mcc.between("3501", "3790"))
    ls = tx[lodging].groupby(["party_id", "month"]).size()
    hits["ST-05"] = int(ls[ls >= 4].index.get_level_values(0).nunique())
    # ST-13: 6+ night cash/ATM and >= 40% of cash/ATM in a month
    g = tx[cash].groupby(["account_id", "month"])["night"].agg(["sum", "count"])
    hits["ST-13"] = int(((g["sum"] >= 6) & (g["sum"] >= 0.4 * g["count"])).sum())
    # ST-15: 5+ distinct late-night P2P payers in a month
    p2p = tx[inn & (tx.channel == "p2p") & tx.night]
    payer = p2p["counterparty_account"].fillna(p2p["counterparty_name"])
    pp = p2p.assign(payer=payer).groupby(["account_id", "month"])["payer"].nunique()
    hits["ST-15"] = int((pp >= 5).sum())
    # ST-21 and NW-06: monthly pushes to one destination vs inflow
    push = tx[
        out & tx.channel.isin(["p2p", "internal", "wire", "check", "other"]) & (tx.party_id != tx.cp_party_id)
    ]
    dst = push["cp_party_id"].fillna(push["counterparty_account"]).fillna(push["counterparty_name"])
    flows = (
        push.assign(dst=dst)
        .groupby(["party_id", "month", "dst"])["amount"]
        .agg(["sum", "count"])
        .reset_index()
    )
    inflow = tx[inn].groupby(["party_id", "month"])["amount"].sum().rename("inflow").reset_index()
    flows = flows.merge(inflow, on=["party_id", "month"])
    flows = flows[(flows["count"] >= 2) & (flows.inflow >= 500)]
    flows["share"] = flows["sum"] / flows.inflow
    surname = parties.set_index("party_id")["name"].str.split().str[-1]
    flows = flows[flows.party_id.map(surname).to_numpy() != flows.dst.map(surname).to_numpy()]
    hits["ST-21"] = int(flows[flows.share >= 0.55].party_id.nunique())
    feeders = flows[flows.share >= 0.5].groupby("dst")["party_id"].nunique()
    hits["NW-06"] = int((feeders[feeders.index.isin(accounts.party_id)] >= 2).sum())
    return {
        "wall": time.perf_counter() - started,
        "rows": len(tx),
        "peak_mb": _peak_mb(),
        "hits": hits,
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def child_subset(ws: str, target: str, rows: int) -> dict[str, Any]:
    """A workspace holding the first `rows` transactions (by time) of another, for the pandas comparison."""
    from chainbreaker.core.workspace import Workspace

    dst = Workspace(Path(target))
    con = dst.connect()
    source = str(Workspace(Path(ws)).duckdb_path).replace(
        "'", "''"
    )  # our own path; ATTACH takes no parameter
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    for table in ("parties", "accounts", "account_holders"):
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM src.{table}")
    con.execute(
        "CREATE OR REPLACE TABLE transactions AS SELECT * FROM src.transactions ORDER BY booked_at LIMIT ?",
        [rows],
    )
    con.close()
    return {"ok": True}


# --- orchestration ---------------------------------------------------------------------------------------
def ensure_bank(work: Path, transactions: int, seed: int) -> tuple[Path, Path, dict[str, Any]]:
    from chainbreaker.core.workspace import Workspace
    from chainbreaker.ingest import load_folder
    from chainbreaker.synth import SynthConfig, generate_bank

    bank, ws = work / "bank", work / "ws"
    info: dict[str, Any] = {}
    if not (bank / "labels.csv").exists():
        started = time.perf_counter()
        generate_bank(bank, SynthConfig(transactions=transactions, seed=seed))
        info["synth_s"] = time.perf_counter() - started
    if not Workspace(ws).exists():
        started = time.perf_counter()
        load_folder(bank, Workspace(ws))
        info["load_s"] = time.perf_counter() - started
    return bank, ws, info


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--transactions", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=101)
    parser.add_argument("--work", type=Path, default=None, help="folder for the bank and workspace (reused)")
    parser.add_argument(
        "--pandas-rows", type=int, default=1_000_000, help="subset size for the pandas comparison"
    )
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument(
        "--memory-limit", default=None, help="DuckDB memory_limit for the library run (e.g. 1GB)"
    )
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    if args.memory_limit:
        # Children inherit the environment; Workspace.connect() reads it through the settings.
        os.environ["CHAINBREAKER_DUCKDB_MEMORY_LIMIT"] = args.memory_limit
    work = args.work or Path("/tmp") / f"chainbreaker-bench-monitor-{args.transactions}-{args.seed}"
    work.mkdir(parents=True, exist_ok=True)
    bank, ws, info = ensure_bank(work, args.transactions, args.seed)

    lib = _child(["--child-monitor", str(ws), str(work / "out")])
    floor = _child(["--child-floor", str(ws)])
    print(
        f"library: {lib['rows']:,} transactions, {lib['indicators']} indicators, {lib['wall']:.1f} s wall "
        f"({lib['rows'] / lib['wall']:,.0f} rows/s), features {lib['features']:.1f} s, peak {lib['peak_mb']:,.0f} MB, "
        f"{lib['alerts']:,} alerts on {lib['alerted']:,} parties, {lib['failed']} failed"
    )
    print(f"  slowest steps: {', '.join(f'{k} {v:.1f}s' for k, v in lib['slowest'])}")
    print(
        f"floor (one scan-and-group-by of transactions): {floor['wall']:.2f} s -> library = "
        f"{lib['wall'] / floor['wall']:.0f}x the floor"
    )

    if not args.skip_pandas:
        sub = work / f"ws_subset_{args.pandas_rows}"
        if not (sub / "workspace.duckdb").exists():
            _child(["--child-subset", str(ws), str(sub), str(args.pandas_rows)])
        same = _child(["--child-monitor", str(sub), str(work / "out_subset"), ",".join(PANDAS_INDICATORS)])
        pdx = _child(["--child-pandas", str(ws), str(args.pandas_rows)])
        print(
            f"pandas vs library on the same SUBSET of {pdx['rows']:,} rows and the same {len(PANDAS_INDICATORS)} "
            f"indicators ({', '.join(PANDAS_INDICATORS)}): pandas {pdx['wall']:.1f} s / peak {pdx['peak_mb']:,.0f} MB; "
            f"library {same['wall']:.1f} s / peak {same['peak_mb']:,.0f} MB -> pandas = "
            f"{pdx['wall'] / same['wall']:.1f}x the library"
        )

    if args.skip_quality:
        return
    sys.path.insert(0, str(HERE))
    from baseline_rules import evaluate_baseline
    from chainbreaker.core.workspace import Workspace
    from chainbreaker.monitoring import evaluate

    mine = evaluate(bank / "labels.csv", work / "out" / "party_risk.parquet", 0.01)
    base, _ = evaluate_baseline(Workspace(ws), bank / "labels.csv", 0.01)
    print("quality within a 1% budget (library | naive baseline):")
    for label, a, b in (
        ("subject recall", mine.subject_recall, base.subject_recall),
        ("subject average precision", mine.subject_average_precision, base.subject_average_precision),
        ("subject precision", mine.subject_precision, base.subject_precision),
        ("victim recall", mine.victim_recall, base.victim_recall),
        ("precision (any role)", mine.precision, base.precision),
    ):
        print(f"  {label:28} {a:.3f} | {b:.3f}")
    if info:
        print("bank preparation (not part of the benchmark):", {k: round(v, 1) for k, v in info.items()})


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("--child-"):
        kind, rest = sys.argv[1], sys.argv[2:]
        if kind == "--child-monitor":
            res = child_monitor(rest[0], rest[1], rest[2] if len(rest) > 2 else None)
        elif kind == "--child-floor":
            res = child_floor(rest[0])
        elif kind == "--child-pandas":
            res = child_pandas(rest[0], int(rest[1]))
        else:
            res = child_subset(rest[0], rest[1], int(rest[2]))
        print(json.dumps(res, default=str))
    else:
        main()
