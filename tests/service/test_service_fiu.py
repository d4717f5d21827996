"""The FIU's work in the service: cases from linking, link decisions that stick after relinking,
dissemination recorded in the audit log, patterns, feedback letters and the public report; and no other
organisation (another FIU, a bank, an NGO) reaches any of it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from svc_world import PASSWORD, World, csrf_of, make_world

from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.ingest import ingest_files
from chainbreaker.fiu.synthetic import synthetic_reports
from chainbreaker.service import accounts
from chainbreaker.storage.models import AuditEntry
from chainbreaker.synth.multibank import MultiBankConfig

#: Every FIU analysis route, with a body valid for the owning FIU (None for GET); {case_id} and
#: {package_id} are filled in from the owner's objects.
FIU_ANALYSIS_ROUTES: dict[tuple[str, str], dict[str, Any] | None] = {
    ("GET", "/fiu"): None,
    ("POST", "/fiu/link"): {},
    ("GET", "/fiu/cases/{case_id}"): None,
    ("POST", "/fiu/cases/{case_id}/decisions"): {
        "party_a": "x",
        "party_b": "y",
        "decision": "same",
        "reason": "x",
    },
    ("POST", "/fiu/cases/{case_id}/disseminate"): {"recipient": "Police", "legal_basis": "Art. 53 AMLD"},
    ("GET", "/fiu/packages/{package_id}.{ext}"): None,
    ("GET", "/fiu/feedback"): None,
    ("GET", "/fiu/feedback/{entity_id}"): None,
    ("GET", "/fiu/public"): None,
    ("GET", "/fiu/public/{period}/{name}"): None,
    ("GET", "/fiu/patterns"): None,
    ("GET", "/api/v1/fiu/overview"): None,
    ("GET", "/api/v1/fiu/cases"): None,
    ("GET", "/api/v1/fiu/cases/{case_id}"): None,
    ("POST", "/api/v1/fiu/cases/{case_id}/decisions"): {
        "party_a": "x#1",
        "party_b": "y#1",
        "decision": "different",
        "reason": "not the same",
    },
    ("POST", "/api/v1/fiu/link"): {},
    ("POST", "/api/v1/fiu/cases/{case_id}/disseminations"): {
        "recipient": "Police",
        "legal_basis": "Art. 53 AMLD",
        "report_ids": ["x"],
    },
    ("GET", "/api/v1/fiu/patterns"): None,
    ("GET", "/api/v1/fiu/feedback"): None,
    ("GET", "/api/v1/fiu/public"): None,
}


@dataclass
class FiuWorld:
    world: World
    keys: dict[str, str]


@pytest.fixture(scope="module")
def fiu_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FiuWorld]:
    root = tmp_path_factory.mktemp("fiu-service")
    export = synthetic_reports(root / "in", MultiBankConfig(reports=150, seed=5))
    ws = Workspace(root / "fiu")
    assert ingest_files(ws, [export.truth_path.parent], workers=1, org_id="fiu-1").count("ingested") == 150
    world = make_world(ws, root / "cases.sqlite", with_cases=False)
    keys = {}
    with world.app.state.ctx.sessions.begin() as session:
        for org, user, role, kind in (
            ("fiu-1", "fatima", "analyst", "fiu"),
            ("fiu-1", "ayo", "auditor", "fiu"),
            ("fiu-2", "frank", "analyst", "fiu"),
            ("ngo-1", "nadia", "caseworker", "ngo"),
        ):
            accounts.add_user(session, org, user, PASSWORD, role, "test", org.upper(), kind)
            keys[user] = accounts.create_api_key(session, user, actor="test")[0]
    keys |= world.keys
    yield FiuWorld(world, keys)


def _api(fw: FiuWorld, user: str):  # type: ignore[no-untyped-def]
    client = fw.world.client()
    client.headers["Authorization"] = f"Bearer {fw.keys[user]}"
    return client


def _linked(fw: FiuWorld) -> list[dict[str, Any]]:
    api = _api(fw, "fatima")
    done = api.post("/api/v1/fiu/link")
    assert done.status_code == 200, done.text
    assert done.json()["cases"] > 0
    listed = api.get("/api/v1/fiu/cases").json()
    assert len(listed) == done.json()["cases"]
    return listed


def _resolved(ws: Workspace, *keys: str) -> list[str]:
    con = ws.connect(read_only=True)
    try:
        return [
            con.execute("SELECT subject_id FROM fiu_resolved WHERE party_key = ?", [k]).fetchone()[0]  # type: ignore[index]
            for k in keys
        ]
    finally:
        con.close()


def test_link_decisions_stick_after_relinking(fiu_world: FiuWorld) -> None:
    api = _api(fiu_world, "fatima")
    cases = _linked(fiu_world)
    detail = max(
        (api.get(f"/api/v1/fiu/cases/{c['case_id']}").json() for c in cases), key=lambda d: len(d["links"])
    )
    assert detail["current"] and detail["links"] and detail["reports"] and detail["persons"]
    link = next(x for x in detail["links"] if x["rule"] != "analyst")
    a, b = link["party_a"], link["party_b"]
    assert len(set(_resolved(fiu_world.world.workspace, a, b))) == 1  # linked: one person
    outside = api.post(
        f"/api/v1/fiu/cases/{detail['case_id']}/decisions",
        json={"party_a": a, "party_b": "fincen:nobody:X#1", "decision": "different", "reason": "test"},
    )
    assert outside.status_code == 422  # only parties filed in the case's reports
    auditor = _api(fiu_world, "ayo").post(
        f"/api/v1/fiu/cases/{detail['case_id']}/decisions",
        json={"party_a": a, "party_b": b, "decision": "different", "reason": "auditors read only"},
    )
    assert auditor.status_code == 403
    said = api.post(
        f"/api/v1/fiu/cases/{detail['case_id']}/decisions",
        json={"party_a": a, "party_b": b, "decision": "different", "reason": "different fathers' names"},
    )
    assert said.status_code == 201, said.text
    for _ in range(2):  # the decision holds on every relink, not only the first
        assert api.post("/api/v1/fiu/link").status_code == 200
        first, second = _resolved(fiu_world.world.workspace, a, b)
        assert first != second
    with fiu_world.world.app.state.ctx.sessions() as session:
        actions = [
            e.action
            for e in session.execute(select(AuditEntry).where(AuditEntry.org_id == "fiu-1")).scalars()
        ]
    assert "fiu.decide" in actions and "fiu.link" in actions


def test_dissemination_of_selected_reports_is_audited(fiu_world: FiuWorld) -> None:
    api = _api(fiu_world, "fatima")
    case = _linked(fiu_world)[0]
    detail = api.get(f"/api/v1/fiu/cases/{case['case_id']}").json()
    chosen = [r["report_id"] for r in detail["reports"]][:2]
    url = f"/api/v1/fiu/cases/{case['case_id']}/disseminations"
    refused = api.post(url, json={"recipient": "National Police", "legal_basis": "", "report_ids": chosen})
    assert refused.status_code == 422
    stranger = api.post(
        url, json={"recipient": "Police", "legal_basis": "Art. 53", "report_ids": ["goaml:1:X"]}
    )
    assert stranger.status_code == 422 and "not in case" in stranger.text
    sent = api.post(
        url,
        json={"recipient": "National Police", "legal_basis": "Art. 53 AMLD, request 7", "report_ids": chosen},
    )
    assert sent.status_code == 201, sent.text
    package = sent.json()
    assert package["reports"] == len(chosen)
    xml = api.get(package["xml"])
    assert xml.status_code == 200 and b"Art. 53 AMLD, request 7" in xml.content
    assert all(r.encode() in xml.content for r in chosen)
    others = set(r["report_id"] for r in detail["reports"]) - set(chosen)
    assert not any(r.encode() in xml.content for r in others)
    assert api.get(package["html"]).status_code == 200
    with fiu_world.world.app.state.ctx.sessions() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.org_id == "fiu-1", AuditEntry.action == "fiu.disseminate")
        ).scalar_one()
    assert entry.object_id == case["case_id"] and "Art. 53 AMLD, request 7" in str(entry.details)
    assert api.get(f"/api/v1/fiu/cases/{case['case_id']}").json()["status"] == "disseminated"


def test_patterns_feedback_and_public_report(fiu_world: FiuWorld) -> None:
    api = _api(fiu_world, "fatima")
    _linked(fiu_world)
    patterns = api.get("/api/v1/fiu/patterns").json()
    assert set(patterns) == {"trends", "combinations"}
    letters = api.get("/api/v1/fiu/feedback").json()
    assert len(letters) == 6 and sum(x["reports"] for x in letters) == 150
    letter = api.get(letters[0]["letter"])
    assert letter.status_code == 200 and "Timeliness" in letter.text
    public = api.get("/api/v1/fiu/public", params={"period": "2025", "k": 5}).json()
    assert public["reports"] == 150 and "reports_by_month_and_type" in public["tables"]
    month = public["tables"]["reports_by_month_and_type"]
    assert any(v is None for row in month for v in row.values())  # small cells withheld
    assert api.get("/api/v1/fiu/public", params={"period": "25"}).status_code == 422
    overview = api.get("/api/v1/fiu/overview").json()
    assert overview["reports"] == 150 and overview["persons"] > 0


def test_fiu_pages_work_through_forms(fiu_world: FiuWorld) -> None:
    _linked(fiu_world)
    web = fiu_world.world.login("fatima")
    home = web.get("/fiu")
    assert home.status_code == 200 and "fiu-cases" in home.text
    case_id = _api(fiu_world, "fatima").get("/api/v1/fiu/cases").json()[-1]["case_id"]
    page = web.get(f"/fiu/cases/{case_id}")
    assert page.status_code == 200 and "Links between reports" in page.text
    detail = _api(fiu_world, "fatima").get(f"/api/v1/fiu/cases/{case_id}").json()
    undecided = next(x for x in detail["links"] if x["decision"] is None)
    token = csrf_of(page.text)
    done = web.post(
        f"/fiu/cases/{case_id}/decisions",
        data={
            "csrf_token": token,
            "party_a": undecided["party_a"],
            "party_b": undecided["party_b"],
            "decision": "same",
            "reason": "same passport seen at the bank",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    again = web.get(f"/fiu/cases/{case_id}")
    assert "accepted" in again.text and "same passport seen at the bank" in again.text
    no_basis = web.post(
        f"/fiu/cases/{case_id}/disseminate",
        data={
            "csrf_token": token,
            "recipient": "Police",
            "legal_basis": "",
            "report_id": detail["reports"][0]["report_id"],
        },
    )
    assert no_basis.status_code == 422 and "legal basis" in no_basis.text
    assert "open letter" in web.get("/fiu/feedback").text
    public = web.get("/fiu/public", params={"period": "2025", "k": "5"})
    assert public.status_code == 200 and "<svg" in public.text and "withheld" in public.text
    csv_file = web.get("/fiu/public/2025/reports_by_month_and_type.csv", params={"k": "5"})
    assert csv_file.status_code == 200 and csv_file.text.startswith("month,")


def test_no_other_organisation_reaches_the_fiu(fiu_world: FiuWorld) -> None:
    owner = _api(fiu_world, "fatima")
    case_id = _linked(fiu_world)[0]["case_id"]
    detail = owner.get(f"/api/v1/fiu/cases/{case_id}").json()
    sent = owner.post(
        f"/api/v1/fiu/cases/{case_id}/disseminations",
        json={
            "recipient": "FIU abroad",
            "legal_basis": "Egmont request 12",
            "report_ids": [detail["reports"][0]["report_id"]],
        },
    )
    package_id = sent.json()["package_id"]
    entity = owner.get("/api/v1/fiu/feedback").json()[0]["entity_id"]
    fill = {
        "case_id": case_id,
        "package_id": package_id,
        "ext": "xml",
        "entity_id": entity,
        "period": "2025",
        "name": "reports_by_month_and_type.csv",
    }
    before = _state(fiu_world)
    for (method, path), body in FIU_ANALYSIS_ROUTES.items():
        url = path.format(**fill)
        if path.endswith("/public"):
            url += "?period=2025&k=5"
        for user, expected in (("frank", 404), ("alice", 403), ("nadia", 403)):
            client = _api(fiu_world, user)
            response = (
                client.request(method, url, json=body) if body is not None else client.request(method, url)
            )
            assert response.status_code == expected, (user, method, url, response.status_code, response.text)
            assert case_id not in response.text and package_id not in response.text
        anonymous = fiu_world.world.client().request(method, url, follow_redirects=False)
        assert anonymous.status_code in (401, 303), (
            method,
            url,
            anonymous.status_code,
        )  # pages send to /login
        assert anonymous.status_code == 401 or anonymous.headers["location"].startswith("/login")
    assert _state(fiu_world) == before  # nothing changed by any of them


def _state(fw: FiuWorld) -> tuple[object, ...]:
    con = fw.world.workspace.connect(read_only=True)
    try:
        decisions = con.execute("SELECT count(*) FROM fiu_decisions").fetchone()
        sent = con.execute("SELECT count(*) FROM fiu_disseminations").fetchone()
        linked = con.execute("SELECT max(created_at) FROM fiu_cases").fetchone()
    finally:
        con.close()
    with fw.world.app.state.ctx.sessions() as session:
        audit = session.execute(  # the FIU's own chain (refused calls may be logged in the callers' chains)
            select(AuditEntry.id).where(AuditEntry.org_id == "fiu-1").order_by(AuditEntry.id.desc())
        ).first()
    return decisions, sent, linked, audit


def test_every_fiu_route_is_in_the_isolation_walk(fiu_world: FiuWorld) -> None:
    from test_service_isolation import FIU_ROUTES

    assert set(FIU_ANALYSIS_ROUTES) <= FIU_ROUTES
    assert FIU_ROUTES - set(FIU_ANALYSIS_ROUTES) == {("GET", "/fiu/ngo-report"), ("POST", "/fiu/ngo-report")}
