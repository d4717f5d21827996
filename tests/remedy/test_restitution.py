"""Restitution schedules computed from the real output of synth → load → monitor → cases build, checked
against the generator's truth per victim (wages paid in, diverted, swept, fees), for labour rings (an on-us
employer sweeping wages) and debt-bondage rings (outside employers; the recruiter takes repayments)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from chainbreaker.cases.builder import build_cases
from chainbreaker.cases.store import store_session
from chainbreaker.core.workspace import Workspace
from chainbreaker.engines.factory import get_engine
from chainbreaker.ingest import load_folder
from chainbreaker.monitoring import run_monitoring
from chainbreaker.remedy.export import (
    render_schedule_html,
    spreadsheet_safe,
    write_evidence_csv,
    write_schedule_csv,
)
from chainbreaker.remedy.restitution import schedule_for_case
from chainbreaker.storage.models import Case
from chainbreaker.synth import SynthConfig, generate_bank


def _labour_bank(
    tmp_path: Path, seed: int, weak_share: float, scheme: str = "labour"
) -> tuple[Workspace, dict[str, dict[str, str]], set[str]]:
    """The workspace after cases build, the generator's wage truth per victim, and the parties whose
    monitoring ties name a member of a generator ring (what the ring's cases may legitimately reach)."""
    bank = tmp_path / f"bank{seed}"
    config = SynthConfig(
        transactions=120_000, seed=seed, scheme_mix={scheme: 1.0}, weak_share=weak_share, format="parquet"
    )
    generate_bank(bank, config)
    workspace = Workspace(tmp_path / f"ws{seed}")
    load_folder(bank, workspace)
    report = run_monitoring(workspace)
    build_cases(workspace)
    with (bank / "wages_truth.csv").open(encoding="utf-8") as handle:
        truth = {row["party_id"]: row for row in csv.DictReader(handle)}
    with (bank / "labels.csv").open(encoding="utf-8") as handle:
        ring = {row["party_id"] for row in csv.DictReader(handle)}
    tied = {
        str(r["party_id"])
        for r in pq.read_table(report.party_risk_path, columns=["party_id", "ties"]).to_pylist()
        if any(t["party_id"] in ring for t in json.loads(r["ties"] or "[]"))
    }
    return workspace, truth, tied


@pytest.mark.slow
@pytest.mark.parametrize(
    ("seed", "weak_share", "scheme"), [(5, 0.0, "labour"), (11, 0.5, "labour"), (5, 0.0, "debt")]
)
def test_schedule_matches_generator_truth(tmp_path: Path, seed: int, weak_share: float, scheme: str) -> None:
    workspace, truth, tied_to_ring = _labour_bank(tmp_path, seed, weak_share, scheme)
    assert truth, "the labour bank has victims with wage truth"
    paid = [Decimal(t["wages_in"]) + Decimal(t["diverted"]) for t in truth.values()]
    assert all(p > 0 for p in paid), "every victim's wages (paid in or diverted) are in the truth"
    got: dict[str, dict[str, Decimal]] = {}
    with store_session(workspace) as session, get_engine("duckdb", workspace) as engine:
        # every case with likely victims: monitoring may split a ring's workers from its front business
        cases = session.scalars(select(Case)).all()
        assert cases, "monitoring and cases found the labour ring"
        for case in cases:
            schedule = schedule_for_case(engine, case)
            for v in schedule.victims:
                got[v.party_id] = {
                    "wages_in": v.wages_in,
                    "swept": v.swept_out,
                    "fees": v.fees,
                    "diverted": v.diverted,
                    "owed": v.owed,
                }
            out = write_schedule_csv(schedule, tmp_path / f"{case.reference}.csv")
            header = out.read_text(encoding="utf-8").splitlines()[0]
            assert header.startswith("party_id,wages_in,swept_out,fees,owed")
            write_evidence_csv(schedule, tmp_path / f"{case.reference}.evidence.csv")
            assert case.reference in render_schedule_html(schedule)
    covered = [p for p in truth if p in got]
    assert len(covered) >= 0.8 * len(truth), "most victims of the ring are in a case"
    for head in ("wages_in", "swept", "fees", "diverted"):
        expected = sum(Decimal(truth[p][head]) for p in covered)
        computed = sum(got[p][head] for p in covered)
        assert abs(computed - expected) <= Decimal("0.01") * max(expected, Decimal(1)), head
    owed_truth = sum(
        Decimal(truth[p]["swept"]) + Decimal(truth[p]["fees"]) + Decimal(truth[p]["diverted"])
        for p in covered
    )
    owed = sum(got[p]["owed"] for p in covered)
    assert abs(owed - owed_truth) <= Decimal("0.01") * owed_truth
    # parties that are not victims of the generator but reach a case through a tie to the ring owe nothing
    # material: the schedule never books the ring's takings to them. (Employees of a lawful business that
    # monitoring flags also reach cases as likely victims; that is detection's false-positive rate, measured
    # by benchmarks/bench_detection.py, not restitution arithmetic.)
    strangers = sum(v["owed"] for p, v in got.items() if p not in truth and p in tied_to_ring)
    assert strangers <= Decimal("0.01") * owed_truth


def test_spreadsheet_safe_neutralises_formulas() -> None:
    for bad in ("=HYPERLINK(1)", "+cmd|x", "@SUM(A1)", "-2+3+cmd|x", "\tx"):
        assert spreadsheet_safe(bad).startswith("'")
    assert spreadsheet_safe("ACME CORP") == "ACME CORP"
