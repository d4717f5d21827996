"""From alerts and hits to cases: one case per network, evidence, idempotent re-runs, re-scored alerts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import ring_fixture

from chainbreaker.cases import audit, workflow
from chainbreaker.cases.builder import build_cases
from chainbreaker.cases.store import store_session
from chainbreaker.cases.views import case_view, list_cases
from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.storage import DEFAULT_ORG_ID
from chainbreaker.storage.testing import (
    DEFAULT_TEST_POSTGRES_URL,
    isolated_postgres,
    postgres_unavailable_reason,
)


def _cases(ws: Workspace, url: str | None = None) -> dict[str, dict]:  # type: ignore[type-arg]
    with store_session(ws, url) as s:
        return {
            c.reference: case_view(s, DEFAULT_ORG_ID, c.reference).as_dict()
            for c in list_cases(s, DEFAULT_ORG_ID)
        }


def test_ring_becomes_one_case_with_network_evidence_and_roles(ring_workspace: Workspace) -> None:
    report = build_cases(ring_workspace)
    assert (report.cases_created, report.alerts_added, report.hits_added) == (
        3,
        4,
        2,
    )  # weak hit on P3 ignored
    cases = _cases(ring_workspace)
    ring = next(c for c in cases.values() if {p["party_id"] for p in c["parties"]} >= {"P1", "P2"})
    roles = {p["party_id"]: (p["role"], p["sub_role"]) for p in ring["parties"]}
    assert roles == {
        "P1": ("subject", "controller"),
        "B1": ("subject", "front_business"),
        "P2": ("likely_victim", None),
        "P3": ("likely_victim", None),
    }
    assert ring["trafficking_type"] == "sex"
    assert {e["txn_id"] for e in ring["evidence"]} == {"T1", "T1m", "T2m", "T3", "T4", "T5"}
    kinds = {(e["source"], e["target"], e["kind"]) for e in ring["network"]["edges"]}
    # Monitoring's ties are reused as written (money flow, shared identifier); account roles come from the
    # workspace, which monitoring does not turn into ties.
    assert ("P2", "P1", "money_flow") in kinds and ("P1", "B1", "account_role") in kinds
    assert ("P2", "P3", "shared_address") in kinds
    assert ring["safeguard"]["applies"] and ring["safeguard"]["pending"] == ["P2", "P3"]
    assert [t["kind"] for t in ring["timeline"]].count("transaction") == 6
    solo = next(c for c in cases.values() if [p["party_id"] for p in c["parties"]] == ["P9"])
    assert [h["dataset"] for h in solo["hits"]] == ["us_ofac_sdn"]  # the hit joined the party's case
    listed = next(c for c in cases.values() if [p["party_id"] for p in c["parties"]] == ["P7"])
    assert listed["alerts"] == [] and listed["hits"][0]["source_id"] == "QDi.1"


def test_rerun_is_idempotent_and_rescoring_keeps_history(ring_workspace: Workspace) -> None:
    build_cases(ring_workspace)
    again = build_cases(ring_workspace)
    assert (again.cases_created, again.cases_updated, again.cases_unchanged, again.alerts_added) == (
        0,
        0,
        3,
        0,
    )
    with store_session(ring_workspace) as s:
        workflow.set_party_role(
            s,
            DEFAULT_ORG_ID,
            "C-000001",
            "P3",
            "witness",
            "sue",
            reason="interviewed",
            actor_role="supervisor",
        )
        workflow.transition(s, DEFAULT_ORG_ID, "C-000001", "in_review", "ana")
        version = workflow.get_case(s, DEFAULT_ORG_ID, "C-000001").version
    ring_fixture.write_monitoring(ring_workspace, controller_score=0.97)
    rescored = build_cases(ring_workspace)
    assert (rescored.alerts_rescored, rescored.cases_updated, rescored.cases_created) == (1, 1, 0)
    with store_session(ring_workspace) as s:
        case = workflow.get_case(s, DEFAULT_ORG_ID, "C-000001")
        alert = next(a for a in case.alerts if a.indicator_id == "NW-01")
        assert alert.score == 0.97 and alert.history[0]["score"] == 0.9  # nothing lost
        assert case.status == "in_review" and case.version > version  # an open editor now gets a conflict
        assert next(p for p in case.parties if p.party_id == "P3").role == "witness"  # analyst decision kept
        actions = [a["action"] for a in case_view(s, DEFAULT_ORG_ID, "C-000001").audit]
        assert "alert.rescored" in actions
        assert audit.verify(s).ok


def test_bad_rows_are_rejected_with_reasons_and_missing_input_is_clear(ring_workspace: Workspace) -> None:
    rows = ring_fixture.alert_rows()
    rows.append({**rows[0], "alert_id": "BAD1", "party_id": None})
    rows.append({**rows[0], "alert_id": "BAD2", "score": 3.0})
    rows.append({**rows[1], "alert_id": "ODD", "indicator_id": "G-02", "evidence": "{not json"})
    pq.write_table(pa.Table.from_pylist(rows), ring_workspace.root / "monitoring" / "alerts.parquet")
    report = build_cases(ring_workspace)
    assert [(r.row, r.column) for r in report.rejects] == [(5, "party_id"), (6, "score")]
    assert report.rejects_path is not None and "score" in report.rejects_path.read_text()
    assert any("not valid JSON" in w for w in report.warnings)
    assert report.alerts_added == 5
    with pytest.raises(NotFoundError, match=r"no alerts\.parquet"):
        build_cases(ring_workspace, alerts_dir=ring_workspace.root / "nowhere")
    pq.write_table(
        pa.table({"alert_id": ["A"], "party_id": ["P1"], "account_id": ["A1"]}),
        ring_workspace.root / "monitoring" / "alerts.parquet",
    )
    with pytest.raises(InputError, match="column indicator_id"):
        build_cases(ring_workspace)


def test_party_risk_is_read_by_the_contract_not_guessed(ring_workspace: Workspace) -> None:
    """`subrole` as monitoring writes it; a role outside the contract is a reject, not a guess."""
    folder = ring_workspace.root / "monitoring"
    table = pq.read_table(folder / "party_risk.parquet")
    rows = table.to_pylist()
    rows[4]["role"] = "suspect"  # P9: not a role monitoring writes
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), folder / "party_risk.parquet")
    report = build_cases(ring_workspace)
    assert [(Path(r.file).name, r.row, r.column) for r in report.rejects] == [
        ("party_risk.parquet", 5, "role")
    ]
    assert "'suspect' is not one of likely_subject, likely_victim, unknown" in report.rejects[0].reason
    renamed = table.rename_columns(["sub_role" if c == "subrole" else c for c in table.column_names])
    pq.write_table(renamed, folder / "party_risk.parquet")
    with pytest.raises(InputError, match="column subrole") as raised:
        build_cases(ring_workspace)
    assert "party_risk" in str(raised.value)


@pytest.mark.postgres
def test_build_on_postgres(ring_workspace: Workspace) -> None:
    base = os.environ.get("CHAINBREAKER_TEST_POSTGRES_URL", DEFAULT_TEST_POSTGRES_URL)
    reason = postgres_unavailable_reason(base)
    if reason:
        if os.environ.get("CHAINBREAKER_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    with isolated_postgres(base) as url:
        build_cases(ring_workspace, url=url)
        ring_fixture.write_monitoring(ring_workspace, controller_score=0.5)
        report = build_cases(ring_workspace, url=url)
        assert report.alerts_rescored == 1
        cases = _cases(ring_workspace, url)
        assert len(cases) == 3
        assert json.dumps(cases, default=str)
