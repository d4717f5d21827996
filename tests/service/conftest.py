"""Fixtures of the service tests (helpers live in svc_world.py so test modules can import them)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from svc_world import BASE_URL, World, build_bank, build_registry, make_world

from chainbreaker.core.workspace import Workspace


@pytest.fixture(scope="session")
def service_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    workspace = Workspace(tmp_path_factory.mktemp("service") / "ws")
    build_bank(workspace, workspace.root / "monitoring")
    build_registry(workspace)
    return workspace


@pytest.fixture(scope="session")
def world(service_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = make_world(service_workspace, tmp_path_factory.mktemp("db") / "cases.sqlite")
    with TestClient(built.app, base_url=BASE_URL):  # runs the lifespan (shutdown closes the job pool)
        yield built
