"""Remedy on the demo bank in a real browser: the bank `make demo` builds (`run_demo` with its defaults).

1. The restitution schedule of each labour ring's case (labour and debt bondage), produced from the case page,
   has totals within 1% of the synthetic bank's truth (`wages_truth.csv`), in the page and in the CSV.
2. A grievance sent anonymously from a phone-sized window about the labour ring's front business is linked
   (the screening matcher's suggestion), escalated to leverage with the client not cooperating and shows in
   the public report; an NGO's referral becomes an account for a demo customer with a list match, whose
   match is then shown with the referral beside it; closing that account is refused until reviewed (the review
   keeps the survivor banked with support, so it stays refused); and the
   next monitoring run reads both: the client's risk is raised with the grievance named, the survivor is
   not scored as a subject.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from remedy_steps import handle_grievance_to_leverage, send_referral, submit_grievance
from sqlalchemy import select
from svc_world import PASSWORD
from test_service_browser import ARGS, CHROMIUM, SCREENSHOTS, open_tab

from chainbreaker.cases.parties import party_details
from chainbreaker.core.settings import Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.monitoring import run_monitoring
from chainbreaker.service import accounts
from chainbreaker.service.app import create_app
from chainbreaker.service.demo import prepare_demo_users
from chainbreaker.service.options import ServiceOptions
from chainbreaker.service.server import BackgroundServer
from chainbreaker.storage.models import Case, CaseParty, ScreeningHit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium"
    ),
]
HEADS = (("wages_in", "wages_in"), ("swept_out", "swept"), ("fees", "fees"))


class DemoSite:
    def __init__(self, url: str, user: str, password: str, workspace: Workspace, app: object) -> None:
        self.url, self.user, self.password, self.workspace, self.app = url, user, password, workspace, app


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    from chainbreaker.demo import run_demo

    root = tmp_path_factory.mktemp("remedy-demo") / "demo"
    run_demo(root)  # what `make demo` builds: the default transactions and seed
    workspace = Workspace(root)
    settings = Settings(
        secret_key="remedy-demo-secret-0123456789-abcdefghij",
        database_url=f"sqlite:///{root / 'cases.sqlite'}",
        demo_mode=True,
    )
    user, password = prepare_demo_users(workspace, settings)
    app = create_app(settings, workspace, ServiceOptions(secure_cookies=False))
    with app.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "ngo-demo", "nadia", PASSWORD, "caseworker", actor="test", org_kind="ngo")
    server = BackgroundServer(app)
    yield DemoSite(server.start(), user, password, workspace, app)
    server.stop()


def _labels(root: Path) -> list[dict[str, str]]:
    with (root / "bank" / "labels.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _tab(browser, site: DemoSite, width: int = 1280, height: int = 900, user: str | None = None):  # type: ignore[no-untyped-def]
    tab = open_tab(browser, site.url, width, height)
    if user is not None:
        tab.goto("/login")
        tab.fill("#username", user)
        tab.fill("#password", site.password if user == site.user else PASSWORD)
        tab.click("#login-form button[type=submit]")
        tab.wait_for_url(re.compile(r".*/$"))
    return tab


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


def test_restitution_of_the_demo_labour_rings_matches_the_banks_truth(demo: DemoSite, chromium) -> None:  # type: ignore[no-untyped-def]
    root = demo.workspace.root
    with (root / "bank" / "wages_truth.csv").open(encoding="utf-8") as handle:
        truth = {row["party_id"]: row for row in csv.DictReader(handle)}
    rings: dict[str, set[str]] = defaultdict(set)
    for row in _labels(root):
        if row["trafficking_type"] == "labour" and row["role"] == "victim":
            rings[row["ring_id"]].add(row["party_id"])
    assert rings and set().union(*rings.values()) == set(truth), "the truth covers every labour victim"
    with demo.app.state.ctx.sessions() as session:  # type: ignore[attr-defined]
        victims_of = defaultdict(set)
        for case_ref, party in session.execute(
            select(Case.reference, CaseParty.party_id)
            .join(CaseParty, CaseParty.case_id == Case.id)
            .where(CaseParty.role == "likely_victim")
        ):
            victims_of[case_ref].add(party)
    tab = _tab(chromium, demo, user=demo.user)
    checked = 0
    for ring, victims in sorted(rings.items()):
        ref = max(sorted(victims_of), key=lambda r: len(victims_of[r] & victims))
        assert victims <= victims_of[ref], f"every victim of {ring} is a likely victim of {ref}"
        tab.goto(f"/cases/{ref}")
        with tab.expect_download() as download:
            tab.click("#restitution-csv")
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
        assert {r["party_id"] for r in rows} == victims_of[ref]
        tab.click("#restitution-link")
        tab.wait_for_url(re.compile(rf".*/cases/{ref}/restitution$"))
        assert tab.locator("h1", has_text=f"Restitution schedule — case {ref}").is_visible()
        page_totals = [
            Decimal(v.strip())
            for v in tab.locator("#restitution-totals tr").nth(1).locator("td").all_inner_texts()[1:]
        ]
        computed = {h: sum(Decimal(r[h]) for r in rows) for h, _t in HEADS}
        computed["owed"] = sum(Decimal(r["owed"]) for r in rows)
        # the page shows the same totals as the CSV: wages in, swept out, fees, diverted, owed
        assert page_totals[0] == computed["wages_in"] and page_totals[4] == computed["owed"]
        expected = {h: sum(Decimal(truth[p][t]) for p in victims) for h, t in HEADS}
        expected["owed"] = sum(
            Decimal(truth[p]["swept"]) + Decimal(truth[p]["fees"]) + Decimal(truth[p]["diverted"])
            for p in victims
        )
        for head, value in expected.items():
            assert abs(computed[head] - value) <= Decimal("0.01") * max(value, Decimal(1)), (ring, ref, head)
        assert expected["owed"] > 0 and expected["wages_in"] > 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"25-demo-restitution-{ring}.png"), full_page=True)
        checked += 1
    assert checked >= 2, "the demo bank has labour rings (labour and debt bondage)"
    assert not tab.problems, tab.problems  # type: ignore[attr-defined]
    tab.context.close()


def test_grievance_referral_and_exit_on_the_demo_bank_reach_monitoring(demo: DemoSite, chromium) -> None:  # type: ignore[no-untyped-def]
    root = demo.workspace.root
    labels = _labels(root)
    front = next(r["party_id"] for r in labels if r["scheme"] == "labour" and r["role"] == "front_business")
    front_name = str(party_details(demo.workspace, [front])[front]["name"])

    phone = _tab(chromium, demo, 375, 740)
    phone.goto("/grievances/new/default?lang=pt")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    reference = submit_grievance(
        phone, front_name, "O supervisor fica com quase todo o nosso salário toda semana."
    )
    phone.context.close()

    bank = _tab(chromium, demo, user=demo.user)
    bank.goto(f"/grievances/{reference}")
    bank.locator("#link-suggestions tr", has_text=front).locator("button").click()
    bank.wait_for_selector("#grievance-link")
    handle_grievance_to_leverage(bank, "credit line tied to repaying the wages; the client refused")
    bank.goto("/remedy")
    bank.click("#grievance-report-link")
    report = bank.locator("#grievance-report").inner_text()
    assert "unpaid wages" in report and "withheld" in bank.content()  # one grievance: its cells are withheld

    with demo.app.state.ctx.sessions() as session:  # type: ignore[attr-defined]
        matched = session.execute(
            select(Case.reference, ScreeningHit.party_id)
            .join(ScreeningHit, ScreeningHit.case_id == Case.id)
            .where(ScreeningHit.party_id.is_not(None), ScreeningHit.party_id != front)
            .order_by(Case.reference, ScreeningHit.party_id)
        ).all()
    # the survivor is a person with a list match in a case (never the business the grievance names)
    kinds = party_details(demo.workspace, sorted({str(p) for _c, p in matched}))
    case_ref, survivor = next((c, p) for c, p in matched if kinds[str(p)].get("party_type") == "person")
    ngo = _tab(chromium, demo, user="nadia")
    send_referral(ngo, "default", "A Survivor")
    ngo.context.close()
    bank.goto("/remedy")
    bank.locator("#referrals-table a").first.click()
    bank.fill("#party_id", str(survivor))
    bank.fill("#account_id", "A-SURVIVOR-1")
    bank.click("#referral-open button[type=submit]")
    assert "protected survivor" in bank.locator("#referral-account").inner_text()
    referral = re.search(r"R-\d{6}", bank.url).group(0)  # type: ignore[union-attr]

    bank.goto(f"/cases/{case_ref}/matches")
    beside = bank.locator(f"#hits-table [data-protected='{survivor}']").first.inner_text()
    # the match is still listed, with the referral beside it
    assert f"survivor referral {referral} from ngo-demo" in beside
    bank.goto("/screening/results")
    assert referral in bank.locator(f"#hits-table [data-protected='{survivor}']").first.inner_text()
    listed = list(csv.DictReader(io.StringIO(bank.request.get("/screening/results?format=csv").text())))
    assert any(r["party_id"] == survivor and referral in r["protection"] for r in listed)
    assert all(not r["protection"] for r in listed if r["party_id"] != survivor)
    bank.goto(f"/parties/{survivor}")
    assert referral in bank.locator("#party-protection").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    bank.screenshot(path=str(SCREENSHOTS / "26-demo-match-with-referral.png"), full_page=True)

    bank.goto(f"/cases/{case_ref}")
    token = bank.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = bank.request.post(
        f"/cases/{case_ref}/parties/{survivor}/account-action",
        form={"action": "close_account", "reason": "list match", "csrf_token": token},
    )
    assert refused.status == 409 and "exit review" in refused.text()
    bank.goto(f"/parties/{survivor}/exit-review")
    assert "a protected survivor" in bank.locator("p.error").inner_text()
    bank.select_option("#exit_reason", "sanctions_or_list_match")
    bank.select_option("#decision", "retain_with_support")
    bank.fill("#rationale", "the list match is the survivor's trafficker's alias; keep banked with support")
    bank.click("#exit-review-form button[type=submit]")
    bank.wait_for_selector("text=Exit review recorded")
    assert "1 victims or survivors kept banked" in bank.locator("#exit-figures").inner_text()
    still = bank.request.post(
        f"/cases/{case_ref}/parties/{survivor}/account-action",
        form={"action": "close_account", "reason": "list match", "csrf_token": token},
    )
    assert still.status == 409, "a review that keeps the survivor banked does not open the exit"
    assert not bank.problems, bank.problems  # type: ignore[attr-defined]
    bank.context.close()

    before = {r["party_id"]: r for r in pq.read_table(root / "monitoring" / "party_risk.parquet").to_pylist()}
    monitored = run_monitoring(demo.workspace)  # the next `chainbreaker monitor`
    assert monitored.risk_noted >= 1 and monitored.protected >= 1
    after = {r["party_id"]: r for r in pq.read_table(root / "monitoring" / "party_risk.parquet").to_pylist()}
    assert after[front]["risk_score"] > before[front]["risk_score"]
    assert f"grievance {reference}: client did not cooperate" in after[front]["explanation"]
    assert f"recorded {datetime.now():%Y-%m-%d}" in after[front]["explanation"]
    assert after[survivor]["role"] == "likely_victim" and after[survivor]["subject_score"] == 0.0
    assert after[survivor]["explanation"].startswith("PROTECTED survivor: survivor referral " + referral)
