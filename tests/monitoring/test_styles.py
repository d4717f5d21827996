"""Monitoring on banks written in other export styles: the real synth -> load -> monitor hand-off.

A date-only export must skip the time-of-day red flags with a stated reason; a card-first export without
MCCs must read baskets from merchant descriptors; every run stores its data profile.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder
from chainbreaker.monitoring import MonitoringReport, evaluate, run_monitoring
from chainbreaker.synth import SynthConfig, generate_bank

CONFIG = dict(transactions=80_000, seed=21, prevalence=0.05, weak_share=0.3, format="parquet")


def _run(tmp: Path, style: str) -> tuple[MonitoringReport, Path]:
    bank = tmp / "bank"
    generate_bank(bank, SynthConfig(**CONFIG, styles=(style,)))  # type: ignore[arg-type]
    load_folder(bank, Workspace(tmp / "ws"))
    return run_monitoring(tmp / "ws", tmp / "out"), bank


@pytest.fixture(scope="module")
def european(tmp_path_factory: pytest.TempPathFactory) -> tuple[MonitoringReport, Path]:
    return _run(tmp_path_factory.mktemp("eu"), "european")


@pytest.fixture(scope="module")
def neobank(tmp_path_factory: pytest.TempPathFactory) -> tuple[MonitoringReport, Path]:
    return _run(tmp_path_factory.mktemp("neo"), "neobank")


def test_date_only_export_skips_time_of_day_flags_with_the_reason(
    european: tuple[MonitoringReport, Path],
) -> None:
    report, _ = european
    skipped = {r.indicator_id: r.message for r in report.skipped}
    assert {"G-03", "ST-11", "ST-13", "ST-15"} <= set(skipped)
    assert all("00:00:00" in skipped[i] for i in ("G-03", "ST-13"))
    assert "NO  time_of_day" in report.summary()
    stored = json.loads(Path(report.out_dir / "profile.json").read_text())
    assert stored["signals"]["time_of_day"]["available"] is False
    assert "caps_first" in stored["signals"]["name_layout"]["detail"]
    assert {"indicator_id": "ST-13", "status": "skipped"}.items() <= next(
        r for r in stored["indicator_runs"] if r["indicator_id"] == "ST-13"
    ).items()


def test_card_first_export_reads_baskets_from_descriptors(neobank: tuple[MonitoringReport, Path]) -> None:
    report, _ = neobank
    assert report.profile is not None and not report.profile.signals["mcc"].available
    assert any("merchant descriptors" in f for f in report.profile.findings)
    ran = {r.indicator_id: r for r in report.runs}
    assert ran["ST-05"].status == "ok" and ran["ST-05"].hits > 0  # lodging found by descriptor
    assert ran["ST-07"].status == "ok"


@pytest.mark.parametrize("fixture", ["european", "neobank"])
def test_subjects_are_still_found(fixture: str, request: pytest.FixtureRequest) -> None:
    report, bank = request.getfixturevalue(fixture)
    ev = evaluate(bank / "labels.csv", report.party_risk_path, budget=0.01)
    assert ev.subject_recall >= 0.8, ev.summary()
    assert evaluate(bank / "labels.csv", report.party_risk_path, budget=0.07).victim_recall >= 0.8
