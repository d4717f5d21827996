"""The hand-written ring workspace of tests/cases, with cases built, for report tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from chainbreaker.cases.builder import build_cases
from chainbreaker.core.workspace import Workspace


def _ring_fixture() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "cases" / "ring_fixture.py"
    spec = importlib.util.spec_from_file_location("ring_fixture", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def built_workspace(workspace: Workspace, shared_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """The ring workspace with cases built; the FIU schemas are read from ../shared in place."""
    monkeypatch.setenv("CHAINBREAKER_SHARED_DIR", str(shared_dir))
    _ring_fixture().make_workspace(workspace)
    build_cases(workspace)
    return workspace
