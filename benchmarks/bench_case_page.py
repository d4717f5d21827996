"""Server time of the case page (summary) and its evidence section for a case of 10,000 evidence rows.

    .venv/bin/python benchmarks/bench_case_page.py [--evidence 10000] [--repeat 30]

What it does, on data generated here with a fixed seed:
1. a workspace with 24 parties (DuckDB `parties`/`accounts`, so party names are read as in production)
   and a SQLite case store holding one case with 24 parties, 60 alerts over 20 indicators and
   `--evidence` evidence transactions over 18 months;
2. the service app in process, an analyst logged in with a session cookie (Starlette's TestClient: the
   full middleware stack, routing, authentication, queries and template rendering, no network);
3. times `--repeat` requests each of the summary (`/cases/{ref}`), the first evidence page, a filtered
   and sorted evidence page and the timeline, after one warm-up request each;
4. baseline, same data and run: `cases.views.case_view` (what the case page used before: every
   evidence row loaded and a timeline item built per row), without any rendering.
Target: summary p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECRET = "benchmark-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD = "benchmark password 123"
SEED = 20261204


def build(root: Path, evidence: int) -> tuple[object, str]:
    from chainbreaker.core.contract import ACCOUNTS, PARTIES, ddl
    from chainbreaker.core.settings import Settings
    from chainbreaker.core.workspace import Workspace
    from chainbreaker.service import accounts
    from chainbreaker.service.app import create_app
    from chainbreaker.service.options import ServiceOptions
    from chainbreaker.storage.models import Alert, Case, CaseParty, Evidence, Organisation

    rng = random.Random(SEED)
    workspace = Workspace(root / "ws")
    workspace.root.mkdir(parents=True)
    parties = [f"P{i:04d}" for i in range(24)]
    con = workspace.connect()
    try:
        con.execute(ddl(PARTIES))
        con.execute(ddl(ACCOUNTS))
        for i, pid in enumerate(parties):
            con.execute(
                "INSERT INTO parties (party_id, party_type, name, country, city) VALUES (?, 'person', ?, 'US', ?)",
                [pid, f"Person {i} Example", ["Houston", "Austin", "Miami", "Seattle"][i % 4]],
            )
            con.execute(
                "INSERT INTO accounts (account_id, party_id, account_type, opened_at) "
                "VALUES (?, ?, 'checking', DATE '2024-01-01')",
                [f"A{pid}", pid],
            )
    finally:
        con.close()
    settings = Settings(secret_key=SECRET, database_url=f"sqlite:///{root / 'cases.sqlite'}", demo_mode=False)
    app = create_app(settings, workspace, ServiceOptions(secure_cookies=False))
    ctx = app.state.ctx
    indicators = [f"ST-{i:02d}" for i in range(1, 21)]
    start = datetime(2025, 1, 1)
    with ctx.sessions.begin() as session:
        session.add(Organisation(id="bank", name="Bank"))
        session.flush()
        accounts.add_user(session, "bank", "ana", PASSWORD, "analyst", actor="bench", org_name="Bank")
        case = Case(org_id="bank", reference="C-000001", title="benchmark case", trafficking_type="sex")
        session.add(case)
        session.flush()
        for i, pid in enumerate(parties):
            role = "subject" if i < 3 else "likely_victim" if i < 9 else "unknown"
            session.add(
                CaseParty(org_id="bank", case_id=case.id, party_id=pid, role=role, risk_score=rng.random())
            )
        alerts = []
        for i in range(60):
            alert = Alert(
                org_id="bank",
                case_id=case.id,
                alert_id=f"AL{i}",
                party_id=parties[i % 24],
                account_key=f"A{parties[i % 24]}",
                indicator_id=indicators[i % 20],
                trafficking_type="sex",
                score=round(rng.random(), 3),
                period_start=start + timedelta(days=30 * (i % 18)),
                period_end=start + timedelta(days=30 * (i % 18) + 30),
                evidence={"explanation": "benchmark"},
                fingerprint=str(i),
            )
            session.add(alert)
            alerts.append(alert)
        session.flush()
        rows = []
        for n in range(evidence):
            alert = alerts[n % 60]
            rows.append(
                Evidence(
                    org_id="bank",
                    case_id=case.id,
                    alert_pk=alert.id,
                    indicator_id=alert.indicator_id,
                    txn_id=f"T{n:07d}",
                    account_id=f"A{alert.party_id}",
                    party_id=alert.party_id,
                    booked_at=start + timedelta(minutes=rng.randrange(0, 18 * 30 * 24 * 60)),
                    amount=Decimal(rng.randrange(100, 200_000)) / 100,
                    currency="USD",
                    direction=rng.choice(["in", "out"]),
                    channel=rng.choice(["card", "p2p", "atm", "wire"]),
                    merchant_name=rng.choice(["SUPER 8 MOTEL", "NIGHTLIST CLASSIFIEDS", None]),
                    mcc=rng.choice(["7011", "7311", None]),
                    city=rng.choice(["Houston", "Austin", None]),
                    country="US",
                )
            )
        session.add_all(rows)
    return app, "C-000001"


def timed(client: object, path: str, repeat: int) -> list[float]:
    client.get(path)  # type: ignore[attr-defined]
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return out


def report(label: str, values: list[float]) -> None:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    print(
        f"{label:<44} median {statistics.median(values):7.1f} ms  p95 {p95:7.1f} ms  "
        f"min {values[0]:7.1f}  max {values[-1]:7.1f}  (n={len(values)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--evidence", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from fastapi.testclient import TestClient

    from chainbreaker.cases import views

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        app, ref = build(Path(tmp), args.evidence)
        print(f"built a case with {args.evidence:,} evidence rows in {time.perf_counter() - t0:.1f} s")
        client = TestClient(app, base_url="http://127.0.0.1")
        page = client.get("/login").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post(
            "/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token, "next": "/"}
        )
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        summary = timed(client, f"/cases/{ref}", args.repeat)
        cpu_per = (time.process_time() - cpu0) / (args.repeat + 1) * 1000
        wall_per = (time.perf_counter() - wall0) / (args.repeat + 1) * 1000
        report("summary /cases/{ref}", summary)
        print(f"{'':<44} per request: {wall_per:.1f} ms wall, {cpu_per:.1f} ms CPU")
        report("evidence, first page", timed(client, f"/cases/{ref}/evidence", args.repeat))
        report(
            "evidence, one indicator by amount desc, page 3",
            timed(
                client, f"/cases/{ref}/evidence?indicator=ST-07&sort=amount&order=desc&page=3", args.repeat
            ),
        )
        report("timeline", timed(client, f"/cases/{ref}/timeline", args.repeat))
        size = len(client.get(f"/cases/{ref}").content)
        print(f"summary page size: {size / 1024:.0f} KiB")
        ctx = app.state.ctx  # type: ignore[attr-defined]
        baseline = []
        for _ in range(max(3, args.repeat // 3)):
            with ctx.sessions() as session:
                t1 = time.perf_counter()
                views.case_view(session, "bank", ref)
                baseline.append((time.perf_counter() - t1) * 1000)
        report("baseline: cases.views.case_view (no render)", baseline)
        client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
