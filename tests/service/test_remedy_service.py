"""Remedy through the service: the public grievance page (no login, never shows a submission back, three
languages, abuse limits), NGOs filing for workers through the API, and exit reviews scoped to one bank."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from svc_world import PASSWORD, World, csrf_of

from chainbreaker.remedy import exits
from chainbreaker.service import accounts
from chainbreaker.service.web import grievances as web_grievances
from chainbreaker.storage.models import AuditEntry
from chainbreaker.storage.remedy_models import Grievance



@pytest.fixture(autouse=True)
def fresh_limiter() -> None:
    web_grievances.LIMITER = web_grievances.IntakeLimiter()


def _post(world: World, fields: dict[str, str], lang: str = "en", files: object = None):  # type: ignore[no-untyped-def]
    client = world.client()
    token = csrf_of(client.get(f"/grievances/new/bank-a?lang={lang}").text)
    return client.post(
        f"/grievances/new/bank-a?lang={lang}", data={**fields, "csrf_token": token}, files=files
    )


GOOD = {
    "category": "recruitment_fees",
    "about_name": "Acme Palm Oil Sdn Bhd",
    "about_country": "MY",
    "description": "We paid 3,000 USD in recruitment fees and our passports were kept by the supervisor.",
    "anonymous": "on",
}


def test_public_form_in_three_languages_without_login(world: World) -> None:
    client = world.client()
    for lang, word in (("en", "Report a problem"), ("es", "Denunciar"), ("pt", "Denunciar um problema")):
        page = client.get(f"/grievances/new/bank-a?lang={lang}")
        assert page.status_code == 200 and word in page.text
    assert client.get("/grievances/new/nobody").status_code == 404


def test_submission_is_stored_and_never_shown_back(world: World) -> None:
    response = _post(world, GOOD, lang="pt")
    assert response.status_code == 200, response.text
    assert "G-" in response.text and "Recebemos" in response.text
    assert "passports were kept" not in response.text  # the page never echoes what was sent
    with world.app.state.ctx.sessions() as session:
        stored = session.scalars(select(Grievance).where(Grievance.org_id == "bank-a")).all()
        assert stored[-1].language == "pt" and stored[-1].anonymous and stored[-1].complainant_contact is None
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "grievance.submit")).all()
        assert audit and all("passport" not in str(a.details) for a in audit)  # no content in the log


def test_bad_input_is_named_and_attachments_checked(world: World) -> None:
    bad = _post(world, {**GOOD, "category": "gossip"})
    assert bad.status_code == 422 and "category" in bad.text
    exe = _post(world, GOOD, files={"attachments": ("x.pdf", b"MZ\x90\x00binary", "application/pdf")})
    assert exe.status_code == 422 and "PDF, PNG, JPEG or plain-text" in exe.text
    pdf = _post(world, GOOD, files={"attachments": ("pay.pdf", b"%PDF-1.4 payslip", "application/pdf")})
    assert pdf.status_code == 200


def test_abuse_limits(world: World) -> None:
    codes = [_post(world, GOOD).status_code for _ in range(web_grievances.PER_CLIENT + 1)]
    assert codes[:-1] == [200] * web_grievances.PER_CLIENT and codes[-1] == 429
    client = world.client()
    no_token = client.post("/grievances/new/bank-a", data=GOOD)
    assert no_token.status_code == 403


def test_ngo_files_for_workers_and_cannot_read_back(world: World) -> None:
    with world.app.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "ngo-x", "nadia", PASSWORD, "caseworker", actor="test", org_kind="ngo")
        key = accounts.create_api_key(session, "nadia", actor="test")[0]
    ngo = world.client()
    ngo.headers["Authorization"] = f"Bearer {key}"
    body = {**GOOD, "anonymous": False, "contact": "via ngo-x caseworker", "to_org": "bank-a"}
    filed = ngo.post("/api/v1/grievances", json=body)
    assert filed.status_code == 201 and filed.json()["reference"].startswith("G-")
    assert ngo.get("/api/v1/cases").json() == []  # the NGO sees none of the bank's rows
    assert world.api("alice").post("/api/v1/grievances", json=body).status_code == 403  # banks do not file


def test_exit_review_lands_in_the_callers_bank_only(world: World) -> None:
    with world.app.state.ctx.sessions() as session:
        before = exits.exits_report(session, "bank-a")
    review = {
        "exit_reason": "fraud",
        "decision": "retain_under_review",
        "rationale": "bank-b reviewed its own P1",
    }
    assert world.api("bob").post("/api/v1/parties/P1/exit-review", json=review).status_code == 201
    assert world.api("bob").post("/api/v1/parties/NOT-A-PARTY/exit-review", json=review).status_code == 404
    with world.app.state.ctx.sessions() as session:
        assert exits.exits_report(session, "bank-a") == before
        assert exits.exits_report(session, "bank-b").reviews >= 1
