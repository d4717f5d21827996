"""The web UI in a real browser: Debian's chromium driven by Playwright, the service in a thread.

Skipped (with the reason) only when /usr/bin/chromium is absent, and failed instead when
CHAINBREAKER_REQUIRE_BROWSER=1 (CI); never downloads a browser.
Screenshots land in `test-artifacts/screenshots/` of the project (gitignored).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from svc_world import PASSWORD, World, make_world

from chainbreaker.core.workspace import Workspace
from chainbreaker.service.server import BackgroundServer

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CHAINBREAKER_REQUIRE_BROWSER") != "1",
        reason="Debian's chromium is not installed at /usr/bin/chromium",
    ),
]


@pytest.fixture(scope="module")
def site(
    service_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, str]]:
    world = make_world(
        service_workspace, tmp_path_factory.mktemp("browser") / "cases.sqlite", secure_cookies=False
    )
    server = BackgroundServer(world.app)
    url = server.start()
    yield world, url
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(
            "CHAINBREAKER_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)"
        )
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, site):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=site[1], accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    tab.problems = problems  # type: ignore[attr-defined]
    yield tab
    context.close()


def open_tab(launched, url: str, width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
    """A page in its own browser context that records the page's script errors in `tab.problems`."""
    tab = launched.new_context(base_url=url, viewport={"width": width, "height": height}).new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    tab.problems = problems
    return tab


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def login(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def test_log_in_and_see_the_dashboard(page) -> None:  # type: ignore[no-untyped-def]
    page.goto("/cases")
    assert "/login" in page.url  # not logged in: sent to the login page
    page.fill("#username", "alice")
    page.fill("#password", "wrong password!")
    page.click("#login-form button[type=submit]")
    assert page.locator("text=Wrong user name or password").is_visible()
    page.problems.clear()  # the refused login answered 401 on purpose
    login(page, "alice")
    assert page.locator("svg.chart").count() == 2
    assert page.locator("text=alice · analyst").is_visible()
    shot(page, "01-dashboard")
    assert not page.problems, page.problems  # no CSP violation, no script error


def test_review_an_alert(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "alice")
    page.goto("/alerts")
    page.locator("#alerts-table tbody a").first.click()
    assert page.locator("svg.network circle").count() >= 2
    assert page.locator("table.evidence tbody tr").count() >= 1
    page.select_option("#decision", "relevant")
    page.fill("#note", "pattern confirmed with branch")
    page.click("#review-form button[type=submit]")
    page.wait_for_selector("text=Review recorded.")
    assert page.locator("#review .badge", has_text="relevant").count() >= 1
    shot(page, "02-alert-reviewed")
    assert not page.problems, page.problems


def test_escalate_a_case_with_the_safeguard_shown(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "alice")
    page.goto("/cases")
    page.locator("#cases-table tbody a").first.click()
    assert page.locator("#safeguard", has_text="do not simply exit").is_visible()
    page.click("#to-in_review")
    page.wait_for_selector("text=Case moved to in review.")
    page.click("#to-escalated")
    page.wait_for_selector("text=Case moved to escalated.")
    assert page.locator("#case-status").inner_text() == "escalated"
    shot(page, "03-case-escalated")
    assert not page.problems, page.problems


def test_export_a_goaml_report(page, shared_dir, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The goAML XSD is the FIU's: the product never guesses ../shared, so point the setting at it.
    monkeypatch.setenv("CHAINBREAKER_SHARED_DIR", str(shared_dir))
    login(page, "sam")
    page.goto("/cases")
    page.locator("#cases-table tbody a").first.click()
    page.select_option("#format", "goaml")
    page.click("#export-button")
    page.wait_for_selector("text=goaml report exported and validated")
    with page.expect_download() as info:
        page.locator("a.download-report[data-format=goaml]").last.click()
    path = info.value.path()
    content = Path(path).read_bytes()
    assert content.startswith(b"<?xml") and b"<report" in content
    shot(page, "04-report-exported")
    assert not page.problems, page.problems


def test_screen_a_name(page) -> None:  # type: ignore[no-untyped-def]
    login(page, "alice")
    page.goto("/screening")
    page.fill("#name", "Victor Bout")
    page.select_option("#schema", "Person")
    page.fill("#birth_date", "1967-01-13")
    page.click("#screen-form button[type=submit]")
    result = page.locator("#results article.match").first
    assert "Viktor Anatolyevich Bout" in result.inner_text()
    assert result.locator("table.features tr", has_text="birth_date").count() == 1
    shot(page, "05-screening")
    assert not page.problems, page.problems


def test_user_of_another_organisation_cannot_open_the_case(page, site) -> None:  # type: ignore[no-untyped-def]
    world, _url = site
    case_id = world.api("alice").get("/api/v1/cases").json()[0]["id"]
    login(page, "bob")
    response = page.goto(f"/cases/{case_id}")
    assert response is not None and response.status == 404
    assert page.locator("h1", has_text="Not found").is_visible()
    shot(page, "06-other-organisation-refused")
