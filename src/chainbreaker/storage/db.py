"""Engine, sessions and schema migrations of the relational store.

`upgrade(url)` runs the Alembic migrations shipped inside the package, programmatically, so neither the CLI
nor the service needs an `alembic.ini` or a checkout: `pip install chainbreaker` is enough to create or
update a case store on SQLite or PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from chainbreaker.core.errors import ConfigurationError

#: Organisation used by the CLI when none is given; the first migration creates it.
DEFAULT_ORG_ID = "default"

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for a SQLite file or a PostgreSQL server, configured the same way everywhere.

    SQLite gets foreign keys switched on (they are off by default, and the schema relies on them) and a busy
    timeout, so a CLI command and the service writing at the same moment wait instead of failing. The folder
    of a SQLite file is created, so a fresh workspace works without a setup step.
    """
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError for malformed URLs
        raise ConfigurationError(f"not a database URL: {url!r} ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded rows usable after commit (the CLI prints them after committing)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


def alembic_config() -> Config:
    """The Alembic configuration pointing at the migrations inside the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def upgrade(url: str | Engine, revision: str = "head") -> None:
    """Bring the schema at `url` (or an existing engine) to `revision` (default: the newest).

    Safe to call on every start: an up-to-date database is left unchanged.
    """
    engine = url if isinstance(url, Engine) else make_engine(url)
    cfg = alembic_config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it into a new one and dropping the old (Alembic's batch
            # mode). With foreign keys on, that DROP deletes or refuses every row that points at the old
            # table (an ON DELETE CASCADE would silently empty the children). So the migration runs with
            # them off (the pragma only works outside a transaction) and checks them before committing.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise ConfigurationError(
                            f"migration to {revision} left {len(broken)} row(s) pointing at missing rows "
                            f"(first: table {broken[0][0]}); nothing was changed"
                        )
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
    if not isinstance(url, Engine):
        engine.dispose()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None before the first `upgrade`."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
