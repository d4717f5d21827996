"""Evidence: the transactions behind each alert, copied from the workspace into the case.

Copying keeps what a report was based on even after the bank reloads its data. The alert keeps its full list
of transaction ids; at most `MAX_EVIDENCE_PER_ALERT` are copied per alert.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import duckdb

from chainbreaker.cases.build_types import MAX_EVIDENCE_PER_ALERT
from chainbreaker.cases.inputs import AlertRow, txn_ids
from chainbreaker.storage.models import Alert, Case, Evidence


def wanted_transactions(alerts: list[AlertRow]) -> list[str]:
    """Every transaction id the alerts name as evidence (capped per alert), sorted."""
    return sorted({t for a in alerts for t in txn_ids(a.evidence)[:MAX_EVIDENCE_PER_ALERT]})


def fetch_transactions(con: duckdb.DuckDBPyConnection | None, ids: list[str]) -> dict[str, dict[str, Any]]:
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


def add_evidence(case: Case, alert: Alert, transactions: dict[str, dict[str, Any]], org_id: str) -> int:
    """Copy the alert's evidence transactions into the case (once per transaction and indicator); how many."""
    present = {(e.txn_id, e.indicator_id) for e in case.evidence}
    added = 0
    for txn_id in txn_ids(alert.evidence)[:MAX_EVIDENCE_PER_ALERT]:
        txn = transactions.get(txn_id)
        if txn is None or (txn_id, alert.indicator_id) in present:
            continue
        booked = txn["booked_at"]
        case.evidence.append(
            Evidence(
                org_id=org_id,
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
        added += 1
    return added
