"""The relational store shared by the case workflow and the web service.

Everything an investigator does lives here (cases, their parties, alerts, evidence, comments, the audit log),
along with the service's users, organisations and API keys. SQLite by default (one file in the workspace),
PostgreSQL in production; Alembic migrations shipped inside the package define the schema on both.
"""

from chainbreaker.storage import (
    invariants,  # noqa: F401 - registers the stored-state safeguard checks
    sharing_models,  # noqa: F401 - registers the sharing tables on Base.metadata
)
from chainbreaker.storage import portfolio_models as portfolio_models  # registers its tables on Base
from chainbreaker.storage import remedy_models as _remedy_models  # noqa: F401 - registers the remedy tables
from chainbreaker.storage.db import DEFAULT_ORG_ID, make_engine, session_factory, upgrade

__all__ = ["DEFAULT_ORG_ID", "make_engine", "session_factory", "upgrade"]
