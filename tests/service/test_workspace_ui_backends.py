"""The investigator's queries on both case-store backends (SQLite and PostgreSQL): summary, evidence
paging and sorting, timeline, ranking, alert lists, search and party pages."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from svc_world import BASE_URL, PASSWORD, USERS, csrf_of

from chainbreaker.cases.builder import build_cases
from chainbreaker.core.settings import Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.service import accounts
from chainbreaker.service.app import create_app
from chainbreaker.service.options import ServiceOptions

from svc_world import SECRET  # isort: skip


def test_workspace_pages_on_each_backend(service_workspace: Workspace, db_url: str) -> None:
    settings = Settings(secret_key=SECRET, database_url=db_url, demo_mode=False)
    app = create_app(settings, service_workspace, ServiceOptions())
    with app.state.ctx.sessions.begin() as session:
        for org, username, role in USERS[:1]:
            accounts.add_user(session, org, username, PASSWORD, role, actor="test", org_name=org.upper())
    build_cases(
        service_workspace, alerts_dir=service_workspace.root / "monitoring", org_id="bank-a", url=db_url
    )
    client = TestClient(app, base_url=BASE_URL, raise_server_exceptions=True)
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token, "next": "/"})
    ref = "C-000001"
    for path in ("", "/evidence", "/timeline", "/network", "/map", "/matches", "/notes"):
        assert client.get(f"/cases/{ref}{path}").status_code == 200, path
    page = client.get(f"/cases/{ref}/evidence", params={"sort": "counterparty", "order": "desc"}).text
    assert "T2" in page
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/cases/{ref}/evidence", params={"format": "csv"}).text))
    )
    assert {r["txn_id"] for r in rows} >= {"T1", "T2", "T5"}
    summary = client.get(f"/cases/{ref}").text
    assert "Rank" in summary and "of 1" in summary
    for path in ("/alerts?sort=period&review=none", "/cases?sort=victims", "/screening/results", "/"):
        assert client.get(path).status_code == 200, path
    assert 'href="/parties/P1"' in client.get("/search", params={"q": "Carlos Mendes"}).text
    assert "Carlos Mendes" in client.get("/parties/P1").text
    app.state.ctx.close()
