"""Planning a build: which parties, alerts and hits become one case, before anything is written.

The network is the one monitoring computed: its `network_id`, its `ties` (shared identifiers, money flows) and
the parties its alerts name as evidence. Cases add only what monitoring does not compute: a role held on
another party's account (from `account_holders`). Only when no `party_risk` table is given does the build
derive ties from the workspace itself (transfers and shared identifiers), and says so in a warning.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from chainbreaker.cases.build_types import MAX_RELATED_PER_ALERT, PlacedHit, Plan
from chainbreaker.cases.inputs import AlertRow, HitRow, Inputs, related_party_ids
from chainbreaker.cases.network import (
    Edge,
    account_role_edges,
    counterparty_customer,
    group_parties,
    identifier_edges,
    transfer_edges,
)


def tie_kind(tie: dict[str, Any]) -> str:
    """The edge kind of one of monitoring's ties: `shared_phone`, `money_flow`, ... (`tie` when unnamed)."""
    how = str(tie.get("how") or "tie")
    if how == "shared_identifier":
        return f"shared_{tie.get('identifier') or 'identifier'}"
    return how


def _monitoring_edges(inputs: Inputs, members: set[str]) -> list[Edge]:
    """Edges from what monitoring wrote: alert evidence, ties and network ids (members grow in place)."""
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
            for tie in risk.ties[:MAX_RELATED_PER_ALERT]:
                other = str(tie.get("party_id") or "").strip()
                if other and other != risk.party_id:
                    edges.append(Edge(risk.party_id, other, tie_kind(tie)))
    for parties in by_network.values():
        if members & set(parties):
            members.update(parties)
            ordered = sorted(parties)
            edges.extend(Edge(ordered[0], other, "network") for other in ordered[1:])
    return edges


def _priority(plan: Plan, inputs: Inputs) -> tuple[bool, float, int]:
    risks = [inputs.party_risk[p] for p in plan.parties if p in inputs.party_risk]
    has_subject = any(r.role == "subject" for r in risks)
    scores = [r.risk_score for r in risks] + [a.score for a in plan.alerts] + [h.hit.score for h in plan.hits]
    return has_subject, max(scores, default=0.0), len(plan.alerts)


def place_hit(hit: HitRow, con: Any) -> PlacedHit:
    """Where a hit sits: a customer's own name on that customer; a counterparty's name beside the customer
    that pays or is paid by it most (the counterparty is not a customer, so it has no party id)."""
    if not hit.is_counterparty:
        return PlacedHit(hit, hit.query_id, None)
    customer = counterparty_customer(con, hit.query_name or hit.query_id[3:]) if con is not None else None
    return PlacedHit(hit, None, customer)


def plan_cases(inputs: Inputs, con: Any) -> tuple[list[Plan], list[str]]:
    """Group alerted parties (and the parties tied to them) into networks; returns the plans and warnings."""
    warnings: list[str] = []
    seeds = {a.party_id for a in inputs.alerts}
    members = set(seeds)
    edges = _monitoring_edges(inputs, members)
    placed = [place_hit(hit, con) for hit in inputs.hits]
    for item in placed:
        anchor = item.party_id or item.counterparty_of
        if anchor:
            members.add(anchor)
            seeds.add(anchor)
    edges = [e for e in edges if e.source in members and e.target in members]
    if con is not None:
        ordered_members = sorted(members)
        edges += account_role_edges(con, ordered_members)
        if not inputs.party_risk:
            warnings.append(
                "no monitoring ties to reuse: ties derived from the workspace (transfers, identifiers)"
            )
            edges += transfer_edges(con, ordered_members)
            edges += identifier_edges(con, ordered_members)
    groups = [g for g in group_parties(members, edges) if seeds & set(g)]
    alerts_by_party: dict[str, list[AlertRow]] = defaultdict(list)
    for alert in inputs.alerts:
        alerts_by_party[alert.party_id].append(alert)
    hits_by_party: dict[str, list[PlacedHit]] = defaultdict(list)
    orphan_hits: list[PlacedHit] = []
    for item in placed:
        anchor = item.party_id or item.counterparty_of
        if anchor:
            hits_by_party[anchor].append(item)
        else:
            orphan_hits.append(item)
    plans: list[Plan] = []
    for group in groups:
        group_set = set(group)
        plans.append(
            Plan(
                parties=group,
                alerts=[a for p in group for a in alerts_by_party.get(p, [])],
                hits=[h for p in group for h in hits_by_party.get(p, [])],
                edges=[e for e in edges if e.source in group_set and e.target in group_set],
            )
        )
    # New cases are numbered in this order: cases with a likely subject first, riskiest first, so C-000001 of
    # a first build is the case an analyst should open (and report) first.
    plans.sort(key=lambda plan: _priority(plan, inputs), reverse=True)
    if orphan_hits:
        # A counterparty outside the bank matched a list but no customer could be tied to it: one case
        # per listed entity, without parties, so the hit is not lost.
        by_entity: dict[str, list[PlacedHit]] = defaultdict(list)
        for item in orphan_hits:
            by_entity[item.hit.entity_id].append(item)
        for entity_hits in by_entity.values():
            plans.append(Plan(parties=[], alerts=[], hits=entity_hits, edges=[]))
    return plans, warnings
