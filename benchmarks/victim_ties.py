"""Census of the ties a bank's data holds between each labelled victim and the other members of its ring.

    nice .venv/bin/python benchmarks/victim_ties.py --work /tmp/w12-tune --json run.json --style sparse_kyc

`run.json` is a `bench_detection.py --json` result (it names the victims each cell's list found). For every
victim of the chosen style the census lists, from the bank's files as loaded (parties, accounts, holders,
transactions), which ties to another member of its ring exist: shared address, phone, e-mail, id number or
device, an employer that names a ring business, money between their accounts, a common outside counterparty,
cash deposited on the same day in the same city, accounts opened at one branch within 30 days. It is a
diagnostic on tuning data only (labels are read), never part of the library.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import duckdb


def _norm(value: Any) -> str:
    return " ".join(str(value).lower().replace(",", " ").split()) if value else ""


def census(bank: Path, victims: set[str], found: set[str]) -> list[dict[str, Any]]:
    labels = {r["party_id"]: r for r in csv.DictReader((bank / "labels.csv").open())}
    rings: dict[str, set[str]] = defaultdict(set)
    for pid, r in labels.items():
        rings[r["ring_id"]].add(pid)
    con = duckdb.connect()
    parties = {
        str(r[0]): r
        for r in con.execute(
            f"SELECT party_id, party_type, name, address, phone, email, employer, id_number, city "
            f"FROM '{bank / 'parties.parquet'}'"
        ).fetchall()
    }
    accounts: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for a, p, opened, branch in con.execute(
        f"SELECT account_id, party_id, CAST(opened_at AS VARCHAR), branch FROM '{bank / 'accounts.parquet'}'"
    ).fetchall():
        accounts[str(p)].append((str(a), str(opened)[:10], str(branch)))
    for a, p, _role in con.execute(f"SELECT * FROM '{bank / 'account_holders.parquet'}'").fetchall():
        if str(a) not in {x[0] for x in accounts[str(p)]}:
            accounts[str(p)].append((str(a), "", ""))
    ring_parties = {p for p in labels}
    acct_owner = {a: p for p in ring_parties for a, _, _ in accounts.get(p, [])}
    con.execute("CREATE TEMP TABLE ra (account_id VARCHAR, party_id VARCHAR)")
    con.executemany("INSERT INTO ra VALUES (?, ?)", list(acct_owner.items()))
    tx = con.execute(
        f"""SELECT ra.party_id, t.direction, t.channel, t.counterparty_account, t.counterparty_name,
                   CAST(t.booked_at AS DATE) AS d, t.city, t.device_id, t.amount
            FROM '{bank / "transactions.parquet"}' t JOIN ra ON ra.account_id = t.account_id"""
    ).fetchall()
    by_party: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for row in tx:
        by_party[str(row[0])].append(row)
    out = []
    for v in sorted(victims):
        ring = labels[v]["ring_id"]
        others = rings[ring] - {v}
        pv = parties[v]
        ties: dict[str, list[str]] = defaultdict(list)
        for o in sorted(others):
            po = parties[o]
            role = labels[o]["role"]
            for i, kind in ((3, "address"), (4, "phone"), (5, "email"), (7, "id_number")):
                if pv[i] and po[i] and _norm(pv[i]) == _norm(po[i]):
                    if kind == "address" and _norm(pv[8]) != _norm(po[8]):
                        # the same street and unit in another city: a different address to the bank
                        ties["address_other_city"].append(f"{o}:{role}")
                        continue
                    ties[kind].append(f"{o}:{role}" + (":found" if o in found else ""))
            if pv[6] and po[1] == "organization" and _norm(pv[6]) in _norm(po[2]):
                ties["employer"].append(f"{o}:{role}")
            v_tx, o_tx = by_party.get(v, []), by_party.get(o, [])
            v_acc = {a for a, _, _ in accounts[v]}
            o_acc = {a for a, _, _ in accounts[o]}
            if any(t[3] in o_acc for t in v_tx) or any(t[3] in v_acc for t in o_tx):
                ties["money_between"].append(f"{o}:{role}")
            v_dev = {t[7] for t in v_tx if t[7]}
            if v_dev & {t[7] for t in o_tx if t[7]}:
                ties["device"].append(f"{o}:{role}")
            v_ext = {t[3] for t in v_tx if t[3] and t[3] not in acct_owner and t[2] not in ("card", "cash")}
            o_ext = {t[3] for t in o_tx if t[3] and t[3] not in acct_owner and t[2] not in ("card", "cash")}
            if v_ext & o_ext:
                ties["common_outside_counterparty"].append(f"{o}:{role}")
            v_cash = {(t[5], t[6]) for t in v_tx if t[2] == "cash" and t[1] == "in"}
            o_cash = {(t[5], t[6]) for t in o_tx if t[2] == "cash" and t[1] == "in"}
            if v_cash & o_cash:
                ties["cash_same_day_city"].append(f"{o}:{role}:{len(v_cash & o_cash)}")
            for _a, opened, branch in accounts[v]:
                for _b, opened_o, branch_o in accounts[o]:
                    if branch and branch == branch_o and opened and opened_o:
                        gap = abs((date.fromisoformat(opened) - date.fromisoformat(opened_o)).days)
                        if gap <= 30:
                            ties["branch_opened_30d"].append(f"{o}:{role}:{gap}d")
                        else:
                            ties["same_branch"].append(f"{o}:{role}")
        v_tx = by_party.get(v, [])
        out.append(
            {
                "victim": v,
                "ring": ring,
                "scheme": labels[v]["scheme"],
                "found": v in found,
                "has_phone": bool(pv[4]),
                "has_email": bool(pv[5]),
                "has_employer": bool(pv[6]),
                "transactions": len(v_tx),
                "cash_in": sum(1 for t in v_tx if t[2] == "cash" and t[1] == "in"),
                "ties": {k: sorted(set(x)) for k, x in ties.items()},
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--json", type=Path, required=True, help="a bench_detection.py --json result")
    ap.add_argument("--style", default="sparse_kyc")
    ap.add_argument("--all", action="store_true", help="every victim, not only the missed ones")
    args = ap.parse_args()
    run = json.loads(args.json.read_text())
    total: Counter[str] = Counter()
    missed_n = 0
    for cell in run["cells"]:
        if cell["style"] != args.style:
            continue
        victims, found = set(cell["victim_ids"]), set(cell["found_victims"])
        bank = args.work / f"{cell['style']}-{cell['seed']}" / "bank"
        rows = census(bank, victims if args.all else victims - found, found)
        for r in rows:
            missed_n += not r["found"]
            if not r["found"]:
                total.update(r["ties"].keys())
                if not r["ties"]:
                    total["(none)"] += 1
            print(json.dumps({"seed": cell["seed"], **r}, sort_keys=True))
    print(f"missed: {missed_n}; missed victims with each kind of tie: {dict(sorted(total.items()))}")


if __name__ == "__main__":
    main()
