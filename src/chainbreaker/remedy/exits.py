"""Exit review: before a bank closes an account or ends a relationship linked to alerts, a review asks
whether anyone in it is a likely victim or a protected survivor, and, for business clients, whether leverage
was tried first; the decision is recorded. The briefing paper warns that de-risking harms victims: closing a
victim's account cuts them off and rarely stops the trafficking.

`cases account-action ... close_account` refuses to close an account linked to alerts until a review decided
`exit` for that party (`cases.safeguards.check_exit_reviewed`). `exits_report` shows exits by reason and how
many touched likely victims or protected survivors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.cases.protection import is_protected
from chainbreaker.core.errors import InputError, NotFoundError, PermissionDeniedError
from chainbreaker.storage.models import CaseParty
from chainbreaker.storage.remedy_models import EXIT_DECISIONS, ExitReview

EXIT_REASONS = (
    "trafficking_subject",
    "sanctions_or_list_match",
    "fraud",
    "unexplained_activity",
    "customer_request",
    "dormant",
    "other",
)
SUPERVISOR_ROLES = frozenset({"supervisor"})
MIN_RATIONALE = 20


@dataclass(frozen=True)
class ExitContext:
    """What the review must weigh, read from the store rather than typed by the reviewer."""

    likely_victim: bool
    protected: bool


def context(session: Session, org_id: str, party_id: str) -> ExitContext:
    """Whether the party is a likely victim in any case, or a protected survivor."""
    victim = session.scalar(
        select(CaseParty.id).where(
            CaseParty.org_id == org_id, CaseParty.party_id == party_id, CaseParty.role == "likely_victim"
        )
    )
    return ExitContext(victim is not None, is_protected(session, org_id, party_id))


def review_exit(
    session: Session,
    org_id: str,
    party_id: str,
    *,
    exit_reason: str,
    decision: str,
    rationale: str,
    actor: str,
    actor_role: str,
    business_client: bool = False,
    leverage_tried: bool | None = None,
    case_id: int | None = None,
) -> ExitReview:
    """Record an exit review; refuse a decision that would de-risk a victim without a supervisor's reason."""
    if exit_reason not in EXIT_REASONS:
        raise InputError(f"exit reason must be one of {', '.join(EXIT_REASONS)}", column="exit_reason")
    if decision not in EXIT_DECISIONS:
        raise InputError(f"decision must be one of {', '.join(EXIT_DECISIONS)}", column="decision")
    if actor_role not in ("analyst", "supervisor"):
        raise PermissionDeniedError(f"a {actor_role} may not review exits")
    text = rationale.strip()
    if len(text) < MIN_RATIONALE:
        raise InputError(f"give the reasons (at least {MIN_RATIONALE} characters)", column="rationale")
    ctx = context(session, org_id, party_id)
    known = session.scalar(
        select(CaseParty.id).where(CaseParty.org_id == org_id, CaseParty.party_id == party_id)
    )
    if known is None and not ctx.protected:
        raise NotFoundError(f"party {party_id} is in none of your cases and is not a protected survivor")
    if decision == "exit":
        if (ctx.likely_victim or ctx.protected) and actor_role not in SUPERVISOR_ROLES:
            who = "a likely victim" if ctx.likely_victim else "a protected survivor"
            raise PermissionDeniedError(
                f"party {party_id} is {who}: only a supervisor may decide to exit, with reasons; consider "
                "keeping the account under review, support or a basic account"
            )
        if business_client and leverage_tried is None:
            raise InputError(
                "for a business client, say whether leverage (engagement, conditions) was tried first",
                column="leverage_tried",
            )
    review = ExitReview(
        org_id=org_id,
        party_id=party_id,
        case_id=case_id,
        exit_reason=exit_reason,
        likely_victim=ctx.likely_victim,
        protected=ctx.protected,
        business_client=business_client,
        leverage_tried=leverage_tried,
        decision=decision,
        rationale=text,
        decided_by=actor,
        decided_role=actor_role,
    )
    session.add(review)
    session.flush()
    audit.record(
        session,
        org_id,
        actor,
        "exit.review",
        "party",
        party_id,
        {
            "decision": decision,
            "reason": exit_reason,
            "victim": ctx.likely_victim,
            "protected": ctx.protected,
        },
    )
    return review


@dataclass(frozen=True)
class ExitsReport:
    """Exits decided, by reason, and how many touched likely victims or protected survivors."""

    reviews: int
    exits: int
    by_reason: dict[str, int]
    by_decision: dict[str, int]
    exits_of_likely_victims: int
    exits_of_protected: int
    retained_victims: int


def exits_report(session: Session, org_id: str) -> ExitsReport:
    rows = session.scalars(select(ExitReview).where(ExitReview.org_id == org_id)).all()
    exits = [r for r in rows if r.decision == "exit"]
    return ExitsReport(
        reviews=len(rows),
        exits=len(exits),
        by_reason=dict(Counter(r.exit_reason for r in exits)),
        by_decision=dict(Counter(r.decision for r in rows)),
        exits_of_likely_victims=sum(1 for r in exits if r.likely_victim),
        exits_of_protected=sum(1 for r in exits if r.protected),
        retained_victims=sum(1 for r in rows if r.decision != "exit" and (r.likely_victim or r.protected)),
    )
