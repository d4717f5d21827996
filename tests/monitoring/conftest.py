"""Fixtures of the monitoring tests: the hand-made bank, monitored once per module, and a small synthetic
bank loaded once for the tests that compare two ways of running the same steps (read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder
from chainbreaker.monitoring import MonitoringReport, run_monitoring
from chainbreaker.synth import SynthConfig, generate_bank

from .bank import write_bank


@pytest.fixture(scope="module")
def bank_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return write_bank(Workspace(tmp_path_factory.mktemp("bank") / "ws"))


@pytest.fixture(scope="module")
def monitored(bank_ws: Workspace) -> MonitoringReport:
    return run_monitoring(bank_ws, bank_ws.root / "monitoring")


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture(scope="session")
def synth_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A 60,000-transaction synthetic bank, loaded once; tests only open read-only engines on it."""
    tmp = tmp_path_factory.mktemp("synth60k")
    generate_bank(tmp / "bank", SynthConfig(transactions=60_000, seed=18, format="parquet"))
    ws = Workspace(tmp / "ws")
    load_folder(tmp / "bank", ws)
    return ws
