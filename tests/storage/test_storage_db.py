"""The store's schema comes from the shipped migrations and behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from chainbreaker.core.errors import ConfigurationError
from chainbreaker.storage import DEFAULT_ORG_ID, make_engine, session_factory, upgrade
from chainbreaker.storage.db import alembic_config, current_revision
from chainbreaker.storage.models import ApiKey, Base, Case, Organisation, User


def test_upgrade_creates_schema_and_default_org(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)  # a second run changes nothing
    engine = make_engine(db_url)
    tables = set(inspect(engine).get_table_names())
    assert {"organisations", "users", "api_keys", "cases", "case_parties", "alerts", "evidence"} <= tables
    assert {"screening_hits", "comments", "assignments", "audit_entries", "audit_heads"} <= tables
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert current_revision(engine) == head  # later revisions (0002_* by the service) chain on ours
    assert "0001_initial" in {
        r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    with session_factory(engine)() as session:
        org = session.get(Organisation, DEFAULT_ORG_ID)
        assert org is not None and org.name
    engine.dispose()


def test_models_match_migrations(db_url: str) -> None:
    """A model changed without a migration would show here as a difference (tables of other areas' own
    declarative bases, added by their revisions, are left to their tests)."""
    upgrade(db_url)
    engine = make_engine(db_url)

    def ours(name: str | None, type_: str, _parents: object) -> bool:
        return type_ != "table" or name in Base.metadata.tables

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": ours})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_users_and_keys_round_trip_with_constraints(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    make = session_factory(engine)
    with make() as session:
        user = User(org_id=DEFAULT_ORG_ID, username="ana", password_hash="x", role="analyst")
        session.add(user)
        session.flush()
        session.add(ApiKey(org_id=DEFAULT_ORG_ID, user_id=user.id, prefix="cb_1234", key_hash="h"))
        session.commit()
        key = session.execute(select(ApiKey)).scalar_one()
        assert key.user_id == user.id and key.revoked_at is None
    with make() as session:
        session.add(User(org_id=DEFAULT_ORG_ID, username="ana", password_hash="y", role="analyst"))
        with pytest.raises(IntegrityError):
            session.commit()
    with make() as session:
        session.add(User(org_id=DEFAULT_ORG_ID, username="bob", password_hash="y", role="superuser"))
        with pytest.raises(IntegrityError):
            session.commit()
    with make() as session:
        session.add(User(org_id="no-such-org", username="eve", password_hash="y", role="analyst"))
        with pytest.raises(IntegrityError):
            session.commit()
    engine.dispose()


def test_version_column_stops_lost_updates(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    make = session_factory(engine)
    with make() as session:
        case = Case(org_id=DEFAULT_ORG_ID, reference="C-1", title="t", network={"nodes": ["p1"]})
        session.add(case)
        session.commit()
        case_id = case.id
        assert case.version == 1
    first, second = make(), make()
    a = first.get(Case, case_id)
    b = second.get(Case, case_id)
    assert a is not None and b is not None
    a.title = "first"
    first.commit()
    b.title = "second"
    with pytest.raises(StaleDataError):
        second.commit()
    second.rollback()
    with make() as session:
        stored = session.get(Case, case_id)
        assert stored is not None
        assert stored.title == "first" and stored.version == 2 and stored.network == {"nodes": ["p1"]}
    first.close()
    second.close()
    engine.dispose()


def test_bad_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="not a database URL"):
        make_engine("this is not a url")


def test_fiu_models_match_their_migration(db_url: str) -> None:
    from chainbreaker.storage import fiu_models

    upgrade(db_url)
    engine = make_engine(db_url)
    tables = {fiu_models.FiuCase.__tablename__, fiu_models.FiuCaseReport.__tablename__}

    def fiu_only(_obj: object, name: str | None, type_: str, _reflected: bool, _other: object) -> bool:
        return type_ != "table" or name in tables

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": fiu_only})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []
