"""Finding 1 (high): an analyst closed a likely victim's account by flipping her role to `subject`,
closing the account, and flipping the role back. The safeguard now holds on the stored state."""

from __future__ import annotations

from typing import Any

from svc_world import World

from chainbreaker.cases import audit
from chainbreaker.storage.models import CaseParty


def _victim_case(world: World) -> tuple[str, str, int]:
    cases = world.api("alice").get("/api/v1/cases").json()
    for summary in cases:
        case = world.api("alice").get(f"/api/v1/cases/{summary['reference']}").json()
        victims = [p["party_id"] for p in case["parties"] if p["role"] == "likely_victim"]
        if victims:
            return case["reference"], victims[0], case["version"]
    raise AssertionError("the service world has no case with a likely victim")


def test_role_flip_attack_is_refused_and_audited(sec_world: World) -> None:
    ref, victim, _ = _victim_case(sec_world)
    alice = sec_world.api("alice")
    base = f"/api/v1/cases/{ref}/parties/{victim}"
    step1 = alice.post(f"{base}/role", json={"role": "subject", "reason": "on second thought"})
    assert step1.status_code == 403 and "needs a supervisor" in step1.json()["detail"]
    with sec_world.app.state.ctx.sessions() as session:  # the log shows who tried, though nothing changed
        from sqlalchemy import select

        from chainbreaker.storage.models import AuditEntry

        tried = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "request.refused").order_by(AuditEntry.id.desc())
        ).first()
        assert tried is not None and tried.actor == "alice (api key)" and tried.details["status"] == 403
        assert tried.object_id == f"{base}/role"
    step2 = alice.post(f"{base}/account-action", json={"action": "close_account", "reason": "exit"})
    assert step2.status_code == 403
    step3 = alice.post(f"{base}/role", json={"role": "likely_victim", "reason": "back"})
    assert step3.status_code == 200
    case = alice.get(f"/api/v1/cases/{ref}").json()
    party = next(p for p in case["parties"] if p["party_id"] == victim)
    assert party["role"] == "likely_victim" and party["account_action"] != "close_account"


def test_closure_made_while_subject_is_withdrawn_when_she_becomes_a_victim_again(sec_world: World) -> None:
    """A supervisor demotes (allowed, with a reason); an analyst then closes the subject's account and
    marks her a victim again: the closure no supervisor decided for a victim is withdrawn and audited."""
    ref, victim, _ = _victim_case(sec_world)
    base = f"/api/v1/cases/{ref}/parties/{victim}"
    sam, alice = sec_world.api("sam"), sec_world.api("alice")
    assert (
        sam.post(f"{base}/role", json={"role": "subject", "reason": "evidence of recruiting"}).status_code
        == 200
    )
    review = alice.post(
        f"/api/v1/parties/{victim}/exit-review",
        json={
            "exit_reason": "trafficking_subject",
            "decision": "exit",
            "rationale": "recruits and controls the other workers, per the evidence",
        },
    )
    assert review.status_code == 201, review.text  # the remedy rule: an exit is reviewed first
    closed = alice.post(f"{base}/account-action", json={"action": "close_account", "reason": "exit subject"})
    assert closed.status_code == 200, closed.text
    back = alice.post(f"{base}/role", json={"role": "likely_victim", "reason": "she was coerced"})
    assert back.status_code == 200 and back.json()["account_action"] is None
    with sec_world.app.state.ctx.sessions() as session:
        entries = audit.verify(session, "bank-a")
        assert entries.ok
        from sqlalchemy import select

        from chainbreaker.storage.models import AuditEntry

        last = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "party.role").order_by(AuditEntry.id.desc())
        ).first()
        assert last is not None and last.actor == "alice (api key)"
        assert last.details.get("account_closure_withdrawn") is True


def test_store_refuses_a_victim_closed_by_an_analyst_whatever_the_code_path(sec_world: World) -> None:
    """The rule runs on every flush of a case party, not only in the workflow functions."""
    import pytest
    from sqlalchemy import select

    from chainbreaker.storage.invariants import SafeguardViolationError

    with sec_world.app.state.ctx.sessions() as session:
        party = session.scalars(select(CaseParty).where(CaseParty.role == "likely_victim")).first()
        assert party is not None
        changes: dict[str, Any] = {
            "account_action": "close_account",
            "account_action_role": "analyst",
            "account_action_reason": "bypass",
        }
        for key, value in changes.items():
            setattr(party, key, value)
        with pytest.raises(SafeguardViolationError, match="only a supervisor"):
            session.flush()
        session.rollback()
