"""What a match does at the bank (docs/sharing.md T10).

- A suspected controller, recruiter or front business raises the party's risk in monitoring with an
  explanation (partner, category, date, identifier kind) and, through an alert, joins the party's case.
- A likely-victim or protective match never raises risk: the party is marked protected (`ProtectedParty`),
  its role in every case becomes likely victim (the survivor safeguard), and closing its account is blocked
  until a supervisor records why (`cases.safeguards`, `cases.protection`). Protection wins over any threat
  signal for the same party: a victim forced to recruit is still a victim first, and a person decides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit, workflow
from chainbreaker.cases.protection import is_protected
from chainbreaker.monitoring.output import ALERT_SCHEMA, PARTY_RISK_SCHEMA
from chainbreaker.sharing.protocol import BankMatch
from chainbreaker.sharing.records import Category
from chainbreaker.storage.models import CaseParty
from chainbreaker.storage.sharing_models import ProtectedParty, SharedSignal

#: Indicator id and alert score of each threat category (a partner's list is strong but second-hand).
SIGNALS: dict[Category, tuple[str, float, str]] = {
    Category.SUSPECTED_CONTROLLER: ("SH-01", 0.9, "a suspected controller"),
    Category.RECRUITER: ("SH-02", 0.8, "a suspected recruiter"),
    Category.FRONT_BUSINESS: ("SH-03", 0.7, "a suspected front business"),
}


@dataclass
class EffectReport:
    signals: int = 0
    protected: int = 0
    roles_changed: int = 0


def explanation(m: BankMatch) -> str:
    """The sentence an analyst reads: partner, category, date, and what matched."""
    what = SIGNALS[m.category][2] if m.category in SIGNALS else "a person it supports"
    via = f"counterparty account {m.counterparty} in this party's payments" if m.counterparty else m.kind
    return f"Partner {m.partnership} lists this party as {what} (list of {m.created}; matched on {via})."


def apply_matches(session: Session, org_id: str, actor: str, matches: list[BankMatch]) -> EffectReport:
    """Record what each match does, in the caller's transaction, with one audit entry per effect."""
    report = EffectReport()
    for m in matches:
        matched_on = f"counterparty_account:{m.counterparty}" if m.counterparty else m.kind
        details = {
            "category": m.category.value,
            "partnership": m.partnership,
            "kind": m.kind,
            "handle": m.handle,
        }
        if m.category.protects:
            exists = session.scalar(
                select(ProtectedParty.id).where(
                    ProtectedParty.org_id == org_id,
                    ProtectedParty.party_id == m.party_id,
                    ProtectedParty.handle == m.handle,
                )
            )
            if exists is None:
                session.add(
                    ProtectedParty(
                        org_id=org_id,
                        party_id=m.party_id,
                        category=m.category.value,
                        partnership=m.partnership,
                        handle=m.handle,
                        matched_on=matched_on,
                    )
                )
                report.protected += 1
                audit.record(session, org_id, actor, "sharing.protected", "party", m.party_id, details)
            report.roles_changed += _mark_victim(session, org_id, actor, m)
            continue
        exists = session.scalar(
            select(SharedSignal.id).where(
                SharedSignal.org_id == org_id,
                SharedSignal.party_id == m.party_id,
                SharedSignal.handle == m.handle,
                SharedSignal.matched_on == matched_on,
            )
        )
        if exists is None:
            session.add(
                SharedSignal(
                    org_id=org_id,
                    party_id=m.party_id,
                    category=m.category.value,
                    partnership=m.partnership,
                    submitted_on=m.created,
                    handle=m.handle,
                    matched_on=matched_on,
                    explanation=explanation(m),
                )
            )
            report.signals += 1
            audit.record(session, org_id, actor, "sharing.signal", "party", m.party_id, details)
    session.flush()
    return report


def _mark_victim(session: Session, org_id: str, actor: str, m: BankMatch) -> int:
    """Every case holding the party now shows it as a likely victim, so the survivor safeguard applies."""
    changed = 0
    rows = session.scalars(
        select(CaseParty).where(CaseParty.org_id == org_id, CaseParty.party_id == m.party_id)
    ).all()
    for party in rows:
        if party.role != "likely_victim":
            workflow.set_party_role(
                session, org_id, party.case_id, m.party_id, "likely_victim", actor, reason=explanation(m)
            )
            changed += 1
    return changed


def risk_signals(session: Session, org_id: str) -> list[SharedSignal]:
    """Threat signals that may raise risk: none for a party that is protected (T10)."""
    rows = session.scalars(
        select(SharedSignal).where(SharedSignal.org_id == org_id).order_by(SharedSignal.id)
    ).all()
    return [s for s in rows if not is_protected(session, org_id, s.party_id)]


def protected_parties(session: Session, org_id: str) -> list[str]:
    rows = session.scalars(
        select(ProtectedParty.party_id).where(
            ProtectedParty.org_id == org_id, ProtectedParty.released_at.is_(None)
        )
    ).all()
    return sorted(set(rows))


def _combine(a: float, b: float) -> float:
    return 1.0 - (1.0 - a) * (1.0 - b)


def merge_into_monitoring(session: Session, org_id: str, folder: Path) -> tuple[int, int]:
    """Add shared signals to monitoring's alerts and party_risk (so `cases build` joins them to cases).

    Threat signals add an `SH-0x` alert and raise `risk_score` (combined as independent evidence); protected
    parties get role likely_victim and keep their score. Run after each `monitor` run, which rewrites the
    files. Returns (alerts added, parties marked protected).
    """
    folder.mkdir(parents=True, exist_ok=True)
    alerts_path, risk_path = folder / "alerts.parquet", folder / "party_risk.parquet"
    alerts = pq.read_table(alerts_path).to_pylist() if alerts_path.exists() else []
    risks = pq.read_table(risk_path).to_pylist() if risk_path.exists() else []
    alerts = [a for a in alerts if not str(a.get("indicator_id", "")).startswith("SH-")]
    by_party: dict[str, dict[str, Any]] = {r["party_id"]: r for r in risks}
    added = 0
    for s in risk_signals(session, org_id):
        indicator, score, _ = SIGNALS[Category(s.category)]
        day = datetime.fromisoformat(s.submitted_on)
        alerts.append(
            {
                "alert_id": f"share:{s.handle}:{s.party_id}:{s.matched_on}",
                "party_id": s.party_id,
                "account_id": None,
                "indicator_id": indicator,
                "trafficking_type": "general",
                "score": score,
                "period_start": day,
                "period_end": day,
                "evidence": json.dumps({"partnership": s.partnership, "handle": s.handle}),
                "role": "subject",
                "explanation": s.explanation,
            }
        )
        added += 1
        row = by_party.setdefault(s.party_id, _empty_risk(s.party_id))
        if indicator not in (row.get("indicators") or []):
            row["risk_score"] = _combine(float(row.get("risk_score") or 0.0), score)
            row["indicators"] = [*(row.get("indicators") or []), indicator]
            row["explanation"] = " ".join(p for p in (row.get("explanation"), s.explanation) if p)
            row["alerted"] = True
            if row.get("role") in (None, "", "unknown"):
                row["role"] = "likely_subject"
    protected = protected_parties(session, org_id)
    for party_id in protected:
        row = by_party.setdefault(party_id, _empty_risk(party_id))
        row["role"], row["subrole"] = "likely_victim", None
        note = "Protected: a partner NGO supports this person; do not exit (survivor safeguard)."
        if note not in (row.get("explanation") or ""):
            row["explanation"] = " ".join(p for p in (row.get("explanation"), note) if p)
    pq.write_table(pa.Table.from_pylist(alerts, schema=ALERT_SCHEMA), alerts_path)
    rows = sorted(by_party.values(), key=lambda r: str(r["party_id"]))
    pq.write_table(pa.Table.from_pylist(rows, schema=PARTY_RISK_SCHEMA), risk_path)
    return added, len(protected)


def _empty_risk(party_id: str) -> dict[str, Any]:
    return {
        "party_id": party_id,
        "risk_score": 0.0,
        "indicators": [],
        "trafficking_type": "general",
        "role": "unknown",
        "subrole": None,
        "network_id": None,
        "ties": "[]",
        "explanation": "",
        "alerted": False,
        "own_score": 0.0,
        "subject_score": 0.0,
        "victim_score": 0.0,
    }
