"""A case's derived fields: title, type, score, period, network drawing and summary counts.

Recomputed from the case's contents after every change, so they never disagree with what the case holds. An
analyst's decision on the trafficking type stands until typed alerts arrive.
"""

from __future__ import annotations

from collections import Counter

from chainbreaker.cases.classify import case_trafficking_type
from chainbreaker.cases.network import Edge
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import Case

LABELS = {"sex": "Sex trafficking", "labour": "Labour trafficking", "mixed": "Sex and labour trafficking"}


def count(n: int, one: str, many: str | None = None) -> str:
    """`1 alert`, `3 alerts`."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def refresh(case: Case, edges: list[Edge]) -> None:
    """Recompute the case's title, type, score, period, network and summary from its contents."""
    derived = case_trafficking_type(
        ((a.party_id, a.indicator_id, a.trafficking_type, a.score) for a in case.alerts),
        {p.party_id for p in case.parties if p.role == "subject"},
    )
    if derived != "general" or "trafficking_type_set_by" not in (case.summary or {}):
        case.trafficking_type = derived  # an analyst's decision stands until typed alerts arrive
    scores = [a.score for a in case.alerts] + [p.risk_score or 0.0 for p in case.parties]
    scores += [h.score for h in case.hits]
    case.risk_score = round(max(scores, default=0.0), 4)
    starts = [a.period_start for a in case.alerts if a.period_start] + [e.booked_at for e in case.evidence]
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
        "counterparty_hits": sum(1 for h in case.hits if h.counterparty_of),
        "datasets": sorted({h.dataset for h in case.hits if h.dataset}),
    }
    kind = LABELS.get(case.trafficking_type, "Trafficking risk")
    what = "network" if len(case.parties) > 1 else "party" if case.parties else "listed counterparty"
    top = ", ".join(i for i, _ in indicators.most_common(3))
    hits = f", {count(len(case.hits), 'list match', 'list matches')}" if case.hits else ""
    case.title = (
        f"{kind} {what}: {count(len(case.parties), 'party', 'parties')}, {count(len(case.alerts), 'alert')}"
        + (f" ({top})" if top else "")
        + hits
    )[:300]
    case.updated_at = utcnow()
