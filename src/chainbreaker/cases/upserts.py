"""Writing a plan into the case store: parties, alerts and hits inserted or updated, never duplicated.

An alert is identified as monitoring identifies it (`alert_id`, see `core.handoff.alert_identity`), so a re-run
over the same data changes nothing and a first build records no re-scoring. An alert whose score, period or
evidence changed between runs is *re-scored*: its earlier version goes to the alert's `history` and the change
is written to the audit log. Analysts' decisions (a role they set, the status, comments) are never overwritten.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.cases.build_types import OPEN_STATUSES, BuildReport, PlacedHit, Plan
from chainbreaker.cases.evidence import add_evidence
from chainbreaker.cases.inputs import AlertRow, Inputs, PartyRiskRow
from chainbreaker.cases.safeguards import protect_new_victim
from chainbreaker.cases.summary import refresh
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import Alert, Case, CaseParty, ScreeningHit


def fingerprint(alert: AlertRow) -> str:
    """What makes an alert unchanged between runs: its score, period and evidence."""
    payload = json.dumps(
        [round(alert.score, 6), str(alert.period_start), str(alert.period_end), alert.evidence],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


class CaseWriter:
    """Applies plans to the store; keeps per-run lookups so each group costs few queries."""

    def __init__(
        self, session: Session, org_id: str, actor: str, inputs: Inputs, report: BuildReport
    ) -> None:
        self.session = session
        self.org_id = org_id
        self.actor = actor
        self.inputs = inputs
        self.report = report
        self.alerts: dict[str, Alert] = {
            a.alert_id: a for a in session.execute(select(Alert).where(Alert.org_id == org_id)).scalars()
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

    def _target_case(self, plan: Plan) -> Case | None:
        candidates: set[int] = set()
        for alert in plan.alerts:
            existing = self.alerts.get(alert.alert_id)
            if existing is not None and existing.case.status in OPEN_STATUSES:
                candidates.add(existing.case_id)
        for party in plan.parties:
            if party in self.open_party_case:
                candidates.add(self.open_party_case[party])
        for item in plan.hits:
            existing_hit = self.hits.get((item.hit.query_id, item.hit.entity_id))
            if existing_hit is not None and existing_hit.case.status in OPEN_STATUSES:
                candidates.add(existing_hit.case_id)
        if not candidates:
            return None
        return self.session.get(Case, min(candidates))

    def apply(self, plan: Plan, transactions: dict[str, dict[str, Any]]) -> None:
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
            changes[self._upsert_alert(case, alert, transactions, rescored)] += 1
        for item in plan.hits:
            changes[self._upsert_hit(case, item)] += 1
        if not created and not any(
            changes[k] for k in ("parties", "added", "rescored", "hit_added", "hit_updated")
        ):
            self.report.cases_unchanged += 1
            return
        refresh(case, plan.edges)
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
        for entry in rescored:
            audit.record(
                self.session, self.org_id, self.actor, "alert.rescored", "case", case.reference, entry
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
                    sub_role=risk.subrole if risk else None,
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
            existing.role, existing.sub_role = risk.role, risk.subrole
            existing.risk_score, existing.explanation = risk.risk_score, risk.explanation
            if existing.role == "likely_victim":
                protect_new_victim(existing)  # a closure no supervisor decided does not survive (security-01)
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
        digest = fingerprint(row)
        existing = self.alerts.get(row.alert_id)
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
            self.alerts[row.alert_id] = alert
            self.report.alerts_added += 1
            self.report.evidence_added += add_evidence(case, alert, transactions, self.org_id)
            return "added"
        if existing.fingerprint == digest:
            self.report.alerts_unchanged += 1
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
                "alert_id": row.alert_id,
                "party_id": row.party_id,
                "indicator_id": row.indicator_id,
                "old_score": existing.score,
                "new_score": row.score,
                "alert_case": existing.case.reference,
            }
        )
        existing.history = [*existing.history, previous]
        existing.score = row.score
        existing.trafficking_type = row.trafficking_type
        existing.period_start, existing.period_end = row.period_start, row.period_end
        existing.evidence = row.evidence
        existing.fingerprint = digest
        existing.updated_at = now
        self.report.alerts_rescored += 1
        self.report.evidence_added += add_evidence(existing.case, existing, transactions, self.org_id)
        if existing.case is not case:
            existing.case.updated_at = now  # bump the other case's version: its alert changed
        return "rescored"

    def _upsert_hit(self, case: Case, item: PlacedHit) -> str:
        row = item.hit
        existing = self.hits.get((row.query_id, row.entity_id))
        values = {
            "party_id": item.party_id,
            "counterparty_of": item.counterparty_of,
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
            anchor = item.party_id or item.counterparty_of
            if anchor and all(p.party_id != anchor for p in case.parties):
                self._upsert_party(case, anchor)
            return "hit_added"
        if all(getattr(existing, k) == v for k, v in values.items()):
            return "hit_unchanged"
        for key, value in values.items():
            setattr(existing, key, value)
        existing.updated_at = utcnow()
        self.report.hits_updated += 1
        return "hit_updated"
