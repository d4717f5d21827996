"""NGO-bank sharing: quality against a naive exact-hash baseline, blinding speed, and the 1M x 100k run.

    nice .venv/bin/python benchmarks/bench_sharing.py quality --parties 20000 --records 4000
    nice .venv/bin/python benchmarks/bench_sharing.py speed --n 20000 --workers 2
    .venv/bin/python benchmarks/bench_sharing.py scale --parties 100000 --records 10000 --workers 2 --repeat 3
    .venv/bin/python benchmarks/bench_sharing.py scale --parties 1000000 --records 100000 --workers 2
    .venv/bin/python benchmarks/bench_sharing.py clearjoin --parties 1000000 --records 100000 --workers 2

Quality: the synthetic world of `chainbreaker.sharing.synthetic` (national phone formats, e-mail case, spaces
and provider tags, typos and reordered names, IBAN spacing, missing fields), truth = (record, party) pairs.
The baseline is what a practitioner writes first: SHA-256 of lightly cleaned fields (phone digits, lower-case
trimmed e-mail, upper-case account without spaces, lower-case name + the date as written), compared exactly.
Figures: wall seconds and CPU seconds (this process and its workers).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import re
import resource
import tempfile
import time
from pathlib import Path

from chainbreaker.sharing import blinding
from chainbreaker.sharing.limits import SharingPolicy
from chainbreaker.sharing.simulate import simulate
from chainbreaker.sharing.synthetic import make_world


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def truth_of(path: Path) -> set[tuple[str, str]]:
    with path.open() as handle:
        return {(r["record_id"], r["party_id"]) for r in csv.DictReader(handle)}


def scores(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    tp = len(found & truth)
    return {
        "recall": round(tp / len(truth), 4) if truth else 0.0,
        "precision": round(tp / len(found), 4) if found else 1.0,
        "found": len(found),
        "true": len(truth),
    }


def baseline(world_dir: Path, workspace_root: Path) -> set[tuple[str, str]]:
    """Naive exact hashes of lightly cleaned fields (no E.164, no provider rules, no name tokens)."""
    import duckdb

    def h(kind: str, value: str) -> str:
        return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()

    def keys(phone: str, mail: str, account: str, name: str, dob: str) -> list[str]:
        out = []
        if phone:
            out.append(h("phone", re.sub(r"\D", "", phone)))
        if mail:
            out.append(h("email", mail.strip().lower()))
        if account:
            out.append(h("account", re.sub(r"\s", "", account).upper()))
        if name and dob:
            out.append(h("name", f"{name.strip().lower()}|{dob.strip()}"))
        return out

    con = duckdb.connect(str(workspace_root / "workspace.duckdb"), read_only=True)
    index: dict[str, set[str]] = {}
    rows = con.execute(
        "SELECT p.party_id, p.phone, p.email, a.account_id, p.name, CAST(p.date_of_birth AS VARCHAR) "
        "FROM parties p LEFT JOIN accounts a USING (party_id)"
    ).fetchall()
    for pid, phone, mail, account, name, dob in rows:
        for k in keys(phone or "", mail or "", account or "", name or "", dob or ""):
            index.setdefault(k, set()).add(pid)
    for pid, cp in con.execute(
        "SELECT a.party_id, t.counterparty_account FROM transactions t JOIN accounts a USING (account_id)"
    ).fetchall():
        index.setdefault(h("account", re.sub(r"\s", "", cp).upper()), set()).add(pid)
    con.close()
    found: set[tuple[str, str]] = set()
    with (world_dir / "records.csv").open() as handle:
        for r in csv.DictReader(handle):
            for k in keys(r["phone"], r["email"], r["account"], r["name"], r["date_of_birth"]):
                found |= {(r["record_id"], pid) for pid in index.get(k, ())}
    return found


def run_world(parties: int, records: int, workers: int, folder: Path) -> dict[str, object]:
    t0 = time.perf_counter()
    world = make_world(folder, parties, records, seed=11)
    generated = time.perf_counter() - t0
    truth = truth_of(world.truth_csv)
    w0, c0 = time.perf_counter(), cpu()
    result = simulate(
        world.records_csv,
        world.workspace,
        folder / "matches.csv",
        folder / "transcript",
        policy=SharingPolicy(min_submission=50, min_request=50),
        workers=workers,
    )
    wall, cpu_s = time.perf_counter() - w0, cpu() - c0
    found = {(m[0], m[1]) for m in result.matches}
    b0, bc0 = time.perf_counter(), cpu()
    naive = baseline(folder, world.workspace.root)
    naive_wall, naive_cpu = time.perf_counter() - b0, cpu() - bc0
    return {
        "parties": parties,
        "records": records,
        "workers": workers,
        "generate_s": round(generated, 1),
        "ngo_identifiers": result.ngo_items,
        "bank_identifiers": result.bank_items,
        "rejected_records": result.rejected,
        "private": {
            **scores(found, truth),
            "wall_s": round(wall, 1),
            "cpu_s": round(cpu_s, 1),
            "steps_wall_s": {k: round(v, 1) for k, v in result.seconds.items()},
            "steps_cpu_s": {k: round(v, 1) for k, v in result.cpu_seconds.items()},
            "request_values": result.request_items,
        },
        "naive_exact_hash": {
            **scores(naive, truth),
            "wall_s": round(naive_wall, 1),
            "cpu_s": round(naive_cpu, 1),
        },
    }


def clear_join(parties: int, records: int, workers: int, folder: Path) -> dict[str, object]:
    """What the exchange finds, computed in clear: pairs whose canonical items are equal, by identifier kind.

    The protocol matches exactly the (record, party) pairs that share a canonical `kind:value` of a kind the
    submission announces (distinct items blind to distinct values), so this gives its recall and precision,
    and which kinds the false matches come from, in a fraction of the time. Not a substitute for `scale`.
    """
    from chainbreaker.sharing.records import bank_items, item, read_records

    world = make_world(folder, parties, records, seed=11)
    truth = truth_of(world.truth_csv)
    w0, c0 = time.perf_counter(), cpu()
    read = read_records(world.records_csv)
    kinds = {kind for r in read.records for kind, _ in r.identifiers}
    bank: dict[str, set[str]] = {}
    for b in bank_items(world.workspace, workers).items:
        if b.kind in kinds:
            bank.setdefault(item(b.kind, b.value), set()).add(b.party_id)
    found: dict[tuple[str, str], set[str]] = {}
    for r in read.records:
        for kind, value in r.identifiers:
            for pid in bank.get(item(kind, value), ()):
                found.setdefault((r.record_id, pid), set()).add(kind)
    false_by_kind: dict[str, int] = {}
    for pair, via in found.items():
        if pair not in truth:
            for kind in via:
                false_by_kind[kind] = false_by_kind.get(kind, 0) + 1
    return {
        "parties": parties,
        "records": records,
        **scores(set(found), truth),
        "false_matches_by_kind": false_by_kind,
        "wall_s": round(time.perf_counter() - w0, 1),
        "cpu_s": round(cpu() - c0, 1),
    }


def speed(n: int, workers: int) -> dict[str, object]:
    items = [f"phone:+4479{i:08d}" for i in range(n)]
    secret = blinding.new_secret()
    out: dict[str, object] = {"n": n, "workers": workers}
    payload = blinding.blind_items(blinding.new_secret(), items, workers)
    for label, call in (
        ("blind_own_identifiers", lambda: blinding.blind_items(secret, items, workers)),
        ("blind_received_values", lambda: blinding.blind_points(secret, payload, workers)),
    ):
        runs = []
        for _ in range(3):
            w0, c0 = time.perf_counter(), cpu()
            call()
            runs.append((n / (time.perf_counter() - w0), n / (cpu() - c0)))
        out[label] = {
            "per_wall_s": [round(r[0]) for r in runs],
            "per_cpu_s": [round(r[1]) for r in runs],
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["quality", "speed", "scale", "clearjoin"])
    parser.add_argument("--parties", type=int, default=20_000)
    parser.add_argument("--records", type=int, default=4_000)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1, help="runs of quality/scale, each on a fresh world")
    args = parser.parse_args()
    print(json.dumps({"machine": {"cpus": os.cpu_count(), "load": os.getloadavg()}}))
    if args.what == "speed":
        print(json.dumps(speed(args.n, args.workers)))
        return
    if args.what == "clearjoin":
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(clear_join(args.parties, args.records, args.workers, Path(tmp))))
        return
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run_world(args.parties, args.records, args.workers, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
