"""Portfolio pages and API: an investor uploads holdings, reads the dashboard and a holding, engages;
an NGO may not; another organisation never sees the run or the log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from svc_world import BASE_URL, PASSWORD, World, csrf_of, make_world

from chainbreaker.core.workspace import Workspace
from chainbreaker.portfolio.demo import write_demo_gsi, write_demo_holdings, write_demo_ilab
from chainbreaker.registry import load_source
from chainbreaker.registry.demo import load_demo_registry
from chainbreaker.service import accounts


@pytest.fixture(scope="module")
def fund(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("fund")
    ws = Workspace(root / "ws")
    load_demo_registry(ws, root / "lists", extra_names=["Fazenda Boa Vista Agropecuaria Ltda"])
    load_source(ws, "walkfree_gsi", write_demo_gsi(root / "gsi.csv"))
    load_source(ws, "us_dol_ilab", write_demo_ilab(root / "ilab.csv"))
    world = make_world(ws, root / "cases.sqlite", with_cases=False)
    with world.app.state.ctx.sessions.begin() as session:
        for org, kind, user, role in (
            ("fund-a", "investor", "ivy", "analyst"),
            ("fund-a", "investor", "sue", "supervisor"),
            ("ngo-a", "ngo", "nora", "caseworker"),
        ):
            accounts.add_user(session, org, user, PASSWORD, role, actor="test", org_name=org, org_kind=kind)
            world.keys[user] = accounts.create_api_key(session, user, actor="test")[0]
    with TestClient(world.app, base_url=BASE_URL):
        yield world


def test_investor_uploads_reads_and_engages(fund: World, tmp_path: Path) -> None:
    holdings = write_demo_holdings(tmp_path / "h.csv", [("H-101", "Fazenda Boa Vista Agropecuária")])
    browser = fund.login("ivy")
    page = browser.get("/portfolio")
    assert page.status_code == 200 and "No run yet" in page.text
    sent = browser.post(
        "/portfolio/upload",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("holdings.csv", holdings.read_bytes(), "text/csv")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    dashboard = browser.get("/portfolio").text
    assert "Rows read 13 = accepted 13 + rejected 0" in dashboard and dashboard.count("<svg") >= 2
    assert "/portfolio/holdings/H-101" in dashboard
    holding = browser.get("/portfolio/holdings/H-101")
    assert holding.status_code == 200 and "Listing path" in holding.text and "us_ofac_sdn" in holding.text
    opened = browser.post(
        "/portfolio/holdings/H-101/engage",
        data={"csrf_token": csrf_of(holding.text), "reason": "severe: listed under a spelling variant"},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    api = fund.api("ivy")
    detail = api.get("/api/v1/portfolio/holdings/H-101").json()
    eid = detail["engagement"]["id"]
    assert detail["band"] == "severe" and detail["engagement"]["questions"][0].startswith(
        "Your group appears on demo_us_ofac_sdn"
    )
    r = api.post(
        f"/api/v1/portfolio/engagements/{eid}/contacts",
        json={"contact": "Head of Sustainability", "answer": "will reply", "next_step": "call in May"},
    )
    assert r.status_code == 201 and r.json()["events"][-1]["contact"] == "Head of Sustainability"
    r = api.post(
        f"/api/v1/portfolio/engagements/{eid}/escalations",
        json={"reason": "no reply in 60 days", "deadline": "2099-01-01"},
    )
    assert r.status_code == 200 and r.json()["stage"] == "deadline"
    r = api.post(f"/api/v1/portfolio/engagements/{eid}/escalations", json={"reason": "short"})
    assert r.status_code == 422
    summary = api.get("/api/v1/portfolio").json()
    assert summary["bands"]["severe"] == 1 and summary["missing_tables"] == []
    rows = api.get("/api/v1/portfolio/holdings", params={"band": "severe"}).json()
    assert [r["holding_id"] for r in rows] == ["H-101"]
    statement = api.post(
        "/api/v1/disclosure/assessments",
        data={"framework": "set"},
        files={
            "file": (
                "s.txt",
                b"A grievance mechanism in five languages is available to workers.",
                "text/plain",
            )
        },
    ).json()
    assert statement["missing"] == [
        "policy",
        "risk_assessment",
        "due_diligence",
        "remediation",
        "training",
        "investor_disclosure",
    ]


def test_a_bad_upload_is_answered_with_the_reason(fund: World) -> None:
    api = fund.api("ivy")
    r = api.post("/api/v1/portfolio/assessments", files={"file": ("h.csv", b"id,name\n1,x\n", "text/csv")})
    assert r.status_code == 422 and "missing required column" in r.text


def test_api_upload_in_the_background_with_rejects(fund: World, tmp_path: Path) -> None:
    import time

    api = fund.api("ivy")
    holdings = write_demo_holdings(tmp_path / "h.csv", [("H-101", "Fazenda Boa Vista Agropecuária")])
    data = holdings.read_bytes() + b"H-900,Bad Row Co,BR,,,,-5,USD,\n"
    r = api.post(
        "/api/v1/portfolio/assessments",
        params={"background": "true"},
        files={"file": ("h.csv", data, "text/csv")},
    )
    assert r.status_code == 202 and r.json()["state"] == "running"
    for _ in range(300):
        state = api.get("/api/v1/portfolio/job").json()
        if state["state"] != "running":
            break
        time.sleep(0.1)
    assert state["state"] == "done" and (state["accepted"], state["rejected"]) == (13, 1), state
    assert api.get("/api/v1/portfolio/rejects").json() == [
        {
            "row": "15",
            "holding_id": "H-900",
            "column": "exposure",
            "reason": "exposure must be a finite number ≥ 0",
        }
    ]


def test_ngos_and_other_organisations_are_kept_out(fund: World) -> None:
    assert fund.api("nora").get("/api/v1/portfolio").status_code == 403
    assert fund.login("nora").get("/portfolio").status_code == 403
    bob = fund.api("bob")  # a bank (lender) of another organisation: its own, empty, portfolio
    assert bob.get("/api/v1/portfolio").status_code == 404
    assert bob.get("/api/v1/portfolio/holdings/H-101").status_code == 404
    assert bob.get("/api/v1/portfolio/engagements").json() == []


def test_another_organisation_cannot_touch_an_engagement(fund: World) -> None:
    """Every engagement and holding route named with fund-a's ids answers 404 to bank-b, and changes nothing."""
    api = fund.api("ivy")
    engagements = api.get("/api/v1/portfolio/engagements").json()
    if not engagements:  # run alone: open one first
        holdings = write_demo_holdings(Path(fund.workspace.root) / "h2.csv", [("H-101", "Fazenda Boa Vista")])
        api.post(
            "/api/v1/portfolio/assessments", files={"file": ("h.csv", holdings.read_bytes(), "text/csv")}
        )
        api.post("/api/v1/portfolio/holdings/H-101/engagement", json={"reason": "severe: listed group"})
        engagements = api.get("/api/v1/portfolio/engagements").json()
    eid = engagements[0]["id"]
    before = api.get("/api/v1/portfolio/holdings/H-101").json()["engagement"]
    bob = fund.api("bob")
    for path, body in (
        (f"/api/v1/portfolio/engagements/{eid}/contacts", {"contact": "x", "answer": "y", "next_step": "z"}),
        (f"/api/v1/portfolio/engagements/{eid}/escalations", {"reason": "from another bank entirely"}),
        (f"/api/v1/portfolio/engagements/{eid}/close", {"reason": "from another bank entirely"}),
        ("/api/v1/portfolio/holdings/H-101/engagement", {"reason": "from another bank entirely"}),
    ):
        assert bob.post(path, json=body).status_code == 404, path
    browser = fund.login("bob")
    token = csrf_of(browser.get("/remedy").text)
    for path in (
        f"/portfolio/engagements/{eid}/contact",
        f"/portfolio/engagements/{eid}/escalate",
        f"/portfolio/engagements/{eid}/close",
        "/portfolio/holdings/H-101/engage",
    ):
        response = browser.post(
            path, data={"csrf_token": token, "reason": "from another bank"}, follow_redirects=False
        )
        assert response.status_code == 404, path
    assert browser.get("/portfolio/holdings/H-101").status_code == 404
    assert api.get("/api/v1/portfolio/holdings/H-101").json()["engagement"] == before


def test_a_long_upload_runs_in_the_background_with_its_progress(
    fund: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request does not wait for a large book: the page shows the stage, a second upload is refused
    while it runs, and the result appears when it ends."""
    import threading
    import time

    from chainbreaker.portfolio import runs
    from chainbreaker.service.web import portfolio as web

    release = threading.Event()
    real = runs.assess_upload

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["progress"]("screening the issuers of 13 holdings")
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(runs, "assess_upload", slow)
    monkeypatch.setattr(web, "WAIT_SECONDS", 0.2)
    holdings = write_demo_holdings(tmp_path / "h.csv", [("H-101", "Fazenda Boa Vista Agropecuária")])
    browser = fund.login("ivy")
    page = browser.get("/portfolio")
    files = {"file": ("big.csv", holdings.read_bytes(), "text/csv")}
    sent = browser.post(
        "/portfolio/upload", data={"csrf_token": csrf_of(page.text)}, files=files, follow_redirects=False
    )
    assert sent.status_code == 303
    running = browser.get("/portfolio").text
    assert "Assessment running" in running and "big.csv: screening the issuers of 13 holdings" in running
    again = browser.post("/portfolio/upload", data={"csrf_token": csrf_of(running)}, files=files)
    assert again.status_code == 409 and "still running" in again.text
    release.set()
    for _ in range(100):
        state = runs.read_job(fund.workspace, "fund-a")
        if state and state["state"] != "running":
            break
        time.sleep(0.1)
    assert state is not None and state["state"] == "done" and state["accepted"] == 13
    assert "Last upload big.csv: assessed in" in browser.get("/portfolio").text


def test_a_file_without_usable_rows_fails_with_its_rejects_shown(fund: World) -> None:
    browser = fund.login("ivy")
    page = browser.get("/portfolio")
    bad = b"holding_id,issuer_name,domicile\nB-1,Acme Ltd,Atlantis\nB-2,,BR\n"
    sent = browser.post(
        "/portfolio/upload",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("bad.csv", bad, "text/csv")},
    )
    assert sent.status_code == 200
    assert "bad.csv: no usable holding (2 rows read, 2 rejected" in sent.text
    assert "country not recognised: &#39;Atlantis&#39;" in sent.text and "empty issuer_name" in sent.text
