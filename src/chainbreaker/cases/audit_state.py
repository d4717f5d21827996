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

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.storage.models import Case


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
    }


def case_digest(case: Case) -> str:
    """SHA-256 of `case_state` in canonical JSON."""
    payload = json.dumps(
        case_state(case), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
