"""Read-only views of cases for the CLI and the service: plain dataclasses, never ORM rows.

The views carry party ids and roles, not names: a page that must show a name asks
`cases.parties.party_details` for it, from the workspace, for the parties it is allowed to show.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainbreaker.cases.protection import protection_notes
from chainbreaker.cases.safeguards import Safeguard, safeguard_for
from chainbreaker.cases.workflow import TRANSITIONS, get_case
from chainbreaker.storage.models import Alert, AuditEntry, Case, CaseParty, Evidence, ScreeningHit


@dataclass
class CaseSummary:
    """One line of `cases list`."""

    id: int
    reference: str
    title: str
    status: str
    trafficking_type: str
    risk_score: float
    parties: int
    likely_victims: int
    alerts: int
    assignee: str | None
    version: int
    updated_at: datetime

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["updated_at"] = self.updated_at.isoformat()
        return data


def list_cases(
    session: Session,
    org_id: str,
    *,
    status: str | None = None,
    assignee: str | None = None,
    limit: int | None = None,
) -> list[CaseSummary]:
    """Cases of one organisation, highest risk first."""
    query = select(Case).where(Case.org_id == org_id)
    if status:
        query = query.where(Case.status == status)
    if assignee:
        query = query.where(Case.assignee == assignee)
    query = query.order_by(Case.risk_score.desc(), Case.id)
    if limit:
        query = query.limit(limit)
    cases = list(session.execute(query).scalars())
    victims = dict(
        session.execute(
            select(CaseParty.case_id, func.count())
            .where(CaseParty.org_id == org_id, CaseParty.role == "likely_victim")
            .group_by(CaseParty.case_id)
        ).all()
    )
    return [
        CaseSummary(
            id=c.id,
            reference=c.reference,
            title=c.title,
            status=c.status,
            trafficking_type=c.trafficking_type,
            risk_score=round(c.risk_score, 3),
            parties=len(c.parties),
            likely_victims=int(victims.get(c.id, 0)),
            alerts=len(c.alerts),
            assignee=c.assignee,
            version=c.version,
            updated_at=c.updated_at,
        )
        for c in cases
    ]


@dataclass
class TimelineItem:
    """One dated event of a case: an evidence transaction, an alert period or a workflow step."""

    at: datetime
    kind: str  # transaction | alert | workflow
    text: str
    indicator_id: str | None = None
    party_id: str | None = None
    txn_id: str | None = None


@dataclass
class CaseView:
    """Everything `cases show` prints and a case page draws."""

    id: int
    reference: str
    title: str
    status: str
    allowed_transitions: tuple[str, ...]
    close_reason: str | None
    trafficking_type: str
    risk_score: float
    assignee: str | None
    version: int
    network: dict[str, Any]
    summary: dict[str, Any]
    parties: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    hits: list[dict[str, Any]]
    comments: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    safeguard: Safeguard
    timeline: list[TimelineItem] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["safeguard"] = self.safeguard.as_dict()
        result: dict[str, Any] = _jsonable(data)
        return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


def alert_row(a: Alert) -> dict[str, Any]:
    """An alert as case pages and reports show it (the view adds how often it was rescored)."""
    return {
        "alert_id": a.alert_id,
        "party_id": a.party_id,
        "account_id": a.account_id,
        "indicator_id": a.indicator_id,
        "trafficking_type": a.trafficking_type,
        "score": a.score,
        "period_start": a.period_start,
        "period_end": a.period_end,
        "evidence": a.evidence,
    }


def evidence_row(e: Evidence) -> dict[str, Any]:
    """An evidence transaction by ids only: no counterparty or merchant names, no free text.

    Views carry no names (see the module docstring); a report, which must name them, adds those fields.
    """
    return {
        "txn_id": e.txn_id,
        "indicator_id": e.indicator_id,
        "party_id": e.party_id,
        "account_id": e.account_id,
        "booked_at": e.booked_at,
        "amount": e.amount,
        "currency": e.currency,
        "direction": e.direction,
        "channel": e.channel,
        "counterparty_party_id": e.counterparty_party_id,
        "counterparty_country": e.counterparty_country,
        "city": e.city,
        "country": e.country,
        "mcc": e.mcc,
    }


def matched_party(h: ScreeningHit) -> str:
    """Who the listed name matched, in words: the customer, or a counterparty (by its own name) of a customer."""
    if h.party_id:
        return f"customer {h.party_id}"
    name = h.query_name or h.query_id.removeprefix("cp:")
    return f"counterparty {name}" + (f" of customer {h.counterparty_of}" if h.counterparty_of else "")


def hit_row(h: ScreeningHit, protected: dict[str, str] | None = None) -> dict[str, Any]:
    """A list match as case pages and reports show it: on a customer, or on a counterparty of one.

    `protected` (from `protection.protection_notes`) puts the reason a matched customer is a protected
    survivor beside the match: the match is still shown, never hidden, and never a reason to exit.
    """
    return {
        "party_id": h.party_id,
        "counterparty_of": h.counterparty_of,
        "query_name": h.query_name,
        "matched_party": matched_party(h),
        "entity_id": h.entity_id,
        "entity_name": h.entity_name,
        "dataset": h.dataset,
        "source_id": h.source_id,
        "score": h.score,
        "matched_on": h.matched_on,
        "explanation": h.explanation,
        "protection": (protected or {}).get(h.party_id or ""),
    }


def case_view(session: Session, org_id: str, ref: str | int) -> CaseView:
    """The full view of one case, with its timeline and its audit trail."""
    case = get_case(session, org_id, ref)
    parties = [
        {
            "party_id": p.party_id,
            "role": p.role,
            "sub_role": p.sub_role,
            "risk_score": p.risk_score,
            "explanation": p.explanation,
            "source": p.source,
            "role_set_by": p.role_set_by,
            "account_action": p.account_action,
        }
        for p in case.parties
    ]
    alerts = [{**alert_row(a), "rescored": len(a.history)} for a in case.alerts]
    evidence = [evidence_row(e) for e in case.evidence]
    protected = protection_notes(session, org_id, [h.party_id or "" for h in case.hits])
    hits = [hit_row(h, protected) for h in case.hits]
    comments = [{"author": c.author, "body": c.body, "created_at": c.created_at} for c in case.comments]
    reports = [
        {
            "format": r.format,
            "profile": r.profile,
            "path": r.path,
            "sha256": r.sha256,
            "created_at": r.created_at,
        }
        for r in case.reports
    ]
    trail = session.execute(
        select(AuditEntry)
        .where(
            AuditEntry.org_id == org_id,
            AuditEntry.object_type == "case",
            AuditEntry.object_id == case.reference,
        )
        .order_by(AuditEntry.seq)
    ).scalars()
    audit_rows = [
        {"seq": a.seq, "at": a.at, "actor": a.actor, "action": a.action, "details": a.details} for a in trail
    ]
    return CaseView(
        id=case.id,
        reference=case.reference,
        title=case.title,
        status=case.status,
        allowed_transitions=TRANSITIONS[case.status],
        close_reason=case.close_reason,
        trafficking_type=case.trafficking_type,
        risk_score=case.risk_score,
        assignee=case.assignee,
        version=case.version,
        network=case.network,
        summary=case.summary,
        parties=parties,
        alerts=alerts,
        evidence=evidence,
        hits=hits,
        comments=comments,
        reports=reports,
        safeguard=safeguard_for(case.parties),
        timeline=timeline(case, audit_rows),
        audit=audit_rows,
    )


def timeline(case: Case, audit_rows: list[dict[str, Any]]) -> list[TimelineItem]:
    """Evidence, alert periods and workflow steps in date order."""
    items: list[TimelineItem] = []
    for e in case.evidence:
        where = ", ".join(x for x in (e.city, e.country) if x)
        items.append(
            TimelineItem(
                at=e.booked_at,
                kind="transaction",
                text=f"{e.direction} {e.amount} {e.currency} by {e.channel}"
                + (f" in {where}" if where else ""),
                indicator_id=e.indicator_id,
                party_id=e.party_id,
                txn_id=e.txn_id,
            )
        )
    for a in case.alerts:
        if a.period_start is not None:
            items.append(
                TimelineItem(
                    at=a.period_start,
                    kind="alert",
                    text=f"{a.indicator_id} (score {a.score:.2f}) starts",
                    indicator_id=a.indicator_id,
                    party_id=a.party_id,
                )
            )
    for row in audit_rows:
        items.append(TimelineItem(at=row["at"], kind="workflow", text=f"{row['action']} by {row['actor']}"))
    items.sort(key=lambda item: item.at)
    return items
