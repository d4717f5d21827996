"""Organisation kinds decide the roles members may hold, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from chainbreaker.core.errors import ConflictError, InputError
from chainbreaker.core.organisations import KIND_ROLES, ORG_KINDS, OrgKind, parse_kind, role_allowed
from chainbreaker.service import accounts
from chainbreaker.service.security.roles import ROLE_PERMISSIONS, Permission
from chainbreaker.storage import DEFAULT_ORG_ID, make_engine, session_factory, upgrade
from chainbreaker.storage.models import Organisation


def test_every_role_of_every_kind_has_permissions() -> None:
    for kind, roles in KIND_ROLES.items():
        assert roles, kind
        for role in roles:
            assert ROLE_PERMISSIONS[role], (kind, role)
    # the hub operator never works cases nor reads a member's data beyond the hub
    assert Permission.WORK not in ROLE_PERMISSIONS["hub_operator"]
    assert Permission.SUPERVISE not in ROLE_PERMISSIONS["caseworker"]


def test_parse_kind_names_the_choices() -> None:
    assert parse_kind(" NGO ") is OrgKind.NGO
    with pytest.raises(ValueError, match="bank, ngo, investor, fiu, hub"):
        parse_kind("charity")


def test_kinds_and_roles_in_the_store(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    make = session_factory(engine)
    with make() as session:
        assert session.get(Organisation, DEFAULT_ORG_ID).kind == "bank"  # type: ignore[union-attr]
        info = accounts.add_user(session, "ngo-x", "nadia", "pw-123456789", "caseworker", "t", org_kind="ngo")
        assert info.role == "caseworker"
        assert session.get(Organisation, "ngo-x").kind == "ngo"  # type: ignore[union-attr]
        # an NGO has no bank supervisor; a bank has no caseworker
        with pytest.raises(InputError, match="ngo organisation's members may be"):
            accounts.add_user(session, "ngo-x", "nick", "pw-123456789", "supervisor", "t")
        with pytest.raises(InputError, match="bank organisation's members may be"):
            accounts.add_user(session, DEFAULT_ORG_ID, "carl", "pw-123456789", "caseworker", "t")
        # asking for an existing organisation as another kind is refused, not ignored
        with pytest.raises(ConflictError, match="is a ngo, not a fiu"):
            accounts.add_user(session, "ngo-x", "fred", "pw-123456789", "caseworker", "t", org_kind="fiu")
        session.commit()
        principal = accounts.check_password(session, "nadia", "pw-123456789")
        assert principal is not None and principal.org_kind == "ngo"
    with make() as session:
        session.add(Organisation(id="odd", name="odd", kind="charity"))
        with pytest.raises(IntegrityError):
            session.flush()
    engine.dispose()


@pytest.mark.parametrize("kind", ORG_KINDS)
def test_role_allowed_matches_table(kind: str) -> None:
    for role in ROLE_PERMISSIONS:
        assert role_allowed(kind, role) == (role in KIND_ROLES[OrgKind(kind)])
