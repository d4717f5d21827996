"""Benchmark of `chainbreaker synth`: rows/s and peak memory, against a naive row-by-row generator.

    .venv/bin/python benchmarks/bench_synth.py                      # 10 million transactions, CSV
    .venv/bin/python benchmarks/bench_synth.py --transactions 1000000 --format parquet

Each measured run happens in a child process so that its peak RSS is its own. The naive baseline is what
one would write first: a Python loop drawing each transaction with `random` and writing it with
`csv.writer`. It is run on a subset (`--baseline-rows`) and extrapolated linearly to the full size; the
report says so. The baseline writes only the transactions file and no schemes, so it flatters the baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def run_synth(out: Path, transactions: int, fmt: str, seed: int) -> dict[str, float]:
    from chainbreaker.synth import SynthConfig, generate_bank

    started = time.perf_counter()
    report = generate_bank(out, SynthConfig(transactions=transactions, seed=seed, format=fmt))  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in out.iterdir())
    return {
        "rows": report.transactions,
        "seconds": seconds,
        "rows_per_s": report.transactions / seconds,
        "peak_rss_mb": _peak_rss_mb(),
        "bytes": size,
        "parties": report.rows["parties"],
        "rings": sum(report.rings.values()),
    }


def run_naive(out: Path, rows: int, seed: int) -> dict[str, float]:
    """Row-by-row generation with the standard library: the obvious first implementation."""
    rnd = random.Random(seed)
    start = datetime(2024, 1, 1)
    mccs = ["5411", "5812", "5814", "5541", "5912", "4121", "5311", "5499"]
    channels = ["card", "card", "card", "atm", "p2p", "ach", "cash", "internal"]
    started = time.perf_counter()
    with (out / "transactions.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["txn_id", "account_id", "booked_at", "amount", "currency", "direction", "channel",
                         "counterparty_account", "counterparty_name", "counterparty_country", "merchant_name",
                         "mcc", "city", "country", "description", "device_id"])  # fmt: skip
        for i in range(rows):
            channel = rnd.choice(channels)
            card = channel == "card"
            when = start + timedelta(seconds=rnd.randrange(180 * 86400))
            writer.writerow([
                f"T{i + 1:011d}", f"A{rnd.randrange(1, 80_000):09d}", when.strftime("%Y-%m-%dT%H:%M:%S"),
                f"{rnd.lognormvariate(3.5, 0.9):.2f}", "USD", rnd.choice(("in", "out")), channel,
                "" if card else f"A{rnd.randrange(1, 80_000):09d}", "" if card else "JOHN DOE", "",
                "MERCHANT" if card else "", rnd.choice(mccs) if card else "", "Houston", "US", "",
                f"dev-{rnd.getrandbits(48):012x}" if channel == "p2p" else "",
            ])  # fmt: skip
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "peak_rss_mb": _peak_rss_mb()}


def _child(kind: str, args: argparse.Namespace, out: Path) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", kind, "--out", str(out), "--transactions", str(args.transactions),
           "--format", args.format, "--seed", str(args.seed), "--baseline-rows", str(args.baseline_rows)]  # fmt: skip
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--transactions", type=int, default=10_000_000)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--baseline-rows", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=None, help="keep the bank here (default: a temp folder)")
    parser.add_argument("--child", choices=("synth", "naive"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.out.mkdir(parents=True, exist_ok=True)
        if args.child == "synth":
            result = run_synth(args.out, args.transactions, args.format, args.seed)
        else:
            result = run_naive(args.out, args.baseline_rows, args.seed)
        print(json.dumps(result))
        return
    work = Path(tempfile.mkdtemp(prefix="bench_synth_"))
    try:
        synth = _child("synth", args, args.out or work / "bank")
        naive = _child("naive", args, work / "naive")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    naive_full_s = args.transactions / naive["rows_per_s"]
    print(f"chainbreaker synth  --transactions {args.transactions:,} --format {args.format}")
    print(f"  rows written        {int(synth['rows']):,} ({int(synth['parties']):,} parties, "
          f"{int(synth['rings'])} rings, {synth['bytes'] / 1e6:,.0f} MB)")  # fmt: skip
    print(f"  wall                {synth['seconds']:.1f} s")
    print(f"  throughput          {synth['rows_per_s']:,.0f} rows/s")
    print(f"  peak RSS            {synth['peak_rss_mb']:,.0f} MB")
    print(f"naive row-by-row csv.writer baseline ({args.baseline_rows:,} rows measured, extrapolated)")
    print(f"  throughput          {naive['rows_per_s']:,.0f} rows/s (transactions file only, no schemes)")
    print(f"  extrapolated wall   {naive_full_s:.1f} s for {args.transactions:,} rows")
    print(f"  peak RSS            {naive['peak_rss_mb']:,.0f} MB")
    print(f"speed-up              {synth['rows_per_s'] / naive['rows_per_s']:.1f}x")


if __name__ == "__main__":
    main()
