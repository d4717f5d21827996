"""Survivor referrals against a bank's policy, the initiative's figures, and exit reviews as invariants: no
sequence of allowed steps leaves a likely victim or protected survivor exited without a supervisor's
reviewed decision."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import workflow
from chainbreaker.core.errors import ChainbreakerError, ConflictError, InputError, PermissionDeniedError
from chainbreaker.remedy import exits, referrals
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.models import CaseParty
from chainbreaker.storage.remedy_models import ExitReview

BANK, NGO = "bank-a", "ngo-x"

POLICY = referrals.load_policy()


def test_policy_file_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("identity: {accepted: {}}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"p\.yaml"):
        referrals.load_policy(bad)


def test_referral_to_protected_account_and_figures(store: Session) -> None:
    with pytest.raises(PermissionDeniedError, match="support organisations"):
        referrals.receive(store, BANK, BANK, "Ana Souza", ["consular_id"], "x", POLICY)
    with pytest.raises(InputError, match="unknown document kinds"):
        referrals.receive(store, BANK, NGO, "Ana Souza", ["library_card"], "x", POLICY)
    r = referrals.receive(store, BANK, NGO, "Ana Souza", ["consular_id"], "nadia", POLICY)
    assert referrals.documents_sufficient(r, POLICY) == (
        False,
        "an address proof (ngo_letter, shelter_letter, utility_bill)",
    )
    with pytest.raises(ConflictError, match="still needs an address proof"):
        referrals.open_account(store, BANK, r.reference, "P9", "A9", "ana", POLICY)
    r.documents = ["consular_id", "ngo_letter"]
    opened = referrals.open_account(
        store, BANK, r.reference, "P9", "A9", "ana", POLICY, opened_at=r.received_at + timedelta(days=4)
    )
    assert opened.status == "account_opened" and referrals.is_protected(store, BANK, "P9")
    second = referrals.receive(store, BANK, NGO, "Bo Tran", ["passport", "shelter_letter"], "nadia", POLICY)
    with pytest.raises(PermissionDeniedError):
        referrals.decline(store, BANK, second.reference, "no capacity this month", "ana", "analyst")
    referrals.decline(store, BANK, second.reference, "applicant moved to another city", "sam", "supervisor")
    later = utcnow() + timedelta(days=400)
    figures = referrals.figures(store, BANK, as_of=later)
    assert (figures.referrals, figures.accounts_opened, figures.declined) == (2, 1, 1)
    assert figures.median_days_to_open == 4.0
    assert (figures.active_12_months, figures.eligible_12_months) == (1, 1)
    referrals.close_account(store, BANK, r.reference, opened.opened_at + timedelta(days=100), "ana")  # type: ignore[operator]
    figures = referrals.figures(store, BANK, as_of=later)
    assert (figures.active_6_months, figures.eligible_6_months) == (0, 1)


def test_exit_report_counts_victims(store: Session) -> None:
    exits.review_exit(
        store, BANK, "P2", exit_reason="customer_request", decision="offer_basic_account",
        rationale="keep her banked; referral to NGO made", actor="ana", actor_role="analyst",
    )  # fmt: skip
    exits.review_exit(
        store, BANK, "P1", exit_reason="trafficking_subject", decision="exit",
        rationale="controller of the ring; SAR filed", actor="ana", actor_role="analyst",
    )  # fmt: skip
    with pytest.raises(InputError, match="leverage"):
        exits.review_exit(
            store, BANK, "P3", exit_reason="unexplained_activity", decision="exit",
            rationale="front business of the ring", actor="ana", actor_role="analyst", business_client=True,
        )  # fmt: skip
    report = exits.exits_report(store, BANK)
    assert (report.reviews, report.exits, report.exits_of_likely_victims, report.retained_victims) == (
        2,
        1,
        0,
        1,
    )
    assert report.by_reason == {"trafficking_subject": 1}


ROLES = ("analyst", "supervisor", "auditor")
PARTIES = ("P1", "P2", "P3")
step = st.one_of(
    st.tuples(st.just("role"), st.sampled_from(PARTIES), st.sampled_from(("subject", "likely_victim", "unknown")), st.sampled_from(ROLES)),
    st.tuples(st.just("review"), st.sampled_from(PARTIES), st.sampled_from(("exit", "retain_under_review")), st.sampled_from(ROLES)),
    st.tuples(st.just("close"), st.sampled_from(PARTIES), st.sampled_from(("close_account", "keep_under_review")), st.sampled_from(ROLES)),
    st.tuples(st.just("protect"), st.sampled_from(PARTIES), st.just(""), st.sampled_from(ROLES)),
)  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_no_sequence_exits_a_victim_without_a_supervisors_review(
    store: Session, steps: list[tuple[str, str, str, str]]
) -> None:
    """Whatever allowed steps run in whatever order, a closed account of a party that was a likely victim
    or protected when the exit was reviewed carries a supervisor's exit review, and every closed account has
    an exit review that decided `exit`."""
    nested = store.begin_nested()
    try:
        for kind, party, value, role in steps:
            try:
                with store.begin_nested():
                    if kind == "role":
                        workflow.set_party_role(store, BANK, "C-000001", party, value, "u", reason="evidence")
                    elif kind == "review":
                        exits.review_exit(
                            store, BANK, party, exit_reason="other", decision=value,
                            rationale="reviewed with the evidence in the case", actor=role, actor_role=role,
                        )  # fmt: skip
                    elif kind == "close":
                        workflow.record_account_action(
                            store, BANK, "C-000001", party, value, role, role, reason="reviewed decision"
                        )
                    else:
                        referrals.protect(store, BANK, party, "sharing", "M-1", role)
            except ChainbreakerError:
                pass
        for p in store.scalars(select(CaseParty).where(CaseParty.org_id == BANK)):
            if p.account_action != "close_account":
                continue
            reviews = store.scalars(
                select(ExitReview).where(ExitReview.party_id == p.party_id, ExitReview.decision == "exit")
            ).all()
            assert reviews, f"{p.party_id} closed without an exit review"
            for r in reviews:
                if r.likely_victim or r.protected:
                    assert r.decided_role == "supervisor"
            if p.role == "likely_victim":
                assert p.account_action_by is not None and p.account_action_reason
    finally:
        nested.rollback()


def test_list_matches_of_a_survivor_are_shown_with_the_referral_beside_them(store: Session) -> None:
    from chainbreaker.cases.protection import protection_notes
    from chainbreaker.cases.views import case_view
    from chainbreaker.storage.models import Case, ScreeningHit

    case = store.scalars(select(Case).where(Case.org_id == BANK)).one()
    for party in ("P1", "P2"):
        store.add(
            ScreeningHit(
                org_id=BANK, case_id=case.id, party_id=party, query_id=party, query_name="A Name",
                entity_id=f"E-{party}", entity_name="A Listed Name", dataset="demo_us_ofac_sdn", score=0.91,
                matched_on="name", explanation="names match",
            )
        )  # fmt: skip
    store.flush()
    assert protection_notes(store, BANK, ["P1", "P2"]) == {}
    r = referrals.receive(store, BANK, NGO, "Ana Souza", ["consular_id", "ngo_letter"], "nadia", POLICY)
    referrals.open_account(store, BANK, r.reference, "P2", "A2", "ana", POLICY)
    notes = protection_notes(store, BANK, ["P1", "P2", ""])
    assert list(notes) == ["P2"]
    assert notes["P2"].startswith(f"Protected survivor: survivor referral {r.reference} from {NGO}")
    hits = {h["party_id"]: h for h in case_view(store, BANK, case.reference).hits}
    assert set(hits) == {"P1", "P2"}, "the survivor's match is still listed"
    assert hits["P2"]["protection"] == notes["P2"] and hits["P1"]["protection"] is None
    assert protection_notes(store, "bank-b", ["P2"]) == {}, "another bank does not see the referral"
