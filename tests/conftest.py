"""Fixtures every test may use: the shared reference folder, fresh workspaces, engines and databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.storage.testing import (
    DEFAULT_TEST_POSTGRES_URL,
    isolated_postgres,
    postgres_unavailable_reason,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    configured = os.environ.get("CHAINBREAKER_SHARED_DIR")
    return Path(configured) if configured else PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` beside the project: skipped with a reason when absent, a failure when it is required."""
    path = _shared_dir()
    if not (path / "data").is_dir():
        if os.environ.get("CHAINBREAKER_REQUIRE_SHARED") == "1":
            pytest.fail(f"CHAINBREAKER_REQUIRE_SHARED=1 but the shared folder {path} is missing")
        pytest.skip(f"shared reference folder {path} is absent (set CHAINBREAKER_SHARED_DIR to point at it)")
    return path


@pytest.fixture(scope="session")
def optional_shared_dir() -> Path | None:
    """`../shared` when present, else None: for tests that run either way and check more with it."""
    path = _shared_dir()
    return path if (path / "spec").is_dir() else None


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """An empty workspace folder of its own for each test."""
    return Workspace(tmp_path / "ws")


def spark_or_skip() -> None:
    """Spark tests need Java; without it they skip with a reason, unless CI requires them."""
    from chainbreaker.engines.spark_engine import java_available

    if not java_available():
        if os.environ.get("CHAINBREAKER_REQUIRE_SPARK") == "1":
            pytest.fail("CHAINBREAKER_REQUIRE_SPARK=1 but no Java runtime was found for Spark")
        pytest.skip("Spark needs Java 17 (no java on PATH and no JAVA_HOME)")


@pytest.fixture
def spark_required() -> None:
    """Use in a Spark test: skips without Java, fails instead when CHAINBREAKER_REQUIRE_SPARK=1."""
    spark_or_skip()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def engine_name(request: pytest.FixtureRequest) -> str:
    """Runs a test once per engine: DuckDB always, Spark when Java is present."""
    if request.param == "spark":
        spark_or_skip()
    return str(request.param)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend (cases and storage tests run on both).

    PostgreSQL is skipped with a reason when no server is reachable, unless CI requires it.
    """
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
