"""Portfolio assessment at scale: 100,000 holdings, screening included, against a country-only baseline.

Builds (untimed) a workspace with real lists from ../shared (OFAC SDN, UN, Lista Suja 2026) and the real
risk tables (GSI 2023 CSV + Walk Free's GSI 2018 workbook, ILAB 2022), writes a synthetic book of N holdings with a fixed seed in which
KNOWN_BAD issuers are real listed companies written as a data vendor might (case, accents, legal form,
one typo), then times `chainbreaker portfolio assess` end to end, each run in a fresh process as a user
runs it (start-up, read, build the screening index, screen every distinct issuer in one batch, score,
write every output). In the same run, on the same holdings and tables, it times the naive baseline a
practitioner would write first (each holding scored by its countries' GSI figures only) and reports where
the known-bad issuers rank under each, and checks the issue's quality target on the real output: every
holding with a listing ranks above every holding without one in its country and sector group.

    nice .venv/bin/python benchmarks/bench_portfolio.py --holdings 100000 --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_screening_data import shared_data  # noqa: E402
from chainbreaker.core.workspace import Workspace  # noqa: E402
from chainbreaker.portfolio import RiskTables, load_screener, read_holdings  # noqa: E402
from chainbreaker.registry import load_source  # noqa: E402

WORDS = (
    "Golden",
    "Pacific",
    "Northern",
    "Sunrise",
    "Harbour",
    "Summit",
    "Evergreen",
    "Silver",
    "Royal",
    "Delta",
    "Atlas",
    "Orient",
    "Crescent",
    "Pioneer",
    "Union",
    "Liberty",
    "Phoenix",
    "Coral",
    "Emerald",
    "Falcon",
)
TRADES = (
    "Textiles",
    "Foods",
    "Mining",
    "Logistics",
    "Electronics",
    "Fisheries",
    "Hotels",
    "Construction",
    "Agro",
    "Solar",
    "Apparel",
    "Cocoa",
    "Palm Products",
    "Trading",
    "Software",
    "Chemicals",
    "Holdings",
    "Metals",
)
FORMS = ("Ltd", "Limited", "Co Ltd", "SA", "GmbH", "Inc", "PLC", "Ltda", "Tbk", "Sdn Bhd", "LLC", "JSC")
SECTORS = (
    "NAICS 315",
    "NAICS 313",
    "ISIC 1073",
    "ISIC 1040",
    "NAICS 2122",
    "NAICS 1141",
    "ISIC 5510",
    "NAICS 2362",
    "NAICS 3344",
    "NAICS 334413",
    "NAICS 5112",
    "NAICS 5221",
    "ISIC 6419",
    "NAICS 3254",
    "NAICS 4451",
)
KNOWN_BAD = 200


def cpu_seconds() -> float:
    """CPU of this process and of its finished children (the forked screening workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def build_workspace(ws: Workspace) -> None:
    data = shared_data()
    for source, path in (
        ("us_ofac_sdn", data / "ofac_sdn"),
        ("un_sc_sanctions", data / "un_sanctions/UN_consolidated_2026-02-27.xml"),
        ("br_lista_suja", data / "br_lista_suja/cadastro_de_empregadores_2026-01-28.csv"),
        ("us_dol_ilab", data / "us_dol_ilab/ilab_goods_by_country_2022.csv"),
    ):
        load_source(ws, source, path)
    folder = ws.root.parent / "gsi"
    folder.mkdir(exist_ok=True)
    for name in (
        "Global_Slavery_Index_2023.csv",
        "FINAL-GSI-2018-DATA-G20-AND-FISHING.xlsx",  # Walk Free's own workbook, as a user would load it
    ):
        (folder / name).write_bytes((data / "walkfree_gsi" / name).read_bytes())
    load_source(ws, "walkfree_gsi", folder)


def variant(rng: random.Random, name: str) -> str:
    """How a vendor file might spell a listed company: case, accents dropped, a dotted form, one typo."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.title() if rng.random() < 0.5 else text.upper()
    text = text.replace("Ltda", "Ltda.").replace("LTDA", "LTDA.").replace("Limited", "Ltd")
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) > 12 and rng.random() < 0.5:
        i = rng.choice(letters[3:-3])
        text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def write_holdings(path: Path, n: int, ws: Workspace, tables: RiskTables, seed: int) -> set[str]:
    rng = random.Random(seed)  # a fixed seed: the same book every run
    screener = load_screener(ws)
    assert screener is not None
    companies = [
        e for e in screener.index.entities if e.schema in ("Company", "Organization") and len(e.caption) > 8
    ]
    rng.shuffle(companies)
    bad = companies[:KNOWN_BAD]
    countries = sorted(tables.countries)
    goods = sorted({f.good for f in tables.goods.values()})
    known: set[str] = set()
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                "holding_id",
                "issuer_name",
                "lei",
                "isin",
                "domicile",
                "countries",
                "sector",
                "goods",
                "exposure",
                "currency",
                "parent_id",
            ]
        )
        for i in range(n):
            hid = f"H{i:06d}"
            dom = rng.choice(countries)
            ops = ";".join(rng.sample(countries, rng.randint(0, 3)))
            sector = rng.choice(SECTORS)
            good = ";".join(rng.sample(goods, rng.randint(0, 2))) if rng.random() < 0.4 else ""
            parent = f"H{rng.randrange(0, i):06d}" if i > 10 and rng.random() < 0.2 else ""
            if i % (n // KNOWN_BAD) == 7 and len(known) < KNOWN_BAD:
                entity = bad[len(known)]
                name = variant(rng, entity.caption)
                dom = entity.countries[0] if entity.countries else dom
                known.add(hid)
            else:
                name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(TRADES)} {rng.randrange(1000)} {rng.choice(FORMS)}"
            exposure = f"{rng.lognormvariate(14, 1.5):.0f}"
            writer.writerow([hid, name, "", "", dom, ops, sector, good, exposure, "USD", parent])
    return known


def baseline(path: Path, tables: RiskTables) -> dict[str, float]:
    """Country-only scoring: the worst of the holding's countries by GSI prevalence and vulnerability."""
    read = read_holdings(path)
    out = {}
    for h in read.holdings:
        best = 0.0
        for c in h.all_countries:
            f = tables.countries.get(c)
            if f is None:
                continue
            parts = [
                min(1.0, f.prevalence / 20) if f.prevalence is not None else None,
                f.vulnerability / 100 if f.vulnerability is not None else None,
            ]
            vals = [p for p in parts if p is not None]
            best = max(best, sum(vals) / len(vals) if vals else 0.0)
        out[h.holding_id] = best
    return out


def ranks(scores: dict[str, float]) -> dict[str, int]:
    ordered = sorted(scores, key=lambda k: (-scores[k], k))
    return {k: i + 1 for i, k in enumerate(ordered)}


def assess_in_fresh_process(holdings: Path, ws: Workspace, out: Path) -> tuple[float, float]:
    """`chainbreaker portfolio assess` as a user runs it; wall and CPU seconds of the child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    w0 = time.perf_counter()
    cmd = [
        sys.executable,
        "-m",
        "chainbreaker.cli.main",
        "portfolio",
        "assess",
        str(holdings),
        "-w",
        str(ws.root),
    ]
    subprocess.run([*cmd, "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - w0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def peers_outranked(
    rows: list[dict[str, object]], listed: set[str], scores: dict[str, float]
) -> tuple[int, int]:
    """Of the listed holdings, how many score above every unlisted holding of their country and sector
    group (the issue's quality target), under `scores`."""
    worst_unlisted: dict[tuple[object, object], float] = defaultdict(lambda: -1.0)
    for r in rows:
        hid = str(r["holding_id"])
        if hid not in listed:
            key = (r["country"], r["sector_group"])
            worst_unlisted[key] = max(worst_unlisted[key], scores[hid])
    ok = sum(
        1
        for r in rows
        if str(r["holding_id"]) in listed
        and scores[str(r["holding_id"])] > worst_unlisted[(r["country"], r["sector_group"])]
    )
    return ok, len(listed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--holdings", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-portfolio-"))
    ws = Workspace(tmp / "ws")
    t = time.perf_counter()
    build_workspace(ws)
    tables = RiskTables.from_workspace(ws)
    holdings = tmp / "holdings.csv"
    known = write_holdings(holdings, args.holdings, ws, tables, args.seed)
    print(
        f"setup (untimed): lists and tables loaded, {args.holdings} holdings written in {time.perf_counter() - t:.1f}s"
    )
    walls, cpus = [], []
    for run in range(args.repeat):
        out = tmp / f"out{run}"  # a fresh folder each run: no previous run to compare with
        wall, cpu = assess_in_fresh_process(holdings, ws, out)
        walls.append(wall)
        cpus.append(cpu)
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        stages = ", ".join(f"{k} {v:.1f}" for k, v in summary["seconds"].items())
        print(f"run {run + 1}: wall {wall:.1f}s cpu {cpu:.1f}s (stages, wall s: {stages})")
    rows = pq.read_table(tmp / "out0" / "holdings_risk.parquet").to_pylist()
    for run in range(1, args.repeat):
        again = pq.read_table(tmp / f"out{run}" / "holdings_risk.parquet").to_pylist()
        assert [(r["holding_id"], r["score"]) for r in again] == [(r["holding_id"], r["score"]) for r in rows]
    w0, c0 = time.perf_counter(), cpu_seconds()
    base = baseline(holdings, tables)
    base_wall, base_cpu = time.perf_counter() - w0, cpu_seconds() - c0
    ours = {str(r["holding_id"]): float(r["score"]) for r in rows}
    assert set(ours) == set(base), "both sides score the same holdings"
    listed = {str(r["holding_id"]) for r in rows if r["listed"]}
    r_ours, r_base = ranks(ours), ranks(base)
    n = len(ours)
    found = len(known & listed)

    def describe(r: dict[str, int]) -> str:
        pos = sorted(r[h] for h in known)
        top1 = sum(1 for p in pos if p <= n // 100)
        return f"median rank {statistics.median(pos):.0f}, worst {pos[-1]}, in top 1% {top1}/{len(pos)}"

    print(f"holdings {n}; distinct issuers screened {summary['screened_names']}; listed {len(listed)}")
    print(
        f"portfolio-v1 wall median {statistics.median(walls):.1f}s (min {min(walls):.1f}, max {max(walls):.1f}); "
        f"cpu median {statistics.median(cpus):.1f}s (min {min(cpus):.1f}, max {max(cpus):.1f}); "
        f"holdings/s {n / statistics.median(walls):,.0f}; same scores every run"
    )
    print(f"baseline (country only) wall {base_wall:.2f}s cpu {base_cpu:.2f}s")
    print(
        f"known-bad issuers ({len(known)}, spelling variants of OFAC/UN/Lista Suja companies): found by screening {found}"
    )
    print(f"  portfolio-v1: {describe(r_ours)}")
    print(f"  baseline:     {describe(r_base)}")
    ok, total = peers_outranked(rows, listed, ours)
    ok_base, _ = peers_outranked(rows, listed, base)
    print(
        f"listed holdings above every unlisted holding of their country and sector group: "
        f"portfolio-v1 {ok}/{total}, baseline {ok_base}/{total}"
    )
    assert ok == total, "quality target: a listed holding ranks above its unlisted peers"
    print(
        f"peak RSS of this driver {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; workspace {tmp}"
    )


if __name__ == "__main__":
    main()
