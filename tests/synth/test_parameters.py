"""Determinism and the generation parameters (size, scheme mix, prevalence, weak share)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.synth import SynthConfig, generate_bank, parse_scheme_mix, plan_bank

FILES = ("parties", "accounts", "account_holders", "transactions", "labels", "rings", "manifest")


def _digests(report_files: dict[str, Path]) -> dict[str, str]:
    return {name: hashlib.sha256(report_files[name].read_bytes()).hexdigest() for name in FILES}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path, fmt: str) -> None:
    config = SynthConfig(transactions=20_000, seed=5, format=fmt, prevalence=0.05)  # type: ignore[arg-type]
    first = _digests(generate_bank(tmp_path / "a", config).files)
    again = _digests(generate_bank(tmp_path / "b", config).files)
    assert first == again
    other = _digests(
        generate_bank(
            tmp_path / "c", SynthConfig(transactions=20_000, seed=6, format=fmt, prevalence=0.05)
        ).files
    )  # type: ignore[arg-type]
    assert other["transactions"] != first["transactions"]
    assert other["parties"] != first["parties"]


def test_parquet_has_native_types(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    report = generate_bank(tmp_path, SynthConfig(transactions=5_000, seed=1, format="parquet"))
    schema = pq.read_schema(report.files["transactions"])
    assert str(schema.field("booked_at").type).startswith("timestamp")  # Parquet has no seconds unit
    assert str(schema.field("amount").type) == "decimal128(18, 2)"
    assert str(pq.read_schema(report.files["accounts"]).field("opened_at").type) == "date32[day]"


def test_scheme_mix_is_honoured_exactly() -> None:
    _, plan = plan_bank(SynthConfig(transactions=4_000_000, seed=1, scheme_mix={"sex": 1, "labour": 1}))
    schemes = [scheme for community in plan for _, scheme, _ in community]
    assert set(schemes) == {"sex", "labour"}
    assert abs(schemes.count("sex") - schemes.count("labour")) <= 1
    _, only = plan_bank(SynthConfig(transactions=1_000_000, seed=1, scheme_mix={"structuring": 1}))
    assert {scheme for community in only for _, scheme, _ in community} == {"structuring"}


@pytest.mark.parametrize("weak_share", [0.0, 0.25, 0.5, 1.0])
def test_weak_share_is_exact(weak_share: float) -> None:
    _, plan = plan_bank(SynthConfig(transactions=3_000_000, seed=2, weak_share=weak_share))
    flags = [weak for community in plan for _, _, weak in community]
    assert sum(flags) == round(weak_share * len(flags))


def test_prevalence_scales_the_number_of_rings() -> None:
    low = sum(len(c) for c in plan_bank(SynthConfig(transactions=2_000_000, prevalence=0.01))[1])
    high = sum(len(c) for c in plan_bank(SynthConfig(transactions=2_000_000, prevalence=0.04))[1])
    assert 3.2 <= high / low <= 4.8


def test_prevalence_is_met_in_the_written_bank(tmp_path: Path) -> None:
    report = generate_bank(tmp_path, SynthConfig(transactions=300_000, seed=4, prevalence=0.02))
    share = report.labelled_parties / report.rows["parties"]
    assert 0.01 <= share <= 0.035, share
    assert report.subjects / report.rows["parties"] < 0.01  # subjects fit in a 1% alert budget


def test_rings_spread_over_communities() -> None:
    sizes, plan = plan_bank(SynthConfig(transactions=3_000_000, seed=3))
    assert len(sizes) == len(plan) > 1
    assert max(sizes) - min(sizes) <= 1
    assert sum(1 for c in plan if c) > len(plan) // 2


@pytest.mark.parametrize(
    ("kwargs", "column"),
    [
        ({"transactions": 10}, "--transactions"),
        ({"prevalence": 0.0}, "--prevalence"),
        ({"weak_share": 1.5}, "--weak-share"),
        ({"format": "xlsx"}, "--format"),
        ({"scheme_mix": {"drugs": 1.0}}, "--scheme-mix"),
        ({"scheme_mix": {"sex": 0.0}}, "--scheme-mix"),
    ],
)
def test_bad_parameters_name_the_option(kwargs: dict[str, object], column: str) -> None:
    with pytest.raises(InputError, match=column):
        SynthConfig(**kwargs)  # type: ignore[arg-type]


def test_parse_scheme_mix() -> None:
    assert parse_scheme_mix("sex=0.5, labour=1") == {"sex": 0.5, "labour": 1.0}
    for bad in ("sex", "sex=abc", ""):
        with pytest.raises(InputError, match="--scheme-mix"):
            parse_scheme_mix(bad)
