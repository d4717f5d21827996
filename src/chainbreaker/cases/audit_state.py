"""The state of a case as the audit log last saw it: a digest recorded with every entry about the case.

A hash chain proves the log was not edited; it says nothing about the case rows themselves, so
`UPDATE cases SET status='closed'`, an edited comment or a deleted case used to verify as intact. Every
entry about a case now carries `state`, the SHA-256 of the case's decision-bearing content after the change
(status, reason, type, assignee; each party's role and account decision; comments; alerts; hits; reports).
`verify` recomputes the digest of every case row and compares it with the last digest in the chain: a row
changed, added or deleted outside the application shows up as a problem.

Values monitoring may refresh without a decision (a party's risk score and explanation) are left out, so a
rebuild that only refreshes them is not reported as tampering.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session, object_session

from chainbreaker.storage.models import Alert, Case


def _iso(value: Any) -> Any:
    return value.isoformat(timespec="microseconds") if hasattr(value, "isoformat") else value


def case_state(case: Case) -> dict[str, Any]:
    """The content of a case that an audited change may alter, as plain JSON-ready data."""
    return {
        "reference": case.reference,
        "status": case.status,
        "close_reason": case.close_reason,
        "trafficking_type": case.trafficking_type,
        "assignee": case.assignee,
        "parties": sorted(
            [
                p.party_id,
                p.role,
                p.role_set_by,
                p.role_reason,
                p.account_action,
                p.account_action_reason,
                p.account_action_by,
                p.account_action_role,
            ]
            for p in case.parties
        ),
        "comments": sorted([c.id, c.author, c.body, _iso(c.created_at)] for c in case.comments),
        "alerts": sorted(
            [a.party_id, a.indicator_id, a.account_key, round(float(a.score), 6)] for a in case.alerts
        ),
        "hits": sorted([h.query_id, h.entity_id] for h in case.hits),
        "reports": sorted([r.id, r.format, r.sha256] for r in case.reports),
        "reviews": _reviews(case),
    }


def _reviews(case: Case) -> list[list[Any]]:
    """Analysts' alert decisions on this case (the service's `service_alert_reviews`, migration 0002).

    Read by table name: the rows belong to the service, which the cases package does not import.
    """
    session = object_session(case)
    ids = [a.id for a in case.alerts if a.id is not None]
    if session is None or not ids:
        return []
    rows = session.execute(
        text(
            "SELECT id, alert_pk, reviewer, decision, note FROM service_alert_reviews "
            "WHERE alert_pk IN :ids ORDER BY id"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": ids},
    )
    return [list(row) for row in rows]


def case_digest(case: Case) -> str:
    """SHA-256 of `case_state` in canonical JSON."""
    payload = json.dumps(
        case_state(case), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def case_of_alert(session: Session, org_id: str, alert_pk: str) -> str | None:
    """The reference of the case an alert belongs to (alert decisions are part of the case's state)."""
    if not alert_pk.isascii() or not alert_pk.isdigit() or len(alert_pk) > 18:
        return None
    return session.scalars(
        select(Case.reference)
        .join(Alert, Alert.case_id == Case.id)
        .where(Alert.id == int(alert_pk), Alert.org_id == org_id)
    ).one_or_none()


def digest_of(session: Session, org_id: str, reference: str) -> str | None:
    """The digest of a case as it stands in this session (after the caller's flush), or None if absent."""
    case = session.scalars(
        select(Case).where(Case.org_id == org_id, Case.reference == reference)
    ).one_or_none()
    return case_digest(case) if case is not None else None


def current_digests(session: Session, org_id: str) -> dict[str, str]:
    """Digest of every case row of an organisation, by reference."""
    cases: Iterable[Case] = session.scalars(select(Case).where(Case.org_id == org_id))
    return {case.reference: case_digest(case) for case in cases}
