"""Fixtures of the FIU tests: a small multi-bank world written by our own report writers, and its workspace."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.ingest import ingest_files
from chainbreaker.fiu.synthetic import SyntheticExport, synthetic_reports
from chainbreaker.synth.multibank import MultiBankConfig


@pytest.fixture(scope="session")
def reports_dir(tmp_path_factory: pytest.TempPathFactory) -> SyntheticExport:
    """400 reports from 6 banks (goAML and FinCEN), written by `build_goaml` / `build_sar`."""
    return synthetic_reports(tmp_path_factory.mktemp("fiu") / "in", MultiBankConfig(reports=400, seed=5))


@pytest.fixture(scope="session")
def loaded(
    tmp_path_factory: pytest.TempPathFactory, reports_dir: SyntheticExport, shared_dir: Path
) -> Workspace:
    """A workspace holding every report, ingested once for the tests that only read."""
    ws = Workspace(tmp_path_factory.mktemp("fiu-ws") / "ws")
    result = ingest_files(ws, [reports_dir.truth_path.parent], schema_dir=shared_dir / "spec", workers=1)
    assert result.summary == "ingested 400, duplicate 0, rejected 0"
    return ws


@pytest.fixture(scope="session")
def sdc_attack() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "core" / "sdc_attack.py"
    spec = importlib.util.spec_from_file_location("sdc_attack_fiu", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
