"""Fixtures of the security suite: the service world of tests/service, rebuilt here for each module.

Every test of this folder reruns one attack of the hostile test (issue 11) as it was written, and checks
that it is refused or neutralised with a clear message, that nothing was lost and that the audit log shows
who tried. The suite grows with each finding.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "service"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cases"))

from svc_world import BASE_URL, World, build_bank, build_registry, make_world

from chainbreaker.core.workspace import Workspace


@pytest.fixture(scope="module")
def sec_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    workspace = Workspace(tmp_path_factory.mktemp("security") / "ws")
    build_bank(workspace, workspace.root / "monitoring")
    build_registry(workspace)
    return workspace


@pytest.fixture(scope="module")
def sec_world(sec_workspace: Workspace, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built = make_world(sec_workspace, tmp_path_factory.mktemp("secdb") / "cases.sqlite")
    with TestClient(built.app, base_url=BASE_URL):
        yield built


@pytest.fixture
def ring_workspace(workspace: Workspace) -> Workspace:
    """The hand-written ring of tests/cases/ring_fixture.py, with monitoring and screening output."""
    import ring_fixture

    built: Workspace = ring_fixture.make_workspace(workspace)
    return built
