"""Finding 7 (medium): `audit verify` missed edits to the case store itself. Each direct edit of the
attack, made with plain SQL beside the application, is now reported; so is cutting off a whole chain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from chainbreaker.cases import audit, workflow
from chainbreaker.cases.audit_anchor import ANCHOR_NAME
from chainbreaker.cases.builder import build_cases
from chainbreaker.cases.store import open_store
from chainbreaker.core.workspace import Workspace
from chainbreaker.storage import DEFAULT_ORG_ID

ATTACKS = {
    "status": "UPDATE cases SET status = 'closed' WHERE reference = 'C-000001'",
    "comment": "UPDATE comments SET body = 'nothing to see' WHERE id = (SELECT min(id) FROM comments)",
    "account_action": "UPDATE case_parties SET account_action = 'close_account' "
    "WHERE id = (SELECT min(id) FROM case_parties)",
    "delete_case": "DELETE FROM cases WHERE reference = 'C-000001'",
}


@pytest.fixture
def built(ring_workspace: Workspace) -> Workspace:
    build_cases(ring_workspace)
    factory = open_store(ring_workspace)
    with factory.begin() as session:
        workflow.comment(session, DEFAULT_ORG_ID, "C-000001", "ana", "teller saw a translator")
    with factory() as session:
        assert audit.verify(session).ok
    factory.kw["bind"].dispose()
    return ring_workspace


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_direct_edit_of_the_case_store_is_found(built: Workspace, attack: str) -> None:
    factory = open_store(built)
    engine = factory.kw["bind"]
    with engine.begin() as connection:
        connection.execute(text("PRAGMA foreign_keys=OFF"))
        connection.execute(text(ATTACKS[attack]))
    with factory() as session:
        result = audit.verify(session)
    engine.dispose()
    kinds = {p.kind for p in result.problems}
    assert kinds & {"case_changed", "case_deleted"}, result.problems
    assert any("C-000001" in p.message for p in result.problems)


def test_deleting_an_organisations_chain_and_head_is_found(built: Workspace) -> None:
    factory = open_store(built)
    engine = factory.kw["bind"]
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE org_id = 'default'"))
        connection.execute(text("DELETE FROM audit_heads WHERE org_id = 'default'"))
    with factory() as session:
        result = audit.verify(session)
    engine.dispose()
    assert "rolled_back" in {p.kind for p in result.problems}


def test_forged_anchor_is_found(built: Workspace) -> None:
    anchor = built.root / ANCHOR_NAME
    data = json.loads(anchor.read_text())
    data["heads"][DEFAULT_ORG_ID]["seq"] = 1
    anchor.write_text(json.dumps(data))
    factory = open_store(built)
    with factory() as session:
        result = audit.verify(session)
    factory.kw["bind"].dispose()
    assert "anchor_forged" in {p.kind for p in result.problems}


def test_exported_head_catches_a_rollback_of_anchor_and_database(built: Workspace, tmp_path: Path) -> None:
    """PostgreSQL has no anchor file: the head the operator exported and kept elsewhere is the check."""
    from chainbreaker.cli.main import app

    runner = CliRunner()
    exported = runner.invoke(app, ["audit", "head", "-w", str(built.root)])
    assert exported.exit_code == 0, exported.output
    head_file = tmp_path / "head.json"
    head_file.write_text(exported.stdout)
    factory = open_store(built)
    engine = factory.kw["bind"]
    with engine.begin() as connection:
        connection.execute(
            text(
                "DELETE FROM audit_entries WHERE org_id = 'default' AND seq = (SELECT max(seq) FROM audit_entries WHERE org_id = 'default')"
            )
        )
        connection.execute(
            text(
                "UPDATE audit_heads SET seq = seq - 1, hash = (SELECT hash FROM audit_entries e WHERE e.org_id = 'default' ORDER BY seq DESC LIMIT 1) WHERE org_id = 'default'"
            )
        )
    engine.dispose()
    (built.root / ANCHOR_NAME).unlink()  # the attacker also removed the anchor
    checked = runner.invoke(app, ["audit", "verify", "-w", str(built.root), "--head", str(head_file)])
    assert checked.exit_code == 1 and "rolled_back" in checked.output


def test_direct_edit_of_an_alert_decision_is_found(sec_world) -> None:  # type: ignore[no-untyped-def]
    alice = sec_world.api("alice")
    alert = alice.get("/api/v1/alerts").json()["items"][0]
    reviewed = alice.post(f"/api/v1/alerts/{alert['id']}/reviews", json={"decision": "relevant", "note": "x"})
    assert reviewed.status_code in (200, 201), reviewed.text
    with sec_world.app.state.ctx.sessions() as session:
        assert audit.verify(session, "bank-a").ok
    with sec_world.app.state.ctx.engine.begin() as connection:
        connection.execute(text("UPDATE service_alert_reviews SET decision = 'not_suspicious'"))
    with sec_world.app.state.ctx.sessions() as session:
        result = audit.verify(session, "bank-a")
    assert "case_changed" in {p.kind for p in result.problems}
