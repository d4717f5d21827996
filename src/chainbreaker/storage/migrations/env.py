"""Alembic environment: runs on the connection handed over by `storage.db.upgrade` (online only).

No logging configuration and no ini file: the package's own logging stays in charge.
"""

from __future__ import annotations

from alembic import context

from chainbreaker.storage import (
    fiu_models,  # noqa: F401 - registers the FIU tables on Base.metadata
    sharing_models,  # noqa: F401 - registers the sharing tables on Base.metadata
)
from chainbreaker.storage import portfolio_models as portfolio_models  # its tables on Base.metadata
from chainbreaker.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reached when someone runs the alembic CLI directly
    raise RuntimeError("run migrations through chainbreaker.storage.db.upgrade(url)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
