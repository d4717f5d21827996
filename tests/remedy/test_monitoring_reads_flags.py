"""Monitoring reads what the case store recorded about parties (docs/remedy.md): a client's refusal to cooperate
with a grievance raises its risk with the grievance named, and a survivor referred for an account is never
scored as the subject. Real stages only: synth -> load -> monitor, grievance and referral recorded through the
remedy code, the flags exported by the remedy side, then monitor again."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy.orm import Session

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder
from chainbreaker.monitoring import run_monitoring
from chainbreaker.monitoring.party_flags import read_party_flags
from chainbreaker.remedy import grievances, referrals
from chainbreaker.remedy.party_flags import export_party_flags, flags_path
from chainbreaker.synth import SynthConfig, generate_bank

BANK = "bank-a"
NGO = "ngo-x"


def _risk(workspace: Workspace) -> dict[str, dict[str, object]]:
    rows = pq.read_table(workspace.root / "monitoring" / "party_risk.parquet").to_pylist()
    return {str(r["party_id"]): r for r in rows}


def _uncooperative(store: Session, party_id: str, about: str, kind: str = "customer") -> str:
    g = grievances.submit(
        store,
        BANK,
        grievances.GrievanceInput(
            category="unpaid_wages", about_name=about, description="workers were not paid for three months"
        ),
        channel="web",
    )
    grievances.link(store, BANK, g.reference, kind, party_id, "ana")
    for kind in ("acknowledge", "assess"):
        grievances.take_step(store, BANK, g.reference, kind, f"{kind} done", "ana", "analyst")
    grievances.take_step(
        store, BANK, g.reference, "engage", "client refused to meet", "ana", "analyst",
        cooperation="not_cooperating",
    )  # fmt: skip
    return g.reference


@pytest.mark.slow
def test_monitoring_weighs_risk_notes_and_never_scores_a_survivor_as_subject(
    tmp_path: Path, store: Session
) -> None:
    bank = tmp_path / "bank"
    generate_bank(
        bank, SynthConfig(transactions=40_000, seed=5, scheme_mix={"labour": 1.0}, format="parquet")
    )
    workspace = Workspace(tmp_path / "ws")
    load_folder(bank, workspace)
    first = run_monitoring(workspace)
    assert first.risk_noted == 0 and first.protected == 0, "no flags file yet"
    before = _risk(workspace)
    subjects = sorted(
        (p for p in before.values() if p["role"] == "likely_subject" and p["alerted"]),
        key=lambda p: (-float(p["risk_score"]), str(p["party_id"])),  # type: ignore[arg-type]
    )
    assert len(subjects) >= 2, "the labour bank has alerted subjects"
    client, survivor = str(subjects[0]["party_id"]), str(subjects[1]["party_id"])
    quiet = next(p for p, r in sorted(before.items()) if float(r["risk_score"]) == 0.0)  # type: ignore[arg-type]

    client_ref = _uncooperative(store, client, "a client")
    quiet_ref = _uncooperative(store, quiet, "a quiet client")
    survivor_ref = _uncooperative(store, survivor, "a survivor")  # a note on a survivor must not count
    # a portfolio holding, not a party of this bank: monitoring leaves it to portfolio scoring
    _uncooperative(store, "H-7", "a holding", "holding")
    policy = referrals.load_policy(None)
    r = referrals.receive(store, BANK, NGO, "A Survivor", ["consular_id", "ngo_letter"], "nadia", policy)
    referrals.open_account(store, BANK, r.reference, survivor, "A-NEW-1", "ana", policy)
    store.commit()
    written = export_party_flags(store, BANK, workspace.root)
    assert written == flags_path(workspace.root) and written.exists()

    second = run_monitoring(workspace)
    after = _risk(workspace)
    assert second.risk_noted == 2 and second.protected == 1
    assert "H-7" not in after, "no party_risk row for an id that is not a party of the workspace"

    old, new = before[client], after[client]
    expected = 1 - (1 - float(old["risk_score"])) * (1 - 0.3)  # type: ignore[arg-type]
    assert float(new["risk_score"]) == pytest.approx(expected, abs=1e-3)  # type: ignore[arg-type]
    assert new["role"] == "likely_subject" and new["alerted"]
    assert f"grievance {client_ref}: client did not cooperate" in str(new["explanation"])
    assert "recorded 20" in str(new["explanation"])

    assert float(after[quiet]["risk_score"]) == pytest.approx(0.3)  # type: ignore[arg-type]
    assert not after[quiet]["alerted"], "a risk note alone never alerts"
    assert quiet_ref in str(after[quiet]["explanation"])

    saved = after[survivor]
    assert saved["role"] == "likely_victim" and saved["subrole"] is None
    assert float(saved["subject_score"]) == 0.0  # type: ignore[arg-type]
    assert float(saved["risk_score"]) == pytest.approx(float(before[survivor]["risk_score"]))  # type: ignore[arg-type]
    assert str(saved["explanation"]).startswith(
        f"PROTECTED survivor: survivor referral {r.reference} from {NGO}"
    )
    assert "no automated exit" in str(saved["explanation"])
    assert survivor_ref not in str(saved["explanation"]), "the risk note on a survivor is ignored"
    alerts = pq.read_table(workspace.root / "monitoring" / "alerts.parquet").to_pylist()
    roles = {a["role"] for a in alerts if a["party_id"] == survivor}
    assert roles <= {"likely_victim"}, "no alert proposes the survivor as a subject"

    # ending the note is exported too: the next run no longer raises the client
    for note in grievances.risk_notes(store, BANK)[client]:
        note.active = False
    store.commit()
    export_party_flags(store, BANK, workspace.root)
    run_monitoring(workspace)
    assert float(_risk(workspace)[client]["risk_score"]) == pytest.approx(float(old["risk_score"]))  # type: ignore[arg-type]


def test_a_damaged_flags_file_is_refused_with_file_row_and_column(tmp_path: Path) -> None:
    path = flags_path(tmp_path)
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table({"party_id": ["P1"], "flag": ["protected"]}), path)
    with pytest.raises(InputError) as missing:
        read_party_flags(tmp_path)
    assert "party_flags.parquet" in str(missing.value) and "org_id" in str(missing.value)
    good = {
        "org_id": ["b", "b"],
        "party_id": ["P1", "P2"],
        "flag": ["protected", "suspect"],
        "source": ["referral", "grievance"],
        "source_ref": ["R-1", "G-1"],
        "weight": [0.0, 0.3],
        "recorded_at": pa.array([0, 0], pa.timestamp("us")),
        "explanation": ["x", "y"],
    }
    pq.write_table(pa.table(good), path)
    with pytest.raises(InputError) as bad:
        read_party_flags(tmp_path)
    assert "row 2" in str(bad.value) and "flag" in str(bad.value)
    assert json.dumps(str(bad.value))  # a message, not a traceback
