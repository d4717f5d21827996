"""From alerts and screening hits to cases (`chainbreaker cases build`).

Alerts that share a network become one case with the network, a timeline and the transactions behind each
indicator as evidence. Screening hits join the case of the same party or open one of their own.

Re-running is idempotent: an alert is identified by (party, indicator, account), not by the run's alert id,
so a re-run updates the same rows. An alert whose score or evidence changed is *re-scored*: its earlier
version goes to the alert's `history` and the change is written to the audit log, so nothing is lost.
Analysts' decisions (a role they set, the status, comments) are never overwritten by a re-run.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.cases.classify import dominant_trafficking_type
from chainbreaker.cases.inputs import (
    AlertRow,
    HitRow,
    Inputs,
    PartyRiskRow,
    Reject,
    find_table,
    read_alerts,
    read_hits,
    read_party_risk,
    related_party_ids,
    txn_ids,
)
from chainbreaker.cases.network import (
    Edge,
    account_role_edges,
    group_parties,
    identifier_edges,
    transfer_edges,
)
from chainbreaker.cases.safeguards import protect_new_victim
from chainbreaker.cases.store import open_store
from chainbreaker.core.csvsafe import safe_row
from chainbreaker.core.errors import NotFoundError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.db import DEFAULT_ORG_ID
from chainbreaker.storage.models import Alert, Case, CaseParty, Evidence, ScreeningHit

log = get_logger(__name__)

#: At most this many transactions are copied as evidence per alert (the alert keeps the full id list).
MAX_EVIDENCE_PER_ALERT = 100
#: At most this many parties named in one alert's evidence join its case (a hub can name hundreds).
MAX_RELATED_PER_ALERT = 50
#: Groups are committed in batches, so a very large build does not hold one huge transaction.
COMMIT_EVERY = 200
OPEN_STATUSES = ("new", "in_review", "escalated")

Progress = Callable[[int, int], None]


@dataclass
class BuildReport:
    """What `cases build` did, for the CLI, the demo and the tests."""

    cases_created: int = 0
    cases_updated: int = 0
    cases_unchanged: int = 0
    alerts_read: int = 0
    alerts_added: int = 0
    alerts_rescored: int = 0
    hits_added: int = 0
    hits_updated: int = 0
    parties_added: int = 0
    evidence_added: int = 0
    rows_read: int = 0
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejects_path: Path | None = None
    cases: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases_created": self.cases_created,
            "cases_updated": self.cases_updated,
            "cases_unchanged": self.cases_unchanged,
            "alerts_read": self.alerts_read,
            "alerts_added": self.alerts_added,
            "alerts_rescored": self.alerts_rescored,
            "hits_added": self.hits_added,
            "hits_updated": self.hits_updated,
            "parties_added": self.parties_added,
            "evidence_added": self.evidence_added,
            "rows_read": self.rows_read,
            "rejected": len(self.rejects),
            "rejects_path": str(self.rejects_path) if self.rejects_path else None,
            "warnings": self.warnings,
            "cases": self.cases,
        }


def fingerprint(alert: AlertRow) -> str:
    """What makes an alert "the same" between runs: its score, period and evidence."""
    payload = json.dumps(
        [round(alert.score, 6), str(alert.period_start), str(alert.period_end), alert.evidence],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _natural_key(party_id: str, indicator_id: str, account_id: str | None) -> tuple[str, str, str]:
    return (party_id, indicator_id, account_id or "")


def read_inputs(
    workspace: Workspace, alerts_dir: Path | None, hits_file: Path | None, min_hit_score: float
) -> Inputs:
    """Read monitoring's alerts and party risk and screening's hits, with rejects and warnings."""
    inputs = Inputs()
    folder = alerts_dir or workspace.root / "monitoring"
    alerts_path = find_table(folder, "alerts")
    if alerts_path is None:
        raise NotFoundError(
            f"no alerts.parquet (or .csv/.jsonl) in {folder}; run `chainbreaker monitor --out {folder}` first"
        )
    read_alerts(alerts_path, inputs)
    risk_path = find_table(folder, "party_risk")
    if risk_path is not None:
        read_party_risk(risk_path, inputs)
    else:
        inputs.warnings.append(f"no party_risk table in {folder}: party roles are left unknown")
    if hits_file is not None:
        if not hits_file.exists():
            raise NotFoundError(f"screening hits file {hits_file} does not exist")
        read_hits(hits_file, inputs, min_hit_score)
    else:
        default_hits = find_table(workspace.root / "screening", "hits")
        if default_hits is not None:
            read_hits(default_hits, inputs, min_hit_score)
    return inputs


@dataclass
class _Plan:
    """One group of parties that becomes (or updates) one case."""

    parties: list[str]
    alerts: list[AlertRow]
    hits: list[tuple[HitRow, str | None]]
    edges: list[Edge]


def _plan(inputs: Inputs, con: duckdb.DuckDBPyConnection | None) -> list[_Plan]:
    """Group alerted parties (and the parties tied to them) into networks."""
    seeds = {a.party_id for a in inputs.alerts}
    members = set(seeds)
    edges: list[Edge] = []
    for alert in inputs.alerts:
        related = sorted(related_party_ids(alert.evidence) - {alert.party_id})[:MAX_RELATED_PER_ALERT]
        members.update(related)
        edges.extend(Edge(alert.party_id, other, "tie") for other in related)
    by_network: dict[str, list[str]] = defaultdict(list)
    for risk in inputs.party_risk.values():
        if risk.party_id in members or risk.role in ("subject", "likely_victim"):
            if risk.network_id:
                by_network[risk.network_id].append(risk.party_id)
            for other in sorted(related_party_ids(risk.ties) - {risk.party_id})[:MAX_RELATED_PER_ALERT]:
                edges.append(Edge(risk.party_id, other, "tie"))
    for parties in by_network.values():
        if members & set(parties):
            members.update(parties)
            ordered = sorted(parties)
            edges.extend(Edge(ordered[0], other, "network") for other in ordered[1:])
    edges = [e for e in edges if e.source in members and e.target in members]
    hit_party: dict[int, str | None] = {}
    for index, hit in enumerate(inputs.hits):
        party = _hit_party(hit, con)
        hit_party[index] = party
        if party:
            members.add(party)
            seeds.add(party)
    if con is not None:
        ordered_members = sorted(members)
        edges += transfer_edges(con, ordered_members)
        edges += account_role_edges(con, ordered_members)
        edges += identifier_edges(con, ordered_members)
    groups = [g for g in group_parties(members, edges) if seeds & set(g)]
    alerts_by_party: dict[str, list[AlertRow]] = defaultdict(list)
    for alert in inputs.alerts:
        alerts_by_party[alert.party_id].append(alert)
    hits_by_party: dict[str, list[tuple[HitRow, str | None]]] = defaultdict(list)
    orphan_hits: list[tuple[HitRow, str | None]] = []
    for index, hit in enumerate(inputs.hits):
        party = hit_party[index]
        if party:
            hits_by_party[party].append((hit, party))
        else:
            orphan_hits.append((hit, None))
    plans: list[_Plan] = []
    for group in groups:
        group_set = set(group)
        plans.append(
            _Plan(
                parties=group,
                alerts=[a for p in group for a in alerts_by_party.get(p, [])],
                hits=[h for p in group for h in hits_by_party.get(p, [])],
                edges=[e for e in edges if e.source in group_set and e.target in group_set],
            )
        )
    if orphan_hits:
        # A counterparty outside the bank matched a list but no customer could be tied to it: one case
        # per listed entity, without parties, so the hit is not lost.
        by_entity: dict[str, list[tuple[HitRow, str | None]]] = defaultdict(list)
        for hit, party in orphan_hits:
            by_entity[hit.entity_id].append((hit, party))
        for entity_hits in by_entity.values():
            plans.append(_Plan(parties=[], alerts=[], hits=entity_hits, edges=[]))
    return plans


def _hit_party(hit: HitRow, con: duckdb.DuckDBPyConnection | None) -> str | None:
    """The customer a hit is about: the party screened, or the biggest customer of a listed counterparty."""
    if not hit.query_id.startswith("cp:"):
        return hit.query_id
    if con is None:
        return None
    name = hit.query_name or hit.query_id[3:]
    row = con.execute(
        """
        SELECT a.party_id FROM transactions t JOIN accounts a ON t.account_id = a.account_id
        WHERE t.counterparty_name = ? GROUP BY a.party_id ORDER BY sum(t.amount) DESC, a.party_id LIMIT 1
        """,
        [name],
    ).fetchone()
    return str(row[0]) if row else None


def _fetch_transactions(con: duckdb.DuckDBPyConnection | None, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The evidence transactions from the workspace, with the owning party of each side."""
    if con is None or not ids:
        return {}
    cursor = con.execute(
        """
        SELECT t.txn_id, t.account_id, a.party_id, t.booked_at, t.amount, t.currency, t.direction, t.channel,
               t.counterparty_account, ca.party_id AS counterparty_party_id, t.counterparty_name,
               t.counterparty_country, t.merchant_name, t.mcc, t.city, t.country, t.description
        FROM transactions t
        LEFT JOIN accounts a ON t.account_id = a.account_id
        LEFT JOIN accounts ca ON t.counterparty_account = ca.account_id
        WHERE t.txn_id IN (SELECT unnest(?::VARCHAR[]))
        """,
        [ids],
    )
    names = [d[0] for d in cursor.description]
    return {str(row[0]): dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


class _Builder:
    """Applies plans to the store; keeps per-run lookups so each group costs few queries."""

    def __init__(
        self, session: Session, org_id: str, actor: str, inputs: Inputs, report: BuildReport
    ) -> None:
        self.session = session
        self.org_id = org_id
        self.actor = actor
        self.inputs = inputs
        self.report = report
        self.alerts: dict[tuple[str, str, str], Alert] = {
            (a.party_id, a.indicator_id, a.account_key): a
            for a in session.execute(select(Alert).where(Alert.org_id == org_id)).scalars()
        }
        self.open_party_case: dict[str, int] = {}
        rows = session.execute(
            select(CaseParty.party_id, CaseParty.case_id)
            .join(Case, Case.id == CaseParty.case_id)
            .where(Case.org_id == org_id, Case.status.in_(OPEN_STATUSES))
            .order_by(CaseParty.case_id)
        ).all()
        for party_id, case_id in rows:
            self.open_party_case.setdefault(party_id, case_id)
        self.hits: dict[tuple[str, str], ScreeningHit] = {
            (h.query_id, h.entity_id): h
            for h in session.execute(select(ScreeningHit).where(ScreeningHit.org_id == org_id)).scalars()
        }
        numbers = [
            int(ref[2:])
            for ref in session.execute(select(Case.reference).where(Case.org_id == org_id)).scalars()
            if ref.startswith("C-") and ref[2:].isdigit()
        ]
        self.next_number = max(numbers, default=0) + 1

    def _target_case(self, plan: _Plan) -> Case | None:
        candidates: set[int] = set()
        for alert in plan.alerts:
            existing = self.alerts.get(_natural_key(alert.party_id, alert.indicator_id, alert.account_id))
            if existing is not None and existing.case.status in OPEN_STATUSES:
                candidates.add(existing.case_id)
        for party in plan.parties:
            if party in self.open_party_case:
                candidates.add(self.open_party_case[party])
        for hit, _party in plan.hits:
            existing_hit = self.hits.get((hit.query_id, hit.entity_id))
            if existing_hit is not None and existing_hit.case.status in OPEN_STATUSES:
                candidates.add(existing_hit.case_id)
        if not candidates:
            return None
        return self.session.get(Case, min(candidates))

    def apply(self, plan: _Plan, transactions: dict[str, dict[str, Any]]) -> None:
        case = self._target_case(plan)
        created = case is None
        changes: Counter[str] = Counter()
        rescored: list[dict[str, Any]] = []
        if case is None:
            case = Case(
                org_id=self.org_id,
                reference=f"C-{self.next_number:06d}",
                title="(building)",
                status="new",
                network={},
                summary={},
            )
            self.next_number += 1
            self.session.add(case)
        for party_id in plan.parties:
            changes["parties"] += self._upsert_party(case, party_id)
        for alert in plan.alerts:
            outcome = self._upsert_alert(case, alert, transactions, rescored)
            changes[outcome] += 1
        for hit, party in plan.hits:
            changes[self._upsert_hit(case, hit, party)] += 1
        if not created and not any(
            changes[k] for k in ("parties", "added", "rescored", "hit_added", "hit_updated")
        ):
            self.report.cases_unchanged += 1
            return
        self._refresh(case, plan.edges)
        self.session.flush()
        for party_id in plan.parties:
            self.open_party_case.setdefault(party_id, case.id)
        details = {
            "alerts_added": changes["added"],
            "alerts_rescored": changes["rescored"],
            "parties_added": changes["parties"],
            "hits_added": changes["hit_added"],
            "hits_updated": changes["hit_updated"],
            "version": case.version,
        }
        audit.record(
            self.session,
            self.org_id,
            self.actor,
            "case.created" if created else "case.updated",
            "case",
            case.reference,
            details,
        )
        for item in rescored:
            audit.record(
                self.session, self.org_id, self.actor, "alert.rescored", "case", case.reference, item
            )
        if created:
            self.report.cases_created += 1
        else:
            self.report.cases_updated += 1
        self.report.cases.append(case.reference)

    def _upsert_party(self, case: Case, party_id: str) -> int:
        risk: PartyRiskRow | None = self.inputs.party_risk.get(party_id)
        existing = next((p for p in case.parties if p.party_id == party_id), None)
        if existing is None:
            case.parties.append(
                CaseParty(
                    org_id=self.org_id,
                    party_id=party_id,
                    role=risk.role if risk else "unknown",
                    sub_role=risk.sub_role if risk else None,
                    risk_score=risk.risk_score if risk else None,
                    explanation=risk.explanation if risk else None,
                    source="monitoring" if risk else "network",
                )
            )
            self.report.parties_added += 1
            return 1
        if risk is not None and existing.source != "analyst":
            # Monitoring may revise its roll-up; an analyst's recorded decision always wins.
            revised = existing.role != risk.role
            existing.role, existing.sub_role = risk.role, risk.sub_role
            existing.risk_score, existing.explanation = risk.risk_score, risk.explanation
            if existing.role == "likely_victim":
                protect_new_victim(existing)
            if revised:  # a changed role is a change of the case: it must reach the audit log
                return 1
        return 0

    def _upsert_alert(
        self,
        case: Case,
        row: AlertRow,
        transactions: dict[str, dict[str, Any]],
        rescored: list[dict[str, Any]],
    ) -> str:
        key = _natural_key(row.party_id, row.indicator_id, row.account_id)
        digest = fingerprint(row)
        existing = self.alerts.get(key)
        now = utcnow()
        if existing is None:
            alert = Alert(
                org_id=self.org_id,
                alert_id=row.alert_id,
                party_id=row.party_id,
                account_id=row.account_id,
                account_key=row.account_id or "",
                indicator_id=row.indicator_id,
                trafficking_type=row.trafficking_type,
                score=row.score,
                period_start=row.period_start,
                period_end=row.period_end,
                evidence=row.evidence,
                fingerprint=digest,
                history=[],
                first_seen_at=now,
                updated_at=now,
            )
            case.alerts.append(alert)
            self.alerts[key] = alert
            self.report.alerts_added += 1
            self._add_evidence(case, alert, transactions)
            return "added"
        if existing.fingerprint == digest:
            return "unchanged"
        previous = {
            "alert_id": existing.alert_id,
            "score": existing.score,
            "period_start": existing.period_start.isoformat() if existing.period_start else None,
            "period_end": existing.period_end.isoformat() if existing.period_end else None,
            "evidence": existing.evidence,
            "replaced_at": now.isoformat(),
        }
        rescored.append(
            {
                "party_id": row.party_id,
                "indicator_id": row.indicator_id,
                "old_score": existing.score,
                "new_score": row.score,
                "alert_case": existing.case.reference,
            }
        )
        existing.history = [*existing.history, previous]
        existing.alert_id = row.alert_id
        existing.score = row.score
        existing.trafficking_type = row.trafficking_type
        existing.period_start, existing.period_end = row.period_start, row.period_end
        existing.evidence = row.evidence
        existing.fingerprint = digest
        existing.updated_at = now
        self.report.alerts_rescored += 1
        self._add_evidence(existing.case, existing, transactions)
        if existing.case is not case:
            existing.case.updated_at = now  # bump the other case's version: its alert changed
        return "rescored"

    def _add_evidence(self, case: Case, alert: Alert, transactions: dict[str, dict[str, Any]]) -> None:
        present = {(e.txn_id, e.indicator_id) for e in case.evidence}
        for txn_id in txn_ids(alert.evidence)[:MAX_EVIDENCE_PER_ALERT]:
            txn = transactions.get(txn_id)
            if txn is None or (txn_id, alert.indicator_id) in present:
                continue
            booked = txn["booked_at"]
            case.evidence.append(
                Evidence(
                    org_id=self.org_id,
                    alert=alert,
                    indicator_id=alert.indicator_id,
                    txn_id=txn_id,
                    account_id=str(txn["account_id"]),
                    party_id=txn["party_id"],
                    booked_at=booked if isinstance(booked, datetime) else datetime.fromisoformat(str(booked)),
                    amount=Decimal(str(txn["amount"])),
                    currency=txn["currency"] or "USD",
                    direction=str(txn["direction"]),
                    channel=str(txn["channel"]),
                    counterparty_account=txn["counterparty_account"],
                    counterparty_party_id=txn["counterparty_party_id"],
                    counterparty_name=txn["counterparty_name"],
                    counterparty_country=txn["counterparty_country"],
                    merchant_name=txn["merchant_name"],
                    mcc=txn["mcc"],
                    city=txn["city"],
                    country=txn["country"],
                    description=txn["description"],
                )
            )
            present.add((txn_id, alert.indicator_id))
            self.report.evidence_added += 1

    def _upsert_hit(self, case: Case, row: HitRow, party_id: str | None) -> str:
        existing = self.hits.get((row.query_id, row.entity_id))
        values = {
            "party_id": party_id,
            "query_name": row.query_name,
            "entity_name": row.entity_name,
            "dataset": row.dataset,
            "source_id": row.source_id,
            "score": row.score,
            "matched_on": row.matched_on,
            "explanation": row.explanation,
        }
        if existing is None:
            hit = ScreeningHit(org_id=self.org_id, query_id=row.query_id, entity_id=row.entity_id, **values)
            case.hits.append(hit)
            self.hits[(row.query_id, row.entity_id)] = hit
            self.report.hits_added += 1
            if party_id and all(p.party_id != party_id for p in case.parties):
                self._upsert_party(case, party_id)
            return "hit_added"
        if all(getattr(existing, k) == v for k, v in values.items()):
            return "hit_unchanged"
        for key, value in values.items():
            setattr(existing, key, value)
        existing.updated_at = utcnow()
        self.report.hits_updated += 1
        return "hit_updated"

    def _refresh(self, case: Case, edges: list[Edge]) -> None:
        """Recompute the case's title, type, score, period, network and summary from its contents."""
        derived = dominant_trafficking_type((a.trafficking_type, a.score) for a in case.alerts)
        if derived != "general" or "trafficking_type_set_by" not in (case.summary or {}):
            case.trafficking_type = derived  # an analyst's decision stands until typed alerts arrive
        scores = [a.score for a in case.alerts] + [p.risk_score or 0.0 for p in case.parties]
        scores += [h.score for h in case.hits]
        case.risk_score = round(max(scores, default=0.0), 4)
        starts = [a.period_start for a in case.alerts if a.period_start] + [
            e.booked_at for e in case.evidence
        ]
        ends = [a.period_end for a in case.alerts if a.period_end] + [e.booked_at for e in case.evidence]
        case.period_start = min(starts, default=None)
        case.period_end = max(ends, default=None)
        roles = Counter(p.role for p in case.parties)
        indicators = Counter(a.indicator_id for a in case.alerts)
        previous_edges = [e for e in (case.network or {}).get("edges", []) if isinstance(e, dict)]
        merged = {(e["source"], e["target"], e["kind"]): e for e in previous_edges}
        merged.update({(e.source, e.target, e.kind): e.as_dict() for e in edges})
        case.network = {
            "nodes": [
                {
                    "party_id": p.party_id,
                    "role": p.role,
                    "sub_role": p.sub_role,
                    "risk_score": p.risk_score,
                    "alerted": any(a.party_id == p.party_id for a in case.alerts),
                }
                for p in case.parties
            ],
            "edges": sorted(merged.values(), key=lambda e: (e["source"], e["target"], e["kind"])),
        }
        decided = {k: v for k, v in (case.summary or {}).items() if k == "trafficking_type_set_by"}
        case.summary = {
            **decided,
            "indicators": dict(sorted(indicators.items())),
            "roles": dict(sorted(roles.items())),
            "alerts": len(case.alerts),
            "evidence": len(case.evidence),
            "hits": len(case.hits),
            "datasets": sorted({h.dataset for h in case.hits if h.dataset}),
        }
        label = {
            "sex": "Sex trafficking",
            "labour": "Labour trafficking",
            "mixed": "Sex and labour trafficking",
        }
        kind = label.get(case.trafficking_type, "Trafficking risk")
        what = "network" if len(case.parties) > 1 else "party" if case.parties else "listed counterparty"
        top = ", ".join(i for i, _ in indicators.most_common(3))
        hits = f", {_count(len(case.hits), 'list match', 'list matches')}" if case.hits else ""
        case.title = (
            f"{kind} {what}: {_count(len(case.parties), 'party', 'parties')}, {_count(len(case.alerts), 'alert')}"
            + (f" ({top})" if top else "")
            + hits
        )[:300]
        case.updated_at = utcnow()


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def build_cases(
    workspace: Workspace,
    *,
    alerts_dir: Path | None = None,
    hits_file: Path | None = None,
    org_id: str = DEFAULT_ORG_ID,
    actor: str = "cases-build",
    url: str | None = None,
    min_hit_score: float = 0.75,
    on_progress: Progress | None = None,
) -> BuildReport:
    """Group monitoring alerts and screening hits into cases in the workspace's case store.

    Reads `WS/monitoring/alerts.parquet` and `party_risk.parquet` (or `alerts_dir`), `WS/screening/hits.parquet`
    (or `hits_file`) and the workspace's `parties`, `accounts`, `account_holders` and `transactions` tables.
    Returns counts of what was created, updated, re-scored and rejected.
    """
    workspace.require()
    report = BuildReport()
    inputs = read_inputs(workspace, alerts_dir, hits_file, min_hit_score)
    report.rows_read = inputs.rows_read
    report.alerts_read = len(inputs.alerts)
    report.rejects = inputs.rejects
    report.warnings = inputs.warnings
    con = workspace.connect(read_only=True)
    try:
        plans = _plan(inputs, con)
        wanted = sorted({t for a in inputs.alerts for t in txn_ids(a.evidence)[:MAX_EVIDENCE_PER_ALERT]})
        transactions = _fetch_transactions(con, wanted)
    finally:
        con.close()
    missing = len(wanted) - len(transactions)
    if missing:
        report.warnings.append(
            f"{missing} evidence transaction id(s) named by alerts are not in the workspace"
        )
    factory = open_store(workspace, url)
    with factory() as session:
        builder = _Builder(session, org_id, actor, inputs, report)
        for number, plan in enumerate(plans, start=1):
            builder.apply(plan, transactions)
            if number % COMMIT_EVERY == 0:
                session.commit()
            if on_progress:
                on_progress(number, len(plans))
        session.commit()
    bind = factory.kw.get("bind")
    if bind is not None:
        bind.dispose()
    if report.rejects:
        report.rejects_path = _write_rejects(workspace, report.rejects)
    log.info(
        "cases built",
        extra={
            "created": report.cases_created,
            "updated": report.cases_updated,
            "rejected": len(report.rejects),
        },
    )
    return report


def _write_rejects(workspace: Workspace, rejects: list[Reject]) -> Path:
    workspace.rejects_dir.mkdir(parents=True, exist_ok=True)
    path = workspace.rejects_dir / "cases_build.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "row", "column", "reason"])
        for r in rejects:
            writer.writerow(safe_row([r.file, r.row, r.column, r.reason]))
    return path
