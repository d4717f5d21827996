"""`fiu link`: resolve the subjects and victims of received reports into persons, and reports into networks.

Rules, strongest first (each link records its rule and a sentence an analyst can read):
1. `same-customer`: the same filer's customer id or account number (one bank, several reports);
2. `same-id`: the same identity document number, names agreeing (screening score >= 0.5);
3. `same-phone`: the same phone (last 9 digits), with names agreeing (>= 0.8) or the same birth date;
   `same-address`: the same street and city, with names agreeing (>= 0.8) (a shared address alone is a
   network tie between people, such as a controlled house, not an identity);
4. `name-dob`: names matching (screening `name-v2` >= 0.85) with the same date of birth;
5. `name-in-network`: for parties known only by name (victims: reports carry nothing else about them),
   names matching (>= 0.76: a middle name missing on one side scores about 0.8) inside one network, i.e. reports already tied by a resolved subject.
   Outside a network a name alone never links two people: namesakes are common.

Analyst decisions (`fiu_decisions`: same / different) stick: `same` pairs are joined before any rule, and
`different` pairs are never joined, directly or through others. Networks that span more than one reporting
entity become FIU cases with every report that feeds them: in DuckDB (`fiu_cases`, `fiu_case_reports`, for
analysis) and in the case store (`storage.fiu_models`, where analysts work them: status and assignee survive
relinking).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import duckdb
from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.cases.store import store_session
from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.store import claim, ensure_tables, insert_rows, owner
from chainbreaker.screening import ListedEntity, Query, score_pair
from chainbreaker.screening.algorithm import normalize_all
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.db import DEFAULT_ORG_ID
from chainbreaker.storage.fiu_models import FiuCase, FiuCaseReport

NAME_WITH_ID = 0.5
NAME_WITH_PHONE = 0.8
NAME_WITH_DOB = 0.85
NAME_IN_NETWORK = 0.76
MAX_BLOCK = 400

LINK_DDL = (
    """CREATE TABLE IF NOT EXISTS fiu_decisions (party_a VARCHAR NOT NULL, party_b VARCHAR NOT NULL,
        decision VARCHAR NOT NULL, analyst VARCHAR NOT NULL, reason VARCHAR NOT NULL, decided_at TIMESTAMP NOT NULL)""",
    """CREATE OR REPLACE TABLE fiu_links (party_a VARCHAR, party_b VARCHAR, rule VARCHAR, score DOUBLE,
        explanation VARCHAR)""",
    "CREATE OR REPLACE TABLE fiu_resolved (party_key VARCHAR PRIMARY KEY, subject_id VARCHAR NOT NULL)",
    "CREATE OR REPLACE TABLE fiu_networks (report_id VARCHAR PRIMARY KEY, network_id VARCHAR NOT NULL)",
    """CREATE OR REPLACE TABLE fiu_cases (case_id VARCHAR PRIMARY KEY, network_id VARCHAR, entities INTEGER,
        reports INTEGER, persons INTEGER, created_at TIMESTAMP)""",
    "CREATE OR REPLACE TABLE fiu_case_reports (case_id VARCHAR, report_id VARCHAR)",
)


@dataclass(frozen=True)
class Record:
    key: str
    report_id: str
    entity_id: str
    role: str
    name: str
    birth_date: date | None
    id_number: str | None
    phone: str | None
    local_ref: str | None
    accounts: tuple[str, ...]
    address: str | None = None
    dob: str | None = None  # birth date in ISO form, as the screening matcher takes it


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    rule: str
    score: float
    explanation: str


@dataclass(frozen=True)
class LinkResult:
    records: int
    links: int
    persons: int
    networks: int
    cases: int
    resolved: dict[str, str]


@lru_cache(maxsize=500_000)
def name_score(a: str, b: str, dob_a: str | None = None, dob_b: str | None = None) -> tuple[float, str]:
    """Screening's `name-v2` score of two filed names (and birth dates), with its explanation."""
    query = Query("a", a, "Person", dob_a)
    entity = ListedEntity("b", "Person", b, (b,), "fiu", birth_dates=(dob_b,) if dob_b else ())
    match = score_pair(query, normalize_all([a], "Person"), entity, normalize_all([b], "Person"))
    if match is None:
        return 0.0, "not comparable"
    return float(match.features.get("name") or 0.0), match.explanation


def _norm_id(value: str | None) -> str | None:
    cleaned = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    return cleaned or None


def _norm_phone(value: str | None) -> str | None:
    digits = re.sub(r"\D", "", value or "")
    return digits[-9:] if len(digits) >= 7 else None


def _norm_address(street: str | None, city: str | None) -> str | None:
    """Street and city in lower case with punctuation and runs of spaces removed; None without a street."""
    if not street:
        return None
    text = re.sub(r"[^a-z0-9 ]", " ", f"{street} {city or ''}".lower())
    return re.sub(r"\s+", " ", text).strip() or None


class _Clusters:
    """Union-find that refuses to join two clusters an analyst said are different people."""

    def __init__(self, keys: Iterable[str], different: Iterable[tuple[str, str]]) -> None:
        self.parent = {k: k for k in keys}
        self.apart: dict[str, set[str]] = defaultdict(set)
        for a, b in different:
            if a in self.parent and b in self.parent:
                self.apart[a].add(b)
                self.apart[b].add(a)
        self.members: dict[str, set[str]] = {k: {k} for k in self.parent}

    def find(self, k: str) -> str:
        root = k
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[k] != root:
            self.parent[k], k = root, self.parent[k]
        return root

    def union(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        if any(self.apart[m] & self.members[ra] for m in self.members[rb]):
            return False
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        return True


def load_records(con: duckdb.DuckDBPyConnection) -> list[Record]:
    rows = con.execute(
        """SELECT party_key, report_id, entity_id, role, name, birth_date, id_number, phone, local_ref, accounts,
                  address, city
           FROM fiu_parties ORDER BY party_key"""
    ).fetchall()
    return [
        Record(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            _norm_id(r[6]),
            _norm_phone(r[7]),
            r[8],
            tuple(r[9] or ()),
            _norm_address(r[10], r[11]),
            r[5].isoformat() if r[5] else None,
        )
        for r in rows
    ]


def _dob(r: Record) -> str | None:
    return r.dob


def candidate_links(records: Sequence[Record]) -> list[Link]:
    """Links from rules 1-4 (everything but the network rule), strongest rules first."""
    groups: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for r in records:
        if r.local_ref:
            groups[("same-customer", f"{r.entity_id}|{r.local_ref}")].append(r)
        for account in r.accounts:
            groups[("same-customer", f"{r.entity_id}|acct|{account}")].append(r)
        if r.id_number:
            groups[("same-id", r.id_number)].append(r)
        if r.phone:
            groups[("same-phone", r.phone)].append(r)
        if r.address:
            groups[("same-address", r.address)].append(r)
        if r.birth_date:
            surname = r.name.split()[-1][:1].lower() if r.name.split() else ""
            groups[("name-dob", f"{r.birth_date}|{surname}")].append(r)
    order = {"same-customer": 0, "same-id": 1, "same-phone": 2, "same-address": 3, "name-dob": 4}
    links: list[Link] = []
    for (rule, _key), members in sorted(groups.items(), key=lambda g: order[g[0][0]]):
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        if rule == "same-customer":
            first = members[0]
            links += [
                Link(first.key, m.key, rule, 1.0, f"same customer or account of filer {first.entity_id}")
                for m in members[1:]
            ]
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                score, why = name_score(a.name, b.name, _dob(a), _dob(b))
                if rule == "same-id" and score >= NAME_WITH_ID:
                    links.append(Link(a.key, b.key, rule, 1.0, f"same identity document; {why}"))
                elif rule == "same-phone" and (
                    score >= NAME_WITH_PHONE or (a.birth_date and a.birth_date == b.birth_date)
                ):
                    links.append(Link(a.key, b.key, rule, 0.95, f"same phone; {why}"))
                elif rule == "same-address" and score >= NAME_WITH_PHONE:
                    links.append(Link(a.key, b.key, rule, 0.9, f"same address; {why}"))
                elif rule == "name-dob" and score >= NAME_WITH_DOB and a.birth_date == b.birth_date:
                    links.append(Link(a.key, b.key, rule, score, why))
    return links


def _networks(records: Sequence[Record], clusters: _Clusters) -> dict[str, str]:
    """report_id → network root: reports joined when they name the same resolved person."""
    reports = _Clusters({r.report_id for r in records}, ())
    first_report: dict[str, str] = {}
    for r in records:
        person = clusters.find(r.key)
        if person in first_report:
            reports.union(first_report[person], r.report_id)
        else:
            first_report[person] = r.report_id
    return {rid: reports.find(rid) for rid in reports.parent}


def network_links(records: Sequence[Record], clusters: _Clusters) -> list[Link]:
    """Rule 5: name-only parties matched by name inside one network of reports."""
    network = _networks(records, clusters)
    by_network: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        if r.birth_date is None and r.id_number is None:
            by_network[network[r.report_id]].append(r)
    links: list[Link] = []
    for members in by_network.values():
        if len(members) > MAX_BLOCK:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a.report_id == b.report_id or clusters.find(a.key) == clusters.find(b.key):
                    continue
                score, why = name_score(a.name, b.name)
                if score >= NAME_IN_NETWORK:
                    links.append(
                        Link(a.key, b.key, "name-in-network", score, f"in one network of reports; {why}")
                    )
    return links


def subject_id(members: Iterable[str]) -> str:
    """A resolved person's id: stable while the earliest filed record of the person stays the same."""
    return "S-" + hashlib.sha256(min(members).encode()).hexdigest()[:12]


def resolve(
    records: Sequence[Record], decisions: Sequence[tuple[str, str, str]]
) -> tuple[_Clusters, list[Link]]:
    """Cluster records: analyst `same` decisions, then rules 1-4, then rule 5; `different` always holds."""
    clusters = _Clusters((r.key for r in records), ((a, b) for a, b, d in decisions if d == "different"))
    kept: list[Link] = []
    for a, b, d in decisions:
        if d == "same" and a in clusters.parent and b in clusters.parent and clusters.union(a, b):
            kept.append(Link(a, b, "analyst", 1.0, "an analyst decided these are the same person"))
    for link in candidate_links(records):
        if clusters.union(link.a, link.b):
            kept.append(link)
    for link in network_links(records, clusters):
        if clusters.union(link.a, link.b):
            kept.append(link)
    return clusters, kept


def sync_case_store(
    session: Session, org_id: str, cases: dict[str, tuple[str, int, int, int, list[str]]], actor: str
) -> int:
    """Open or update one FIU case per cross-filer network in the case store; returns how many are new.

    `cases` maps a case reference to (network id, entities, reports, persons, report ids). A case an analyst
    already works keeps its status and assignee; its reports follow the network as relinking changes it.
    """
    existing = {
        c.reference: c for c in session.execute(select(FiuCase).where(FiuCase.org_id == org_id)).scalars()
    }
    created = 0
    for reference, (network_id, entities, n_reports, persons, _) in sorted(cases.items()):
        case = existing.get(reference)
        if case is None:
            case = FiuCase(org_id=org_id, reference=reference, network_id=network_id, status="open")
            session.add(case)
            existing[reference] = case
            created += 1
        case.entities, case.reports, case.persons = entities, n_reports, persons
    session.flush()  # one flush for all cases: new ones get their ids
    held: dict[int, dict[str, FiuCaseReport]] = defaultdict(dict)
    for row in session.execute(
        select(FiuCaseReport)
        .join(FiuCase, FiuCase.id == FiuCaseReport.case_id)
        .where(FiuCase.org_id == org_id)
    ).scalars():
        held[row.case_id][row.report_id] = row
    for reference, (*_, report_ids) in cases.items():
        case = existing[reference]
        mine = held.get(case.id, {})
        session.add_all(
            FiuCaseReport(case_id=case.id, report_id=rid) for rid in sorted(set(report_ids) - set(mine))
        )
        for rid in set(mine) - set(report_ids):
            session.delete(mine[rid])
    if created:
        audit.record(session, org_id, actor, "fiu.link", "fiu_cases", org_id, {"new_cases": created})
    return created


def link_workspace(
    workspace: Workspace,
    out: Path | None = None,
    *,
    org_id: str | None = None,
    actor: str = "cli",
    url: str | None = None,
    session: Session | None = None,
) -> LinkResult:
    """Resolve every filed party, store links, persons, networks and cross-filer cases; optionally write CSV.

    Cases go to the case store of `org_id` (default: the FIU holding the workspace), through `session`
    when the caller holds one (the service's request), else a session of the workspace's store.
    """
    con = workspace.connect()
    try:
        ensure_tables(con)
        org_id = org_id or owner(con) or DEFAULT_ORG_ID
        claim(con, org_id)
        for statement in LINK_DDL:
            con.execute(statement)
        records = load_records(con)
        decisions = con.execute(
            "SELECT party_a, party_b, decision FROM fiu_decisions ORDER BY decided_at"
        ).fetchall()
        clusters, links = resolve(records, decisions)
        ids = {root: subject_id(members) for root, members in clusters.members.items()}
        resolved = {r.key: ids[clusters.find(r.key)] for r in records}
        network = _networks(records, clusters)
        entities_of: dict[str, set[str]] = defaultdict(set)
        reports_of: dict[str, set[str]] = defaultdict(set)
        persons_of: dict[str, set[str]] = defaultdict(set)
        for r in records:
            n = network[r.report_id]
            entities_of[n].add(r.entity_id)
            reports_of[n].add(r.report_id)
            persons_of[n].add(resolved[r.key])
        net_ids = {n: "N-" + hashlib.sha256(min(reports_of[n]).encode()).hexdigest()[:12] for n in reports_of}
        now = utcnow()
        con.execute("BEGIN TRANSACTION")
        cases = [n for n in reports_of if len(entities_of[n]) > 1]
        insert_rows(con, "fiu_links", [x.__dict__ | {"party_a": x.a, "party_b": x.b} for x in links])
        insert_rows(con, "fiu_resolved", [{"party_key": k, "subject_id": v} for k, v in resolved.items()])
        insert_rows(
            con, "fiu_networks", [{"report_id": rid, "network_id": net_ids[n]} for rid, n in network.items()]
        )
        insert_rows(
            con,
            "fiu_cases",
            [
                {
                    "case_id": "FIU-" + net_ids[n][2:],
                    "network_id": net_ids[n],
                    "entities": len(entities_of[n]),
                    "reports": len(reports_of[n]),
                    "persons": len(persons_of[n]),
                    "created_at": now,
                }
                for n in cases
            ],
        )
        insert_rows(
            con,
            "fiu_case_reports",
            [
                {"case_id": "FIU-" + net_ids[n][2:], "report_id": rid}
                for n in cases
                for rid in sorted(reports_of[n])
            ],
        )
        con.execute("COMMIT")
        if out is not None:
            write_subjects_csv(con, out)
    finally:
        con.close()
    wanted = {
        "FIU-" + net_ids[n][2:]: (
            net_ids[n],
            len(entities_of[n]),
            len(reports_of[n]),
            len(persons_of[n]),
            sorted(reports_of[n]),
        )
        for n in cases
    }
    with nullcontext(session) if session is not None else store_session(workspace, url) as store:
        sync_case_store(store, org_id, wanted, actor)
    return LinkResult(
        len(records), len(links), len(set(resolved.values())), len(reports_of), len(cases), resolved
    )


SUBJECT_COLUMNS = ("file", "report_id", "role", "name", "subject_id")


def write_subjects_csv(con: duckdb.DuckDBPyConnection, out: Path) -> None:
    """One row per subject or victim as filed, with the resolved person across all reports."""
    rows = con.execute(
        """SELECT r.file_name, r.entity_reference, p.role, p.name, s.subject_id
           FROM fiu_parties p JOIN fiu_reports r USING (report_id) JOIN fiu_resolved s USING (party_key)
           ORDER BY r.file_name, CAST(split_part(p.party_key, '#', -1) AS INTEGER)"""
    ).fetchall()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(SUBJECT_COLUMNS)
        writer.writerows(rows)


def decide(
    workspace: Workspace, party_a: str, party_b: str, decision: str, analyst: str, reason: str
) -> None:
    """Record an analyst's decision on two filed parties; it holds on every later `fiu link`."""
    if decision not in ("same", "different"):
        raise InputError(f"decision must be 'same' or 'different', not {decision!r}")
    if not reason.strip():
        raise InputError("a decision needs a reason")
    con = workspace.connect()
    try:
        ensure_tables(con)
        con.execute(LINK_DDL[0])
        known = {
            k
            for (k,) in con.execute(
                "SELECT party_key FROM fiu_parties WHERE party_key IN (?, ?)", [party_a, party_b]
            ).fetchall()
        }
        missing = {party_a, party_b} - known
        if missing:
            raise InputError(f"no filed party {', '.join(sorted(missing))}")
        con.execute(
            "INSERT INTO fiu_decisions VALUES (?, ?, ?, ?, ?, ?)",
            [party_a, party_b, decision, analyst, reason, utcnow()],
        )
    finally:
        con.close()
