"""Whether a party is protected: after a partner NGO's likely-victim or protective match (docs/sharing.md T10,
table `protected_parties`) or as a survivor referred for an account (docs/remedy.md, table `protections`).

Protection is a fact about the party at this bank, not about one case: it holds in every case the party is
in, whatever role an analyst sets, until a supervisor releases it with a written reason. The two sources
keep their own rows (a match's provenance differs from a referral's); `is_protected` is the one question
every safeguard asks of both.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.cases.safeguards import SUPERVISOR_ROLES
from chainbreaker.core.errors import InputError, NotFoundError, PermissionDeniedError
from chainbreaker.storage.clock import utcnow
from chainbreaker.storage.remedy_models import Protection
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
