"""Remedy through the service: the public grievance page (no login, never shows a submission back, three
languages, abuse limits), NGOs filing for workers through the API, and exit reviews scoped to one bank."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from svc_world import PASSWORD, World, csrf_of

from chainbreaker.monitoring.party_flags import read_party_flags
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


def _form_post(client, path: str, data: dict[str, str], page_for_token: str = "/remedy"):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get(page_for_token).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def test_bank_handles_a_grievance_in_the_browser_pages(world: World) -> None:
    ref = _post(world, {**GOOD, "anonymous": "off", "contact": "+60 12 345 6789"}).text.split("G-")[1][:6]
    ref = f"G-{ref}"
    alice = world.login("alice")
    home = alice.get("/remedy")
    assert home.status_code == 200 and ref in home.text and "/grievances/new/bank-a" in home.text
    detail = alice.get(f"/grievances/{ref}")
    assert "recruitment fees" in detail.text and "+60 12 345 6789" not in detail.text  # contact never shown
    linked = _form_post(
        alice, f"/grievances/{ref}/link", {"party_id": "P1", "linked_kind": "corporate_client"}
    )
    assert linked.status_code == 303
    for kind in ("acknowledge", "assess", "engage"):
        assert (
            _form_post(alice, f"/grievances/{ref}/step", {"kind": kind, "detail": f"{kind} done"}).status_code
            == 303
        )
    lever = _form_post(
        alice, f"/grievances/{ref}/step",
        {"kind": "leverage", "detail": "asked to repay fees; refused", "cooperation": "not_cooperating"},
    )  # fmt: skip
    assert lever.status_code == 303
    assert "not cooperating" in alice.get(f"/grievances/{ref}").text
    # the risk note is exported where the next `monitor` run reads it
    noted = read_party_flags(world.workspace.root).risk_notes["P1"]
    assert any(n.source_ref == ref and "did not cooperate" in n.explanation for n in noted)
    refused = _form_post(alice, f"/grievances/{ref}/contact", {})
    assert refused.status_code == 403
    sam = world.login("sam")
    shown = _form_post(sam, f"/grievances/{ref}/contact", {})
    assert shown.status_code == 200 and "+60 12 345 6789" in shown.text
    # bank-b's people see nothing of bank-a's grievance: bank-b has no grievance of that number yet
    assert world.login("bob").get(f"/grievances/{ref}").status_code == 404


def test_referral_from_ngo_to_protected_account(world: World) -> None:
    with world.app.state.ctx.sessions.begin() as session:
        if accounts.check_password(session, "rita", PASSWORD) is None:
            accounts.add_user(session, "ngo-y", "rita", PASSWORD, "caseworker", actor="test", org_kind="ngo")
    rita = world.login("rita")
    form = rita.get("/referrals/new")
    assert form.status_code == 200 and "consular" in form.text.lower()
    sent = rita.post(
        "/referrals/new",
        data={"csrf_token": csrf_of(form.text), "bank": "bank-a", "person_name": "Ana Souza",
              "documents": ["consular_id", "ngo_letter"]},
        follow_redirects=False,
    )  # fmt: skip
    assert sent.status_code == 303
    assert rita.get("/remedy").status_code == 403  # the NGO never sees the bank's remedy pages
    alice = world.login("alice")
    ref = next(
        line.split("/referrals/")[1].split('"')[0]
        for line in alice.get("/remedy").text.splitlines()
        if "/referrals/R-" in line
    )
    page = alice.get(f"/referrals/{ref}")
    assert "sufficient" in page.text
    opened = _form_post(alice, f"/referrals/{ref}/open", {"party_id": "P77", "account_id": "A77"})
    assert opened.status_code == 303
    assert "protected survivor" in alice.get(f"/referrals/{ref}").text
    protected = read_party_flags(world.workspace.root).protected["P77"]
    assert [p.source_ref for p in protected] == [ref] and "ngo-y" in protected[0].explanation
    assert world.login("bob").get(f"/referrals/{ref}").status_code == 404


def test_restitution_pages_are_scoped(world: World) -> None:
    case = world.api("alice").get("/api/v1/cases").json()[0]
    alice = world.login("alice")
    html = alice.get(f"/cases/{case['reference']}/restitution")
    assert html.status_code == 200 and "Restitution schedule" in html.text
    # the service's CSP refuses inline style: the page links the package's stylesheet instead
    assert "<style" not in html.text and 'href="/static/restitution.css"' in html.text
    assert "border-collapse" in alice.get("/static/restitution.css").text
    csv_text = alice.get(f"/cases/{case['reference']}/restitution.csv").text
    assert csv_text.startswith("party_id,wages_in,swept_out,fees,owed")
    assert world.login("bob").get(f"/cases/{case['id']}/restitution").status_code == 404


def test_public_grievance_report_page_counts_only_the_callers_grievances(world: World) -> None:
    from datetime import datetime

    from chainbreaker.remedy.publication import public_report

    year = datetime.now().year
    for _ in range(3):
        assert _post(world, GOOD).status_code == 200

    def cells(html: str) -> list[str]:
        body = html.split('id="grievance-report"')[1].split("</tbody>")[0]
        return re.findall(r'<td class="num">([^<]*)</td>', body)

    def expected(org: str) -> list[str]:
        with world.app.state.ctx.sessions() as session:
            report = public_report(session, org, datetime(year, 1, 1), datetime(year + 1, 1, 1), k=1)
        return ["" if v is None else str(v) for line in report.grid.published() for v in line]

    alice = world.login("alice")
    assert f'href="/remedy/report?year={year}"' in alice.get("/remedy").text
    page = alice.get(f"/remedy/report?year={year}&k=1")
    assert page.status_code == 200 and "recruitment fees" in page.text and "withheld" in page.text
    assert cells(page.text) == expected("bank-a") and any(cells(page.text))
    bob = world.login("bob").get(f"/remedy/report?year={year}&k=1")
    assert bob.status_code == 200 and cells(bob.text) == expected("bank-b") != expected("bank-a")
    assert alice.get("/remedy/report?year=nineteen").status_code == 422
    assert alice.get(f"/remedy/report?year={year}&k=0").status_code == 422
