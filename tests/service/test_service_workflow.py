"""Cases, alerts and roles through the API and the pages: the workflow, the safeguard, the audit trail."""

from __future__ import annotations

from svc_world import World, csrf_of

from chainbreaker.cases import audit


def _case(world: World, user: str = "alice") -> dict:
    client = world.api(user)
    return client.get(f"/api/v1/cases/{client.get('/api/v1/cases').json()[0]['id']}").json()


def test_case_moves_through_review_and_escalation_with_audit(world: World) -> None:
    alice = world.api("alice")
    case = _case(world)
    ref = case["reference"]
    moved = alice.post(
        f"/api/v1/cases/{ref}/transition",
        json={"to_status": "in_review", "expected_version": case["version"]},
    )
    assert moved.status_code == 200 and moved.json()["status"] == "in_review"
    stale = alice.post(
        f"/api/v1/cases/{ref}/transition",
        json={"to_status": "escalated", "expected_version": case["version"]},
    )
    assert stale.status_code == 409 and "changed by someone else" in stale.json()["detail"]
    skip = alice.post(f"/api/v1/cases/{ref}/transition", json={"to_status": "reported"})
    assert skip.status_code == 409
    assert (
        alice.post(f"/api/v1/cases/{ref}/transition", json={"to_status": "escalated"}).json()["status"]
        == "escalated"
    )
    close = alice.post(f"/api/v1/cases/{ref}/transition", json={"to_status": "closed"})
    assert close.status_code == 422 and "reason" in close.json()["detail"]
    with world.app.state.ctx.sessions() as session:
        assert audit.verify(session, "bank-a").ok


def test_assign_only_inside_the_organisation(world: World) -> None:
    alice = world.api("alice")
    ref = _case(world)["reference"]
    assert alice.post(f"/api/v1/cases/{ref}/assign", json={"assignee": "bob"}).status_code == 422
    assert alice.post(f"/api/v1/cases/{ref}/assign", json={"assignee": "sam"}).json()["assignee"] == "sam"


def test_survivor_safeguard_needs_a_supervisor_to_close_a_victims_account(world: World) -> None:
    case = _case(world)
    assert case["safeguard"]["applies"] and case["safeguard"]["alternatives"]
    victim = next(p["party_id"] for p in case["parties"] if p["role"] == "likely_victim")
    url = f"/api/v1/cases/{case['reference']}/parties/{victim}/account-action"
    analyst = world.api("alice").post(url, json={"action": "close_account", "reason": "moved abroad"})
    assert analyst.status_code == 403 and "supervisor" in analyst.json()["detail"]
    no_reason = world.api("sam").post(url, json={"action": "close_account"})
    assert no_reason.status_code == 422
    unreviewed = world.api("sam").post(url, json={"action": "close_account", "reason": "customer asked"})
    assert unreviewed.status_code == 409 and "exit review" in unreviewed.json()["detail"]
    review = {"exit_reason": "customer_request", "decision": "exit", "rationale": "customer asked to move"}
    analyst_review = world.api("alice").post(f"/api/v1/parties/{victim}/exit-review", json=review)
    assert analyst_review.status_code == 403 and "supervisor" in analyst_review.json()["detail"]
    reviewed = world.api("sam").post(f"/api/v1/parties/{victim}/exit-review", json=review)
    assert reviewed.status_code == 201 and reviewed.json()["likely_victim"] is True
    ok = world.api("sam").post(
        url, json={"action": "close_account", "reason": "customer asked, referral made"}
    )
    assert ok.status_code == 200 and ok.json()["account_action"] == "close_account"
    keep = world.api("alice").post(url, json={"action": "keep_under_review"})
    assert keep.status_code == 200


def test_case_page_shows_safeguard_network_and_evidence(world: World) -> None:
    ref = _case(world)["reference"]
    alice = world.login("alice")
    page = alice.get(f"/cases/{ref}").text
    assert "do not simply exit" in page
    network = alice.get(f"/cases/{ref}/network").text
    assert '<svg class="network' in network and "node-victim" in network and "node-subject" in network
    assert "T2" in alice.get(f"/cases/{ref}/evidence").text  # an evidence transaction


def test_auditor_reads_but_cannot_change(world: World) -> None:
    auditor = world.api("audrey")
    ref = _case(world)["reference"]
    assert auditor.get(f"/api/v1/cases/{ref}").status_code == 200
    assert auditor.post(f"/api/v1/cases/{ref}/comments", json={"body": "hi"}).status_code == 403
    assert auditor.post("/api/v1/screening", json={"name": "Viktor Bout"}).status_code == 403
    admin = world.api("adam")
    assert admin.post(f"/api/v1/cases/{ref}/comments", json={"body": "hi"}).status_code == 403


def test_alert_review_through_the_page_is_recorded_and_audited(world: World) -> None:
    alice = world.login("alice")
    alert_id = world.api("alice").get("/api/v1/alerts").json()["items"][0]["id"]
    page = alice.get(f"/alerts/{alert_id}")
    assert "transactions behind this alert" in page.text and '<svg class="network' in page.text
    response = alice.post(
        f"/alerts/{alert_id}/review",
        data={"decision": "relevant", "note": "matches the pattern", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    detail = world.api("alice").get(f"/api/v1/alerts/{alert_id}").json()
    assert detail["review"] == "relevant" and detail["reviews"][0]["reviewer"] == "alice"
    with world.app.state.ctx.sessions() as session:
        assert audit.verify(session, "bank-a").ok


def test_comment_through_the_page_and_bad_transition_is_a_clear_page(world: World) -> None:
    alice = world.login("alice")
    ref = _case(world)["reference"]
    page = alice.get(f"/cases/{ref}")
    token = csrf_of(page.text)
    done = alice.post(f"/cases/{ref}/comments", data={"body": "called the branch", "csrf_token": token})
    assert done.status_code == 200 and "called the branch" in done.text
    bad = alice.post(f"/cases/{ref}/transition", data={"to_status": "new", "csrf_token": token})
    assert bad.status_code == 409 and "cannot move" in bad.text


def test_dashboard_draws_both_charts(world: World) -> None:
    page = world.login("audrey").get("/").text
    assert page.count('<svg class="chart"') == 2
    assert "series-sex" in page and "series-labour" in page


def test_indicator_pages_are_training_material(world: World) -> None:
    client = world.login("alice")
    listing = client.get("/indicators").text
    assert "/indicators/ST-03" in listing
    page = client.get("/indicators/ST-03").text
    for part in ("What the red flag means", "Where it comes from", "Example", "How it is detected"):
        assert part in page
    api = world.api("alice").get("/api/v1/indicators/ST-03").json()
    assert api["sources"] and api["example"] and "{" not in api["example"]
    assert world.api("alice").get("/api/v1/indicators/XX-99").status_code == 404


def test_registry_search_and_entity_history(world: World) -> None:
    api = world.api("alice")
    hits = api.get("/api/v1/registry/search", params={"q": "souza"}).json()
    assert [h["entity_id"] for h in hits] == ["test_list-1003"]
    entity = api.get("/api/v1/registry/entities/test_list-1003").json()
    assert entity["properties"]["birthDate"] == ["1980-05-02"]
    editions = {s["first_edition"] for s in entity["statements"]}
    assert len(editions) == 2  # the birth date arrived with the second edition
    page = world.login("alice").get("/registry/entities/test_list-1003").text
    assert "2025-01-01" in page and "2025-06-01" in page
    assert api.get("/api/v1/registry/entities/nope").status_code == 404


def test_goaml_export_is_validated_downloadable_and_keeps_victims_out_of_suspects(
    world: World, shared_dir, monkeypatch
) -> None:
    monkeypatch.setenv("CHAINBREAKER_SHARED_DIR", str(shared_dir))  # the FIU's XSD; never guessed
    ref = _case(world)["reference"]
    refused = world.api("alice").post(f"/api/v1/cases/{ref}/reports", json={"format": "goaml"})
    assert refused.status_code == 403 and "supervisor" in refused.json()["detail"]
    alice = world.api("sam")  # filing is a supervisor's decision (security-03-who-files)
    response = alice.post(f"/api/v1/cases/{ref}/reports", json={"format": "goaml"})
    assert response.status_code == 201, response.text
    report = response.json()
    download = alice.get(report["download"])
    assert download.status_code == 200 and download.headers["content-type"].startswith("application/xml")
    assert "attachment" in download.headers["content-disposition"]
    assert b"<report" in download.content
    listed = alice.get(f"/api/v1/cases/{ref}/reports").json()
    assert report["id"] in [r["id"] for r in listed]


def test_export_with_unknown_profile_is_a_clear_error_and_writes_nothing(world: World) -> None:
    alice = world.api("sam")
    ref = _case(world)["reference"]
    before = alice.get(f"/api/v1/cases/{ref}/reports").json()
    response = alice.post(f"/api/v1/cases/{ref}/reports", json={"format": "goaml", "profile": "atlantis"})
    assert 400 <= response.status_code < 500
    assert alice.get(f"/api/v1/cases/{ref}/reports").json() == before
