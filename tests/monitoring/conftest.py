"""Fixtures of the monitoring tests: the hand-made bank, monitored once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.monitoring import MonitoringReport, run_monitoring

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
