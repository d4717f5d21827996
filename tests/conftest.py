"""Fixtures every test may use: the shared reference folder and fresh workspaces."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chainbreaker.core.workspace import Workspace

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


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """An empty workspace folder of its own for each test."""
    return Workspace(tmp_path / "ws")
