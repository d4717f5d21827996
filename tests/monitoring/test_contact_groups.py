"""Employer ties by name: a name that businesses carry in several cities names the one in the worker's city.

The roll-up query runs on the tables the feature stage writes (`monitoring_names`, `monitoring_party`,
`monitoring_identifier`, `monitoring_hit_party`), here registered directly in an in-memory DuckDB engine.
The demo's end-to-end restitution test (tests/service/test_remedy_demo_browser.py) covers the same rule on
real generator output, where two labour fronts are both called "Dragon Buffet".
"""

from __future__ import annotations

import pyarrow as pa

from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.monitoring.pipeline import _contact_groups

# (party, type, city, name or employer key)
PARTIES = [
    ("N-SHOP", "organization", "nashville", "dragonbuffet"),
    ("C-SHOP", "organization", "chicago", "dragonbuffet"),
    ("N-COOK", "person", "nashville", "dragonbuffet"),
    ("C-COOK", "person", "chicago", "dragonbuffet"),
    ("NO-CITY", "person", None, "dragonbuffet"),
    ("D-COOK", "person", "denver", "dragonbuffet"),
    ("ACME", "organization", "dallas", "acmeroofing"),
    ("H-ROOFER", "person", "houston", "acmeroofing"),
]


def _engine(hit: list[str]) -> DuckDBEngine:
    engine = DuckDBEngine()
    engine.register_arrow(
        "monitoring_names",
        pa.table({"party_id": [p[0] for p in PARTIES], "org_key": [p[3] for p in PARTIES]}),
    )
    engine.register_arrow(
        "monitoring_party",
        pa.table(
            {
                "party_id": [p[0] for p in PARTIES],
                "party_type": [p[1] for p in PARTIES],
                "home_city": [p[2] for p in PARTIES],
                "surname": [None if p[1] == "organization" else p[0].lower() for p in PARTIES],
            }
        ),
    )
    engine.register_arrow(
        "monitoring_identifier",
        pa.table(
            {
                "kind": pa.array([], pa.string()),
                "value": pa.array([], pa.string()),
                "party_id": pa.array([], pa.string()),
            }
        ),
    )
    engine.register_arrow("monitoring_hit_party", pa.table({"party_id": hit}))
    return engine


def test_a_name_carried_in_two_cities_ties_each_worker_to_the_business_of_her_city() -> None:
    groups = {(g.kind, g.members) for g in _contact_groups(_engine(["N-SHOP", "C-SHOP", "ACME"]))}
    assert ("employer", ("N-COOK", "N-SHOP")) in groups
    assert ("employer", ("C-COOK", "C-SHOP")) in groups
    # nobody is tied to both shops, and a worker with no city or in a third city is tied to neither
    tied = {m for kind, members in groups if kind == "employer" for m in members}
    assert "NO-CITY" not in tied and "D-COOK" not in tied
    assert not any({"N-SHOP", "C-SHOP"} <= set(members) for _kind, members in groups)


def test_a_name_only_one_business_carries_ties_workers_in_any_city() -> None:
    groups = {(g.kind, g.members) for g in _contact_groups(_engine(["ACME"]))}
    assert ("employer", ("ACME", "H-ROOFER")) in groups
