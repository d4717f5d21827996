"""The FIU's work in a real browser (Debian chromium through Playwright): an NGO files a report through the
form; the FIU analyst relinks, opens a case, rejects a link (the decision holds after relinking), sends a
package of selected reports with a legal basis, reads patterns (charts and tables), a feedback letter and
the public report. axe-core finds no serious or critical violation on any of these pages.

Skipped like the other browser tests when /usr/bin/chromium is absent, failed instead under
CHAINBREAKER_REQUIRE_BROWSER=1. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from svc_world import PASSWORD, World, make_world
from test_investigation_browser import accessible
from test_service_browser import browser, login, open_tab, pytestmark, shot  # noqa: F401 - browser: the shared fixture

from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.ingest import ingest_files
from chainbreaker.fiu.synthetic import synthetic_reports
from chainbreaker.service import accounts
from chainbreaker.service.server import BackgroundServer
from chainbreaker.storage.models import AuditEntry
from chainbreaker.synth.multibank import MultiBankConfig


@pytest.fixture(scope="module")
def fiu_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, str]]:
    root = tmp_path_factory.mktemp("fiu-browser")
    export = synthetic_reports(root / "in", MultiBankConfig(reports=120, seed=7))
    ws = Workspace(root / "fiu")
    ingest_files(ws, [export.truth_path.parent], workers=1, org_id="fiu-1")
    world = make_world(ws, root / "cases.sqlite", with_cases=False, secure_cookies=False)
    with world.app.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "fiu-1", "fatima", PASSWORD, "analyst", "test", "The FIU", "fiu")
        accounts.add_user(session, "ngo-1", "nadia", PASSWORD, "caseworker", "test", "Safe Haven", "ngo")
    server = BackgroundServer(world.app)
    url = server.start()
    yield world, url
    server.stop()


def test_ngo_report_then_fiu_analysis(browser, fiu_site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    world, url = fiu_site
    ngo = open_tab(browser, url)
    login(ngo, "nadia")
    ngo.click("nav >> text=Report to the FIU")
    accessible(ngo)
    ngo.fill("#reference", "SH-2025-9")
    ngo.select_option("#trafficking_type", "labour")
    ngo.fill("#activity_from", "2025-03-01")
    ngo.fill("#activity_to", "2025-05-31")
    ngo.fill("#region", "Houston")
    ngo.fill("#indicators", "LT-05, LT-06")
    ngo.fill("#narrative", "Workers at a farm hand their wages to the crew leader every Friday.")
    ngo.locator("input[name=suspect_name]").first.fill("Rafael Ortiz")
    ngo.click("#ngo-report-form button[type=submit]")
    assert "Report ngo:ngo-1:SH-2025-9: ingested." in ngo.locator("p.notice").inner_text()
    assert ngo.problems == []  # type: ignore[attr-defined]
    ngo.context.close()

    fiu = open_tab(browser, url)
    login(fiu, "fatima")
    fiu.click("nav >> text=Received reports")
    assert "121 reports" in fiu.locator("#fiu-summary h2").inner_text()  # the NGO's report among the banks'
    assert "ngo" in fiu.locator("#fiu-summary").inner_text()
    fiu.click("#relink-form button[type=submit]")
    assert "Linked again" in fiu.locator("p.flash").inner_text()
    shot(fiu, "40-fiu-home")
    accessible(fiu)
    # the case with the most reports comes first; open it and reject its weakest link
    fiu.locator("#fiu-cases tbody a").first.click()
    case_url = fiu.url
    accessible(fiu)
    row = fiu.locator("#case-links tbody tr").filter(has=fiu.locator("form.link-decision")).first
    a, b = row.get_attribute("data-a"), row.get_attribute("data-b")
    row.locator("input[name=reason]").fill("different birth dates in the bank's KYC")
    row.locator("button[value=different]").click()
    assert "rejected (different persons)" in fiu.locator("p.flash").inner_text()
    fiu.goto("/fiu")
    fiu.click("#relink-form button[type=submit]")
    fiu.goto(case_url)
    if fiu.locator("#case-decisions").count():  # the case still spans several filers
        state = fiu.locator("#case-decisions tbody tr").first.locator(".decision-state").inner_text()
        assert state == "kept apart"
    con = world.workspace.connect(read_only=True)
    try:
        ids = [
            con.execute("SELECT subject_id FROM fiu_resolved WHERE party_key = ?", [k]).fetchone()[0]  # type: ignore[index]
            for k in (a, b)
        ]
    finally:
        con.close()
    assert ids[0] != ids[1]  # the rejection held through the relink
    shot(fiu, "41-fiu-case")

    # dissemination: send all but the last report of a current case, with the legal basis
    fiu.goto("/fiu")
    fiu.locator("#fiu-cases tbody a").nth(1).click()
    boxes = fiu.locator("#case-reports input[type=checkbox]")
    n = boxes.count()
    assert n >= 2
    boxes.nth(n - 1).uncheck()
    fiu.fill("#recipient", "National Police, anti-trafficking unit")
    fiu.fill("#legal_basis", "Art. 53 Directive (EU) 2015/849, request 2025/77")
    fiu.click("#disseminate-form button[type=submit]")
    assert re.search(
        rf"{n - 1} reports, \d+ persons; recorded in the audit log", fiu.locator("p.flash").inner_text()
    )
    package = fiu.locator("#disseminations p.package").first
    assert "Art. 53 Directive (EU) 2015/849, request 2025/77" in package.inner_text()
    with fiu.expect_download() as download:
        package.locator("a", has_text="XML").click()
    xml = download.value.path().read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert xml.count("<report source=") == n - 1 and "request 2025/77" in xml
    with world.app.state.ctx.sessions() as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "fiu.disseminate")).scalar_one()
    assert "request 2025/77" in str(entry.details)
    shot(fiu, "42-fiu-dissemination")

    fiu.click("nav >> text=Patterns")
    assert fiu.locator("figure svg").count() == 4
    assert fiu.locator("h2", has_text="New indicator combinations").is_visible()
    shot(fiu, "43-fiu-patterns")
    accessible(fiu)

    fiu.goto("/fiu/feedback")
    accessible(fiu)
    assert fiu.locator("#fiu-letters tbody tr").count() == 7  # six banks and the NGO
    fiu.locator("#fiu-letters a").first.click()
    assert fiu.locator("h1", has_text="Feedback on your human trafficking reports").is_visible()
    assert "Timeliness" in fiu.content()

    fiu.goto("/fiu/public")
    fiu.fill("#period", "2025")
    fiu.fill("#k", "5")
    fiu.click("#public-form button[type=submit]")
    report = fiu.locator("#public-report")
    assert "cells withheld" in report.inner_text() and report.locator("svg").count() == 1
    assert report.locator("td", has_text="–").count() > 0  # suppressed cells shown as withheld
    shot(fiu, "44-fiu-public")
    accessible(fiu)
    assert fiu.problems == []  # type: ignore[attr-defined]
