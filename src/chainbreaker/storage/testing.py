"""Helpers to run the same storage tests on SQLite and PostgreSQL (used by tests of every area).

Each PostgreSQL test gets a schema of its own (a random name on the configured server), selected through the
connection's `search_path`, and the schema is dropped afterwards, so tests never see each other's rows and
the server needs no cleanup.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_TEST_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_unavailable_reason(base_url: str) -> str | None:
    """None when the server answers, else a sentence saying why it cannot be used."""
    try:
        engine = create_engine(base_url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any driver or network failure means "not available here"
        return f"no PostgreSQL server at {make_url(base_url).render_as_string(hide_password=True)}: {exc}"
    return None


@contextmanager
def isolated_postgres(base_url: str) -> Iterator[str]:
    """Create a fresh schema, yield a URL whose connections use it, then drop it with everything inside."""
    schema = f"cb_test_{secrets.token_hex(6)}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
