"""The facts of one case gathered for a report: parties with their roles and details, alerts, evidence.

Each exporter (goAML, FinCEN SAR, HTML) renders the same facts, so the three always tell one story. Party
details come from the workspace (the case store holds none), KYC extras from the institution's supplement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from chainbreaker.cases.classify import case_trafficking_type
from chainbreaker.cases.parties import party_details
from chainbreaker.cases.safeguards import Safeguard, safeguard_for
from chainbreaker.cases.views import alert_row, evidence_row, hit_row
from chainbreaker.cases.workflow import get_case
from chainbreaker.core.workspace import Workspace
from chainbreaker.reports.institution import Institution, KycRecord

TYPE_LABELS = {
    "sex": "sex trafficking",
    "labour": "labour trafficking",
    "mixed": "sex and labour trafficking",
}


@dataclass
class ReportParty:
    """One case party as a report sees it."""

    party_id: str
    role: str
    sub_role: str | None
    risk_score: float | None
    explanation: str | None
    account_action: str | None
    details: dict[str, Any]
    kyc: KycRecord | None
    indicators: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.details.get("name") or self.party_id)

    @property
    def is_person(self) -> bool:
        return bool(self.details.get("party_type", "person") != "organization")

    @property
    def accounts(self) -> list[dict[str, Any]]:
        accounts: list[dict[str, Any]] = self.details.get("accounts", [])
        return accounts

    @property
    def label(self) -> str:
        role = self.role.replace("_", " ")
        return (
            f"party {self.party_id} ({role}{', ' + self.sub_role.replace('_', ' ') if self.sub_role else ''})"
        )


@dataclass
class ReportFacts:
    """Everything a report about one case is built from."""

    reference: str
    title: str
    status: str
    trafficking_type: str
    risk_score: float
    period_start: datetime | None
    period_end: datetime | None
    network: dict[str, Any]
    parties: list[ReportParty]
    alerts: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    hits: list[dict[str, Any]]
    comments: int
    safeguard: Safeguard
    institution: Institution
    generated_at: datetime

    @property
    def subjects(self) -> list[ReportParty]:
        return [p for p in self.parties if p.role == "subject"]

    @property
    def victims(self) -> list[ReportParty]:
        return [p for p in self.parties if p.role == "likely_victim"]

    @property
    def others(self) -> list[ReportParty]:
        return [p for p in self.parties if p.role in ("witness", "unknown")]

    @property
    def trafficking_label(self) -> str | None:
        """'sex trafficking', 'labour trafficking' or both; None while only general indicators are known."""
        return TYPE_LABELS.get(self.trafficking_type)

    def party(self, party_id: str | None) -> ReportParty | None:
        return next((p for p in self.parties if p.party_id == party_id), None)

    def party_of_account(self, account_id: str | None) -> ReportParty | None:
        for party in self.parties:
            if any(a["account_id"] == account_id for a in party.accounts):
                return party
        return None

    @property
    def total_amount(self) -> Decimal:
        seen: set[str] = set()
        total = Decimal(0)
        for e in self.evidence:
            if e["txn_id"] not in seen:
                seen.add(e["txn_id"])
                total += Decimal(str(e["amount"]))
        return total

    def transactions(self) -> list[dict[str, Any]]:
        """Evidence transactions once each (a transaction behind several indicators lists them all)."""
        merged: dict[str, dict[str, Any]] = {}
        for e in self.evidence:
            item = merged.setdefault(e["txn_id"], {**e, "indicators": []})
            item["indicators"].append(e["indicator_id"])
        return sorted(merged.values(), key=lambda e: (e["booked_at"], e["txn_id"]))


def gather(
    session: Session,
    workspace: Workspace,
    org_id: str,
    case_ref: str | int,
    institution: Institution,
    kyc: dict[str, KycRecord],
    generated_at: datetime,
) -> ReportFacts:
    """Read one case and the details of its parties into `ReportFacts`."""
    case = get_case(session, org_id, case_ref)
    details = party_details(workspace, [p.party_id for p in case.parties])
    indicators_by_party: dict[str, list[str]] = {}
    for alert in case.alerts:
        indicators_by_party.setdefault(alert.party_id, []).append(alert.indicator_id)
    parties = [
        ReportParty(
            party_id=p.party_id,
            role=p.role,
            sub_role=p.sub_role,
            risk_score=p.risk_score,
            explanation=p.explanation,
            account_action=p.account_action,
            details=details.get(p.party_id, {"party_id": p.party_id, "accounts": []}),
            kyc=kyc.get(p.party_id),
            indicators=sorted(set(indicators_by_party.get(p.party_id, []))),
        )
        for p in case.parties
    ]
    alerts = [alert_row(a) for a in case.alerts]
    # Reports name counterparties and merchants, which the case views leave out.
    evidence = [
        {
            **evidence_row(e),
            "counterparty_account": e.counterparty_account,
            "counterparty_name": e.counterparty_name,
            "merchant_name": e.merchant_name,
            "description": e.description,
        }
        for e in case.evidence
    ]
    hits = [hit_row(h) for h in case.hits]
    trafficking: str = case.trafficking_type
    if trafficking == "general":
        # The case may still be typed by its parties' roll-up (monitoring's trafficking_type per party).
        trafficking = case_trafficking_type(
            ((a.party_id, a.indicator_id, a.trafficking_type, a.score) for a in case.alerts),
            {p.party_id for p in case.parties if p.role == "subject"},
        )
    return ReportFacts(
        reference=case.reference,
        title=case.title,
        status=case.status,
        trafficking_type=trafficking,
        risk_score=case.risk_score,
        period_start=case.period_start,
        period_end=case.period_end,
        network=case.network,
        parties=parties,
        alerts=alerts,
        evidence=evidence,
        hits=hits,
        comments=len(case.comments),
        safeguard=safeguard_for(case.parties),
        institution=institution,
        generated_at=generated_at,
    )
