"""The account-month table is built from row facts (one integer per row, grouped narrowly, then the conditional
aggregates on the groups: `features._account_month`). Every value must equal the plain form a reviewer would
write: each aggregate as a condition over every enriched row, each city count as a distinct count."""

from __future__ import annotations

from chainbreaker.core.workspace import Workspace
from chainbreaker.engines.duckdb_engine import DuckDBEngine
from chainbreaker.monitoring.features import (
    MONTH_AGGREGATES,
    MONTH_CITY_FLAGS,
    build_features,
    profile,
    reference,
)
from chainbreaker.monitoring.pipeline import EARLIEST, LATEST

CASH = "channel IN ('cash', 'atm')"
IN = "direction = 'in'"
OUT = "direction = 'out'"
SUSTENANCE = (
    "('lodging', 'long_travel', 'local_transport', 'personal_care', 'fast_food', 'restaurant', 'grocery')"
)

#: The conditions written out by hand from the indicator definitions, one per aggregate (not derived from the
#: facts the code uses, so a wrong fact or mask shows up as a difference).
PLAIN: dict[str, str] = {
    "n_in": IN,
    "sum_in": IN,
    "sum_out": OUT,
    "cash_in_n": f"{IN} AND {CASH}",
    "cash_in_sum": f"{IN} AND {CASH}",
    "cash_out_n": f"{OUT} AND {CASH}",
    "cash_atm_n": CASH,
    "night_cash_n": f"{CASH} AND is_night = 1",
    "ach_n": "channel = 'ach'",
    "card_out_sum": f"{OUT} AND channel = 'card'",
    "lodging_n": f"{OUT} AND basket = 'lodging'",
    "lodging_sum": f"{OUT} AND basket = 'lodging'",
    "travel_n": f"{OUT} AND basket = 'long_travel'",
    "travel_sum": f"{OUT} AND basket = 'long_travel'",
    "local_n": f"{OUT} AND basket = 'local_transport'",
    "fast_food_n": f"{OUT} AND basket = 'fast_food'",
    "food_sum": f"{OUT} AND basket IN ('fast_food', 'restaurant', 'grocery')",
    "care_n": f"{OUT} AND basket = 'personal_care'",
    "care_sum": f"{OUT} AND basket = 'personal_care'",
    "ads_n": f"{OUT} AND basket = 'online_ads'",
    "ads_sum": f"{OUT} AND basket = 'online_ads'",
    "ads_multiple_n": f"{OUT} AND basket = 'online_ads' AND amount <= 100 "
    "AND CAST(round(amount * 100) AS BIGINT) % 300 = 0",
    "ads_foreign_n": f"{OUT} AND basket = 'online_ads' AND t.country IS NOT NULL "
    "AND t.country <> coalesce(p.home_country, '')",
    "crypto_n": f"{OUT} AND (basket = 'crypto' OR is_crypto = 1)",
    "crypto_sum": f"{OUT} AND (basket = 'crypto' OR is_crypto = 1)",
    "prepaid_n": f"{OUT} AND (basket = 'prepaid' OR is_prepaid = 1)",
    "prepaid_sum": f"{OUT} AND (basket = 'prepaid' OR is_prepaid = 1)",
    "topup_n": f"{OUT} AND basket = 'topup'",
    "gambling_sum": f"{OUT} AND basket = 'gambling'",
    "luxury_sum": f"{OUT} AND basket = 'luxury'",
    "recruit_n": f"{OUT} AND (basket = 'recruitment' OR is_recruiter = 1)",
    "recruit_sum": f"{OUT} AND (basket = 'recruitment' OR is_recruiter = 1)",
    "sustenance_sum": f"{OUT} AND basket IN {SUSTENANCE}",
    "p2p_in_small_n": f"{IN} AND channel = 'p2p' AND amount < 100",
    "night_p2p_in_n": f"{IN} AND channel = 'p2p' AND is_night = 1",
    "dep_mid_n": f"{IN} AND {CASH} AND amount >= 200 AND amount <= 800",
    "risky_out_sum": f"{OUT} AND cp_country IN :high_risk",
    "payroll_out_sum": f"{OUT} AND is_payroll = 1",
    "offhours_in_n": f"{IN} AND (hour < 7 OR hour >= 21)",
    "rent_out_n": f"{OUT} AND (is_rent = 1 OR t.mcc = '6513')",
    "rent_out_sum": f"{OUT} AND (is_rent = 1 OR t.mcc = '6513')",
    "utilities_sum": f"{OUT} AND basket = 'utilities'",
}
PLAIN_CITIES: dict[str, str] = {
    "atm_cities": CASH,
    "cash_in_away_cities": f"{IN} AND {CASH} AND t.city <> coalesce(p.home_city, '')",
    "activity_cities": "channel IN ('card', 'cash', 'atm')",
    "lodging_cities": f"{OUT} AND basket = 'lodging'",
    "dep_mid_cities": f"{IN} AND {CASH} AND amount >= 200 AND amount <= 800",
}


def test_every_account_month_value_equals_its_plain_aggregate(synth_ws: Workspace) -> None:
    assert set(PLAIN) == set(MONTH_AGGREGATES) and set(PLAIN_CITIES) == set(MONTH_CITY_FLAGS)
    with DuckDBEngine.for_workspace(synth_ws) as engine:
        build_features(engine, profile(engine), EARLIEST, LATEST)
        plain = ", ".join(
            f"coalesce(count_if({cond}), 0) AS {name}"  # DuckDB counts all-NULL conditions as NULL
            if MONTH_AGGREGATES[name][0] == "n"
            else f"coalesce(sum(CASE WHEN {cond} THEN amount ELSE 0 END), 0) AS {name}"
            for name, cond in PLAIN.items()
        )
        cities = ", ".join(
            f"count(DISTINCT CASE WHEN t.city IS NOT NULL AND {cond} THEN t.city END) AS {name}"
            for name, cond in PLAIN_CITIES.items()
        )
        engine.query(
            "test: plain account-month",
            f"""
            CREATE TEMP TABLE plain_month AS
            SELECT t.account_id, t.month, count(*) AS n_txn, {plain}, {cities},
                   min(booked_at) AS first_at, max(booked_at) AS last_at
            FROM monitoring_tx_all t
            LEFT JOIN monitoring_party p ON p.party_id = t.party_id
            GROUP BY t.account_id, t.month
            """,
            {"high_risk": list(reference()["high_risk_countries"])},
        )
        columns = ["n_txn", *PLAIN, *PLAIN_CITIES, "first_at", "last_at"]
        differ = engine.query(
            "test: differences",
            "SELECT "
            + ", ".join(
                f"count_if(abs(coalesce(a.{c}, 0) - coalesce(b.{c}, 0)) > 1e-6 * (1 + abs(coalesce(b.{c}, 0))))"
                f" AS {c}"
                if c.endswith("_sum") or c in ("sum_in", "sum_out")
                else f"count_if(a.{c} IS DISTINCT FROM b.{c}) AS {c}"
                for c in columns
            )
            + ", count_if(a.account_id IS NULL) AS only_plain, count_if(b.account_id IS NULL) AS only_built"
            + " FROM monitoring_account_month a FULL JOIN plain_month b"
            + " ON a.account_id = b.account_id AND a.month = b.month",
        ).to_pylist()[0]
        assert {c: n for c, n in differ.items() if n} == {}
        # not vacuous: the bank exercises most of the aggregates and city counts
        totals = engine.query(
            "test: totals",
            "SELECT " + ", ".join(f"sum({c}) AS {c}" for c in [*PLAIN, *PLAIN_CITIES]) + " FROM plain_month",
        ).to_pylist()[0]
        assert sum(1 for v in totals.values() if v) >= 30, totals
