"""The protective flag through the CLI: a referral opened with `remedy referral-open` writes the party flags
file monitoring reads, and `cases show` lists the survivor's list match with the referral beside it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainbreaker.cases.organisations import ensure_organisation
from chainbreaker.cases.store import store_session
from chainbreaker.core.workspace import Workspace
from chainbreaker.monitoring.party_flags import read_party_flags
from chainbreaker.storage.models import Case, CaseParty, ScreeningHit


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.delenv("CHAINBREAKER_DATABASE_URL", raising=False)
    ws = Workspace(tmp_path / "ws")
    ws.root.mkdir(parents=True)
    with store_session(ws) as session:
        ensure_organisation(session, "default", "Bank", "test", "bank")
        ensure_organisation(session, "ngo-x", "NGO X", "test", "ngo")
        case = Case(org_id="default", reference="C-000001", title="ring", network={}, summary={})
        case.parties.append(CaseParty(org_id="default", party_id="P2", role="likely_victim"))
        session.add(case)
        session.flush()
        session.add(
            ScreeningHit(
                org_id="default", case_id=case.id, party_id="P2", query_id="P2", query_name="Ana Souza",
                entity_id="E-1", entity_name="ANA SOUZA", dataset="demo_us_ofac_sdn", score=0.93,
                matched_on="name", explanation="same name",
            )
        )  # fmt: skip
    return ws


def test_referral_open_exports_the_flag_and_cases_show_puts_it_beside_the_match(workspace: Workspace) -> None:
    from chainbreaker.cli.main import app

    runner = CliRunner()
    w = ["-w", str(workspace.root)]
    shown = runner.invoke(app, ["cases", "show", "C-000001", *w])
    assert shown.exit_code == 0, shown.output
    assert "ANA SOUZA" in shown.output and "Protected survivor" not in shown.output
    received = runner.invoke(
        app,
        ["remedy", "referral-receive", "--from", "ngo-x", "--name", "Ana Souza",
         "--documents", "consular_id,ngo_letter", *w],
    )  # fmt: skip
    assert received.exit_code == 0 and "documents sufficient" in received.output, received.output
    opened = runner.invoke(
        app, ["remedy", "referral-open", "R-000001", "--party", "P2", "--account", "A2", *w]
    )
    assert opened.exit_code == 0, opened.output
    flags = read_party_flags(workspace.root)
    assert [f.source_ref for f in flags.protected["P2"]] == ["R-000001"] and not flags.risk_notes
    shown = runner.invoke(app, ["cases", "show", "C-000001", *w])
    line = next(x for x in shown.output.splitlines() if "ANA SOUZA" in x)
    assert "Protected survivor: survivor referral R-000001 from ngo-x" in " ".join(shown.output.split())
    assert "P2" in line
    exported = runner.invoke(app, ["remedy", "export-flags", *w])
    assert exported.exit_code == 0 and "0 risk notes and 1 protections" in exported.output
