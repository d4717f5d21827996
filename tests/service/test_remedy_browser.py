"""Remedy flows in a real browser (Debian chromium through Playwright): an anonymous grievance from a
phone-sized window, handled by the bank (linked, engaged, leverage, closed); an NGO's referral turned into a
protected account; an account exit refused until reviewed; a case's restitution schedule.

Skipped like the other browser tests when /usr/bin/chromium is absent, failed instead under
CHAINBREAKER_REQUIRE_BROWSER=1. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from remedy_steps import handle_grievance_to_leverage, send_referral, submit_grievance
from svc_world import PASSWORD, World, make_world
from test_service_browser import browser, login, open_tab, pytestmark, shot  # noqa: F401 - browser: the shared fixture

from chainbreaker.core.workspace import Workspace
from chainbreaker.service import accounts
from chainbreaker.service.server import BackgroundServer


@pytest.fixture(scope="module")
def remedy_site(
    service_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, str]]:
    world = make_world(
        service_workspace, tmp_path_factory.mktemp("remedy-browser") / "cases.sqlite", secure_cookies=False
    )
    with world.app.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "ngo-x", "nadia", PASSWORD, "caseworker", actor="test", org_kind="ngo")
    server = BackgroundServer(world.app)
    url = server.start()
    yield world, url
    server.stop()


def test_grievance_from_a_phone_handled_by_the_bank(browser, remedy_site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _world, url = remedy_site
    phone = open_tab(browser, url, 375, 740)
    phone.goto("/grievances/new/bank-a?lang=es")
    assert phone.locator("h1", has_text="Denunciar un problema").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling on a phone
    reference = submit_grievance(
        phone,
        "Ring Front Cleaning LLC",
        "Nos pagan y el supervisor se queda con casi todo el salario cada semana.",
    )
    assert "Recibimos su denuncia G-" in phone.locator("#grievance-done").inner_text()
    assert "supervisor se queda" not in phone.content()  # never shown back
    shot(phone, "20-grievance-phone-es")
    phone.context.close()

    bank = open_tab(browser, url)
    login(bank, "alice")
    bank.goto("/remedy")
    bank.locator("#grievances-table a", has_text=reference).click()
    if bank.locator("#link-suggestions form button").count():
        bank.locator("#link-suggestions form button").first.click()
    else:
        bank.fill("#link-party", "P1")
        bank.click("form.inline button[type=submit]")
    bank.wait_for_selector("#grievance-link")
    handle_grievance_to_leverage(bank, "credit line review tied to repayment of wages; client refused")
    assert "not cooperating" in bank.locator("dl.facts").inner_text()
    shot(bank, "21-grievance-handled")
    assert not bank.problems, bank.problems
    bank.context.close()


def test_referral_becomes_a_protected_account(browser, remedy_site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _world, url = remedy_site
    ngo = open_tab(browser, url)
    login(ngo, "nadia")
    send_referral(ngo, "bank-a", "Ana Souza")
    ngo.context.close()

    bank = open_tab(browser, url)
    login(bank, "alice")
    bank.goto("/remedy")
    bank.locator("#referrals-table a").first.click()
    assert "sufficient" in bank.locator("#referral-check").inner_text()
    bank.fill("#party_id", "P900")
    bank.fill("#account_id", "A900")
    bank.click("#referral-open button[type=submit]")
    bank.wait_for_selector("#referral-account")
    assert "protected survivor" in bank.locator("#referral-account").inner_text()
    shot(bank, "22-referral-protected")
    assert not bank.problems, bank.problems
    bank.context.close()


def test_exit_blocked_until_reviewed_and_restitution(browser, remedy_site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    world, url = remedy_site
    case = world.api("sam").get("/api/v1/cases").json()[0]
    detail = world.api("sam").get(f"/api/v1/cases/{case['reference']}").json()
    subject = next(p["party_id"] for p in detail["parties"] if p["role"] == "subject")
    bank = open_tab(browser, url)
    login(bank, "sam")
    bank.goto(f"/cases/{case['reference']}")
    token = bank.locator("input[name=csrf_token]").first.get_attribute("value")
    path = f"/cases/{case['reference']}/parties/{subject}/account-action"
    refused = bank.request.post(
        path, form={"action": "close_account", "reason": "ring controller", "csrf_token": token}
    )
    assert refused.status == 409 and "exit review" in refused.text()
    bank.goto(f"/parties/{subject}/exit-review")
    bank.select_option("#exit_reason", "trafficking_subject")
    bank.select_option("#decision", "exit")
    bank.fill("#rationale", "controller of the ring; SAR filed; no victim holds this account")
    bank.click("#exit-review-form button[type=submit]")
    bank.wait_for_selector("text=Exit review recorded")
    assert "1 exits decided" in bank.locator("#exit-figures").inner_text()
    shot(bank, "23-exit-reviewed")
    allowed = bank.request.post(
        path, form={"action": "close_account", "reason": "ring controller", "csrf_token": token}
    )
    assert allowed.ok, allowed.text()
    bank.goto(f"/cases/{case['reference']}/restitution")
    assert bank.locator("h1", has_text="Restitution schedule").is_visible()
    shot(bank, "24-restitution")
    bank.context.close()
