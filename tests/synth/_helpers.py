"""Helpers shared by the synth tests."""

from __future__ import annotations

import duckdb

from chainbreaker.synth import SynthConfig

#: High prevalence so that every scheme appears in a small bank; strong and weak rings both present.
SMALL = SynthConfig(transactions=120_000, seed=11, prevalence=0.08, weak_share=0.4)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return con.execute(sql).fetchall()
