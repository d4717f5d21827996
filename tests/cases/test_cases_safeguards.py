"""Survivor safeguards: never exit a likely victim without a supervisor's reason; never file one as suspect."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbreaker.cases import workflow
from chainbreaker.cases.safeguards import ALTERNATIVES, check_not_filed_as_suspect, safeguard_for
from chainbreaker.core.errors import ConflictError, InputError, PermissionDeniedError
from chainbreaker.remedy import exits
from chainbreaker.storage import DEFAULT_ORG_ID, make_engine, session_factory, upgrade
from chainbreaker.storage.models import Case, CaseParty


@pytest.fixture
def session(tmp_path: Path):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as s:
        case = Case(org_id=DEFAULT_ORG_ID, reference="C-000001", title="ring", network={}, summary={})
        case.parties.append(CaseParty(org_id=DEFAULT_ORG_ID, party_id="P1", role="subject"))
        case.parties.append(CaseParty(org_id=DEFAULT_ORG_ID, party_id="P2", role="likely_victim"))
        s.add(case)
        s.commit()
        yield s
    engine.dispose()


def test_case_with_victim_carries_do_not_exit_safeguard(session) -> None:  # type: ignore[no-untyped-def]
    case = workflow.get_case(session, DEFAULT_ORG_ID, "C-000001")
    guard = safeguard_for(case.parties)
    assert guard.applies and "Do not simply exit" in guard.message
    assert {a.code for a in guard.alternatives} == {a.code for a in ALTERNATIVES}
    assert {"keep_under_review", "refer_support_partner", "offer_basic_account"} <= {
        a.code for a in ALTERNATIVES
    }
    assert guard.pending == ["P2"]
    assert not safeguard_for([p for p in case.parties if p.role == "subject"]).applies


def test_closing_a_victims_account_needs_a_supervisor_and_a_reason(session) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDeniedError, match="needs a supervisor"):
        workflow.record_account_action(
            session,
            DEFAULT_ORG_ID,
            "C-000001",
            "P2",
            "close_account",
            "ana",
            "analyst",
            reason="risk appetite",
        )
    with pytest.raises(InputError, match="recorded reason"):
        workflow.record_account_action(
            session, DEFAULT_ORG_ID, "C-000001", "P2", "close_account", "sue", "supervisor"
        )
    with pytest.raises(ConflictError, match="exit review"):
        workflow.record_account_action(
            session, DEFAULT_ORG_ID, "C-000001", "P2", "close_account", "sue", "supervisor", reason="asked"
        )
    with pytest.raises(PermissionDeniedError, match="only a supervisor may decide to exit"):
        exits.review_exit(
            session, DEFAULT_ORG_ID, "P2", exit_reason="customer_request", decision="exit",
            rationale="victim asked to move banks", actor="ana", actor_role="analyst",
        )  # fmt: skip
    for party_id, who, role in (("P2", "sue", "supervisor"), ("P1", "ana", "analyst")):
        exits.review_exit(
            session, DEFAULT_ORG_ID, party_id, exit_reason="customer_request", decision="exit",
            rationale="reviewed: moving to a support partner's bank", actor=who, actor_role=role,
        )  # fmt: skip
    party = workflow.record_account_action(
        session,
        DEFAULT_ORG_ID,
        "C-000001",
        "P2",
        "close_account",
        "sue",
        "supervisor",
        reason="victim asked to move to a support partner's bank; referral made",
    )
    assert (party.account_action, party.account_action_by) == ("close_account", "sue")
    # Alternatives need no supervisor, and a subject's account can be closed by an analyst.
    workflow.record_account_action(
        session, DEFAULT_ORG_ID, "C-000001", "P2", "offer_basic_account", "ana", "analyst"
    )
    workflow.record_account_action(
        session, DEFAULT_ORG_ID, "C-000001", "P1", "close_account", "ana", "analyst"
    )
    case = workflow.get_case(session, DEFAULT_ORG_ID, "C-000001")
    assert safeguard_for(case.parties).pending == []


def test_a_likely_victim_is_never_filed_as_suspect(session) -> None:  # type: ignore[no-untyped-def]
    case = workflow.get_case(session, DEFAULT_ORG_ID, "C-000001")
    check_not_filed_as_suspect(case.parties, ["P1"])
    with pytest.raises(ConflictError, match="refusing to file likely victim"):
        check_not_filed_as_suspect(case.parties, ["P1", "P2"])
