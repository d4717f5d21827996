"""The issue's targets on a fresh synthetic bank (a seed never used while tuning), at small scale.

Subject recall >= 0.9 and subject average precision >= 0.7 within a 1% alert budget, and a wide margin over
the naive single-rule baseline of benchmarks/baseline_rules.py on the same data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from chainbreaker.core.workspace import Workspace
from chainbreaker.monitoring import evaluate, run_monitoring

SEED = 4242  # not used while the catalogue and weights were set (those used 11, 12 and the bench seed 101)


@pytest.mark.slow
def test_targets_on_a_fresh_seed(tmp_path: Path) -> None:
    from chainbreaker.ingest import load_folder
    from chainbreaker.synth import SynthConfig, generate_bank

    bank = tmp_path / "bank"
    generate_bank(bank, SynthConfig(transactions=500_000, seed=SEED))
    ws = Workspace(tmp_path / "ws")
    load_folder(bank, ws)
    report = run_monitoring(ws)
    assert not report.failed and not report.problems
    ev = evaluate(bank / "labels.csv", report.party_risk_path, budget=0.01)
    assert ev.subjects >= 5
    assert ev.subject_recall >= 0.9, ev.summary()
    assert ev.subject_average_precision >= 0.7, ev.summary()

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from baseline_rules import evaluate_baseline

    base, _ = evaluate_baseline(ws, bank / "labels.csv", budget=0.01)
    assert ev.subject_recall >= base.subject_recall + 0.5, (ev.summary(), base.summary())
    assert ev.subject_average_precision >= base.subject_average_precision + 0.5
