"""Fixtures of the sharing tests: one small synthetic bank and NGO list, simulated once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbreaker.sharing.limits import SharingPolicy
from chainbreaker.sharing.simulate import SimulationResult, simulate
from chainbreaker.sharing.synthetic import World, make_world

POLICY = SharingPolicy(min_submission=20, min_request=20, bucket=64)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("share"), n_parties=600, n_records=200, seed=3)


@pytest.fixture(scope="module")
def simulated(world: World) -> tuple[World, SimulationResult, Path]:
    folder = world.records_csv.parent
    result = simulate(
        world.records_csv,
        world.workspace,
        folder / "matches.csv",
        folder / "transcript",
        policy=POLICY,
        workers=1,
    )
    return world, result, folder
