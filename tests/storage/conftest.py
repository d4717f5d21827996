"""Run storage tests on SQLite and on PostgreSQL (skipped with a reason when no server is reachable)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from chainbreaker.storage.testing import (
    DEFAULT_TEST_POSTGRES_URL,
    isolated_postgres,
    postgres_unavailable_reason,
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.sqlite'}"
        return
    base = os.environ.get("CHAINBREAKER_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL)
    reason = postgres_unavailable_reason(base)
    if reason:
        if os.environ.get("CHAINBREAKER_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"CHAINBREAKER_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    with isolated_postgres(base) as url:
        yield url
