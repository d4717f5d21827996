"""An investigation walked in a real browser (Debian's chromium), with an axe-core check of every page.

Search a name (misspelt), open the party, open its case, filter the evidence to one indicator, export
the evidence CSV, set the case type, export goAML, open the map. Each step leaves a screenshot in
`test-artifacts/screenshots/` and must pass axe-core without a serious or critical violation.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from test_service_browser import CHROMIUM, browser, login, page, shot, site  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]


def accessible(tab) -> None:  # type: ignore[no-untyped-def]
    """axe-core finds no serious or critical violation on the page as shown."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(tab)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not bad, bad


def test_an_investigation_from_search_to_goaml_and_map(page) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    login(page, "sam")
    accessible(page)

    # 1. search a name, spelt as a colleague heard it on the phone
    page.fill("#site-search", "Karlos Mendez")
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r".*/search\?q=.*"))
    row = page.locator("#search-results tbody tr", has_text="Carlos Mendes")
    assert row.count() == 1 and "name" in row.inner_text()
    shot(page, "10-search")
    accessible(page)

    # 2. open the party
    row.locator("a").first.click()
    page.wait_for_url(re.compile(r".*/parties/P1$"))
    assert page.locator("h1", has_text="Carlos Mendes").is_visible()
    assert page.locator("#party-alerts tbody tr", has_text="ST-03").count() >= 1
    shot(page, "11-party")
    accessible(page)

    # 3. open its case
    page.locator("#roles a").first.click()
    page.wait_for_url(re.compile(r".*/cases/C-\d+$"))
    assert page.locator("#red-flags").is_visible() and page.locator("#case-rank").is_visible()
    ref = page.url.rsplit("/", 1)[1]
    shot(page, "12-case-summary")
    accessible(page)

    # 4. filter the evidence to one indicator
    page.locator("#indicator-table a.indicator-link", has_text="ST-01").click()
    page.wait_for_url(re.compile(r".*/evidence\?indicator=ST-01"))
    rows = page.locator("#evidence-table tbody tr")
    assert rows.count() >= 1
    assert all(cell == "ST-01" for cell in rows.locator("td:nth-child(2)").all_inner_texts())
    # T2 went to Carlos Mendes's account: the counterparty is named and links to his party page
    assert page.locator("#evidence-table tbody a", has_text="Carlos Mendes").count() >= 1
    shot(page, "13-evidence-filtered")
    accessible(page)

    # 5. export the evidence CSV: exactly the filtered rows
    with page.expect_download() as info:
        page.click("#evidence-csv")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    records = list(csv.DictReader(io.StringIO(text)))
    assert records and {r["indicator_id"] for r in records} == {"ST-01"}
    assert len(records) == rows.count()

    # 6. set the case type, with a reason (audited), from the case summary
    page.goto(f"/cases/{ref}")
    page.select_option("#trafficking_type", "mixed")
    page.fill("#type-reason", "the controller also runs the front business's workers")
    page.click("#set-type")
    page.wait_for_selector("text=Case type set to sex and labour trafficking.")
    assert "done=" not in page.url  # the flash travels in a cookie, not in the URL
    assert page.locator("#case-type").inner_text() == "mixed"
    shot(page, "14-case-type-set")
    accessible(page)

    # 7. export goAML
    page.select_option("#format", "goaml")
    page.click("#export-button")
    page.wait_for_selector("text=goaml report exported and validated")
    with page.expect_download() as report:
        page.locator("a.download-report[data-format=goaml]").last.click()
    assert Path(report.value.path()).read_bytes().startswith(b"<?xml")
    shot(page, "15-goaml-exported")

    # 8. open the map
    page.click("nav.tabs a:has-text('Map')")
    page.wait_for_url(re.compile(r".*/map$"))
    assert page.locator("svg.map path.land").count() >= 1
    assert page.locator("svg.map g.place circle").count() >= 1
    assert page.locator("#places-table", has_text="São Paulo").is_visible()
    shot(page, "16-map")
    accessible(page)

    # the network: zoom works and no label overlaps another
    page.click("nav.tabs a:has-text('Network')")
    svg = page.locator("#network-drawing svg")
    before = svg.get_attribute("viewBox")
    page.click("[data-zoom='in']")
    assert svg.get_attribute("viewBox") != before
    shot(page, "17-network")
    accessible(page)
    assert not page.problems, page.problems


def test_pages_fit_a_phone_and_lists_are_accessible(browser, site) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(base_url=site[1], viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        login(tab, "alice")
        for path in ("/alerts", "/cases", "/screening/results", "/alerts/1"):
            tab.goto(path)
            # the page itself never scrolls sideways: wide tables scroll inside their wrapper
            width = tab.evaluate("document.documentElement.scrollWidth")
            assert width <= 400, (path, width)
            accessible(tab)
        shot(tab, "18-phone-alerts")
        tab.goto("/")
        tab.keyboard.press("Tab")
        assert tab.evaluate("document.activeElement.textContent").strip() == "Skip to the content"
    finally:
        context.close()
