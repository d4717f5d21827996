"""Whether a party is protected: after a partner NGO's likely-victim or protective match (docs/sharing.md T10,
table `protected_parties`) or as a survivor referred for an account (docs/remedy.md, table `protections`).

Protection is a fact about the party at this bank, not about one case: it holds in every case the party is
in, whatever role an analyst sets, until a supervisor releases it with a written reason. The two sources
keep their own rows (a match's provenance differs from a referral's); `is_protected` is the one question
every safeguard asks of both.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.cases.safeguards import SUPERVISOR_ROLES
from chainbreaker.core.errors import InputError, NotFoundError, PermissionDeniedError
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.remedy_models import Protection, Referral
from chainbreaker.storage.sharing_models import ProtectedParty


def is_protected(session: Session, org_id: str, party_id: str) -> bool:
    """True while any protective match of the party is unreleased or any survivor referral protects it."""
    match = select(ProtectedParty.id).where(
        ProtectedParty.org_id == org_id,
        ProtectedParty.party_id == party_id,
        ProtectedParty.released_at.is_(None),
    )
    if session.execute(match.limit(1)).first() is not None:
        return True
    referral = select(Protection.id).where(
        Protection.org_id == org_id, Protection.party_id == party_id, Protection.ended_at.is_(None)
    )
    return session.execute(referral.limit(1)).first() is not None


def protection_notes(session: Session, org_id: str, party_ids: Iterable[str]) -> dict[str, str]:
    """For each protected party among `party_ids`, the sentence shown beside its list matches.

    A list match on a survivor is still shown (the bank must see it), with the reason the person is
    protected beside it: the referral and the organisation that made it, or the partner's protective match.
    """
    wanted = sorted({p for p in party_ids if p})
    if not wanted:
        return {}
    notes: dict[str, list[str]] = {}
    referrals = session.execute(
        select(Protection, Referral.referring_org)
        .outerjoin(
            Referral,
            (Referral.org_id == Protection.org_id) & (Referral.reference == Protection.source_ref),
        )
        .where(Protection.org_id == org_id, Protection.party_id.in_(wanted), Protection.ended_at.is_(None))
        .order_by(Protection.id)
    ).all()
    for prot, referring_org in referrals:
        via = f" from {referring_org}" if referring_org else ""
        notes.setdefault(prot.party_id, []).append(
            f"survivor {prot.source} {prot.source_ref}{via} ({prot.created_at:%Y-%m-%d})"
        )
    matches = session.scalars(
        select(ProtectedParty)
        .where(
            ProtectedParty.org_id == org_id,
            ProtectedParty.party_id.in_(wanted),
            ProtectedParty.released_at.is_(None),
        )
        .order_by(ProtectedParty.id)
    ).all()
    for m in matches:
        notes.setdefault(m.party_id, []).append(
            f"partner {m.partnership} supports this person ({m.marked_at:%Y-%m-%d})"
        )
    return {
        party: "Protected survivor: " + "; ".join(dict.fromkeys(items)) + ". No automated exit."
        for party, items in notes.items()
    }


def release(session: Session, org_id: str, party_id: str, actor: str, actor_role: str, reason: str) -> int:
    """A supervisor lifts the protection with a written reason (kept in the audit log); returns rows released."""
    if actor_role not in SUPERVISOR_ROLES:
        raise PermissionDeniedError(
            f"releasing protected party {party_id} needs a supervisor (your role: {actor_role})"
        )
    if not reason or not reason.strip():
        raise InputError("releasing a protected party needs a recorded reason", column="reason")
    rows = session.scalars(
        select(ProtectedParty).where(
            ProtectedParty.org_id == org_id,
            ProtectedParty.party_id == party_id,
            ProtectedParty.released_at.is_(None),
        )
    ).all()
    if not rows:
        raise NotFoundError(f"party {party_id} is not protected")
    for row in rows:
        row.released_at = utcnow()
        row.released_by = actor
        row.release_reason = reason.strip()
    audit.record(
        session, org_id, actor, "sharing.protection_released", "party", party_id, {"reason": reason.strip()}
    )
    session.flush()
    return len(rows)
