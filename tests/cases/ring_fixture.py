"""A small workspace with one trafficking ring and one unrelated alerted party, written by hand.

Ring: controller P1 (authorised user on victim P2's account, signatory of front business B1) receives the
earnings of victims P2 and P3 (who share a dormitory address); B1 deposits cash late at night; P1 wires money
to Thailand. Unrelated: P9 structures cash and matches a sanctions list entry. P7 only matches a list.
Used by tests/cases and tests/reports (loaded by path, since test folders are not packages).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from chainbreaker.core.contract import ACCOUNT_HOLDERS, ACCOUNTS, PARTIES, TRANSACTIONS, ddl
from chainbreaker.core.workspace import Workspace

PARTY_ROWS = [
    # party_id, type, name, dob, nationality, country, address, city, postal, phone, email, occupation, employer,
    # industry, naics, id_number
    (
        "P1",
        "person",
        "Victor Kane",
        "1980-02-03",
        "US",
        "US",
        "1 Main St",
        "Houston",
        "77001",
        "713-555-0100",
        "vk@example.com",
        "manager",
        None,
        None,
        None,
        "900-11-2222",
    ),
    (
        "P2",
        "person",
        "Ana Lopez",
        "2001-05-06",
        "MX",
        "US",
        "9 Dorm Rd Apt 1",
        "Houston",
        "77002",
        "(713) 555-0101",
        None,
        "massage therapist",
        "Lotus Spa LLC",
        None,
        None,
        "P1234567",
    ),
    (
        "P3",
        "person",
        "Mei Chen",
        "1999-07-08",
        "CN",
        "US",
        "9 Dorm Rd Apt 1",
        "Houston",
        "77002",
        "713 555 0102",
        None,
        "massage therapist",
        "Lotus Spa LLC",
        None,
        None,
        "E7654321",
    ),
    (
        "B1",
        "organization",
        "Lotus Spa LLC",
        None,
        None,
        "US",
        "20 Elm Ave",
        "Houston",
        "77003",
        "713-555-0199",
        None,
        None,
        None,
        "massage parlor",
        "812199",
        "EIN-12-3456789",
    ),
    (
        "P9",
        "person",
        "Sam Hill",
        "1975-01-01",
        "US",
        "US",
        "5 Oak St",
        "Dallas",
        "75201",
        "214-555-0100",
        None,
        "driver",
        None,
        None,
        None,
        "900-33-4444",
    ),
    (
        "P7",
        "person",
        "Olga Petrova",
        "1970-03-04",
        "RU",
        "US",
        "7 Pine St",
        "Austin",
        "73301",
        "512-555-0100",
        None,
        "consultant",
        None,
        None,
        None,
        "900-55-6666",
    ),
]
ACCOUNT_ROWS = [
    ("A1", "P1", "checking", "2023-01-01"),
    ("A2", "P2", "checking", "2024-01-05"),
    ("A3", "P3", "checking", "2024-01-06"),
    ("AB", "B1", "business", "2022-06-01"),
    ("A9", "P9", "checking", "2020-01-01"),
    ("A7", "P7", "checking", "2019-01-01"),
]
HOLDER_ROWS = [("A2", "P1", "authorised_user"), ("AB", "P1", "signatory")]
TXN_ROWS = [
    # txn_id, account, booked_at, amount, direction, channel, cp_account, cp_name, cp_country, city, country
    ("T1", "A2", "2024-02-01 21:00:00", "900.00", "out", "p2p", "A1", "Victor Kane", None, "Houston", "US"),
    ("T1m", "A1", "2024-02-01 21:00:00", "900.00", "in", "p2p", "A2", "Ana Lopez", None, "Houston", "US"),
    ("T2", "A3", "2024-02-02 22:00:00", "850.00", "out", "p2p", "A1", "Victor Kane", None, "Houston", "US"),
    ("T2m", "A1", "2024-02-02 22:00:00", "850.00", "in", "p2p", "A3", "Mei Chen", None, "Houston", "US"),
    ("T3", "AB", "2024-02-03 02:10:00", "4000.00", "in", "cash", None, None, None, "Houston", "US"),
    ("T4", "AB", "2024-02-04 03:20:00", "3500.00", "in", "cash", None, None, None, "Houston", "US"),
    (
        "T5",
        "A1",
        "2024-02-05 10:00:00",
        "6000.00",
        "out",
        "wire",
        "TH1234567890",
        "S. Wong",
        "TH",
        "Houston",
        "US",
    ),
    ("T9a", "A9", "2024-03-01 10:00:00", "9500.00", "in", "cash", None, None, None, "Dallas", "US"),
    ("T9b", "A9", "2024-03-02 11:00:00", "9400.00", "in", "cash", None, None, None, "Dallas", "US"),
    ("T7", "A7", "2024-03-03 12:00:00", "100.00", "out", "card", None, "Coffee", None, "Austin", "US"),
]


def _alert(
    alert_id: str,
    party: str,
    account: str | None,
    indicator: str,
    kind: str,
    score: float,
    start: str,
    end: str,
    evidence: dict[str, Any],
) -> dict[str, Any]:
    return {
        "alert_id": alert_id,
        "party_id": party,
        "account_id": account,
        "indicator_id": indicator,
        "trafficking_type": kind,
        "score": score,
        "period_start": start,
        "period_end": end,
        "evidence": json.dumps(evidence),
        "role": ROLE_OF.get(party, "unknown"),
        "explanation": f"{indicator} on {party}",
    }


ROLE_OF = {"P1": "likely_subject", "P2": "likely_victim", "B1": "likely_subject", "P9": "likely_subject"}


def alert_rows(controller_score: float = 0.9) -> list[dict[str, Any]]:
    return [
        _alert(
            "AL1",
            "P1",
            "A1",
            "NW-01",
            "sex",
            controller_score,
            "2024-02-01",
            "2024-02-05",
            {"txn_ids": ["T1m", "T2m", "T5"], "related_party_ids": ["P2", "P3"], "inflow_share": 0.95},
        ),
        _alert(
            "AL2",
            "P2",
            "A2",
            "ST-21",
            "sex",
            0.7,
            "2024-02-01",
            "2024-02-01",
            {"txn_ids": ["T1"], "swept_share": 0.97},
        ),
        _alert(
            "AL3",
            "B1",
            "AB",
            "G-03",
            "general",
            0.6,
            "2024-02-03",
            "2024-02-04",
            {"txn_ids": ["T3", "T4"], "night_share": 1.0},
        ),
        _alert(
            "AL4",
            "P9",
            "A9",
            "G-06",
            "general",
            0.8,
            "2024-03-01",
            "2024-03-02",
            {"txn_ids": ["T9a", "T9b"], "count_below_threshold": 2},
        ),
    ]


RISK_ROWS = [
    {
        "party_id": "P1",
        "risk_score": 0.92,
        "indicators": ["NW-01"],
        "trafficking_type": "sex",
        "role": "likely_subject",
        "subrole": "controller",
        "network_id": "N1",
        "ties": json.dumps([{"party_id": "B1"}]),
        "explanation": "receives most inflows of two accounts",
    },
    {
        "party_id": "P2",
        "risk_score": 0.7,
        "indicators": ["ST-21"],
        "trafficking_type": "sex",
        "role": "likely_victim",
        "subrole": None,
        "network_id": "N1",
        "ties": json.dumps(
            [
                {"party_id": "P1", "how": "money_flow", "direction": "sends_to", "share": 0.97},
                {
                    "party_id": "P3",
                    "how": "shared_identifier",
                    "identifier": "address",
                    "indicator_id": "ST-05",
                },
            ]
        ),
        "explanation": "earnings swept",
    },
    {
        "party_id": "P3",
        "risk_score": 0.5,
        "indicators": [],
        "trafficking_type": "sex",
        "role": "likely_victim",
        "subrole": None,
        "network_id": "N1",
        "ties": "[]",
        "explanation": "tied to hub",
    },
    {
        "party_id": "B1",
        "risk_score": 0.6,
        "indicators": ["G-03"],
        "trafficking_type": "general",
        "role": "likely_subject",
        "subrole": "front_business",
        "network_id": None,
        "ties": "[]",
        "explanation": "night cash",
    },
    {
        "party_id": "P9",
        "risk_score": 0.8,
        "indicators": ["G-06"],
        "trafficking_type": "general",
        "role": "likely_subject",
        "subrole": "structurer",
        "network_id": None,
        "ties": "[]",
        "explanation": "structuring",
    },
]

HIT_ROWS = [
    {
        "query_id": "P9",
        "query_name": "Sam Hill",
        "entity_id": "NK-1",
        "entity_name": "SAM HILL",
        "dataset": "us_ofac_sdn",
        "source_id": "12345",
        "score": 0.92,
        "matched_on": "name",
        "explanation": "name",
    },
    {
        "query_id": "P7",
        "query_name": "Olga Petrova",
        "entity_id": "NK-2",
        "entity_name": "PETROVA, Olga",
        "dataset": "un_sc_sanctions",
        "source_id": "QDi.1",
        "score": 0.88,
        "matched_on": "name",
        "explanation": "name and birth year",
    },
    {
        "query_id": "P3",
        "query_name": "Mei Chen",
        "entity_id": "NK-3",
        "entity_name": "CHEN Mei",
        "dataset": "us_ofac_sdn",
        "source_id": "999",
        "score": 0.2,
        "matched_on": "name",
        "explanation": "weak",
    },
]


def make_workspace(ws: Workspace) -> Workspace:
    """Write the contract tables into a fresh workspace and the monitoring/screening outputs beside them."""
    con = ws.connect()
    try:
        for table in (PARTIES, ACCOUNTS, ACCOUNT_HOLDERS, TRANSACTIONS):
            con.execute(ddl(table))
        columns = ", ".join(PARTIES.column_names[:16])
        con.executemany(f"INSERT INTO parties ({columns}) VALUES ({', '.join('?' * 16)})", PARTY_ROWS)
        con.executemany(
            "INSERT INTO accounts (account_id, party_id, account_type, opened_at, currency) VALUES (?, ?, ?, ?, 'USD')",
            ACCOUNT_ROWS,
        )
        con.executemany("INSERT INTO account_holders VALUES (?, ?, ?)", HOLDER_ROWS)
        con.executemany(
            "INSERT INTO transactions (txn_id, account_id, booked_at, amount, direction, channel, "
            "counterparty_account, counterparty_name, counterparty_country, city, country, currency) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'USD')",
            TXN_ROWS,
        )
    finally:
        con.close()
    write_monitoring(ws)
    (ws.root / "screening").mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(HIT_ROWS), ws.root / "screening" / "hits.parquet")
    return ws


def write_monitoring(ws: Workspace, controller_score: float = 0.9) -> Path:
    folder = ws.root / "monitoring"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(alert_rows(controller_score)), folder / "alerts.parquet")
    risk = [
        {
            **row,
            "alerted": True,
            "own_score": row["risk_score"],
            "subject_score": row["risk_score"] if row["role"] == "likely_subject" else 0.0,
            "victim_score": row["risk_score"] if row["role"] == "likely_victim" else 0.0,
        }
        for row in RISK_ROWS
    ]
    pq.write_table(pa.Table.from_pylist(risk), folder / "party_risk.parquet")
    return folder
