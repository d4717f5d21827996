"""The roll-up in isolation: combination, families, the alert rule, roles and network inheritance."""

from __future__ import annotations

import datetime as dt

import pytest

from chainbreaker.monitoring import load_catalogue
from chainbreaker.monitoring.runner import Hit
from chainbreaker.monitoring.scoring import FlowTie, score_parties

IND = {i.id: i for i in load_catalogue().indicators}
T0 = dt.datetime(2024, 1, 1)


def hit(ind: str, party: str, strength: float = 1.0, **kw: object) -> Hit:
    return Hit(ind, party, None, T0, T0 + dt.timedelta(days=30), strength, {}, **kw)  # type: ignore[arg-type]


def test_one_indicator_never_alerts_even_at_full_strength() -> None:
    for ind_id in IND:
        parties = score_parties([hit(ind_id, "P1")], IND, ["P1"], set(), [])
        assert not parties["P1"].alerted, ind_id


def test_two_indicators_combine_and_alert() -> None:
    p = score_parties([hit("NW-06", "P1"), hit("ST-02", "P1")], IND, ["P1"], set(), [])["P1"]
    assert p.own_score == pytest.approx(1 - (1 - 0.45) * (1 - 0.35), abs=1e-4)
    assert p.alerted and p.role == "likely_subject" and p.subrole == "controller"


def test_family_counts_once_in_full() -> None:
    together = score_parties(
        [hit("ST-05", "P1"), hit("ST-06", "P1"), hit("G-01", "P1")], IND, ["P1"], set(), []
    )["P1"]
    strongest = IND["ST-06"].weight
    assert together.contributions["ST-06"] == pytest.approx(strongest)
    assert together.contributions["ST-05"] == pytest.approx(IND["ST-05"].weight * 0.35)
    assert not together.alerted


def test_balanced_evidence_reads_as_victim() -> None:
    # ST-21 (victim, 0.40) against ST-04-like subject weight 0.40: ties go to the protective reading.
    p = score_parties([hit("ST-21", "P1"), hit("LT-04", "P1")], IND, ["P1"], set(), [])["P1"]
    assert p.role == "likely_victim" and p.subrole is None
    assert "do not exit" in p.explanation


def test_receiving_sweeps_from_two_victims_makes_a_controller() -> None:
    hits = [hit("ST-21", v, hub_party_id="C") for v in ("V1", "V2")] + [hit("G-13", v) for v in ("V1", "V2")]
    hits += [hit("ST-01", "C", 0.6), hit("ST-21", "C", 0.6)]
    parties = score_parties(hits, IND, ["C", "V1", "V2"], set(), [])
    assert parties["C"].role == "likely_subject" and parties["C"].subrole == "controller"
    assert parties["V1"].role == "likely_victim"


def test_tie_to_risky_hub_is_inherited_and_shown() -> None:
    hits = [hit("NW-06", "HUB"), hit("ST-02", "HUB"), hit("ST-17", "HUB"), hit("ST-21", "P1")]
    flows = [FlowTie("P1", "HUB", 5000.0, 0.9)]
    parties = score_parties(hits, IND, ["HUB", "P1", "P2"], set(), flows)
    p1 = parties["P1"]
    assert p1.risk_score > p1.own_score
    assert p1.ties and p1.ties[0]["party_id"] == "HUB" and p1.ties[0]["how"] == "money_flow"
    assert p1.alerted  # one red flag plus a tie to a risky hub
    assert p1.network_id == parties["HUB"].network_id is not None
    assert parties["P2"].risk_score == 0 and parties["P2"].network_id is None


def test_labour_sector_multiplier_applies_to_labour_indicators_only() -> None:
    base = score_parties([hit("LT-09", "B")], IND, ["B"], set(), [])["B"]
    sector = score_parties([hit("LT-09", "B")], IND, ["B"], {"B"}, [])["B"]
    assert sector.own_score == pytest.approx(base.own_score * 1.5)
    st = score_parties([hit("ST-11", "B")], IND, ["B"], {"B"}, [])["B"]
    assert st.own_score == pytest.approx(IND["ST-11"].weight)
