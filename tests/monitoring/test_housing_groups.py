"""Employer-provided housing read from a thin KYC file: who the roll-up query groups with a rent-paying front.

The query runs on the tables the feature stage writes (`monitoring_party`) and the loaded `parties`, here
registered directly in an in-memory DuckDB engine. The detection matrix (benchmarks/bench_detection.py,
`sparse_kyc` style) measures the rule on generator output, where a front's flat-only workers have neither the
shop's phone nor an employer field.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from chainbreaker.core.workspace import Workspace
from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.ingest import load_folder
from chainbreaker.monitoring import run_monitoring
from chainbreaker.monitoring.features import DataProfile
from chainbreaker.monitoring.pipeline import _housing_groups
from chainbreaker.monitoring.runner import Hit
from chainbreaker.monitoring.scoring import ContactGroup, ControlTie
from chainbreaker.synth import SynthConfig, generate_bank

T0 = dt.datetime(2024, 1, 1)
# (party, type, address key, city, country, surname, nationality)
PARTIES = [
    ("SPA", "organization", "1 main st", "boston", "US", None, None),
    ("OWNER", "person", "9 elm st", "nashville", "US", "choi", "KR"),
    # three unrelated Korean nationals in one flat in the spa's city: housed
    ("W1", "person", "7 cedar ln apt 28a", "boston", "US", "kang", "KR"),
    ("W2", "person", "7 cedar ln apt 28a", "boston", "US", "lim", "KR"),
    ("W3", "person", "7 cedar ln apt 28a", "boston", "US", "yoon", "KR"),
    # a family (one surname): not unrelated adults
    ("F1", "person", "2 oak st", "boston", "US", "park", "KR"),
    ("F2", "person", "2 oak st", "boston", "US", "park", "KR"),
    # roommates of another nationality than the owner's
    ("T1", "person", "3 pine st", "boston", "US", "nguyen", "VN"),
    ("T2", "person", "3 pine st", "boston", "US", "tran", "VN"),
    # the same nationality in another city
    ("C1", "person", "4 lake st", "chicago", "US", "han", "KR"),
    ("C2", "person", "4 lake st", "chicago", "US", "seo", "KR"),
    # a flat where one resident is a national of the bank's country
    ("M1", "person", "5 hill st", "boston", "US", "jung", "KR"),
    ("M2", "person", "5 hill st", "boston", "US", "smith", "US"),
    # a flat above a shop: an organisation gave the same address
    ("S1", "person", "6 shop st", "boston", "US", "ko", "KR"),
    ("S2", "person", "6 shop st", "boston", "US", "bae", "KR"),
    ("SHOP", "organization", "6 shop st", "boston", "US", None, None),
]


def _engine() -> DuckDBEngine:
    engine = DuckDBEngine()
    engine.register_arrow(
        "monitoring_party",
        pa.table(
            {
                "party_id": [p[0] for p in PARTIES],
                "party_type": [p[1] for p in PARTIES],
                "address_key": [p[2] for p in PARTIES],
                "home_city": [p[3] for p in PARTIES],
                "home_country": [p[4] for p in PARTIES],
                "surname": [p[5] for p in PARTIES],
            }
        ),
    )
    engine.register_arrow(
        "parties", pa.table({"party_id": [p[0] for p in PARTIES], "nationality": [p[6] for p in PARTIES]})
    )
    return engine


def _profile(present: set[str]) -> DataProfile:
    return DataProfile(first=T0, last=T0, rows=0, present=present)


def _hit(indicator: str, party: str) -> Hit:
    return Hit(indicator, party, None, T0, T0, 1.0, {})


CONTROLS = [ControlTie("OWNER", "SPA", "signatory")]


def test_unrelated_nationals_of_the_owners_country_in_the_fronts_city_are_housed() -> None:
    groups = _housing_groups(_engine(), _profile({"parties.nationality"}), [_hit("LT-11", "SPA")], CONTROLS)
    assert groups == [ContactGroup("housing", ("SPA", "W1", "W2", "W3"), 3)]


def test_no_housing_without_a_rent_paying_front_a_controller_or_nationalities() -> None:
    engine = _engine()
    nationality = _profile({"parties.nationality"})
    assert _housing_groups(engine, nationality, [_hit("LT-04", "SPA")], CONTROLS) == []
    assert _housing_groups(engine, nationality, [_hit("LT-11", "SPA")], []) == []
    # an export without nationalities cannot show who shares the owner's country: no group, never a guess
    assert _housing_groups(engine, _profile(set()), [_hit("LT-11", "SPA")], CONTROLS) == []


def test_on_a_thin_kyc_export_housing_ties_reach_the_fronts_own_workers(tmp_path: Path) -> None:
    """The real chain: a `sparse_kyc` bank of massage rings (synth), loaded and monitored. Some flat-only
    workers lost the shop's phone and the employer field; the run ties them to their own ring's storefront
    through housing, as likely victims with no subject-side score; and only to their own ring's storefront."""
    config = SynthConfig(
        transactions=80_000,
        seed=13,
        prevalence=0.08,
        scheme_mix={"massage": 1.0},
        weak_share=0.0,
        format="parquet",
        styles=("sparse_kyc",),
    )
    generate_bank(tmp_path / "bank", config)
    workspace = Workspace(tmp_path / "ws")
    load_folder(tmp_path / "bank", workspace)
    report = run_monitoring(workspace, tmp_path / "out")
    with (tmp_path / "bank" / "labels.csv").open(encoding="utf-8") as handle:
        labels = {r["party_id"]: r for r in csv.DictReader(handle)}
    rows = pq.read_table(report.party_risk_path).to_pylist()
    housed = [(r, t) for r in rows for t in json.loads(r["ties"] or "[]") if t.get("identifier") == "housing"]
    assert housed, "seed 13 holds flat-only workers whose only tie is their housing"
    for r, tie in housed:
        worker, front = labels.get(r["party_id"]), labels.get(tie["party_id"])
        assert worker is not None and worker["role"] == "victim", r["party_id"]
        assert (
            front is not None and front["role"] == "front_business" and front["ring_id"] == worker["ring_id"]
        )
        assert r["role"] == "likely_victim" and r["subject_score"] == 0
