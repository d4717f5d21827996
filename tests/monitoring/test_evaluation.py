"""Back-testing figures on small hand-computed cases."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.monitoring import evaluate, evaluate_rows


def rows(*spec: tuple[str, float, str]) -> list[dict[str, object]]:
    return [
        {
            "party_id": p,
            "risk_score": s,
            "role": r,
            "subject_score": s if r == "likely_subject" else 0,
            "victim_score": s if r == "likely_victim" else 0,
        }
        for p, s, r in spec
    ]


def test_recall_precision_and_average_precision() -> None:
    risk = rows(
        ("S1", 0.9, "likely_subject"),
        ("N1", 0.8, "likely_subject"),
        ("S2", 0.7, "likely_subject"),
        ("V1", 0.95, "likely_victim"),
        ("S3", 0.6, "likely_victim"),
    )
    risk += rows(*[(f"X{i}", 0.0, "unknown") for i in range(295)])
    labels = {"S1": "controller", "S2": "front_business", "S3": "recruiter", "V1": "victim"}
    ev = evaluate_rows(risk, labels, budget=0.01)  # 300 parties -> k = 3
    assert ev.k == 3 and ev.subjects == 3 and ev.victims == 1
    assert ev.subject_recall == pytest.approx(2 / 3, abs=1e-3)  # S3 was called a victim: not found
    assert ev.subject_average_precision == pytest.approx((1 + 2 / 3) / 3, abs=1e-3)
    assert ev.victim_recall == 1.0 and ev.victim_average_precision == 1.0
    assert ev.precision == pytest.approx(2 / 3, abs=1e-3)  # top 3 by risk: V1, S1, N1
    assert "recall" in ev.summary()


def test_evaluate_reads_files_and_checks_input(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("party_id,scheme,role,trafficking_type,ring_id\nS1,sex,controller,sex,R1\n")
    risk = tmp_path / "party_risk.parquet"
    pq.write_table(pa.Table.from_pylist(rows(("S1", 0.9, "likely_subject"), ("N1", 0.1, "unknown"))), risk)
    ev = evaluate(labels, risk, budget=0.5)
    assert ev.subject_recall == 1.0
    with pytest.raises(InputError):
        evaluate(labels, risk, budget=0)
    with pytest.raises(NotFoundError):
        evaluate(tmp_path / "nope.csv", risk)
    bad = tmp_path / "bad.csv"
    bad.write_text("who,what\n1,2\n")
    with pytest.raises(InputError, match="party_id"):
        evaluate(bad, risk)


def test_single_list_reading_of_the_budget_is_reported_too() -> None:
    risk = rows(
        ("V1", 0.95, "likely_victim"),
        ("S1", 0.9, "likely_subject"),
        ("V2", 0.85, "likely_victim"),
        ("S2", 0.7, "likely_subject"),
    )
    risk += rows(*[(f"X{i}", 0.0, "unknown") for i in range(296)])
    labels = {"S1": "controller", "S2": "recruiter", "V1": "victim", "V2": "victim"}
    ev = evaluate_rows(risk, labels, budget=0.01)  # k = 3: V1, S1, V2 are the riskiest overall
    assert ev.subject_recall == 1.0  # the subject list holds S1 and S2
    assert ev.single_list_subject_recall == pytest.approx(0.5)
    assert ev.single_list_victim_recall == 1.0
    assert "one list of the 3 riskiest parties" in ev.summary()
