"""portfolio-v1: contributions sum to the score, listings outrank inherent risk, risk flows along parent_id."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chainbreaker.portfolio.holdings import Holding
from chainbreaker.portfolio.riskdata import CountryFigures, GoodsFinding, RiskTables, words
from chainbreaker.portfolio.scoring import INHERENT_CAP, band_of, score_holdings
from chainbreaker.screening import Match

TABLES = RiskTables(
    countries={
        "br": CountryFigures(5.0, "GSI test", 35.0, "GSI test", "Brazil"),
        "kp": CountryFigures(104.6, "GSI test", 93.0, "GSI test", "North Korea"),
        "de": CountryFigures(0.6, "GSI test", 10.0, "GSI test", "Germany"),
    },
    goods={(words("Cattle"), "br"): GoodsFinding("Cattle", "br", ("forced_labor",), "ILAB test")},
    goods_elsewhere={words("Cattle"): ["br"]},
    editions={"walkfree_gsi": "x", "us_dol_ilab": "y"},
)


def hit(score: float, dataset: str = "br_lista_suja") -> Match:
    return Match(
        "q", "q", f"{dataset}-1", "LISTED NAME", dataset, "1", "Company", score, "name", "LISTED NAME"
    )


def test_contributions_sum_to_the_score_and_name_their_source() -> None:
    h = Holding("H1", "Boi Gordo Ltda", 2, domicile="br", sector="ISIC 0141", goods=("Cattle",))
    (risk,) = score_holdings([h], TABLES, {})
    assert abs(sum(c.amount for c in risk.contributions) - risk.score) < 1e-6
    text = " ".join(risk.reasons)
    assert "GSI test" in text and "ILAB test" in text and "forced labor" in text


def test_risk_flows_both_ways_along_parent_id() -> None:
    parent = Holding("P", "Holding Group plc", 2, domicile="de")
    child = Holding("C", "Fazenda Subsidiary Ltda", 3, domicile="br", goods=("Cattle",), parent_id="P")
    grandchild = Holding("G", "Small Farm Ltda", 4, domicile="br", parent_id="C")
    risks = {
        r.holding.holding_id: r
        for r in score_holdings([parent, child, grandchild], TABLES, {"C": [hit(0.9)]})
    }
    assert risks["C"].links[0].relation == "issuer"
    assert risks["P"].links[0].relation == "subsidiary" and risks["P"].links[0].path == ("P", "C")
    assert risks["G"].links[0].relation == "parent" and risks["G"].links[0].path == ("G", "C")
    assert risks["C"].score > risks["G"].score and risks["C"].score > risks["P"].score
    assert all(r.band == "severe" for r in risks.values())
    # inherent risk of the subsidiary also carries up to an unlisted parent
    unlisted = {r.holding.holding_id: r for r in score_holdings([parent, child], TABLES, {})}
    assert unlisted["P"].score > score_holdings([parent], TABLES, {})[0].score
    assert any(c.component == "subsidiaries" for c in unlisted["P"].contributions)


codes = st.sampled_from(["br", "kp", "de", "us"])
goods = st.sampled_from([(), ("Cattle",), ("Cocoa",), ("Palm oil",)])
sectors = st.sampled_from([None, "ISIC 0141", "NAICS 315", "NAICS 2122", "hotels", "5112"])


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[list[Holding], dict[str, list[Match]]]:
    n = draw(st.integers(2, 12))
    holdings, direct = [], {}
    for i in range(n):
        parent = f"H{draw(st.integers(0, i - 1))}" if i and draw(st.booleans()) else None
        holdings.append(
            Holding(
                f"H{i}",
                f"Issuer {i}",
                i + 2,
                domicile=draw(codes),
                sector=draw(sectors),
                goods=draw(goods),
                parent_id=parent,
            )
        )
        if draw(st.integers(0, 3)) == 0:
            direct[f"H{i}"] = [hit(draw(st.floats(0.8, 1.0)))]
    return holdings, direct


@settings(max_examples=150, deadline=None)
@given(portfolios())
def test_listed_holdings_rank_above_every_unlisted_one(
    case: tuple[list[Holding], dict[str, list[Match]]],
) -> None:
    holdings, direct = case
    risks = score_holdings(holdings, TABLES, direct)
    listed = [r for r in risks if r.links]
    unlisted = [r for r in risks if not r.links]
    for r in risks:
        assert 0.0 <= r.score <= 1.0
        assert abs(sum(c.amount for c in r.contributions) - r.score) < 1e-5
        assert r.band == band_of(r.score)
    assert all(r.score <= INHERENT_CAP for r in unlisted)
    if listed and unlisted:
        assert min(r.score for r in listed) > max(r.score for r in unlisted)
    # every holding linked to a listed one (either direction along parent_id) is itself listed
    by_id = {h.holding_id: h for h in holdings}
    for hid in direct:
        parent = by_id[hid].parent_id
        if parent:
            assert any(r.holding.holding_id == parent and r.links for r in risks)
