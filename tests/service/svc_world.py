"""Helpers of the service tests: a small workspace with a registry, two organisations, their users.

Organisation `bank-a` has an analyst, a supervisor, an auditor and an admin; `bank-b` has an analyst.
Every isolation test logs in as bank-b and tries to reach bank-a's objects.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from fastapi import FastAPI
from fastapi.testclient import TestClient

from chainbreaker.cases.builder import build_cases
from chainbreaker.core.contract import ACCOUNT_HOLDERS as HOLDERS_T
from chainbreaker.core.contract import ACCOUNTS as ACCOUNTS_T
from chainbreaker.core.contract import PARTIES as PARTIES_T
from chainbreaker.core.contract import TRANSACTIONS as TRANSACTIONS_T
from chainbreaker.core.contract import ddl
from chainbreaker.core.settings import Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.registry.model import EntityBuilder, SourceRead
from chainbreaker.registry.store import RegistryStore
from chainbreaker.reports.demo import write_demo_reporting
from chainbreaker.service import accounts
from chainbreaker.service.app import create_app
from chainbreaker.service.options import ServiceOptions

SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD = "correct horse battery staple"
BASE_URL = "https://testserver"


def _edition(entities: list[dict[str, object]]) -> SourceRead:
    read = SourceRead(files=[])
    for spec in entities:
        builder = EntityBuilder.create("test_list", str(spec["id"]), str(spec["schema"]))
        for prop, values in spec.items():
            if prop in ("id", "schema"):
                continue
            builder.add_all(prop, list(values) if isinstance(values, list | tuple) else [str(values)])
        read.put(builder)
    read.rows_read = len(entities)
    return read


FIRST_EDITION = [
    {
        "id": "1001",
        "schema": "Person",
        "name": "Viktor Anatolyevich Bout",
        "alias": ["Victor Bout"],
        "birthDate": "1967-01-13",
        "nationality": "ru",
    },
    {"id": "1002", "schema": "Company", "name": "Golden Harvest Recruitment Agency Ltd", "country": "th"},
    {"id": "1003", "schema": "Person", "name": "Maria Fernanda Souza", "country": "br"},
]
SECOND_EDITION = [
    *FIRST_EDITION[:2],
    {
        "id": "1003",
        "schema": "Person",
        "name": "Maria Fernanda Souza",
        "country": "br",
        "birthDate": "1980-05-02",
    },
    {"id": "1004", "schema": "Company", "name": "Fazenda Boa Vista Ltda", "country": "br"},
]


PARTIES = [
    # party_id, type, name, dob, country, id_number, industry
    ("P1", "person", "Carlos Mendes", "1975-03-02", "BR", "123.456.789-09", None),
    ("P2", "person", "Ana Lima", "2001-07-19", "BR", "987.654.321-00", None),
    ("P3", "person", "Rosa Pereira", "1999-11-30", "PY", "4.567.890", None),
    ("P4", "organization", "Boa Noite Massagens Ltda", None, "BR", "12.345.678/0001-95", "personal services"),
]


def build_bank(workspace: Workspace, alerts_dir: Path) -> None:
    """A tiny bank: a controller, two likely victims and a front business, and the alerts on them."""
    con = workspace.connect()
    try:
        for table in (PARTIES_T, ACCOUNTS_T, HOLDERS_T, TRANSACTIONS_T):
            con.execute(ddl(table))
        for pid, ptype, name, dob, country, id_number, industry in PARTIES:
            con.execute(
                "INSERT INTO parties (party_id, party_type, name, date_of_birth, nationality, country, id_number, "
                "industry, city, address, onboarded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Sao Paulo', 'Rua Augusta 100', DATE '2024-01-01')",
                [pid, ptype, name, dob, country if ptype == "person" else None, country, id_number, industry],
            )
            con.execute(
                "INSERT INTO accounts (account_id, party_id, account_type, opened_at, currency) "
                "VALUES (?, ?, 'checking', DATE '2024-01-01', 'USD')",
                [f"A{pid[1:]}", pid],
            )
        txns = [
            ("T1", "A2", "2025-02-01 23:10:00", "950.00", "in", "card", None),
            ("T2", "A2", "2025-02-02 09:00:00", "900.00", "out", "p2p", "A1"),
            ("T3", "A3", "2025-02-03 23:40:00", "800.00", "in", "card", None),
            ("T4", "A3", "2025-02-04 09:05:00", "780.00", "out", "p2p", "A1"),
            ("T5", "A4", "2025-03-01 12:00:00", "5000.00", "out", "wire", "A1"),
        ]
        for tid, acc, at, amount, direction, channel, cp in txns:
            con.execute(
                "INSERT INTO transactions (txn_id, account_id, booked_at, amount, currency, direction, channel, "
                "counterparty_account) VALUES (?, ?, CAST(? AS TIMESTAMP), CAST(? AS DECIMAL(18,2)), 'USD', ?, ?, ?)",
                [tid, acc, at, amount, direction, channel, cp],
            )
        con.execute("INSERT INTO account_holders VALUES ('A4', 'P1', 'signatory')")
    finally:
        con.close()
    write_demo_reporting(workspace, [p[0] for p in PARTIES])
    alerts_dir.mkdir(parents=True, exist_ok=True)
    alerts = [
        (
            "AL1",
            "P1",
            "A1",
            "ST-03",
            "sex",
            0.91,
            {"txn_ids": ["T2", "T4"], "victim_party_ids": ["P2", "P3"]},
        ),
        ("AL2", "P2", "A2", "ST-01", "sex", 0.72, {"txn_ids": ["T1", "T2"]}),
        ("AL3", "P4", "A4", "LT-02", "labour", 0.64, {"txn_ids": ["T5"]}),
    ]
    pq.write_table(
        pa.table(
            {
                "alert_id": [a[0] for a in alerts],
                "party_id": [a[1] for a in alerts],
                "account_id": [a[2] for a in alerts],
                "indicator_id": [a[3] for a in alerts],
                "trafficking_type": [a[4] for a in alerts],
                "score": [a[5] for a in alerts],
                "period_start": ["2025-02-01T00:00:00"] * 2 + ["2025-03-01T00:00:00"],
                "period_end": ["2025-02-28T00:00:00"] * 2 + ["2025-03-31T00:00:00"],
                "evidence": [json.dumps(a[6]) for a in alerts],
                "role": ["likely_subject", "likely_victim", "likely_subject"],
                "explanation": [f"{a[3]} on {a[1]}" for a in alerts],
            }
        ),
        alerts_dir / "alerts.parquet",
    )
    pq.write_table(
        pa.table(
            {
                "party_id": ["P1", "P2", "P3", "P4"],
                "risk_score": [0.91, 0.72, 0.5, 0.64],
                "indicators": [
                    json.dumps(["ST-03"]),
                    json.dumps(["ST-01"]),
                    json.dumps([]),
                    json.dumps(["LT-02"]),
                ],
                "trafficking_type": ["sex", "sex", "sex", "labour"],
                "role": ["likely_subject", "likely_victim", "likely_victim", "likely_subject"],
                "subrole": ["controller", None, None, "front_business"],
                "network_id": ["N1", "N1", "N1", "N1"],
                "ties": ["[]"] * 4,
                "explanation": ["controller", "victim", "victim", "front business"],
                "alerted": [True] * 4,
                "own_score": [0.91, 0.72, 0.5, 0.64],
                "subject_score": [0.91, 0.0, 0.0, 0.64],
                "victim_score": [0.0, 0.72, 0.5, 0.0],
            }
        ),
        alerts_dir / "party_risk.parquet",
    )


def build_registry(workspace: Workspace) -> None:
    """Two editions of one small list, so entity pages have an edition history."""
    with RegistryStore(workspace) as store:
        store.apply_edition(
            "test_list", _edition(FIRST_EDITION), date(2025, 1, 1), "a" * 64, datetime(2025, 1, 2)
        )
        store.apply_edition(
            "test_list", _edition(SECOND_EDITION), date(2025, 6, 1), "b" * 64, datetime(2025, 6, 2)
        )


@dataclass
class World:
    """One running app with its users; `login()` gives a browser-like client with a session."""

    app: FastAPI
    workspace: Workspace
    keys: dict[str, str] = field(default_factory=dict)

    def client(self) -> TestClient:
        return TestClient(self.app, base_url=BASE_URL, raise_server_exceptions=False)

    def login(self, username: str, password: str = PASSWORD) -> TestClient:
        client = self.client()
        token = csrf_of(client.get("/login").text)
        response = client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token, "next": "/"},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return client

    def api(self, username: str) -> TestClient:
        client = self.client()
        client.headers["Authorization"] = f"Bearer {self.keys[username]}"
        return client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF token"
    return found.group(1)


USERS = (
    ("bank-a", "alice", "analyst"),
    ("bank-a", "sam", "supervisor"),
    ("bank-a", "audrey", "auditor"),
    ("bank-a", "adam", "admin"),
    ("bank-b", "bob", "analyst"),
)


def make_world(workspace: Workspace, db_path: Path, *, with_cases: bool = True, **options: object) -> World:
    settings = Settings(secret_key=SECRET, database_url=f"sqlite:///{db_path}", demo_mode=False)
    app = create_app(settings, workspace, ServiceOptions(**options))  # type: ignore[arg-type]
    world = World(app, workspace)
    ctx = app.state.ctx
    with ctx.sessions.begin() as session:
        for org, username, role in USERS:
            accounts.add_user(session, org, username, PASSWORD, role, actor="test", org_name=org.upper())
        for _org, username, _role in USERS:
            world.keys[username] = accounts.create_api_key(session, username, actor="test")[0]
    alerts_dir = workspace.root / "monitoring"
    for org in ("bank-a", "bank-b") if with_cases else ():
        build_cases(workspace, alerts_dir=alerts_dir, org_id=org, url=settings.database_url)
    return world


def fuzz_api(app: FastAPI, api_key: str, max_examples: int) -> list[tuple[str, str, int, str]]:
    """Drive every operation of the app's OpenAPI spec with schemathesis-generated input as one API key.

    Returns (method, path, status, first 200 characters of the body) per request. Schemathesis' pytest plugin
    predates pytest 9, so the operations run through their hypothesis strategies directly, derandomized.
    """
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    headers = {"Authorization": f"Bearer {api_key}"}
    seen: list[tuple[str, str, int, str]] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=max_examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=BASE_URL, headers=headers)
            seen.append((case.method.upper(), case.formatted_path, response.status_code, response.text[:200]))

        run()
    return seen
