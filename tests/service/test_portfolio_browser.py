"""The investor's portfolio pages in a real browser (Debian chromium through Playwright), each checked with
axe-core: upload a holdings file with a bad row, read the dashboard (rejected row with its row, column and
reason; heat map; world map; top holdings with reasons), open a holding's page with its evidence, open an
engagement, log a contact and escalate with a reason and a deadline.

Skipped like the other browser tests when /usr/bin/chromium is absent. Screenshots go to
test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from svc_world import PASSWORD, World, make_world
from test_investigation_browser import accessible
from test_service_browser import browser, login, open_tab, pytestmark, shot  # noqa: F401 - browser: the shared fixture

from chainbreaker.core.workspace import Workspace
from chainbreaker.portfolio.demo import write_demo_gsi, write_demo_holdings, write_demo_ilab
from chainbreaker.registry import load_source
from chainbreaker.registry.demo import load_demo_registry
from chainbreaker.service import accounts
from chainbreaker.service.server import BackgroundServer


@pytest.fixture(scope="module")
def fund_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, str, Path]]:
    root = tmp_path_factory.mktemp("fund-browser")
    ws = Workspace(root / "ws")
    load_demo_registry(ws, root / "lists", extra_names=["Fazenda Boa Vista Agropecuaria Ltda"])
    load_source(ws, "walkfree_gsi", write_demo_gsi(root / "gsi.csv"))
    load_source(ws, "us_dol_ilab", write_demo_ilab(root / "ilab.csv"))
    world = make_world(ws, root / "cases.sqlite", with_cases=False, secure_cookies=False)
    with world.app.state.ctx.sessions.begin() as session:
        accounts.add_user(
            session,
            "fund-a",
            "ivy",
            PASSWORD,
            "analyst",
            actor="test",
            org_name="fund-a",
            org_kind="investor",
        )
    server = BackgroundServer(world.app)
    url = server.start()
    yield world, url, root
    server.stop()


def test_upload_dashboard_holding_and_engagement(browser, fund_site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    _world, url, root = fund_site
    holdings = write_demo_holdings(root / "holdings.csv", [("H-101", "Fazenda Boa Vista Agropecuária")])
    with holdings.open("a", encoding="utf-8") as fh:
        fh.write("H-900,Bad Row Co,Atlantis,,,,,USD,\n")
    tab = open_tab(browser, url)
    problems: list[str] = tab.problems
    login(tab, "ivy")

    # 1. upload holdings (one bad row)
    tab.goto("/portfolio")
    assert "No run yet" in tab.content()
    accessible(tab)
    tab.set_input_files("#file", str(holdings))
    tab.click("#portfolio-upload button[type=submit]")
    tab.wait_for_selector("text=Top holdings")
    assert "Rows read 14 = accepted 13 + rejected 1" in tab.content()

    # 2. the dashboard: the rejected row with where and why, both charts, top holdings with reasons
    reject = tab.locator("#portfolio-rejects tbody tr")
    assert reject.count() == 1
    assert re.sub(r"\s+", " ", reject.inner_text()).startswith("15 H-900 domicile country not recognised")
    assert tab.locator("svg.chart").count() == 2
    assert tab.locator("svg.chart circle").count() >= 10  # the world map's dots
    assert "Cocoa" in tab.locator("svg.chart").first.inner_html()  # the heat map's rows
    top = tab.locator("tbody tr", has=tab.locator("a", has_text="H-101"))
    assert "severe" in top.inner_text() and "listed issuer" in top.inner_text()
    shot(tab, "30-portfolio-dashboard")
    accessible(tab)

    # 3. the holding's page: every reason and the listing path
    top.locator("a", has_text="H-101").click()
    tab.wait_for_url(re.compile(r".*/portfolio/holdings/H-101$"))
    assert "Listing path: H-101 (issuer) on" in tab.content()
    assert tab.locator("section.card ul li").count() >= 2
    accessible(tab)

    # 4. engagement: open, log a contact, escalate with a reason and a deadline
    tab.fill("#open_reason", "severe: the issuer is listed under a spelling variant")
    tab.click("form[action$='/engage'] button[type=submit]")
    tab.wait_for_selector("text=Questions")
    tab.fill("#contact", "Head of Sustainability")
    tab.fill("#answer", "An audit of the farms is planned")
    tab.fill("#next_step", "call again in May")
    tab.click("form[action$='/contact'] button[type=submit]")
    tab.wait_for_selector("td:has-text('Head of Sustainability')")
    tab.fill("#reason", "no answer on the remediation plan in 60 days")
    tab.fill("#deadline", "2099-03-31")
    tab.click("form[action$='/escalate'] button[type=submit]")
    tab.wait_for_selector("text=deadline 2099-03-31")
    log = tab.locator("table", has=tab.locator("th", has_text="Next step")).inner_text()
    assert "no answer on the remediation plan in 60 days" in log and "call again in May" in log
    shot(tab, "31-portfolio-holding-engagement")
    accessible(tab)
    assert not problems, problems
    tab.context.close()
