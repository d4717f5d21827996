"""The NGO report form (Key 11): an NGO caseworker's report lands in the FIU tables, marked as from an NGO."""

from __future__ import annotations

from pathlib import Path

from svc_world import PASSWORD, csrf_of, make_world

from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.store import ensure_tables
from chainbreaker.service import accounts


def test_ngo_caseworker_reports_and_others_cannot(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "fiu")
    con = ws.connect()
    ensure_tables(con)
    con.close()
    world = make_world(ws, tmp_path / "cases.sqlite", with_cases=False)
    with world.app.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "ngo-1", "nadia", PASSWORD, "caseworker", "test", "Safe Haven", "ngo")
    client = world.login("nadia")
    form = client.get("/fiu/ngo-report")
    assert form.status_code == 200
    data = {
        "csrf_token": csrf_of(form.text),
        "reference": "SH-2025-7",
        "trafficking_type": "labour",
        "activity_from": "2025-03-01",
        "activity_to": "2025-05-31",
        "region": "Houston",
        "indicators": "LT-05, LT-06",
        "narrative": "Three workers at a farm hand over their wages to the crew leader every Friday.",
        "suspect_name": ["Rafael Ortiz", ""],
        "suspect_birth_date": ["1980-02-03", ""],
        "suspect_phone": ["+15550001111", ""],
        "suspect_account": ["", ""],
        "survivor_names": "Maria Lopez",
    }
    refused = client.post("/fiu/ngo-report", data=data)
    assert refused.status_code == 422 and "consent" in refused.text
    sent = client.post("/fiu/ngo-report", data={**data, "survivor_consent": "yes"})
    assert sent.status_code == 200 and "ingested" in sent.text
    again = client.post(
        "/fiu/ngo-report", data={**data, "survivor_consent": "yes", "csrf_token": csrf_of(sent.text)}
    )
    assert "duplicate" in again.text
    con = ws.connect(read_only=True)
    rows = con.execute("SELECT source, entity_id, trafficking_type FROM fiu_reports").fetchall()
    parties = con.execute("SELECT role, name FROM fiu_parties ORDER BY role").fetchall()
    con.close()
    assert rows == [("ngo", "ngo:ngo-1", "labour")]
    assert parties == [("subject", "Rafael Ortiz"), ("victim", "Maria Lopez")]
    with world.app.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "bank-x", "barb", PASSWORD, "analyst", "test", "Bank X")
    bank = world.login("barb")
    assert bank.get("/fiu/ngo-report").status_code == 403


def test_fiu_analysts_see_patterns_with_charts(tmp_path: Path) -> None:
    from chainbreaker.fiu.ingest import ingest_files
    from chainbreaker.fiu.synthetic import synthetic_reports
    from chainbreaker.synth.multibank import MultiBankConfig

    export = synthetic_reports(tmp_path / "in", MultiBankConfig(reports=60, seed=3))
    ws = Workspace(tmp_path / "fiu")
    ingest_files(ws, [export.truth_path.parent], workers=1, org_id="fiu-1")
    world = make_world(ws, tmp_path / "cases.sqlite", with_cases=False)
    with world.app.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "fiu-1", "fatima", PASSWORD, "analyst", "test", "The FIU", "fiu")
        accounts.add_user(session, "bank-x", "barb", PASSWORD, "analyst", "test", "Bank X")
    page = world.login("fatima").get("/fiu/patterns")
    assert page.status_code == 200
    assert page.text.count("<svg") == 4 and "New indicator combinations" in page.text
    assert world.login("barb").get("/fiu/patterns").status_code == 403
