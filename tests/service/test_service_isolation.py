"""No request of one organisation reads or changes another's rows, through any endpoint.

The test walks the app's own route table, so an endpoint added later without an entry here fails the
completeness check instead of going untested.
"""

from __future__ import annotations

import re
import time

import pytest
from fastapi.routing import APIRoute
from svc_world import World, csrf_of
from test_service_hub import HUB_ROUTES  # the hub's routes, isolated in their own test module

#: Routes that hold no organisation's rows: shared reference data (published lists, the indicator
#: catalogue), the caller's own identity, and the login/logout forms.
SHARED = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/registry/search"),
    ("GET", "/api/v1/registry/entities/{entity_id}"),
    ("GET", "/api/v1/registry/editions"),
    ("GET", "/registry"),
    ("GET", "/registry/entities/{entity_id}"),
    ("GET", "/registry/lists"),
    ("GET", "/api/v1/indicators"),
    ("GET", "/api/v1/indicators/{indicator_id}"),
    ("GET", "/indicators"),
    ("POST", "/api/v1/screening"),
    ("GET", "/screening"),
    ("POST", "/screening"),
    ("POST", "/screening/upload"),
    ("POST", "/api/v1/screening/jobs"),
    # the public grievance intake and the NGOs' filing API write into the named organisation and never
    # read anything back (tests/remedy/test_grievance_service.py checks both)
    ("GET", "/grievances/new/{org_id}"),
    ("POST", "/grievances/new/{org_id}"),
    ("POST", "/api/v1/grievances"),
    # an NGO's referral form lists banks and sends into the chosen bank, never reading its rows
    ("GET", "/referrals/new"),
    ("POST", "/referrals/new"),
}
#: Lists and aggregates: checked to show only the caller's organisation below.
LISTS = {
    ("GET", "/"),
    ("GET", "/alerts"),
    ("GET", "/cases"),
    ("GET", "/api/v1/alerts"),
    ("GET", "/api/v1/cases"),
    ("GET", "/api/v1/dashboard"),
    ("GET", "/api/v1/screening/jobs"),
    ("GET", "/indicators/{indicator_id}"),
    ("GET", "/remedy"),
    # the grievance report counts only the caller's organisation's grievances (suppressed like the public one)
    ("GET", "/remedy/report"),
    # the investigator's workspace: lists, search and party pages show only the caller's organisation's
    # rows (a party both banks' cases name has a page in each; test_workspace_ui checks what it shows)
    ("GET", "/search"),
    ("GET", "/parties/{party_id}"),
    ("GET", "/screening/results"),
    ("GET", "/api/v1/cases-ranking"),
}
#: Everything that names one object of an organisation, with a body that would be valid for its owner.
OBJECT_ROUTES: dict[tuple[str, str], dict[str, object] | None] = {
    ("GET", "/api/v1/cases/{ref}"): None,
    ("POST", "/api/v1/cases/{ref}/transition"): {"to_status": "in_review"},
    ("POST", "/api/v1/cases/{ref}/assign"): {"assignee": "bob"},
    ("POST", "/api/v1/cases/{ref}/comments"): {"body": "from another bank"},
    ("POST", "/api/v1/cases/{ref}/parties/{party_id}/role"): {"role": "subject", "reason": "x"},
    ("POST", "/api/v1/cases/{ref}/parties/{party_id}/account-action"): {"action": "keep_under_review"},
    ("GET", "/api/v1/alerts/{alert_id}"): None,
    ("POST", "/api/v1/alerts/{alert_id}/reviews"): {"decision": "not_suspicious"},
    ("GET", "/api/v1/screening/jobs/{job_id}"): None,
    ("GET", "/api/v1/screening/jobs/{job_id}/results"): None,
    ("GET", "/api/v1/screening/jobs/{job_id}/rejects"): None,
    ("GET", "/cases/{ref}"): None,
    ("POST", "/cases/{ref}/transition"): {"to_status": "in_review"},
    ("POST", "/cases/{ref}/assign"): {"assignee": "bob"},
    ("POST", "/cases/{ref}/comments"): {"body": "from another bank"},
    ("POST", "/cases/{ref}/parties/{party_id}/role"): {"role": "subject", "reason": "x"},
    ("POST", "/cases/{ref}/parties/{party_id}/account-action"): {"action": "keep_under_review"},
    ("GET", "/alerts/{alert_id}"): None,
    ("POST", "/alerts/{alert_id}/review"): {"decision": "not_suspicious"},
    ("GET", "/screening/jobs/{job_id}"): None,
    ("GET", "/api/v1/cases/{ref}/reports"): None,
    ("POST", "/api/v1/cases/{ref}/reports"): {"format": "html"},
    ("GET", "/api/v1/cases/{ref}/reports/{report_id}"): None,
    ("POST", "/cases/{ref}/reports"): {"format": "html"},
    ("GET", "/cases/{ref}/restitution"): None,
    ("GET", "/cases/{ref}/restitution.csv"): None,
    ("GET", "/cases/{ref}/evidence"): None,
    ("GET", "/cases/{ref}/timeline"): None,
    ("GET", "/cases/{ref}/network"): None,
    ("GET", "/cases/{ref}/map"): None,
    ("GET", "/cases/{ref}/matches"): None,
    ("GET", "/cases/{ref}/notes"): None,
    ("POST", "/cases/{ref}/trafficking-type"): {"trafficking_type": "labour", "reason": "x"},
    ("POST", "/api/v1/cases/{ref}/trafficking-type"): {"trafficking_type": "labour", "reason": "x"},
    ("GET", "/api/v1/cases/{ref}/evidence"): None,
}
#: Routes keyed by ids each organisation numbers for itself (a bank's own party ids, G-000001, R-000001):
#: a call reaches the caller's own object of that id; tests/service/test_remedy_service.py checks that the
#: other organisation's rows are neither shown nor changed.
#: Portfolio routes (investors and lenders): tests/service/test_service_portfolio.py checks that another
#: organisation gets 404 on every holding and engagement route and changes nothing.
PORTFOLIO_ROUTES = {
    ("GET", "/api/v1/portfolio"),
    ("GET", "/api/v1/portfolio/engagements"),
    ("GET", "/api/v1/portfolio/holdings"),
    ("GET", "/api/v1/portfolio/holdings/{holding_id}"),
    ("GET", "/api/v1/portfolio/job"),
    ("GET", "/api/v1/portfolio/rejects"),
    ("GET", "/portfolio"),
    ("GET", "/portfolio/holdings/{holding_id}"),
    ("POST", "/api/v1/disclosure/assessments"),
    ("POST", "/api/v1/portfolio/assessments"),
    ("POST", "/api/v1/portfolio/engagements/{engagement_id}/close"),
    ("POST", "/api/v1/portfolio/engagements/{engagement_id}/contacts"),
    ("POST", "/api/v1/portfolio/engagements/{engagement_id}/escalations"),
    ("POST", "/api/v1/portfolio/holdings/{holding_id}/engagement"),
    ("POST", "/portfolio/engagements/{engagement_id}/close"),
    ("POST", "/portfolio/engagements/{engagement_id}/contact"),
    ("POST", "/portfolio/engagements/{engagement_id}/escalate"),
    ("POST", "/portfolio/holdings/{holding_id}/engage"),
    ("POST", "/portfolio/upload"),
}
#: FIU routes: an NGO's report form sends into the FIU's tables and never reads them back
#: (tests/service/test_service_fiu_ngo.py); every analysis route opens only to members of the FIU holding the
#: workspace: tests/service/test_service_fiu.py calls each as another FIU (404), a bank and an NGO (403) and
#: anonymously (401), and checks nothing changed.
FIU_ROUTES = {
    ("GET", "/fiu/ngo-report"),
    ("POST", "/fiu/ngo-report"),
    ("GET", "/fiu/patterns"),
    ("GET", "/fiu"),
    ("POST", "/fiu/link"),
    ("GET", "/fiu/cases/{case_id}"),
    ("POST", "/fiu/cases/{case_id}/decisions"),
    ("POST", "/fiu/cases/{case_id}/disseminate"),
    ("GET", "/fiu/packages/{package_id}.{ext}"),
    ("GET", "/fiu/feedback"),
    ("GET", "/fiu/feedback/{entity_id}"),
    ("GET", "/fiu/public"),
    ("GET", "/fiu/public/{period}/{name}"),
    ("GET", "/api/v1/fiu/overview"),
    ("GET", "/api/v1/fiu/cases"),
    ("GET", "/api/v1/fiu/cases/{case_id}"),
    ("POST", "/api/v1/fiu/cases/{case_id}/decisions"),
    ("POST", "/api/v1/fiu/link"),
    ("POST", "/api/v1/fiu/cases/{case_id}/disseminations"),
    ("GET", "/api/v1/fiu/patterns"),
    ("GET", "/api/v1/fiu/feedback"),
    ("GET", "/api/v1/fiu/public"),
}
OWN_NAMESPACE_ROUTES = {
    ("POST", "/api/v1/parties/{party_id}/exit-review"),
    ("GET", "/parties/{party_id}/exit-review"),
    ("POST", "/parties/{party_id}/exit-review"),
    ("GET", "/grievances/{reference}"),
    ("POST", "/grievances/{reference}/contact"),
    ("POST", "/grievances/{reference}/link"),
    ("POST", "/grievances/{reference}/step"),
    ("GET", "/referrals/{reference}"),
    ("POST", "/referrals/{reference}/open"),
}


def _flat(routes: list[object]) -> list[object]:
    """Routes of the app, with routers included through FastAPI's `_IncludedRouter` wrappers opened up
    (without this the completeness check below would see no route at all and pass vacuously)."""
    out: list[object] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out.extend(_flat(list(inner.routes)) if inner is not None else [route])
    return out


def _routes(world: World) -> set[tuple[str, str]]:
    found = set()
    for route in _flat(list(world.app.routes)):
        if isinstance(route, APIRoute):
            for method in route.methods - {"HEAD"}:
                found.add((method, route.path))
        elif getattr(route, "path", None) and hasattr(route, "methods"):
            for method in route.methods - {"HEAD"}:  # type: ignore[attr-defined]
                found.add((method, route.path))  # type: ignore[attr-defined]
    return {r for r in found if not r[1].startswith(("/static", "/api/openapi"))}


def test_every_route_is_covered(world: World) -> None:
    assert ("GET", "/api/v1/cases") in _routes(world)  # the walk sees the app's real routes
    uncovered = (
        _routes(world)
        - SHARED
        - LISTS
        - set(OBJECT_ROUTES)
        - OWN_NAMESPACE_ROUTES
        - HUB_ROUTES
        - PORTFOLIO_ROUTES
        - FIU_ROUTES
    )
    assert not uncovered, f"routes without an isolation test: {sorted(uncovered)}"


@pytest.fixture(scope="module")
def bank_a(world: World) -> dict[str, str]:
    """Ids of bank-a's objects: its case (by number, since both banks have a C-000001), an alert, a job."""
    alice = world.api("alice")
    case = alice.get("/api/v1/cases").json()[0]
    alert = alice.get("/api/v1/alerts").json()["items"][0]
    job = alice.post(
        "/api/v1/screening/jobs",
        files={"file": ("names.csv", b"query_id,name\nq1,Viktor Bout\n", "text/csv")},
    ).json()
    for _ in range(100):
        if alice.get(f"/api/v1/screening/jobs/{job['id']}").json()["status"] == "finished":
            break
        time.sleep(0.05)
    party = alice.get(f"/api/v1/cases/{case['id']}").json()["parties"][0]["party_id"]
    report = alice.post(f"/api/v1/cases/{case['id']}/reports", json={"format": "html"})
    assert report.status_code == 201, report.text
    return {
        "ref": str(case["id"]),
        "alert_id": str(alert["id"]),
        "job_id": job["id"],
        "party_id": party,
        "report_id": str(report.json()["id"]),
    }


def _fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


@pytest.mark.parametrize("route", sorted(OBJECT_ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_other_organisation_cannot_read_or_change(
    world: World, bank_a: dict[str, str], route: tuple[str, str]
) -> None:
    method, template = route
    path = _fill(template, bank_a)
    body = OBJECT_ROUTES[route]
    owner_before = world.api("alice").get(f"/api/v1/cases/{bank_a['ref']}").json()
    if template.startswith("/api/"):
        response = world.api("bob").request(method, path, json=body)
    else:
        bob = world.login("bob")
        token = csrf_of(bob.get("/screening").text)
        response = bob.request(
            method, path, data={**(body or {}), "csrf_token": token}, follow_redirects=False
        )
    assert response.status_code == 404, (method, path, response.status_code, response.text[:200])
    owner_after = world.api("alice").get(f"/api/v1/cases/{bank_a['ref']}").json()
    assert owner_after["version"] == owner_before["version"]
    assert owner_after["comments"] == owner_before["comments"]
    assert owner_after["assignee"] == owner_before["assignee"]


def test_lists_and_dashboard_show_only_the_callers_organisation(world: World, bank_a: dict[str, str]) -> None:
    bob = world.api("bob")
    alice = world.api("alice")
    a_alerts = {a["id"] for a in alice.get("/api/v1/alerts").json()["items"]}
    b_alerts = {a["id"] for a in bob.get("/api/v1/alerts").json()["items"]}
    assert a_alerts and b_alerts and not (a_alerts & b_alerts)
    a_cases = {c["id"] for c in alice.get("/api/v1/cases").json()}
    b_cases = {c["id"] for c in bob.get("/api/v1/cases").json()}
    assert a_cases and b_cases and not (a_cases & b_cases)
    assert bank_a["job_id"] not in {j["id"] for j in bob.get("/api/v1/screening/jobs").json()}
    assert bob.get("/api/v1/dashboard").json()["alerts"] == len(b_alerts)
    page = world.login("bob").get("/alerts").text
    for alert_id in a_alerts:
        assert f'href="/alerts/{alert_id}"' not in page
    cases_page = world.login("bob").get("/cases").text
    assert "bank-a" not in cases_page.lower()


def test_filter_parameters_cannot_reach_another_organisation(world: World, bank_a: dict[str, str]) -> None:
    response = world.api("bob").get("/api/v1/alerts", params={"case_id": bank_a["ref"]})
    assert response.json()["items"] == []
