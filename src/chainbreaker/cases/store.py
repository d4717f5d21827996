"""Opening a workspace's case store: migrate to the newest schema, then hand out sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from chainbreaker.core.workspace import Workspace
from chainbreaker.storage.db import make_engine, session_factory, upgrade


def open_store(workspace: Workspace, url: str | None = None) -> sessionmaker[Session]:
    """Sessions on the workspace's case store (`Workspace.cases_url()` unless `url` is given), migrated."""
    target = url or workspace.cases_url()
    engine = make_engine(target)
    upgrade(engine)
    return session_factory(engine)


@contextmanager
def store_session(workspace: Workspace, url: str | None = None) -> Iterator[Session]:
    """One session that commits when the block ends normally and rolls back on any error."""
    factory = open_store(workspace, url)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine = factory.kw.get("bind")
        if engine is not None:
            engine.dispose()
