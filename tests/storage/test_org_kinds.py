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


def test_upgrading_a_store_with_rows_keeps_every_child_row(db_url: str) -> None:
    """SQLite rebuilds a table to alter it; rows pointing at it (API keys at users, alert reviews at
    alerts, through ON DELETE CASCADE) must survive the rebuild instead of being deleted or refused."""
    from datetime import datetime

    import sqlalchemy as sa

    upgrade(db_url, "0002_service")
    engine = make_engine(db_url)
    now = datetime(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (id, org_id, username, password_hash, role, active, created_at) "
                "VALUES (1, 'default', 'ana', 'x', 'analyst', true, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO api_keys (org_id, user_id, prefix, key_hash, created_at) "
                "VALUES ('default', 1, 'cbk_abc', 'h', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO cases (id, org_id, reference, title, status, trafficking_type, risk_score, network, "
                "summary, version, created_at, updated_at) VALUES (1, 'default', 'C-000001', 't', 'new', "
                "'sex', 0.5, '{}', '{}', 1, :now, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO alerts (id, org_id, case_id, alert_id, party_id, account_id, account_key, "
                "indicator_id, trafficking_type, score, evidence, fingerprint, history, first_seen_at, updated_at) "
                "VALUES (1, 'default', 1, 'AL-1', 'P1', 'A1', 'A1', 'ST-03', 'sex', 0.5, '{}', 'f', '[]', :now, :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO service_alert_reviews (org_id, alert_pk, decision, note, reviewer, at) "
                "VALUES ('default', 1, 'relevant', '', 'ana', :now)"
            ),
            {"now": now},
        )
    upgrade(db_url)
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM api_keys")).scalar() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM service_alert_reviews")).scalar() == 1
        assert conn.execute(sa.text("SELECT kind FROM organisations WHERE id = 'default'")).scalar() == "bank"
    engine.dispose()
