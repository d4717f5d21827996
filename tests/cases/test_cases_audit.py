"""The audit log finds edited, removed-from-the-middle and removed-from-the-end entries, on both databases."""

from __future__ import annotations

import itertools

from sqlalchemy import text

from chainbreaker.cases import audit
from chainbreaker.storage import DEFAULT_ORG_ID, make_engine, session_factory, upgrade
from chainbreaker.storage.models import AuditEntry, Organisation


def _log(db_url: str, n: int = 4):  # type: ignore[no-untyped-def]
    upgrade(db_url)
    engine = make_engine(db_url)
    make = session_factory(engine)
    with make() as session:
        session.add(Organisation(id="other", name="Other org"))
        for i in range(n):
            audit.record(session, DEFAULT_ORG_ID, "ana", "case.comment", "case", f"C-{i}", {"n": i, "x": 1.5})
        audit.record(session, "other", "bob", "user.login", "user", 7, {})
        session.commit()
    return engine, make


def test_intact_log_verifies_and_chains_per_org(db_url: str) -> None:
    engine, make = _log(db_url)
    with make() as session:
        result = audit.verify(session)
        assert result.ok, result.problems
        assert result.checked == {DEFAULT_ORG_ID: 4, "other": 1}
        entries = session.query(AuditEntry).filter_by(org_id=DEFAULT_ORG_ID).order_by(AuditEntry.seq).all()
        assert [e.seq for e in entries] == [1, 2, 3, 4]
        assert entries[0].prev_hash == audit.GENESIS_HASH
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    engine.dispose()


def test_edited_entry_is_found(db_url: str) -> None:
    engine, make = _log(db_url)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 2 AND org_id = 'default'")
        )
    with make() as session:
        result = audit.verify(session)
    assert not result.ok
    assert [(p.kind, p.seq) for p in result.problems] == [("tampered", 2)]
    engine.dispose()


def test_entry_deleted_in_the_middle_is_found(db_url: str) -> None:
    engine, make = _log(db_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE seq = 2 AND org_id = 'default'"))
    with make() as session:
        result = audit.verify(session, DEFAULT_ORG_ID)
    kinds = {(p.kind, p.seq) for p in result.problems}
    assert ("deleted", 2) in kinds and ("broken_link", 3) in kinds
    engine.dispose()


def test_entry_deleted_at_the_end_is_found(db_url: str) -> None:
    engine, make = _log(db_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entries WHERE seq = 4 AND org_id = 'default'"))
    with make() as session:
        result = audit.verify(session)
    found = [(p.kind, p.org_id) for p in result.problems]
    assert found[0] == ("deleted", DEFAULT_ORG_ID) and "4..4" in result.problems[0].message
    # a SQLite store also has its head anchored in the workspace, which sees the cut too (audit_anchor)
    assert set(found[1:]) <= {("rolled_back", DEFAULT_ORG_ID)}
    engine.dispose()


def test_personal_data_is_pseudonymised_in_details(db_url: str) -> None:
    engine, make = _log(db_url, n=0)
    with make() as session:
        entry = audit.record(
            session,
            DEFAULT_ORG_ID,
            "ana",
            "case.comment",
            "case",
            "C-1",
            {
                "party_id": "P1",
                "body": "Ana Lopez said her boss keeps her passport",
                "nested": {"phone": "555"},
            },
        )
        session.commit()
        stored = session.get(AuditEntry, entry.id)
        assert stored is not None
        assert stored.details["party_id"] == "P1"
        assert stored.details["body"].startswith("pii:") and "Lopez" not in str(stored.details)
        assert stored.details["nested"]["phone"].startswith("pii:")
        assert audit.verify(session).ok
    engine.dispose()
