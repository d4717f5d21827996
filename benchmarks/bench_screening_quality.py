"""Quality harness of screening (`name-v3`) on ../shared/data/name_matching, compared with nomenklatura.

Run: nice .venv/bin/python benchmarks/bench_screening_quality.py

Reports, in one run:
1. precision / recall / F1 on the 826 labelled pairs (in-sample: see bench_screening_cv.py for the hold-out) (per case group and per schema), for name-v3 at its
   default threshold and for nomenklatura's logic-v1, logic-v2 and name-based matchers at 0.7 (yente's
   default match threshold); each algorithm's best F1 over thresholds is printed too, labelled as such;
2. recall of the 683 UN persons (clean and with typos) against the UN list, loaded through the registry's
   UN adapter (or the benchmark's own reader when the registry cannot load it);
3. false-positive rate of the 50,000 synthetic negatives against the UN list and against every list the
   registry loads from ../shared/data;
4. the 22 cross-script pairs and the 81 spellings of Putin.
"""

from __future__ import annotations

import csv
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screening_data import read_csv, shared_data, un_entities_fallback
from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.screening import ALGORITHM, DEFAULT_THRESHOLD, Screener, score_pair
from chainbreaker.screening.algorithm import normalize_all
from chainbreaker.screening.entities import load_entities
from chainbreaker.screening.index import NameIndex
from chainbreaker.screening.job import run_job
from chainbreaker.screening.types import ListedEntity, Query

DATA = shared_data()
NM = DATA / "name_matching"
LISTS: list[tuple[str, str]] = [
    ("un_sc_sanctions", "un_sanctions/UN_consolidated_2026-02-27.xml"),
    ("us_ofac_sdn", "ofac_sdn"),
    ("us_ofac_cons", "ofac_non_sdn"),
    ("gb_hmt_sanctions", "uk_hmt_sanctions/sanctionsconlist_2018-04-13.csv"),
    ("eu_fsf", "eu_sanctions/eu_consolidated_2016-02-11.xml"),
    ("br_lista_suja", "br_lista_suja/cadastro_de_empregadores_2026-01-28.xlsx"),
    ("us_cbp_wro", "us_cbp_wro/cbp_wro_entity_names.csv"),
]


def prf(pairs: list[tuple[float, bool]], threshold: float) -> tuple[float, float, float, int]:
    tp = sum(1 for s, m in pairs if s >= threshold and m)
    fp = sum(1 for s, m in pairs if s >= threshold and not m)
    fn = sum(1 for s, m in pairs if s < threshold and m)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0), len(pairs)


def best_f1(pairs: list[tuple[float, bool]]) -> tuple[float, float]:
    return max((prf(pairs, t / 100)[2], t / 100) for t in range(30, 100))


def name_v1_pair(schema: str, a: str, b: str) -> float:
    q = Query("q", a, schema)
    e = ListedEntity("e", schema, b, (b,), "pairs")
    m = score_pair(q, normalize_all([a], schema), e, normalize_all([b], schema))
    return m.score if m else 0.0


def nomenklatura_scorers() -> dict[str, Callable[[str, str, str], float]]:
    from followthemoney import model
    from nomenklatura.matching import LogicV1, LogicV2, NameMatcher, ScoringConfig

    config = ScoringConfig.defaults()
    counter = iter(range(10**9))  # fresh entity ids per pair: nomenklatura caches by entity id

    def make(algorithm: type) -> Callable[[str, str, str], float]:
        def score(schema: str, a: str, b: str) -> float:
            left = model.make_entity(schema)
            left.id = f"left-{next(counter)}"
            left.add("name", a)
            right = model.make_entity(schema)
            right.id = f"right-{next(counter)}"
            right.add("name", b)
            return float(algorithm.compare(left, right, config).score)

        return score

    return {"logic-v1": make(LogicV1), "logic-v2": make(LogicV2), "name-based": make(NameMatcher)}


def labelled_pairs() -> None:
    rows = read_csv(NM / "nomenklatura_name_bench_cases.csv")
    scorers: dict[str, Callable[[str, str, str], float]] = {ALGORITHM: name_v1_pair, **nomenklatura_scorers()}
    thresholds = {ALGORITHM: DEFAULT_THRESHOLD}
    print(f"\n## 1. Labelled pairs ({len(rows)}; {sum(r['is_match'] == 'true' for r in rows)} matches)")
    print("| algorithm | threshold | precision | recall | F1 | best F1 (at threshold) | pairs/s |")
    print("|---|---|---|---|---|---|---|")
    groups: dict[str, dict[str, list[tuple[float, bool]]]] = defaultdict(lambda: defaultdict(list))
    for name, scorer in scorers.items():
        started = time.perf_counter()
        scored = [(scorer(r["schema"], r["name1"], r["name2"]), r["is_match"] == "true") for r in rows]
        rate = len(rows) / (time.perf_counter() - started)
        threshold = thresholds.get(name, 0.7)
        p, r, f, _ = prf(scored, threshold)
        bf, bt = best_f1(scored)
        print(
            f"| {name} | {threshold:.2f} | {p:.3f} | {r:.3f} | **{f:.3f}** | {bf:.3f} ({bt:.2f}) | {rate:,.0f} |"
        )
        for row, pair in zip(rows, scored, strict=True):
            groups[name][f"group:{row['case_group']}"].append(pair)
            groups[name][f"schema:{row['schema']}"].append(pair)
    print("\nF1 per category (name-v3 at its default threshold vs logic-v2 at 0.7):")
    print("| category | pairs | name-v3 P / R / F1 | logic-v2 P / R / F1 |")
    print("|---|---|---|---|")
    for category in sorted(groups[ALGORITHM]):
        ours = prf(groups[ALGORITHM][category], DEFAULT_THRESHOLD)
        theirs = prf(groups["logic-v2"][category], 0.7)
        print(
            f"| {category} | {ours[3]} | {ours[0]:.2f} / {ours[1]:.2f} / {ours[2]:.2f} "
            f"| {theirs[0]:.2f} / {theirs[1]:.2f} / {theirs[2]:.2f} |"
        )


def load_registry(sources: list[tuple[str, str]]) -> tuple[Workspace, list[str]]:
    """Load lists through the registry's adapters; returns the workspace and the datasets loaded."""
    from chainbreaker.registry import load_source

    workspace = Workspace(Path(tempfile.mkdtemp(prefix="cb-bench-")) / "ws")
    loaded = []
    for source, rel in sources:
        try:
            load_source(workspace, source, DATA / rel)
            loaded.append(source)
        except Exception as exc:  # a list the registry cannot load yet is reported, not hidden
            print(f"  (registry could not load {source}: {type(exc).__name__}: {str(exc)[:100]})")
    return workspace, loaded


def entities_of(workspace: Workspace, datasets: list[str] | None = None) -> list[ListedEntity]:
    con = workspace.connect(read_only=True)
    try:
        return load_entities(con, datasets=datasets)
    finally:
        con.close()


def person_queries(file: str) -> list[Query]:
    return [
        Query(
            f"{file}:{i}",
            r["full_name"],
            "Person",
            r["date_of_birth"] or None,
            (r["nationality"],) if r["nationality"] else (),
        )
        for i, r in enumerate(read_csv(NM / file))
    ]


def batch(index: NameIndex, queries: list[Query], threshold: float) -> set[str]:
    """Query ids with at least one hit, through the DuckDB engine job."""
    engine = DuckDBEngine()
    try:
        result = run_job(engine, index, queries, threshold)
    finally:
        engine.close()
    return {m.query_id for m in result.matches}


def un_recall_and_fpr(workspace: Workspace, loaded: list[str]) -> None:
    if "un_sc_sanctions" in loaded:
        un = entities_of(workspace, ["un_sc_sanctions"])
        how = "registry UN adapter"
    else:
        un = un_entities_fallback(DATA / "un_sanctions/UN_consolidated_2026-02-27.xml")
        how = "benchmark's own UN reader"
    index = NameIndex.build(un)
    print(f"\n## 2. UN persons against the UN list ({len(un)} entities, {len(index.names)} names; {how})")
    print("| query set | queries | recall at default threshold | floor |")
    print("|---|---|---|---|")
    for file, floor in (("yente_positives_un_untreated.csv", 0.98), ("yente_positives_un_treated.csv", 0.95)):
        queries = person_queries(file)
        hit = batch(index, queries, DEFAULT_THRESHOLD)
        print(f"| {file} | {len(queries)} | **{len(hit) / len(queries):.4f}** | {floor} |")
    negatives = person_queries("yente_negatives_global.csv")
    everything = entities_of(workspace)
    print(f"\n## 3. False positives of the {len(negatives):,} synthetic negatives")
    print("| against | entities | queries with a hit | rate | limit |")
    print("|---|---|---|---|---|")
    for label, index_ in (
        ("UN list", index),
        (f"all loaded lists ({', '.join(loaded)})", NameIndex.build(everything)),
    ):
        started = time.perf_counter()
        hit = batch(index_, negatives, DEFAULT_THRESHOLD)
        seconds = time.perf_counter() - started
        print(
            f"| {label} | {len(index_.entities):,} | {len(hit)} | **{len(hit) / len(negatives):.4%}** | 0.5% |"
            f" ({seconds:.1f}s)"
        )
    us = person_queries("yente_positives_us_congress_untreated.csv")
    hit = batch(NameIndex.build(everything), us, DEFAULT_THRESHOLD)
    print(
        f"| US Congress members (PEPs, not on these lists) vs all lists | | {len(hit)} | {len(hit) / len(us):.2%} | |"
    )


def cross_script_and_putin() -> None:
    print("\n## 4. Cross-script pairs (watchman) and the 81 spellings of Putin")
    print("| query | expected | name-v3 score | watchman min | passes min | ≥ default threshold |")
    print("|---|---|---|---|---|---|")
    lines = (NM / "watchman_cross_script_pairs.csv").read_text(encoding="utf-8").splitlines()
    rows = list(csv.reader(line for line in lines if line.strip() and not line.startswith("#")))
    passed = above = 0
    for q, e, m, *_ in rows:
        score = name_v1_pair("Person", q, e)
        ok = score >= float(m)
        passed += ok
        above += score >= DEFAULT_THRESHOLD
        print(
            f"| {q} | {e} | {score:.2f} | {m} | {'yes' if ok else 'no'} | {'yes' if score >= DEFAULT_THRESHOLD else 'no'} |"
        )
    print(
        f"\ncross-script: {passed}/{len(rows)} reach watchman's minimum, {above}/{len(rows)} reach our threshold"
    )
    spellings = [
        line.strip() for line in (NM / "rigour_putin_names.txt").read_text(encoding="utf-8").splitlines()
    ]
    spellings = [s for s in spellings if s]
    screener = Screener(
        [
            ListedEntity(
                "putin",
                "Person",
                "Vladimir Vladimirovich PUTIN",
                ("Vladimir Vladimirovich PUTIN", "Владимир Владимирович Путин"),
                "test",
            )
        ],
        threshold=DEFAULT_THRESHOLD,
    )
    found = []
    for spelling in spellings:
        try:
            if screener.screen_one(spelling, schema="Person"):
                found.append(spelling)
        except InputError as exc:  # a spelling with nothing to compare is reported, not hidden
            print(f"  refused {spelling!r}: {exc}")
    print(f"Putin spellings found (blocking + scoring, default threshold): {len(found)}/{len(spellings)}")
    missed = [s for s in spellings if s not in found]
    print("missed: " + "; ".join(missed))


def main() -> None:
    started = time.perf_counter()
    print(f"# Screening quality ({ALGORITHM})")
    labelled_pairs()
    workspace, loaded = load_registry(LISTS)
    un_recall_and_fpr(workspace, loaded)
    cross_script_and_putin()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\ntotal {time.perf_counter() - started:.0f}s, peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
