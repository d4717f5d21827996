"""Organisation-scoped reads the pages and the API share: alert lists, alert reviews, dashboard counts.

The case library offers cases (`cases.views`); alerts are listed and counted here because only the
service needs them across cases. Every query filters on `org_id` first: that filter is the whole of
the isolation between organisations, so it is written once, here, and tested through every endpoint.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.cases.parties import party_details
from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.storage.models import Alert, Case, Evidence
from chainbreaker.storage.service_models import REVIEW_DECISIONS, AlertReview

MAX_PAGE = 200


def list_alerts(
    session: Session,
    org_id: str,
    *,
    indicator: str | None = None,
    trafficking_type: str | None = None,
    case_id: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[Alert]]:
    """One page of an organisation's alerts, highest score first, and the total matching."""
    limit = max(1, min(limit, MAX_PAGE))
    query = select(Alert).where(Alert.org_id == org_id)
    if indicator:
        query = query.where(Alert.indicator_id == indicator)
    if trafficking_type:
        query = query.where(Alert.trafficking_type == trafficking_type)
    if case_id is not None:
        query = query.where(Alert.case_id == case_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Alert.score.desc(), Alert.id).offset(max(0, offset)).limit(limit))
    return int(total), list(rows)


def get_alert(session: Session, org_id: str, alert_pk: int) -> Alert:
    alert = session.scalar(select(Alert).where(Alert.org_id == org_id, Alert.id == alert_pk))
    if alert is None:
        raise NotFoundError(f"alert {alert_pk} not found")
    return alert


def alert_evidence(session: Session, org_id: str, alert: Alert) -> list[Evidence]:
    """Exactly the transactions that made this alert, in its period (see `casework.alert_transactions`)."""
    from chainbreaker.service.casework import alert_transactions

    return alert_transactions(session, org_id, alert)[0]


def alert_case_reference(session: Session, org_id: str, alert: Alert) -> str:
    reference = session.scalar(select(Case.reference).where(Case.org_id == org_id, Case.id == alert.case_id))
    return reference or str(alert.case_id)


def reviews(session: Session, org_id: str, alert_pk: int) -> list[AlertReview]:
    return list(
        session.scalars(
            select(AlertReview)
            .where(AlertReview.org_id == org_id, AlertReview.alert_pk == alert_pk)
            .order_by(AlertReview.at.desc(), AlertReview.id.desc())
        )
    )


def latest_decisions(session: Session, org_id: str, alert_pks: list[int]) -> dict[int, str]:
    """The newest review decision of each alert (alerts never reviewed are absent)."""
    if not alert_pks:
        return {}
    rows = session.execute(
        select(AlertReview.alert_pk, AlertReview.decision)
        .where(AlertReview.org_id == org_id, AlertReview.alert_pk.in_(alert_pks))
        .order_by(AlertReview.at, AlertReview.id)
    )
    return {pk: decision for pk, decision in rows}


def review_alert(
    session: Session, org_id: str, alert_pk: int, reviewer: str, decision: str, note: str | None
) -> AlertReview:
    """Record an analyst's decision on an alert, with an audit entry (the note itself is not audited)."""
    if decision not in REVIEW_DECISIONS:
        raise InputError(f"decision must be one of {', '.join(REVIEW_DECISIONS)}", column="decision")
    alert = get_alert(session, org_id, alert_pk)
    text = note.strip() if note else None
    row = AlertReview(
        org_id=org_id, alert_pk=alert.id, reviewer=reviewer, decision=decision, note=text or None
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        org_id,
        reviewer,
        "alert.review",
        "alert",
        str(alert.id),
        {
            "decision": decision,
            "indicator_id": alert.indicator_id,
            "case_id": alert.case_id,
            "note_given": bool(text),
        },
    )
    return row


@dataclass
class Dashboard:
    """Counts behind the dashboard charts."""

    alerts: int = 0
    by_indicator: list[tuple[str, int]] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    by_type: dict[str, list[int]] = field(default_factory=dict)
    cases_by_status: dict[str, int] = field(default_factory=dict)
    open_victim_decisions: int = 0


def dashboard(session: Session, org_id: str) -> Dashboard:
    """Alerts by indicator, alerts by trafficking type per month, and cases by status."""
    result = Dashboard()
    by_indicator = session.execute(
        select(Alert.indicator_id, func.count())
        .where(Alert.org_id == org_id)
        .group_by(Alert.indicator_id)
        .order_by(func.count().desc(), Alert.indicator_id)
    ).all()
    result.by_indicator = [(str(ind), int(n)) for ind, n in by_indicator]
    result.alerts = sum(n for _, n in result.by_indicator)
    monthly: dict[str, Counter[str]] = defaultdict(Counter)
    for kind, start in session.execute(
        select(Alert.trafficking_type, Alert.period_start).where(Alert.org_id == org_id)
    ):
        if start is not None:
            monthly[start.strftime("%Y-%m")][kind] += 1
    result.periods = sorted(monthly)
    kinds = [k for k in ("sex", "labour", "general") if any(monthly[p][k] for p in result.periods)]
    result.by_type = {k: [monthly[p][k] for p in result.periods] for k in kinds}
    statuses = session.execute(
        select(Case.status, func.count()).where(Case.org_id == org_id).group_by(Case.status)
    ).all()
    result.cases_by_status = {str(s): int(n) for s, n in statuses}
    return result


def party_names(workspace: Workspace, party_ids: list[str]) -> dict[str, str]:
    """Display names of a case's parties, read through the case library's one door to personal data.

    Callers pass only ids of parties of a case the caller may see, so no other name is read.
    """
    if not party_ids or not workspace.exists():
        return {}
    details = party_details(workspace, party_ids)
    return {pid: str(d.get("name") or pid) for pid, d in details.items()}
