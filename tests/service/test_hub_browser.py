"""The NGO's hub page in a real browser (Debian chromium through Playwright): the list is blinded on the NGO's
computer with `chainbreaker share submit`, and only the `.msg` file it wrote is uploaded; a clear CSV chosen
by mistake is refused with the file and row named, never echoed and never stored; a submission is withdrawn.

Skipped like the other browser tests when /usr/bin/chromium is absent, failed instead under
CHAINBREAKER_REQUIRE_BROWSER=1. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from svc_world import PASSWORD, World, make_world
from test_investigation_browser import accessible
from test_service_browser import browser, login, pytestmark, shot  # noqa: F401 - browser: the shared fixture
from typer.testing import CliRunner

from chainbreaker.cli.main import app as cli
from chainbreaker.core.workspace import Workspace
from chainbreaker.service import accounts
from chainbreaker.service.server import BackgroundServer
from chainbreaker.sharing import hub
from chainbreaker.sharing.limits import SharingPolicy
from chainbreaker.sharing.records import RECORD_COLUMNS
from chainbreaker.storage.sharing_models import HubSubmission


@pytest.fixture(scope="module")
def hub_site(
    service_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[World, str]]:
    world = make_world(
        service_workspace, tmp_path_factory.mktemp("hub-browser") / "cases.sqlite", secure_cookies=False
    )
    with world.app.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "hub", "hannah", PASSWORD, "hub_operator", actor="test", org_kind="hub")
        accounts.add_user(session, "ngo-w", "wanda", PASSWORD, "caseworker", actor="test", org_kind="ngo")
        session.flush()
        hub.create_partnership(
            session,
            "hub",
            "hannah",
            "ngow-banka",
            "ngo-w",
            "bank-a",
            "find recruiters and protect survivors in the outreach programme",
            SharingPolicy(min_submission=20, min_request=20, bucket=64),
        )
    server = BackgroundServer(world.app)
    url = server.start()
    yield world, url
    server.stop()


def _records(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, RECORD_COLUMNS)
        writer.writeheader()
        for i in range(40):
            writer.writerow(
                {
                    "record_id": f"n{i}",
                    "category": "likely_victim" if i % 2 else "recruiter",
                    "name": f"Ana Lima{i}",
                    "phone": f"07911 12{i:04d}",
                    "phone_region": "GB",
                }
            )
    return path


def test_ngo_uploads_a_list_blinded_on_its_own_computer(browser, hub_site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    world, url = hub_site
    records = _records(tmp_path / "RECORDS.csv")
    blinded, state = tmp_path / "submission.msg", tmp_path / "ngo-state.json"
    ran = CliRunner().invoke(
        cli,
        [
            "share", "submit", "--records", str(records), "--partnership", "ngow-banka",
            "--purpose", "outreach programme, autumn 2026", "--min-submission", "20", "--bucket", "64",
            "--out", str(blinded), "--state", str(state), "--workers", "1",
        ],
    )  # fmt: skip
    assert ran.exit_code == 0, ran.output

    context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    login(tab, "wanda")
    tab.click("nav >> text=Share a list")
    assert tab.locator("#command-ngow-banka", has_text="--bucket 64").is_visible()
    accessible(tab)

    tab.set_input_files("#file", str(records))  # the clear list, chosen by mistake
    tab.click("#hub-upload-form button[type=submit]")
    error = tab.locator("#upload-error")
    assert "file RECORDS.csv, row 1" in error.inner_text() and "refused and not stored" in error.inner_text()
    assert "Ana Lima" not in tab.content() and "07911" not in tab.content()
    shot(tab, "30-hub-clear-records-refused")
    with world.app.state.ctx.sessions() as session:
        assert session.query(HubSubmission).count() == 0

    tab.set_input_files("#file", str(blinded))
    tab.click("#hub-upload-form button[type=submit]")
    assert tab.locator("text=blinded values for partnership ngow-banka").is_visible()
    row = tab.locator("#submissions-table tbody tr").first
    assert "live" in row.inner_text() and "outreach programme, autumn 2026" in row.inner_text()
    accessible(tab)
    shot(tab, "31-hub-submission-accepted")

    row.locator("button", has_text="Withdraw").click()
    assert tab.locator("text=withdrawn and deleted").is_visible()
    assert "withdrawn" in tab.locator("#submissions-table tbody tr").first.inner_text()
    with world.app.state.ctx.sessions() as session:
        assert [s.payload for s in session.query(HubSubmission).all()] == [None]
    context.close()
