"""Workflow rules, optimistic locking and comments, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from chainbreaker.cases import audit, workflow
from chainbreaker.core.errors import ConflictError, InputError, NotFoundError, PermissionDeniedError
from chainbreaker.storage import DEFAULT_ORG_ID, make_engine, session_factory, upgrade
from chainbreaker.storage.models import Case, CaseParty, CaseReport, Organisation


def _store(db_url: str):  # type: ignore[no-untyped-def]
    upgrade(db_url)
    engine = make_engine(db_url)
    make = session_factory(engine)
    with make() as session:
        session.add(Organisation(id="other", name="Other"))
        case = Case(org_id=DEFAULT_ORG_ID, reference="C-000001", title="ring", network={}, summary={})
        case.parties.append(CaseParty(org_id=DEFAULT_ORG_ID, party_id="P1", role="subject"))
        case.parties.append(CaseParty(org_id=DEFAULT_ORG_ID, party_id="P2", role="likely_victim"))
        session.add(case)
        session.commit()
    return engine, make


def test_happy_path_to_reported_and_closed(db_url: str) -> None:
    engine, make = _store(db_url)
    with make() as s:
        workflow.transition(s, DEFAULT_ORG_ID, "C-000001", "in_review", "ana")
        workflow.transition(s, DEFAULT_ORG_ID, "c-000001", "escalated", "ana")
        with pytest.raises(ConflictError, match="no exported report"):
            workflow.transition(s, DEFAULT_ORG_ID, "C-000001", "reported", "sup", actor_role="supervisor")
        case = workflow.get_case(s, DEFAULT_ORG_ID, "C-000001")
        case.reports.append(
            CaseReport(
                org_id=DEFAULT_ORG_ID,
                format="goaml",
                profile="uae",
                path="x",
                sha256="0" * 64,
                created_by="a",
            )
        )
        workflow.transition(s, DEFAULT_ORG_ID, "C-000001", "reported", "sup", actor_role="supervisor")
        workflow.transition(
            s, DEFAULT_ORG_ID, case.id, "closed", "sup", reason="filed, account kept under review"
        )
        s.commit()
        assert case.status == "closed" and case.close_reason == "filed, account kept under review"
        assert case.version == 5
        actions = [e["action"] for e in [vars(x) for x in s.query(audit.AuditEntry).all()]]
        assert actions.count("case.transition") == 4
        assert audit.verify(s).ok
    engine.dispose()


def test_invalid_transitions_are_clear_errors(db_url: str) -> None:
    engine, make = _store(db_url)
    with make() as s:
        with pytest.raises(ConflictError, match="is new: it cannot move to escalated"):
            workflow.transition(s, DEFAULT_ORG_ID, "C-000001", "escalated", "ana")
        with pytest.raises(InputError, match="unknown status"):
            workflow.transition(s, DEFAULT_ORG_ID, "C-000001", "archived", "ana")
        with pytest.raises(InputError, match="needs a reason"):
            workflow.transition(s, DEFAULT_ORG_ID, "C-000001", "closed", "ana")
        with pytest.raises(NotFoundError):
            workflow.transition(s, "other", "C-000001", "in_review", "eve")  # another organisation's case
        assert workflow.get_case(s, DEFAULT_ORG_ID, "C-000001").status == "new"
    engine.dispose()


def test_two_analysts_editing_one_case_conflict(db_url: str) -> None:
    engine, make = _store(db_url)
    first, second = make(), make()
    seen_by_second = workflow.get_case(second, DEFAULT_ORG_ID, "C-000001").version
    workflow.assign(first, DEFAULT_ORG_ID, "C-000001", "ana", "ana", expected_version=1)
    first.commit()
    # The second analyst's change was prepared on version 1: refused with a clear message, nothing lost.
    second.expire_all()
    with pytest.raises(ConflictError, match="changed by someone else"):
        workflow.transition(
            second, DEFAULT_ORG_ID, "C-000001", "in_review", "bob", expected_version=seen_by_second
        )
    second.rollback()
    # A race inside the database (both loaded, both write) is caught by the version column too.
    a = workflow.get_case(first, DEFAULT_ORG_ID, "C-000001")
    b = workflow.get_case(second, DEFAULT_ORG_ID, "C-000001")
    assert a.version == b.version == 2
    workflow.transition(first, DEFAULT_ORG_ID, "C-000001", "in_review", "ana")
    first.commit()
    with pytest.raises(ConflictError, match="while you were editing"):
        workflow.assign(second, DEFAULT_ORG_ID, "C-000001", "bob", "bob")
    second.rollback()
    with make() as s:
        case = workflow.get_case(s, DEFAULT_ORG_ID, "C-000001")
        assert (case.status, case.assignee, case.version) == ("in_review", "ana", 3)
        assert audit.verify(s).ok
    first.close()
    second.close()
    engine.dispose()


def test_comments_do_not_conflict_and_are_validated(db_url: str) -> None:
    engine, make = _store(db_url)
    with make() as s:
        workflow.comment(s, DEFAULT_ORG_ID, "C-000001", "ana", "teller saw a third party translating")
        workflow.comment(s, DEFAULT_ORG_ID, "C-000001", "bob", "second note")
        with pytest.raises(InputError, match="empty"):
            workflow.comment(s, DEFAULT_ORG_ID, "C-000001", "bob", "   ")
        s.commit()
        case = workflow.get_case(s, DEFAULT_ORG_ID, "C-000001")
        assert [c.author for c in case.comments] == ["ana", "bob"] and case.version == 1
    engine.dispose()


def test_role_and_type_changes_need_reasons(db_url: str) -> None:
    engine, make = _store(db_url)
    with make() as s:
        with pytest.raises(InputError, match="reason"):
            workflow.set_party_role(s, DEFAULT_ORG_ID, "C-000001", "P2", "subject", "ana", reason="")
        with pytest.raises(InputError, match="unknown party role"):
            workflow.set_party_role(s, DEFAULT_ORG_ID, "C-000001", "P2", "boss", "ana", reason="x")
        with pytest.raises(PermissionDeniedError, match="needs a supervisor"):
            workflow.set_party_role(s, DEFAULT_ORG_ID, "C-000001", "P2", "witness", "ana", reason="interview")
        party = workflow.set_party_role(
            s, DEFAULT_ORG_ID, "C-000001", "P2", "witness", "sue", reason="interview", actor_role="supervisor"
        )
        assert (party.role, party.source, party.role_set_by) == ("witness", "analyst", "sue")
        case = workflow.set_trafficking_type(s, DEFAULT_ORG_ID, "C-000001", "labour", "ana", reason="fees")
        assert case.trafficking_type == "labour"
        s.commit()
    engine.dispose()
