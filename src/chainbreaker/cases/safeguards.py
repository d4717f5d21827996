"""Survivor safeguards: a likely victim is handled as a person to protect, never as a suspect to exit.

Banks "de-risk" trafficking victims: the account is closed, the victim loses the one channel a support
organisation or law enforcement could reach them through, and the trafficker moves on to another account.
FinCEN's FIN-2020-A008 also says a potential victim must not be named as the SAR subject. This module holds
the rules that keep both promises; the workflow and the exporters call it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.core.errors import ConflictError, InputError, PermissionDeniedError
from chainbreaker.storage.invariants import VICTIM_EXIT_ROLES, victim_exit_problem
from chainbreaker.storage.models import ACCOUNT_ACTIONS, PARTY_ROLES, CaseParty
from chainbreaker.storage.remedy_models import ExitReview

#: Roles allowed to decide that a likely victim's account is closed, or that a likely victim is not one.
SUPERVISOR_ROLES = VICTIM_EXIT_ROLES


@dataclass(frozen=True)
class Alternative:
    """One way to handle a likely victim's account other than simply exiting the customer."""

    code: str
    title: str
    description: str
    needs_supervisor: bool = False


ALTERNATIVES: tuple[Alternative, ...] = (
    Alternative(
        "keep_under_review",
        "Keep the account open under enhanced review",
        "Keep the relationship and monitor it closely. The account is often the victim's only lifeline "
        "and the trail investigators follow; closing it tips off the controller.",
    ),
    Alternative(
        "refer_support_partner",
        "Refer to a survivor-support partner",
        "Offer a confidential referral to a specialist anti-trafficking or survivor-support organisation, "
        "through a channel the controller does not see.",
    ),
    Alternative(
        "offer_basic_account",
        "Offer a basic account in the person's own name",
        "As the Survivor Inclusion Initiative does: a no-frills account under the survivor's sole control, "
        "with flexible identification and address requirements, so they can receive wages safely.",
    ),
    Alternative(
        "close_account",
        "Close the account (supervisor decision)",
        "Only when none of the above is possible. Needs a supervisor and a written reason, which is kept "
        "in the audit log.",
        needs_supervisor=True,
    ),
)

DO_NOT_EXIT = (
    "Do not simply exit: this case names a likely victim of trafficking. Closing their account rarely "
    "stops the trafficking and cuts the victim off. Choose one of the alternatives below; closing the "
    "account needs a supervisor's recorded reason."
)


@dataclass
class VictimDecision:
    """What has been decided for one likely victim's account, if anything."""

    party_id: str
    account_action: str | None
    decided_by: str | None
    reason: str | None


@dataclass
class Safeguard:
    """The "do not simply exit" safeguard as shown on a case page and printed by `cases show`."""

    applies: bool
    message: str
    alternatives: list[Alternative] = field(default_factory=list)
    victims: list[VictimDecision] = field(default_factory=list)

    @property
    def pending(self) -> list[str]:
        """Likely victims for whom no account decision has been recorded yet."""
        return [v.party_id for v in self.victims if v.account_action is None]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["pending"] = self.pending
        return data


def safeguard_for(parties: Iterable[CaseParty]) -> Safeguard:
    """The safeguard of a case from its parties' roles and recorded account decisions."""
    victims = [
        VictimDecision(p.party_id, p.account_action, p.account_action_by, p.account_action_reason)
        for p in parties
        if p.role == "likely_victim"
    ]
    if not victims:
        return Safeguard(applies=False, message="No party of this case is marked as a likely victim.")
    return Safeguard(applies=True, message=DO_NOT_EXIT, alternatives=list(ALTERNATIVES), victims=victims)


def check_role(role: str) -> str:
    """A party role from user input, or a clear error listing the allowed ones."""
    if role not in PARTY_ROLES:
        raise InputError(f"unknown party role {role!r}; use one of {', '.join(PARTY_ROLES)}")
    return role


def check_role_change(party: CaseParty, role: str, actor_role: str) -> None:
    """Taking a party out of the likely-victim role is a supervisor's decision.

    Demoting a victim is the first step of both ways round the safeguard: it lets the account be closed
    as a subject's, and it lets the person be filed as the suspect of a report.
    """
    check_role(role)
    if party.role == "likely_victim" and role != "likely_victim" and actor_role not in SUPERVISOR_ROLES:
        raise PermissionDeniedError(
            f"party {party.party_id} is a likely victim: changing the role to {role} needs a supervisor "
            f"(your role: {actor_role}); record what you found in a comment and ask a supervisor"
        )


def protect_new_victim(party: CaseParty) -> bool:
    """When a party becomes a likely victim, withdraw an account closure no supervisor decided.

    The closure was recorded while the party was treated as a subject; as a victim it needs a supervisor's
    reason, so it returns to "no decision yet" (shown as pending on the case). True when withdrawn.
    """
    if party.account_action == "close_account" and party.account_action_role not in SUPERVISOR_ROLES:
        party.account_action = None
        party.account_action_reason = None
        party.account_action_by = None
        party.account_action_role = None
        party.account_action_at = None
        return True
    return False


def check_stored_state(parties: Iterable[CaseParty]) -> None:
    """The safeguard on the state a change leaves behind (the store checks it again on every flush)."""
    for party in parties:
        problem = victim_exit_problem(party)
        if problem is not None:
            raise ConflictError(problem)


def check_account_action(
    party: CaseParty, action: str, actor_role: str, reason: str | None, *, protected: bool = False
) -> None:
    """Refuse an account decision that would break a safeguard, with the rule it breaks.

    `protected`: the party matched an NGO's likely-victim or protective list (`cases.protection`); the
    safeguard then holds whatever role the party has in this case, so changing the role cannot lift it.
    """
    if action not in ACCOUNT_ACTIONS:
        raise InputError(f"unknown account action {action!r}; use one of {', '.join(ACCOUNT_ACTIONS)}")
    if action != "close_account" or (party.role != "likely_victim" and not protected):
        return
    what = "a likely victim" if party.role == "likely_victim" else "protected after a partner NGO's match"
    if actor_role not in SUPERVISOR_ROLES:
        raise PermissionDeniedError(
            f"party {party.party_id} is {what}: closing the account needs a supervisor "
            f"(your role: {actor_role}); consider keeping it under review, a referral or a basic account"
        )
    if not reason or not reason.strip():
        raise InputError(
            f"party {party.party_id} is {what}: closing the account needs a recorded reason",
            column="reason",
        )


class HasRole(Protocol):
    """Anything with a party id and a role (a stored CaseParty or a report's party)."""

    party_id: str
    role: str


def check_not_filed_as_suspect(parties: Iterable[HasRole], suspects: Iterable[str]) -> None:
    """Last line of defence in every exporter: no likely victim may appear as the suspect of a report."""
    victims = {p.party_id for p in parties if p.role == "likely_victim"}
    clash = sorted(victims & set(suspects))
    if clash:
        raise ConflictError(
            f"refusing to file likely victim(s) {', '.join(clash)} as suspect; change the role with a "
            "recorded reason first if the evidence shows otherwise"
        )


def check_exit_reviewed(session: Session, org_id: str, party_id: str) -> None:
    """Closing an account linked to alerts needs an exit review that decided `exit` (de-risking safeguard).

    A protected survivor (a referral, an NGO's protective match) may never be closed without such a review
    either; the review itself insists on a supervisor for likely victims and protected survivors.
    """
    decided = session.scalar(
        select(ExitReview.id)
        .where(ExitReview.org_id == org_id, ExitReview.party_id == party_id, ExitReview.decision == "exit")
        .order_by(ExitReview.id.desc())
    )
    if decided is None:
        from chainbreaker.cases.protection import is_protected  # protection imports this module

        who = " (a protected survivor)" if is_protected(session, org_id, party_id) else ""
        raise ConflictError(
            f"party {party_id}{who}: record an exit review first (chainbreaker remedy exit-review), which asks "
            "whether anyone is a likely victim or protected and whether leverage was tried"
        )
