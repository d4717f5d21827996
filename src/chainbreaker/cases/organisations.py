"""Organisations in the case store: every case, alert and user belongs to exactly one.

`cases build --org bank-a` creates the organisation when it is new, so the README's order of commands (build
cases, then add the users who will read them) works on a fresh store; the creation is audited.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from chainbreaker.cases import audit
from chainbreaker.core.errors import ConflictError, InputError
from chainbreaker.core.organisations import OrgKind, parse_kind
from chainbreaker.storage.models import Organisation

ORG_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def ensure_organisation(
    session: Session, org_id: str, name: str | None, actor: str, kind: str | None = None
) -> Organisation:
    """The organisation with this id, created (and audited) when it does not exist yet.

    A new organisation is a bank unless `kind` says otherwise; asking for an existing organisation with a
    different kind is refused rather than silently ignored, since the kind decides who may do what.
    """
    if not ORG_ID.match(org_id):
        raise InputError(f"organisation id {org_id!r} must be lower-case letters, digits, - or _")
    try:
        wanted = parse_kind(kind) if kind is not None else None
    except ValueError as exc:
        raise InputError(str(exc)) from None
    org = session.get(Organisation, org_id)
    if org is None:
        org = Organisation(id=org_id, name=name or org_id, kind=(wanted or OrgKind.BANK).value)
        session.add(org)
        session.flush()
        audit.record(
            session,
            org_id,
            actor,
            "organisation.create",
            "organisation",
            org_id,
            {"name": org.name, "kind": org.kind},
        )
    elif wanted is not None and org.kind != wanted.value:
        raise ConflictError(f"organisation {org_id!r} is a {org.kind}, not a {wanted.value}")
    return org
