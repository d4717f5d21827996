"""A small synthetic bank shared by the synth tests (generated once per session, a few seconds)."""

from __future__ import annotations

import duckdb
import pytest

from chainbreaker.synth import SynthReport, generate_bank

from ._helpers import SMALL


@pytest.fixture(scope="session")
def small_bank(tmp_path_factory: pytest.TempPathFactory) -> SynthReport:
    return generate_bank(tmp_path_factory.mktemp("bank"), SMALL)


@pytest.fixture(scope="session")
def bank_db(small_bank: SynthReport) -> duckdb.DuckDBPyConnection:
    """The small bank's CSV files as DuckDB views, every column read as text (as a loader would see it)."""
    con = duckdb.connect()
    for name in ("parties", "accounts", "account_holders", "transactions", "labels", "rings"):
        path = str(small_bank.files[name])
        con.read_csv(path, header=True, all_varchar=True).create(name)
    return con
