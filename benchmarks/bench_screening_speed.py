"""Speed of screening: a generated book of customers against every list in ../shared/data, loaded together.

Run: nice .venv/bin/python benchmarks/bench_screening_speed.py [--customers 1000000]

Measures, in one run:
- the batch job (DuckDB engine: normalise, block in SQL, score with name-v2) on N generated customers;
- nomenklatura's logic-v2 matcher on a sample of the same customers, scoring the same candidate entities
  our blocking proposes (i.e. it gets our candidate generation for free), extrapolated to N and labelled;
- single-name screening from Python (`Screener.screen_one`), p50 / p95 / p99 over 2,000 names.
Customers are generated with a fixed seed from the first and last names of the synthetic negatives, with
1 in 2,000 a listed name with a typo, so the book has real hits.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screening_data import read_csv, shared_data
from bench_screening_quality import LISTS, entities_of, load_registry
from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.screening import DEFAULT_THRESHOLD, Screener
from chainbreaker.screening.index import NameIndex, query_keys
from chainbreaker.screening.job import run_job
from chainbreaker.screening.types import ListedEntity, Query


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished worker processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1 :]


def generate_customers(n: int, entities: list[ListedEntity], seed: int = 7) -> list[Query]:
    """N customers: first + (middle) + last names drawn from the synthetic people, some listed names."""
    rng = random.Random(seed)
    people = read_csv(shared_data() / "name_matching" / "yente_negatives_global.csv")
    firsts = [p["first_name"] for p in people if p["first_name"]]
    lasts = [p["last_name"] for p in people if p["last_name"]]
    listed = [e.caption for e in entities if e.schema == "Person" and e.caption]
    out = []
    for i in range(n):
        if listed and i % 2000 == 0:
            name = typo(rng, rng.choice(listed))
        elif rng.random() < 0.2:
            name = f"{rng.choice(firsts)} {rng.choice(firsts)} {rng.choice(lasts)}"
        else:
            name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        year = rng.randint(1940, 2005)
        out.append(
            Query(f"C{i:07d}", name, "Person", f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        )
    return out


def nomenklatura_rate(index: NameIndex, sample: list[Query]) -> tuple[float, int]:
    """Queries per second of logic-v2 scoring the candidates our blocking gives each query."""
    from followthemoney import model
    from nomenklatura.matching import LogicV2, ScoringConfig

    config = ScoringConfig.defaults()
    pairs = 0
    started = time.perf_counter()
    for n, query in enumerate(sample):
        left = model.make_entity("Person")
        left.id = f"q{n}"
        left.add("name", query.name)
        left.add("birthDate", query.birth_date)
        seen = set()
        for name_idx in index.candidates(query_keys(query)):
            entity = index.entities[index.name_entity[name_idx]]
            if entity.entity_id in seen:
                continue
            seen.add(entity.entity_id)
            right = model.make_entity(
                entity.schema if entity.schema in ("Person", "Company") else "LegalEntity"
            )
            right.id = f"{entity.entity_id}-{n}"
            right.add("name", list(entity.names))
            if entity.schema == "Person":
                right.add("birthDate", list(entity.birth_dates))
            LogicV2.compare(left, right, config)
            pairs += 1
    return len(sample) / (time.perf_counter() - started), pairs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    print("# Screening speed")
    started = time.perf_counter()
    workspace, loaded = load_registry(LISTS)
    entities = entities_of(workspace)
    print(
        f"registry: {len(entities):,} entities from {', '.join(loaded)} loaded in {time.perf_counter() - started:.0f}s"
    )
    started = time.perf_counter()
    index = NameIndex.build(entities)
    print(
        f"index: {len(index.names):,} names, {len(index.postings):,} keys, built in {time.perf_counter() - started:.1f}s"
    )
    customers = generate_customers(args.customers, entities)
    engine = DuckDBEngine()
    cpu0 = cpu_seconds()
    started = time.perf_counter()
    try:
        result = run_job(engine, index, customers, DEFAULT_THRESHOLD)
    finally:
        engine.close()
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu0
    rate = len(customers) / seconds
    print(
        f"batch (DuckDB engine): {len(customers):,} customers in {seconds:.0f}s = {rate:,.0f} names/s; "
        f"{len(result.matches):,} hits, {len(result.rejects)} rejected; {cpu:.0f} CPU-seconds (all processes; "
        f"wall time on an idle 2-core machine would be about {cpu / 2:.0f}s); peak memory {peak_mb():.0f} MB; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    sample = customers[1 : 1 + 300]
    nk_rate, pairs = nomenklatura_rate(index, sample)
    print(
        f"nomenklatura logic-v2 on a {len(sample)}-customer sample ({pairs} candidate pairs from our blocking): "
        f"{nk_rate:,.1f} names/s -> {len(customers):,} customers would take ~{len(customers) / nk_rate / 3600:.1f} h "
        f"(extrapolated); name-v2 batch is {rate / nk_rate:,.0f}x faster"
    )
    screener = Screener(entities)
    rng = random.Random(11)
    probes = rng.sample(customers, 2000)
    latencies = []
    for query in probes:
        t0 = time.perf_counter()
        screener.screen_one(query.name, schema="Person", birth_date=query.birth_date)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    print(
        f"screen_one over {len(probes)} names: p50 {statistics.median(latencies):.2f} ms, "
        f"p95 {latencies[int(0.95 * len(latencies))]:.2f} ms, p99 {latencies[int(0.99 * len(latencies))]:.2f} ms"
    )
    print(f"peak memory {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
