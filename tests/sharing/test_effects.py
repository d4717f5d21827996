"""What a match does (docs/sharing.md T10), with the survivor safeguard as a property of the resulting state."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from chainbreaker.cases import protection, workflow
from chainbreaker.core.errors import ChainbreakerError
from chainbreaker.sharing import effects
from chainbreaker.sharing.protocol import BankMatch
from chainbreaker.sharing.records import Category
from chainbreaker.storage import DEFAULT_ORG_ID, make_engine, session_factory, upgrade
from chainbreaker.storage.models import Case, CaseParty

PARTIES = ("P1", "P2", "P3")
ROLES = {"ana": "analyst", "sam": "supervisor", "cw": "caseworker"}


def _store(tmp_path: Path) -> Session:
    url = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    upgrade(url)
    session = session_factory(make_engine(url))()
    case = Case(org_id=DEFAULT_ORG_ID, reference="C-000001", title="ring")
    case.parties = [CaseParty(org_id=DEFAULT_ORG_ID, party_id=p, role="subject") for p in PARTIES]
    session.add(case)
    session.commit()
    return session


def _match(party: str, category: Category, n: int = 0) -> BankMatch:
    return BankMatch(party, category, "phone", f"sub-x#{n}", None, "sub-x", "ngo-bank-1", "2026-11-30")


def test_threat_match_raises_risk_with_explanation_and_victim_match_never_does(tmp_path: Path) -> None:
    session = _store(tmp_path)
    report = effects.apply_matches(
        session,
        DEFAULT_ORG_ID,
        "bank-analyst",
        [
            _match("P1", Category.SUSPECTED_CONTROLLER),
            _match("P2", Category.PROTECTIVE, 1),
            _match("P2", Category.RECRUITER, 2),
            _match("P9", Category.FRONT_BUSINESS, 3),
        ],
    )
    session.commit()
    assert (report.signals, report.protected, report.roles_changed) == (3, 1, 1)
    folder = tmp_path / "monitoring"
    added, protected = effects.merge_into_monitoring(session, DEFAULT_ORG_ID, folder)
    assert (added, protected) == (2, 1)
    risk = {r["party_id"]: r for r in pq.read_table(folder / "party_risk.parquet").to_pylist()}
    assert risk["P1"]["risk_score"] == pytest.approx(0.9) and "ngo-bank-1" in risk["P1"]["explanation"]
    assert "2026-11-30" in risk["P1"]["explanation"] and "suspected controller" in risk["P1"]["explanation"]
    assert risk["P2"]["risk_score"] == 0.0 and risk["P2"]["role"] == "likely_victim"
    alerts = pq.read_table(folder / "alerts.parquet").to_pylist()
    assert {a["party_id"] for a in alerts} == {"P1", "P9"}
    parties = {p.party_id: p.role for p in session.query(CaseParty)}
    assert parties["P2"] == "likely_victim" and parties["P1"] == "subject"


actions = st.lists(
    st.one_of(
        st.tuples(st.just("match"), st.sampled_from(PARTIES), st.sampled_from(list(Category))),
        st.tuples(
            st.just("role"), st.sampled_from(PARTIES), st.sampled_from(["subject", "unknown", "witness"])
        ),
        st.tuples(
            st.just("account"),
            st.sampled_from(PARTIES),
            st.sampled_from(["close_account", "keep_under_review", "offer_basic_account"]),
            st.sampled_from(list(ROLES)),
            st.sampled_from(["", "documented fraud by the account holder"]),
        ),
        st.tuples(
            st.just("release"),
            st.sampled_from(PARTIES),
            st.sampled_from(list(ROLES)),
            st.sampled_from(["", "ok"]),
        ),
    ),
    max_size=14,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=actions)
def test_no_protected_party_is_exited_or_raised_without_a_supervisors_reason(tmp_path: Path, steps) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / f"run-{abs(hash(tuple(steps)))}"
    folder.mkdir()
    session = _store(folder)
    for n, step in enumerate(steps):
        kind, party = step[0], step[1]
        was_protected = protection.is_protected(session, DEFAULT_ORG_ID, party)
        try:
            if kind == "match":
                effects.apply_matches(session, DEFAULT_ORG_ID, "bank", [_match(party, step[2], n)])
            elif kind == "role":
                workflow.set_party_role(
                    session, DEFAULT_ORG_ID, "C-000001", party, step[2], "ana", reason="review"
                )
            elif kind == "account":
                user = step[3]
                workflow.record_account_action(
                    session,
                    DEFAULT_ORG_ID,
                    "C-000001",
                    party,
                    step[2],
                    user,
                    ROLES[user],
                    reason=step[4] or None,
                )
                if step[2] == "close_account" and was_protected:
                    # the property: an exit of a protected party happened only with a supervisor's reason
                    assert ROLES[user] == "supervisor" and step[4]
            else:
                protection.release(session, DEFAULT_ORG_ID, party, step[2], ROLES[step[2]], step[3])
                assert ROLES[step[2]] == "supervisor" and step[3]
            session.commit()
        except ChainbreakerError:
            session.rollback()
        # the resulting state: no protected party carries a risk signal
        protected = set(effects.protected_parties(session, DEFAULT_ORG_ID))
        assert not protected & {s.party_id for s in effects.risk_signals(session, DEFAULT_ORG_ID)}
    session.close()
