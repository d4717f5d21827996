"""Leverage before exit: the engagement log and escalation ladder for a holding or a corporate borrower.

The ladder follows the stewardship practice the reference notes summarise (UNGP 19 on leverage, FAST's
"divest after repeated failure", PRI's escalation tools): engage → set a deadline → vote (investor) or
covenant (lender) → divest or exit. The rules a log must keep, enforced here and tested as invariants:

- a step is never skipped, and every step records its reason;
- the deadline step records a date, and exit is refused before that date has passed (the company gets the
  time it was given);
- exit records that the harm of leaving (to workers, who lose the investor's leverage) was weighed;
- a closed engagement takes no more steps; every change goes to the hash-chained audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases.audit import record
from chainbreaker.core.errors import ConflictError, InputError, NotFoundError
from chainbreaker.portfolio.disclosure.assess import DisclosureResult
from chainbreaker.portfolio.disclosure.criteria import load_framework
from chainbreaker.portfolio.scoring import BANDS, HoldingRisk
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.portfolio_models import ENGAGEMENT_KINDS, Engagement, EngagementEvent

LADDER = ("engage", "deadline", "vote_covenant", "divest")
STEP_LABELS = {
    "investor": {
        "engage": "engage (letter or meeting with asks)",
        "deadline": "set a deadline for the asks",
        "vote_covenant": "vote against directors or accounts, or file a resolution",
        "divest": "divest (exit, harm of leaving weighed)",
    },
    "lender": {
        "engage": "engage the borrower (meeting with asks)",
        "deadline": "set a deadline for the asks",
        "vote_covenant": "covenant or loan condition (no new money until met)",
        "divest": "exit the facility (harm of leaving weighed)",
    },
}
MIN_REASON = 10


@dataclass(frozen=True)
class EngagementView:
    """An engagement with its log, for the CLI and the service (never the ORM rows themselves)."""

    id: int
    holding_id: str
    issuer_name: str
    kind: str
    stage: str
    stage_label: str
    deadline: date | None
    questions: list[str]
    score_at_open: float | None
    band_at_open: str | None
    events: list[dict[str, object]]
    next_step: str | None


def questions_for(
    risk: HoldingRisk | None, statement: DisclosureResult | None, framework: str = "uk-msa"
) -> list[str]:
    """Questions to put to the company: about what raised its risk, then every disclosure criterion its
    statement shows no evidence for (all of the framework's criteria when no statement was assessed)."""
    out: list[str] = []
    if risk is not None:
        for link in risk.links[:2]:
            out.append(
                f"Your group appears on {link.match.dataset} ({link.relation}: '{link.match.matched_name}'). "
                "What happened, what have you done for the workers, and is it resolved?"
            )
        for contribution in risk.contributions:
            if contribution.component == "goods":
                out.append(f"How do you trace and check this supply chain: {contribution.reason}?")
            elif contribution.component == "sector":
                out.append(
                    f"How do you manage forced-labour risk in this part of the business: {contribution.reason.split(' (')[0]}?"
                )
    if statement is not None:
        out.extend(c.question for c in statement.missing)
    else:
        out.extend(c.question for c in load_framework(framework).criteria)
    return list(dict.fromkeys(out))


def questions_from_row(row: dict[str, Any], framework: str = "uk-msa") -> list[str]:
    """The same questions from a stored run's row (the service opens engagements from the last run)."""
    out: list[str] = []
    if row.get("listed"):
        out.append(
            f"Your group appears on {row.get('listing_dataset')} ({row.get('listing_relation')}). "
            "What happened, what have you done for the workers, and is it resolved?"
        )
    for reason in row.get("reasons") or []:
        text = str(reason).rsplit(" (+", 1)[0]
        if text.startswith(("good ", "high-risk sector")):
            out.append(f"How do you find and fix forced labour here: {text.split(' (')[0]}?")
    out.extend(c.question for c in load_framework(framework).criteria)
    return list(dict.fromkeys(out))


def _reason(reason: str | None, what: str) -> str:
    text = (reason or "").strip()
    if len(text) < MIN_REASON:
        raise InputError(f"{what} needs a reason of at least {MIN_REASON} characters", column="reason")
    return text


def _get(session: Session, org_id: str, engagement_id: int) -> Engagement:
    found = session.scalar(
        select(Engagement).where(Engagement.id == engagement_id, Engagement.org_id == org_id)
    )
    if found is None:
        raise NotFoundError(f"no engagement {engagement_id}")
    return found


def open_engagement(
    session: Session,
    org_id: str,
    actor: str,
    holding_id: str,
    issuer_name: str,
    *,
    kind: str = "investor",
    questions: Sequence[str] = (),
    score: float | None = None,
    band: str | None = None,
    reason: str,
    on: date | None = None,
) -> Engagement:
    """Start engaging a company (step `engage`), with the asks and why."""
    if kind not in ENGAGEMENT_KINDS:
        raise InputError(f"kind must be one of {', '.join(ENGAGEMENT_KINDS)}", column="kind")
    why = _reason(reason, "opening an engagement")
    existing = session.scalar(
        select(Engagement).where(Engagement.org_id == org_id, Engagement.holding_id == holding_id)
    )
    if existing is not None:
        raise ConflictError(f"holding {holding_id} already has engagement {existing.id}")
    engagement = Engagement(
        org_id=org_id,
        holding_id=holding_id,
        issuer_name=issuer_name,
        kind=kind,
        stage="engage",
        score_at_open=score,
        band_at_open=band,
        questions=list(questions),
    )
    session.add(engagement)
    session.flush()
    _event(session, engagement, actor, "opened", on, to_stage="engage", reason=why)
    record(session, org_id, actor, "engagement.open", "engagement", engagement.id, {"holding_id": holding_id})
    return engagement


def _event(
    session: Session, engagement: Engagement, actor: str, event: str, on: date | None, **fields: object
) -> EngagementEvent:
    row = EngagementEvent(
        org_id=engagement.org_id,
        engagement_id=engagement.id,
        event=event,
        event_date=on or utcnow().date(),
        actor=actor,
        **fields,
    )
    session.add(row)
    engagement.updated_at = utcnow()
    session.flush()
    return row


def log_contact(
    session: Session,
    org_id: str,
    actor: str,
    engagement_id: int,
    *,
    contact: str,
    answer: str,
    next_step: str,
    on: date | None = None,
) -> EngagementEvent:
    """Record one contact: when, with whom (a role, not a person's name), what they answered, what next."""
    engagement = _get(session, org_id, engagement_id)
    if engagement.stage == "closed":
        raise ConflictError(f"engagement {engagement_id} is closed")
    if not contact.strip():
        raise InputError("contact (a role, e.g. 'Head of Sustainability') is required", column="contact")
    row = _event(
        session,
        engagement,
        actor,
        "contact",
        on,
        contact=contact.strip(),
        answer=answer.strip(),
        next_step=next_step.strip(),
    )
    record(session, org_id, actor, "engagement.contact", "engagement", engagement.id, {"event": row.id})
    return row


def escalate(
    session: Session,
    org_id: str,
    actor: str,
    engagement_id: int,
    *,
    reason: str,
    on: date | None = None,
    deadline: date | None = None,
    exit_harm_weighed: bool = False,
) -> Engagement:
    """Move one step up the ladder, never skipping one, with the reason; see the module's rules."""
    engagement = _get(session, org_id, engagement_id)
    if engagement.stage == "closed":
        raise ConflictError(f"engagement {engagement_id} is closed")
    if engagement.stage == "divest":
        raise ConflictError("already at the last step (divest); close the engagement instead")
    why = _reason(reason, "an escalation")
    today = on or utcnow().date()
    target = LADDER[LADDER.index(engagement.stage) + 1]
    if target == "deadline":
        if deadline is None:
            raise InputError("setting a deadline needs the deadline date", column="deadline")
        if deadline <= today:
            raise InputError("the deadline must be after the day it is set", column="deadline")
        engagement.deadline = deadline
    if target == "divest":
        if engagement.deadline is None or today <= engagement.deadline:
            raise ConflictError(
                f"exit refused: the deadline {engagement.deadline} given to the company has not passed"
            )
        if not exit_harm_weighed:
            raise InputError(
                "exit needs confirmation that the harm of leaving (loss of leverage for workers) was weighed",
                column="exit_harm_weighed",
            )
    previous = engagement.stage
    engagement.stage = target
    _event(session, engagement, actor, "escalate", today, from_stage=previous, to_stage=target, reason=why)
    record(
        session,
        org_id,
        actor,
        "engagement.escalate",
        "engagement",
        engagement.id,
        {"from": previous, "to": target},
    )
    return engagement


def close_engagement(
    session: Session, org_id: str, actor: str, engagement_id: int, *, reason: str, on: date | None = None
) -> Engagement:
    """End an engagement (asks met, company exited, or holding sold), with the reason."""
    engagement = _get(session, org_id, engagement_id)
    if engagement.stage == "closed":
        raise ConflictError(f"engagement {engagement_id} is already closed")
    why = _reason(reason, "closing an engagement")
    previous = engagement.stage
    engagement.stage = "closed"
    _event(session, engagement, actor, "close", on, from_stage=previous, to_stage="closed", reason=why)
    record(session, org_id, actor, "engagement.close", "engagement", engagement.id, {"from": previous})
    return engagement


def view(session: Session, org_id: str, engagement_id: int) -> EngagementView:
    engagement = _get(session, org_id, engagement_id)
    events = session.scalars(
        select(EngagementEvent)
        .where(EngagementEvent.engagement_id == engagement.id, EngagementEvent.org_id == org_id)
        .order_by(EngagementEvent.id)
    ).all()
    labels = STEP_LABELS[engagement.kind]
    position = LADDER.index(engagement.stage) if engagement.stage in LADDER else None
    following = LADDER[position + 1] if position is not None and position + 1 < len(LADDER) else None
    return EngagementView(
        id=engagement.id,
        holding_id=engagement.holding_id,
        issuer_name=engagement.issuer_name,
        kind=engagement.kind,
        stage=engagement.stage,
        stage_label=labels.get(engagement.stage, engagement.stage),
        deadline=engagement.deadline,
        questions=list(engagement.questions),
        score_at_open=engagement.score_at_open,
        band_at_open=engagement.band_at_open,
        events=[
            {
                "date": e.event_date.isoformat(),
                "event": e.event,
                "actor": e.actor,
                "from": e.from_stage,
                "to": e.to_stage,
                "contact": e.contact,
                "answer": e.answer,
                "next_step": e.next_step,
                "reason": e.reason,
            }
            for e in events
        ],
        next_step=labels[following] if following else None,
    )


def find(session: Session, org_id: str, holding_id: str) -> Engagement | None:
    return session.scalar(
        select(Engagement).where(Engagement.org_id == org_id, Engagement.holding_id == holding_id)
    )


def list_engagements(session: Session, org_id: str) -> list[Engagement]:
    return list(
        session.scalars(select(Engagement).where(Engagement.org_id == org_id).order_by(Engagement.id))
    )


def open_for_band(
    session: Session,
    org_id: str,
    actor: str,
    risks: Sequence[HoldingRisk],
    *,
    min_band: str = "high",
    kind: str = "investor",
    framework: str = "uk-msa",
    on: date | None = None,
) -> list[Engagement]:
    """Open an engagement for every holding at or above `min_band` that has none yet (idempotent)."""
    names = [name for _floor, name in BANDS]
    if min_band not in names:
        raise InputError(f"band must be one of {', '.join(names)}", column="min_band")
    allowed = set(names[: names.index(min_band) + 1])
    opened = []
    for risk in risks:
        if risk.band not in allowed or find(session, org_id, risk.holding.holding_id) is not None:
            continue
        opened.append(
            open_engagement(
                session,
                org_id,
                actor,
                risk.holding.holding_id,
                risk.holding.issuer_name,
                kind=kind,
                questions=questions_for(risk, None, framework),
                score=risk.score,
                band=risk.band,
                reason=f"portfolio assessment: band {risk.band} (score {risk.score:.2f})",
                on=on,
            )
        )
    return opened
