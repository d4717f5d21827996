"""The survivor safeguard as an invariant over sequences of allowed actions, by every role, through the API.

Hypothesis generates sequences of role changes, account decisions, workflow moves and comments, each sent
by one of the four roles with its API key. Whatever the answers (most sequences mix allowed and refused
steps), the state left in the case store must keep the promises:

- a likely victim's account is never recorded as closed unless a supervisor decided it with a reason;
- a party leaves the likely-victim role only by a supervisor's audited decision (so no analyst can make
  her the suspect of a report);
- a case is filed (moved to `reported`) only by a supervisor;
- when only analysts, auditors and admins act, the victim stays a victim with her account open.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from svc_world import World

from chainbreaker.cases.safeguards import SUPERVISOR_ROLES
from chainbreaker.storage.models import AuditEntry, Case, CaseParty, CaseReport

USERS = {"analyst": "alice", "supervisor": "sam", "auditor": "audrey", "admin": "adam"}
PARTY_ROLES = ("subject", "likely_victim", "witness", "unknown")
ACTIONS = ("keep_under_review", "refer_support_partner", "offer_basic_account", "close_account")
STATUSES = ("in_review", "escalated", "reported", "closed")
_numbers = itertools.count(900_001)

step = st.one_of(
    st.tuples(st.just("role"), st.sampled_from(["P1", "P2"]), st.sampled_from(PARTY_ROLES)),
    st.tuples(
        st.just("action"),
        st.sampled_from(["P1", "P2"]),
        st.sampled_from(ACTIONS),
        st.sampled_from(["", "why"]),
    ),
    st.tuples(st.just("move"), st.sampled_from(STATUSES), st.sampled_from(["", "because"])),
    st.tuples(st.just("comment"), st.text(min_size=1, max_size=20)),
)


def _new_case(world: World) -> str:
    """A fresh case per example: P1 a subject, P2 a likely victim, and a draft report so `reported` is
    reachable (filing is then a question of who asks, which is what is under test)."""
    reference = f"C-{next(_numbers):06d}"
    with world.app.state.ctx.sessions.begin() as session:
        case = Case(org_id="bank-a", reference=reference, title="property", network={}, summary={})
        case.parties.append(CaseParty(org_id="bank-a", party_id="P1", role="subject"))
        case.parties.append(CaseParty(org_id="bank-a", party_id="P2", role="likely_victim"))
        case.reports.append(
            CaseReport(org_id="bank-a", format="html", profile="-", path="x", sha256="0" * 64, created_by="t")
        )
        session.add(case)
    return reference


def _send(world: World, role: str, ref: str, item: tuple[Any, ...]) -> int:
    client = world.api(USERS[role])
    kind = item[0]
    if kind == "role":
        body: dict[str, Any] = {"role": item[2], "reason": "property test"}
        return client.post(f"/api/v1/cases/{ref}/parties/{item[1]}/role", json=body).status_code
    if kind == "action":
        body = {"action": item[2], "reason": item[3] or None}
        return client.post(f"/api/v1/cases/{ref}/parties/{item[1]}/account-action", json=body).status_code
    if kind == "move":
        body = {"to_status": item[1], "reason": item[2] or None}
        return client.post(f"/api/v1/cases/{ref}/transition", json=body).status_code
    return client.post(f"/api/v1/cases/{ref}/comments", json={"body": item[1]}).status_code


def _check_invariants(world: World, ref: str, only_unprivileged: bool) -> None:
    with world.app.state.ctx.sessions() as session:
        case = session.scalars(select(Case).where(Case.org_id == "bank-a", Case.reference == ref)).one()
        for party in case.parties:
            if party.role == "likely_victim" and party.account_action == "close_account":
                assert party.account_action_role in SUPERVISOR_ROLES, (
                    party.party_id,
                    party.account_action_role,
                )
                assert (party.account_action_reason or "").strip()
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.org_id == "bank-a", AuditEntry.object_id == ref)
        ).all()
        for entry in entries:
            if entry.action == "party.role" and entry.details.get("from") == "likely_victim":
                assert (
                    entry.details.get("to") == "likely_victim"
                    or entry.details.get("actor_role") in SUPERVISOR_ROLES
                )
            if entry.action == "case.transition" and entry.details.get("to") == "reported":
                assert entry.actor == "sam (api key)", entry.actor
        if only_unprivileged:
            victim = next(p for p in case.parties if p.party_id == "P2")
            assert victim.role == "likely_victim" and victim.account_action != "close_account"
            assert case.status != "reported"


def _run(world: World, steps: list[tuple[str, tuple[Any, ...]]], only_unprivileged: bool) -> None:
    ref = _new_case(world)
    for role, item in steps:
        status = _send(world, role, ref, item)
        assert status < 500, (role, item, status)
        _check_invariants(world, ref, only_unprivileged)


PROPERTY = settings(
    max_examples=40, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


@PROPERTY
@given(steps=st.lists(st.tuples(st.sampled_from(sorted(USERS)), step), min_size=1, max_size=10))
def test_any_roles_any_sequence_keeps_the_safeguard(sec_world: World, steps: list[Any]) -> None:
    _run(sec_world, steps, only_unprivileged=False)


@PROPERTY
@given(
    steps=st.lists(st.tuples(st.sampled_from(["analyst", "auditor", "admin"]), step), min_size=1, max_size=12)
)
def test_no_sequence_without_a_supervisor_exits_or_files_the_victim(
    sec_world: World, steps: list[Any]
) -> None:
    _run(sec_world, steps, only_unprivileged=True)
