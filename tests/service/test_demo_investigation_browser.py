"""An investigation on the demo bank in a real browser: the largest case of `chainbreaker demo`.

The demo runs end to end (synthetic bank, load, registry, monitoring, screening, cases) on 120,000
transactions; the service then opens it with the demo supervisor. The walk starts from the name of a
likely victim of the largest case (read from the case store, so the test does not depend on the
generator's names), and each page of that case is timed from navigation to load.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from test_investigation_browser import accessible
from test_service_browser import ARGS, CHROMIUM, SCREENSHOTS

from chainbreaker.cases.parties import party_details
from chainbreaker.core.settings import Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.service.app import create_app
from chainbreaker.service.demo import prepare_demo_users
from chainbreaker.service.options import ServiceOptions
from chainbreaker.service.server import BackgroundServer
from chainbreaker.storage.models import Case, CaseParty, Evidence

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]
#: Every section of the largest demo case loads within this (median), each within 3x (a shared machine).
PAGE_BUDGET_SECONDS = 1.0


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str, Workspace, str]]:
    from chainbreaker.demo import run_demo

    root = tmp_path_factory.mktemp("demo-browser") / "demo"
    run_demo(root, transactions=120_000, seed=3)
    workspace = Workspace(root)
    settings = Settings(
        secret_key="demo-browser-secret-0123456789-abcdefghij",
        database_url=f"sqlite:///{root / 'cases.sqlite'}",
        demo_mode=True,
    )
    user, password = prepare_demo_users(workspace, settings)
    app = create_app(settings, workspace, ServiceOptions(secure_cookies=False))
    with app.state.ctx.sessions() as session:
        case_id, ref = session.execute(
            select(Case.id, Case.reference)
            .join(Evidence, Evidence.case_id == Case.id)
            .group_by(Case.id, Case.reference)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        victim = session.scalar(
            select(CaseParty.party_id)
            .where(CaseParty.case_id == case_id, CaseParty.role.in_(("likely_victim", "subject")))
            .order_by(CaseParty.role, CaseParty.party_id)
            .limit(1)
        )
    assert victim is not None
    server = BackgroundServer(app)
    url = server.start()
    yield url, user, password, workspace, f"{ref}|{victim}"
    server.stop()


def test_an_investigation_of_the_largest_demo_case(demo_site) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    url, user, password, workspace, which = demo_site
    ref, party_id = which.split("|")
    name = str(party_details(workspace, [party_id])[party_id]["name"])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        tab = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900}).new_page()
        tab.goto("/login")
        tab.fill("#username", user)
        tab.fill("#password", password)
        tab.click("#login-form button[type=submit]")
        tab.wait_for_url(re.compile(r".*/$"))

        tab.fill("#site-search", name.lower())  # as typed in a hurry
        tab.press("#site-search", "Enter")
        tab.locator("#search-results a", has_text=name).first.click()
        tab.wait_for_url(re.compile(rf".*/parties/{party_id}$"))
        tab.locator("#roles a", has_text=ref).first.click()
        tab.wait_for_url(re.compile(rf".*/cases/{ref}$"))

        times: dict[str, float] = {}
        for section in ("", "/evidence", "/timeline", "/network", "/map", "/matches", "/notes"):
            started = time.perf_counter()
            response = tab.goto(f"/cases/{ref}{section}", wait_until="load")
            times[section or "/"] = time.perf_counter() - started
            assert response is not None and response.status == 200
            accessible(tab)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / "20-demo-case-notes.png"), full_page=True)
        tab.goto(f"/cases/{ref}")
        first_flag = tab.locator("#indicator-table a.indicator-link").first
        indicator = first_flag.inner_text()
        first_flag.click()
        tab.wait_for_url(re.compile(rf".*/evidence\?indicator={indicator}"))
        cells = tab.locator("#evidence-table tbody tr td:nth-child(2)").all_inner_texts()
        assert cells and set(cells) == {indicator}
        tab.screenshot(path=str(SCREENSHOTS / "21-demo-evidence-one-indicator.png"), full_page=True)
        tab.goto(f"/cases/{ref}/map")
        assert tab.locator("svg.map g.place circle").count() >= 1
        tab.screenshot(path=str(SCREENSHOTS / "22-demo-map.png"), full_page=True)
        browser.close()
    report = ", ".join(f"{k} {v:.2f} s" for k, v in times.items())
    (Path(SCREENSHOTS.parent) / "demo-case-page-times.txt").write_text(f"{ref}: {report}\n", encoding="utf-8")
    assert statistics.median(times.values()) < PAGE_BUDGET_SECONDS, report
    assert max(times.values()) < 3 * PAGE_BUDGET_SECONDS, report
