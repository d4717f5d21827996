"""The chain end to end on one synthetic bank, each stage fed the real output of the stage before.

synth → load → registry → `run_monitoring` → `screen_workspace` → `build_cases` → `export_report` → the UI.
No hand-written rows at any hand-off. What must hold (issue 10):

- every alert monitoring wrote is one alert in the case store and one in the UI's count (one identity);
- a first build records no "re-scored" entry; a second build over the same output changes nothing;
- every subject keeps the sub-role monitoring gave it, in the store and in the goAML reason;
- a screening hit on a counterparty name sits beside the customer with the counterparty's own name, never
  under the customer's party id.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from lxml import etree
from sqlalchemy import func, select

from chainbreaker.cases.builder import build_cases
from chainbreaker.cases.store import store_session
from chainbreaker.core import handoff
from chainbreaker.core.settings import Settings
from chainbreaker.core.workspace import Workspace
from chainbreaker.demo import _subject_names
from chainbreaker.ingest import load_folder
from chainbreaker.monitoring import run_monitoring
from chainbreaker.registry.demo import load_demo_registry
from chainbreaker.reports.demo import write_demo_reporting
from chainbreaker.reports.errors import ReportIncompleteError
from chainbreaker.reports.export import export_report
from chainbreaker.screening import screen_workspace
from chainbreaker.service import accounts
from chainbreaker.service.app import create_app
from chainbreaker.storage.models import Alert, AuditEntry, Case, CaseParty, ScreeningHit
from chainbreaker.synth import generate_bank
from chainbreaker.synth.config import SynthConfig

SECRET = "chain-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One synthetic bank taken through monitoring, screening and a first case build."""
    root = tmp_path_factory.mktemp("chain")
    bank = root / "bank"
    generate_bank(bank, SynthConfig(transactions=80_000, seed=9, format="parquet"))
    workspace = Workspace(root / "ws")
    load_folder(bank, workspace)
    load_demo_registry(workspace, root / "lists", seed=9, extra_names=_subject_names(bank))
    monitored = run_monitoring(workspace)
    screened = screen_workspace(workspace)
    first = build_cases(workspace)
    second = build_cases(workspace)
    return {"ws": workspace, "monitored": monitored, "screened": screened, "first": first, "second": second}


def test_every_alert_monitoring_wrote_is_one_alert_in_the_store(chain: dict[str, object]) -> None:
    workspace = chain["ws"]
    assert isinstance(workspace, Workspace)
    written = pq.read_table(workspace.root / "monitoring" / "alerts.parquet")
    assert tuple(written.column_names) == handoff.names(handoff.ALERTS)
    ids = written.column("alert_id").to_pylist()
    assert len(ids) == len(set(ids)) == chain["monitored"].alerts > 0  # type: ignore[attr-defined]
    first, second = chain["first"], chain["second"]
    assert first.alerts_read == first.alerts_added == len(ids)  # type: ignore[attr-defined]
    assert first.alerts_rescored == 0 and not first.rejects  # type: ignore[attr-defined]
    assert (second.alerts_added, second.alerts_rescored, second.cases_created) == (0, 0, 0)  # type: ignore[attr-defined]
    with store_session(workspace) as session:
        stored = set(session.execute(select(Alert.alert_id)).scalars())
        rescored = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "alert.rescored")
        )
    assert stored == set(ids)
    assert rescored == 0


def test_subjects_keep_their_sub_role_in_the_store_and_the_goaml_reason(
    chain: dict[str, object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    optional_shared_dir: Path | None,
) -> None:
    workspace = chain["ws"]
    assert isinstance(workspace, Workspace)
    risk = pq.read_table(workspace.root / "monitoring" / "party_risk.parquet").to_pylist()
    written = {r["party_id"]: r["subrole"] for r in risk if r["role"] == "likely_subject"}
    assert written and all(written.values())
    with store_session(workspace) as session:
        subjects = session.execute(
            select(CaseParty.party_id, CaseParty.sub_role, Case.reference)
            .join(Case, Case.id == CaseParty.case_id)
            .where(CaseParty.role == "subject")
        ).all()
    assert subjects
    assert all(sub == written[party] for party, sub, _ in subjects)
    monkeypatch.delenv("CHAINBREAKER_SHARED_DIR", raising=False)
    references = sorted({ref for _, _, ref in subjects})
    with store_session(workspace) as session:
        parties = session.execute(
            select(CaseParty.party_id)
            .join(Case, Case.id == CaseParty.case_id)
            .where(Case.reference.in_(references))
        ).scalars()
        write_demo_reporting(workspace, sorted(set(parties)))
    goaml_dir = (optional_shared_dir or tmp_path / "no-shared") / "spec" / "goaml"
    result = None
    for reference in references:  # the first subject case whose facts are complete enough to file
        try:
            result = export_report(
                workspace,
                reference,
                "goaml",
                None,
                tmp_path / "c.xml",
                schema_dir=goaml_dir if goaml_dir.is_dir() else None,
                allow_unvalidated=not goaml_dir.is_dir(),
            )
            break
        except ReportIncompleteError:
            continue
    assert result is not None
    reference = result.case
    document = etree.parse(str(result.path))
    # The report's reason fits goAML's 8,000 characters by summarising (counts per indicator), not by a cut.
    report_reason = document.xpath("/report/reason/text()")[0]
    assert len(report_reason) <= 8000 and report_reason.rstrip().endswith(".")
    with store_session(workspace) as session:
        alerts = session.scalar(
            select(func.count()).select_from(Alert).join(Case).where(Case.reference == result.case)
        )
    if alerts and alerts > 30:
        assert "alert(s) on" in report_reason
    reasons = " ".join(document.xpath("//report_party/reason/text()"))
    case_subjects = {p: s for p, s, ref in subjects if ref == reference}
    for sub in case_subjects.values():
        assert f"Likely {sub}" in reasons


def test_counterparty_hits_sit_beside_the_customer_under_their_own_name(chain: dict[str, object]) -> None:
    workspace = chain["ws"]
    assert isinstance(workspace, Workspace)
    with store_session(workspace) as session:
        hits = session.execute(select(ScreeningHit)).scalars().all()
        customers = {h.query_id for h in hits if not h.query_id.startswith("cp:")}
        assert chain["first"].hits_added == len(hits) > 0  # type: ignore[attr-defined]
        for hit in hits:
            if hit.query_id.startswith("cp:"):
                assert hit.party_id is None and hit.query_name == hit.query_id[3:]
                if hit.counterparty_of:
                    parties = {p.party_id for p in hit.case.parties}
                    assert hit.counterparty_of in parties
            else:
                assert hit.party_id == hit.query_id in customers


def test_alert_counts_add_up_from_monitor_to_the_ui(chain: dict[str, object]) -> None:
    workspace = chain["ws"]
    assert isinstance(workspace, Workspace)
    service = create_app(Settings(secret_key=SECRET), workspace)
    with service.state.ctx.sessions.begin() as session:
        accounts.add_user(session, "default", "ana", PASSWORD, "analyst", actor="test")
    client = TestClient(service, base_url="https://testserver")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    client.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    page = client.get("/alerts").text
    shown = re.search(r"of ([\d,]+) alerts? ·", page)  # the pager: "1–50 of 700 alerts · page 1 of 14"
    assert shown, page[:500]
    assert int(shown.group(1).replace(",", "")) == chain["monitored"].alerts  # type: ignore[attr-defined]
