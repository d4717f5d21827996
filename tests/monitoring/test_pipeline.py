"""run_monitoring end to end on the hand-made bank: files, roles, ties, evidence, bad input."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from chainbreaker.core.contract import ALERT_COLUMNS, PARTY_RISK_COLUMNS
from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.engines import Engine, get_engine
from chainbreaker.monitoring import MonitoringReport, load_catalogue, run_monitoring
from chainbreaker.monitoring.catalogue import Catalogue, load_catalogue_from
from chainbreaker.monitoring.features import hit_rows
from chainbreaker.monitoring.pipeline import EARLIEST, LATEST, RunResult, compute
from chainbreaker.monitoring.runner import attach_evidence

from .bank import CONTROLLER, FAST_FOOD_FAN, ORDINARY, STRUCTURER, VICTIMS, build_rows, write_bank


def _risk(report: MonitoringReport) -> dict[str, dict[str, object]]:
    return {r["party_id"]: r for r in pq.read_table(report.party_risk_path).to_pylist()}


def test_output_files_follow_the_contract(monitored: MonitoringReport) -> None:
    alerts = pq.read_table(monitored.alerts_path)
    risk = pq.read_table(monitored.party_risk_path)
    assert tuple(alerts.column_names[: len(ALERT_COLUMNS)]) == ALERT_COLUMNS
    assert tuple(risk.column_names[: len(PARTY_RISK_COLUMNS)]) == PARTY_RISK_COLUMNS
    assert {"role", "network_id", "ties", "explanation"} <= set(risk.column_names)
    assert risk.num_rows == 14  # every party, risk 0 when nothing hit it
    scores = alerts.column("score").to_pylist() + risk.column("risk_score").to_pylist()
    assert all(0 <= s <= 1 for s in scores)
    assert set(alerts.column("trafficking_type").to_pylist()) <= {"sex", "labour", "general"}
    assert len(set(alerts.column("alert_id").to_pylist())) == alerts.num_rows


def test_controller_is_subject_and_victims_are_victims(monitored: MonitoringReport) -> None:
    risk = _risk(monitored)
    ctrl = risk[CONTROLLER]
    assert ctrl["role"] == "likely_subject" and ctrl["subrole"] == "controller" and ctrl["alerted"]
    assert "NW-06" in ctrl["indicators"]
    for v in VICTIMS:
        row = risk[v]
        assert row["role"] == "likely_victim", row
        assert row["alerted"]
        assert "VICTIM" in str(row["explanation"]) and "do not exit" in str(row["explanation"])
        ties = json.loads(str(row["ties"]))
        assert any(t["party_id"] == CONTROLLER and t["how"] == "money_flow" for t in ties)
        assert row["network_id"] == ctrl["network_id"] is not None
    assert risk[STRUCTURER]["role"] == "likely_subject" and "G-06" in risk[STRUCTURER]["indicators"]


def test_single_weak_indicator_does_not_alert(monitored: MonitoringReport) -> None:
    risk = _risk(monitored)
    fan = risk[FAST_FOOD_FAN]
    assert fan["indicators"] == ["ST-09"]
    assert not fan["alerted"]
    alerts = pq.read_table(monitored.alerts_path).to_pylist()
    assert not [a for a in alerts if a["party_id"] == FAST_FOOD_FAN]
    assert all(not risk[o]["alerted"] for o in ORDINARY)


def test_alert_evidence_holds_figures_txns_and_related_parties(monitored: MonitoringReport) -> None:
    alerts = pq.read_table(monitored.alerts_path).to_pylist()
    by_key = {(a["party_id"], a["indicator_id"]): a for a in alerts}
    sweep = json.loads(by_key[(VICTIMS[0], "ST-21")]["evidence"])
    assert sweep["figures"]["sweep_ratio"] >= 0.8
    assert 0 < len(sweep["txn_ids"]) <= 25
    assert CONTROLLER in sweep["related_party_ids"]
    assert "went to one destination" in sweep["explanation"]
    phone = json.loads(by_key[(CONTROLLER, "NW-01")]["evidence"])
    assert set(VICTIMS) <= set(phone["related_party_ids"])
    assert phone["shared_identifier"]["kind"] == "phone"
    assert "555" not in json.dumps(phone)  # the shared value itself is not written
    structuring = json.loads(by_key[(STRUCTURER, "G-06")]["evidence"])
    assert structuring["figures"]["deposits"] == 3 and len(structuring["txn_ids"]) == 9  # 3 bursts of 3


def test_report_lists_skipped_indicators(monitored: MonitoringReport) -> None:
    skipped = {r.indicator_id: r.message for r in monitored.skipped}
    assert "parties.industry" in skipped["ST-22"]
    assert "skipped ST-22" in monitored.summary()


def test_missing_optional_column_skips_only_its_indicators(tmp_path: Path) -> None:
    ws = write_bank(
        Workspace(tmp_path / "ws"), build_rows(mcc=False), drop_columns=("device_id", "merchant_name")
    )
    report = run_monitoring(ws, tmp_path / "out")
    skipped = {r.indicator_id for r in report.skipped}
    assert {"ST-01", "ST-09", "NW-04"} <= skipped
    assert "ST-21" not in skipped and "G-06" not in skipped
    risk = _risk(report)
    assert risk[VICTIMS[0]]["role"] == "likely_victim"


def test_a_failing_indicator_does_not_stop_the_others(bank_ws: Workspace, tmp_path: Path) -> None:
    cat = load_catalogue()
    broken = cat.get("ST-21").model_copy(
        update={"sql": cat.get("ST-21").sql.replace("f.push_total", "f.no_such")}
    )
    report = run_monitoring(bank_ws, tmp_path / "out", catalogue=cat.replace(broken))
    failed = {r.indicator_id: r for r in report.failed}
    assert set(failed) == {"ST-21"} and failed["ST-21"].step == "run"
    assert "FAILED ST-21 [run]" in report.summary()
    assert report.alerted_parties > 0


def test_catalogue_problems_are_listed_in_the_report(bank_ws: Workspace, tmp_path: Path) -> None:
    good = Path(__file__).resolve().parents[2] / "src/chainbreaker/monitoring/indicators/NW-06.yaml"
    bad = (
        good.read_text()
        .replace("transactions.counterparty_account", "transactions.bogus")
        .replace("NW-06", "NW-66")
    )
    cat = load_catalogue_from([("NW-06.yaml", good.read_text()), ("NW-66.yaml", bad)])
    report = run_monitoring(bank_ws, tmp_path / "out", catalogue=cat)
    assert "NW-66 [columns]" in report.summary()
    assert [r.indicator_id for r in report.runs] == ["NW-06"]


def test_date_window_and_csv(bank_ws: Workspace, tmp_path: Path) -> None:
    report = run_monitoring(
        bank_ws, tmp_path / "out", date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 3, 31), fmt="csv"
    )
    assert report.alerts_path.suffix == ".csv" and report.party_risk_path.exists()
    assert report.transactions < 1062
    text = report.alerts_path.read_text()
    assert "2024-01" not in text.split("\n", 1)[1]
    with pytest.raises(InputError):
        run_monitoring(bank_ws, tmp_path / "x", date_from=dt.date(2024, 3, 1), date_to=dt.date(2024, 1, 1))


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="chainbreaker load"):
        run_monitoring(tmp_path / "nowhere")


def test_out_dir_defaults_to_workspace_monitoring(monitored: MonitoringReport, bank_ws: Workspace) -> None:
    assert monitored.out_dir == bank_ws.root / "monitoring"


def test_shadow_run_shows_alerts_gained_and_lost(bank_ws: Workspace, tmp_path: Path) -> None:
    src = Path(__file__).resolve().parents[2] / "src/chainbreaker/monitoring/indicators/G-06.yaml"
    changed = tmp_path / "G-06.yaml"
    # A stricter structuring rule (deposits within one hour only): the structurer is no longer alerted.
    changed.write_text(
        src.read_text().replace("version: 1", "version: 2").replace("default: 168", "default: 1")
    )
    report = run_monitoring(bank_ws, tmp_path / "out", compare=changed)
    assert report.shadow is not None
    assert report.shadow.changed_version == 2 and report.shadow.current_version == 1
    assert report.shadow.changed_hits == 0 and report.shadow.current_hits == 1
    assert (STRUCTURER, "likely_subject") in report.shadow.lost
    assert report.shadow.path is not None and STRUCTURER in report.shadow.path.read_text()
    assert "lost 1" in report.summary()


def test_catalogue_replace_keeps_order() -> None:
    cat = load_catalogue()
    assert isinstance(cat.replace(cat.get("G-06")), Catalogue)
    assert [i.id for i in cat.replace(cat.get("G-06")).indicators] == [i.id for i in cat.indicators]


def test_runs_under_a_tight_memory_limit(
    bank_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workspace.connect() applies the limit and the spill folder; DuckDB spills rather than failing.
    monkeypatch.setenv("CHAINBREAKER_DUCKDB_MEMORY_LIMIT", "64MB")
    report = run_monitoring(bank_ws, tmp_path / "out")
    assert report.alerted_parties == 5


@pytest.fixture
def computed(bank_ws: Workspace) -> Iterator[tuple[Engine, RunResult]]:
    """An open engine on the hand-made bank with features, indicators and roll-up done, evidence not yet."""
    eng = get_engine("duckdb", bank_ws)
    try:
        result, _ = compute(eng, load_catalogue(), EARLIEST, LATEST)
        yield eng, result
    finally:
        eng.close()


def test_evidence_from_the_hit_parties_rows_equals_evidence_from_every_row(
    computed: tuple[Engine, RunResult],
) -> None:
    """The evidence step reads only the hit parties' rows (card purchases through their accounts): each
    hit's txn ids must be those the whole enriched table gives."""
    eng, result = computed
    indicators = list(result.indicators.values())
    whole, narrowed = copy.deepcopy(result.hits), copy.deepcopy(result.hits)
    attach_evidence(eng, indicators, whole, 25)
    attach_evidence(
        eng, indicators, narrowed, 25, read_rows=lambda e: hit_rows(e, result.profile, EARLIEST, LATEST)
    )
    card = eng.query("card rows", "SELECT count(*) AS n FROM monitoring_hit_tx WHERE channel = 'card'")
    assert card.to_pylist()[0]["n"] > 0  # the hit parties' card purchases are read too
    assert sum(len(h.txn_ids) for h in whole) > 0
    assert [(h.txn_ids, h.txn_ids_truncated) for h in narrowed] == [
        (h.txn_ids, h.txn_ids_truncated) for h in whole
    ]


def test_one_evidence_query_per_run_and_a_faulty_condition_costs_only_its_own(
    computed: tuple[Engine, RunResult],
) -> None:
    """Every indicator's evidence comes from one query (a CASE branch per indicator). When one indicator's
    condition cannot run, that query fails and each indicator runs on its own: the faulty one loses its
    evidence, every other hit keeps exactly the ids the one query gave."""
    eng, result = computed
    indicators = list(result.indicators.values())
    together, apart = copy.deepcopy(result.hits), copy.deepcopy(result.hits)
    attach_evidence(eng, indicators, together, 25)
    steps = [t.step for t in eng.timings]
    faulty_id = next(h.indicator_id for h in together if h.txn_ids)
    faulty = [
        i.model_copy(update={"evidence": "t.no_such_column = 1"}) if i.id == faulty_id else i
        for i in indicators
    ]
    attach_evidence(eng, faulty, apart, 25)
    assert steps.count("evidence: every indicator") == 1
    assert not [s for s in steps if s.startswith("evidence ") and s != "evidence: every indicator"]
    assert sum(1 for h in together if h.txn_ids) > 1
    for a, b in zip(together, apart, strict=True):
        if a.indicator_id == faulty_id:
            assert b.txn_ids == []
        else:
            assert (b.txn_ids, b.txn_ids_truncated) == (a.txn_ids, a.txn_ids_truncated)


def test_hits_tied_on_the_sort_key_come_in_one_order() -> None:
    """SQL returns rows in no defined order; two hits of one party and period must still sort alike."""
    import pyarrow as pa

    from chainbreaker.monitoring.runner import _hits_from

    ind = load_catalogue().indicators[0]
    rows = [
        {
            "party_id": "P1",
            "account_id": None,
            "period_start": dt.datetime(2024, 1, 1),
            "period_end": dt.datetime(2024, 2, 1),
            "strength": s,
            "hub_party_id": hub,
            "workers": w,
        }
        for s, hub, w in ((0.25, "B1", 4), (0.225, "B2", 3))
    ]
    one = _hits_from(ind, pa.Table.from_pylist(rows))
    other = _hits_from(ind, pa.Table.from_pylist(rows[::-1]))
    assert [(h.strength, h.hub_party_id) for h in one] == [(h.strength, h.hub_party_id) for h in other]
    assert [h.strength for h in one] == [0.225, 0.25]


def test_sort_hits_is_the_order_of_the_whole_key() -> None:
    """Hits are sorted on their leading fields with the figures' JSON written only for ties: the order must
    be that of one sort on the whole key, ties on every field and on the leading fields only included."""
    import random

    from chainbreaker.monitoring.runner import Hit, _full_order, sort_hits

    rng = random.Random(18)
    hits = [
        Hit(
            indicator_id=rng.choice(["ST-01", "LT-14"]),
            party_id=rng.choice(["P1", "P2"]),
            account_id=rng.choice([None, "A1"]),
            period_start=dt.datetime(2024, rng.choice([1, 2]), 1),
            period_end=dt.datetime(2024, 3, rng.choice([1, 2])),
            strength=rng.choice([0.25, 0.5]),
            figures={"workers": rng.choice([3, 4]), "total": rng.choice([1.5, 2.0])},
            hub_party_id=rng.choice([None, "B1", "B2"]),
            link_kind=rng.choice([None, "phone"]),
        )
        for _ in range(400)
    ]
    expected = sorted(hits, key=_full_order)
    got = sort_hits(list(reversed(hits)))
    assert [_full_order(h) for h in got] == [_full_order(h) for h in expected]
    assert len({_full_order(h) for h in hits}) < len(hits)  # full ties occur, and the check covers them
