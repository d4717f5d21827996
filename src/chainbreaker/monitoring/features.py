"""Shared feature tables, built once per run so that each indicator reads small aggregates, not raw rows.

Forty-odd red flags over ten million transactions would cost forty scans if each indicator read the
transactions itself. Instead one step enriches the transactions (party, counterparty party, MCC basket,
hour, night flag) and one more groups them per account and month with every count and sum the catalogue
needs; most indicators then filter that table. The few that need sequences (sweeps within hours, cash just
under a threshold within 72 hours) read the enriched rows with a narrow filter.

All SQL here is DuckDB dialect with `:name` placeholders; values (MCC lists, patterns, dates) are bound by
the engine seam, and column names come from the data contract, never from user input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa
import yaml

from chainbreaker.core.contract import TABLES_BY_NAME
from chainbreaker.core.identifiers import party_keys
from chainbreaker.engines.base import Engine

TRANSFER_CHANNELS = ("p2p", "internal", "wire", "ach", "check", "other")


@cache
def reference() -> dict[str, Any]:
    """The reviewed reference lists (MCC baskets, patterns, country and sector lists) shipped as data."""
    text = (resources.files("chainbreaker.monitoring") / "reference.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def basket_codes() -> dict[str, list[str]]:
    """Every basket as an explicit list of 4-digit MCCs (ranges expanded)."""
    out: dict[str, list[str]] = {}
    for name, spec in reference()["baskets"].items():
        codes = list(spec.get("codes", []))
        for lo, hi in spec.get("ranges", []):
            codes.extend(f"{n:04d}" for n in range(int(lo), int(hi) + 1))
        out[name] = codes
    return out


@dataclass
class DataProfile:
    """What the loaded data holds: its time range and which optional columns carry values."""

    first: dt.datetime | None
    last: dt.datetime | None
    rows: int
    present: set[str] = field(default_factory=set)
    has_holders: bool = False

    def missing(self, required: list[str]) -> list[str]:
        return [c for c in required if c not in self.present]


def profile(engine: Engine) -> DataProfile:
    """One pass over each table counting non-empty values per column (a column that is all empty is absent)."""
    present: set[str] = set()
    rows = 0
    first = last = None
    for table in TABLES_BY_NAME.values():
        if not engine.exists(table.name):
            continue
        cols = [c for c in table.column_names if c in set(engine.columns(table.name))]
        if not cols:
            continue
        counts = ", ".join(f"count({c}) AS {c}" for c in cols)
        extra = (
            ", min(booked_at) AS first_at, max(booked_at) AS last_at" if table.name == "transactions" else ""
        )
        result = engine.query(
            f"profile {table.name}", f"SELECT count(*) AS n_rows, {counts}{extra} FROM {table.name}"
        ).to_pylist()[0]
        for c in cols:
            if result[c]:
                present.add(f"{table.name}.{c}")
        if table.name == "transactions":
            rows = int(result["n_rows"])
            first, last = _naive(result["first_at"]), _naive(result["last_at"])
    has_holders = engine.exists("account_holders") and any(c.startswith("account_holders.") for c in present)
    return DataProfile(first, last, rows, present, has_holders)


def _naive(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return None


def _col(profile_: DataProfile, table: str, column: str, alias: str, sql_type: str = "VARCHAR") -> str:
    """The column when the data has it, else a typed NULL, so one SQL text serves every data shape."""
    if f"{table}.{column}" in profile_.present:
        return f"{alias}.{column}"
    return f"CAST(NULL AS {sql_type})"


def _n(cond: str) -> str:
    return f"count(*) FILTER (WHERE {cond})"


def _s(cond: str) -> str:
    return f"coalesce(sum(amount) FILTER (WHERE {cond}), 0)"


def _d(cond: str, what: str) -> str:
    return f"count(DISTINCT CASE WHEN {cond} THEN {what} END)"


KEY_SCHEMA = pa.schema(
    [
        ("party_id", pa.string()),
        ("phone_key", pa.string()),
        ("email_key", pa.string()),
        ("address_key", pa.string()),
        ("id_key", pa.string()),
    ]
)


def register_party_keys(engine: Engine, prof: DataProfile) -> None:
    """`monitoring_party_keys`: each party's phone, email, address and id keys by `core.identifiers`, the
    rules cases and screening use too (phones as E.164 through `phonenumbers`), computed once per run."""
    p = "parties"
    raw = engine.query(
        "features: party identifiers",
        f"""
        SELECT x.party_id, {_col(prof, p, "phone", "x")} AS phone, {_col(prof, p, "email", "x")} AS email,
               {_col(prof, p, "address", "x")} AS address, {_col(prof, p, "postal_code", "x")} AS postal_code,
               {_col(prof, p, "city", "x")} AS city, {_col(prof, p, "id_number", "x")} AS id_number,
               {_col(prof, p, "country", "x")} AS country
        FROM parties x
        """,
    ).to_pylist()
    rows = []
    for r in raw:
        keys = party_keys(
            r["phone"], r["email"], r["address"], r["postal_code"], r["city"], r["id_number"], r["country"]
        )
        rows.append(
            {
                "party_id": r["party_id"],
                "phone_key": keys.phone,
                "email_key": keys.email,
                "address_key": keys.address,
                "id_key": keys.id_number,
            }
        )
    engine.register_arrow("monitoring_party_keys", pa.Table.from_pylist(rows, schema=KEY_SCHEMA))


def build_features(engine: Engine, prof: DataProfile, date_from: dt.datetime, date_to: dt.datetime) -> None:
    """Create the feature tables every indicator reads (see FEATURE_TABLES in catalogue.py)."""
    ref = reference()
    baskets = basket_codes()
    as_of = min(date_to, (prof.last or date_to) + dt.timedelta(seconds=1))
    p = "parties"
    register_party_keys(engine, prof)
    engine.create_table(
        "monitoring_party",
        "features: parties",
        f"""
        SELECT party_id, party_type, name_surname AS surname, home_city, home_country, phone_key, email_key,
               address_key, id_key, employer_key, industry_key, naics, age, onboarded_at,
               CASE WHEN party_type = 'organization' AND (
                      regexp_matches(naics, :front_naics) OR regexp_matches(industry_key, :front_pattern))
                    THEN 1 ELSE 0 END AS is_front_sector,
               CASE WHEN party_type = 'organization' AND (
                      regexp_matches(naics, :labour_naics) OR regexp_matches(industry_key, :labour_pattern))
                    THEN 1 ELSE 0 END AS is_labour_sector
        FROM (
          SELECT x.party_id, x.party_type,
                 lower(split_part(trim(x.name), ' ', -1)) AS name_surname,
                 lower(trim({_col(prof, p, "city", "x")})) AS home_city,
                 upper({_col(prof, p, "country", "x")}) AS home_country,
                 k.phone_key, k.email_key, k.address_key, k.id_key,
                 lower(regexp_replace({_col(prof, p, "employer", "x")}, '[^A-Za-z0-9]', '', 'g')) AS employer_key,
                 coalesce(lower({_col(prof, p, "industry", "x")}), '') AS industry_key,
                 coalesce({_col(prof, p, "naics", "x")}, '') AS naics,
                 CAST(floor((epoch(:as_of) - epoch(CAST({_col(prof, p, "date_of_birth", "x", "DATE")} AS TIMESTAMP)))
                            / 31557600) AS INTEGER) AS age,
                 {_col(prof, p, "onboarded_at", "x", "DATE")} AS onboarded_at
          FROM parties x LEFT JOIN monitoring_party_keys k ON k.party_id = x.party_id
        ) q
        """,
        {
            "as_of": as_of,
            "front_pattern": ref["front_industry_pattern"],
            "labour_pattern": ref["labour_industry_pattern"],
            "front_naics": "^(" + "|".join(ref["front_naics"]) + ")",
            "labour_naics": "^(" + "|".join(ref["labour_naics"]) + ")",
        },
    )
    a = "accounts"
    engine.create_table(
        "monitoring_accounts",
        "features: accounts",
        f"""
        SELECT a.account_id, a.party_id, a.account_type, a.opened_at,
               {_col(prof, a, "branch", "a")} AS branch, lower({_col(prof, a, "branch_city", "a")}) AS branch_city
        FROM accounts a
        """,
    )
    t = "transactions"
    # Small lookup tables first: the MCC basket of each code, and flags of each distinct memo and counterparty
    # name. Regular expressions then run once per distinct text, not once per transaction.
    codes = [(code, name) for name, members in baskets.items() for code in members]
    unique: list[tuple[str, str]] = []
    seen: set[str] = set()
    for code, name in codes:  # the first basket that lists a code wins
        if code not in seen:
            seen.add(code)
            unique.append((code, name))
    engine.register_arrow(
        "monitoring_mcc",
        pa.table({"mcc": [c for c, _ in unique], "basket": [n for _, n in unique]}),
    )
    memo = _col(prof, t, "description", "x")
    engine.create_table(
        "monitoring_memo",
        "features: memo flags",
        f"""
        SELECT memo_raw, lower(memo_raw) AS memo,
               CASE WHEN regexp_matches(lower(memo_raw), :payroll_pattern) THEN 1 ELSE 0 END AS is_payroll,
               CASE WHEN regexp_matches(lower(memo_raw), :rent_pattern) THEN 1 ELSE 0 END AS is_rent,
               CASE WHEN regexp_matches(lower(memo_raw), :fee_pattern) THEN 1 ELSE 0 END AS is_fee,
               CASE WHEN regexp_matches(lower(memo_raw), 'prepaid|gift card|vanilla') THEN 1 ELSE 0 END AS is_prepaid
        FROM (SELECT DISTINCT {memo} AS memo_raw FROM transactions x) m
        WHERE memo_raw IS NOT NULL
        """,
        {
            "payroll_pattern": ref["payroll_pattern"],
            "rent_pattern": ref["rent_pattern"],
            "fee_pattern": ref["fee_pattern"],
        },
    )
    cpn = _col(prof, t, "counterparty_name", "x")
    engine.create_table(
        "monitoring_cpname",
        "features: counterparty-name flags",
        f"""
        SELECT name_raw, name,
               CASE WHEN regexp_matches(name, :crypto_pattern) THEN 1 ELSE 0 END AS is_crypto,
               CASE WHEN regexp_matches(name, :tppp_pattern) THEN 1 ELSE 0 END AS is_tppp,
               CASE WHEN regexp_matches(name, :recruiter_pattern) THEN 1 ELSE 0 END AS is_recruiter
        FROM (
          SELECT name_raw, trim(regexp_replace(lower(name_raw), '[^a-z0-9]+', ' ', 'g')) AS name
          FROM (SELECT DISTINCT {cpn} AS name_raw FROM transactions x) d
          WHERE name_raw IS NOT NULL
        ) n
        """,
        {
            "crypto_pattern": ref["crypto_pattern"],
            "tppp_pattern": ref["tppp_pattern"],
            "recruiter_pattern": ref["recruiter_pattern"],
        },
    )
    # The enriched rows as a view (card purchases are most rows and feed only the monthly aggregates), and a
    # materialised copy of the other rows (transfers, cash, card sales) that the sequence indicators re-read.
    engine.query(
        "features: enriched transactions (view)",
        f"""
        CREATE OR REPLACE TEMPORARY VIEW monitoring_tx_all AS
        SELECT t.txn_id, t.account_id, a.party_id, t.booked_at,
               date_trunc('month', t.booked_at) AS month,
               epoch(t.booked_at) AS ts,
               CAST(extract(hour FROM t.booked_at) AS INTEGER) AS hour,
               CASE WHEN extract(hour FROM t.booked_at) >= :night_start
                      OR extract(hour FROM t.booked_at) < :night_end THEN 1 ELSE 0 END AS is_night,
               CAST(t.amount AS DOUBLE) AS amount, t.direction, t.channel,
               ca.party_id AS cp_party_id,
               CASE WHEN ca.party_id IS NOT NULL THEN 'party:' || ca.party_id
                    WHEN t.cp_account IS NOT NULL AND t.cp_account <> '' THEN 'acct:' || t.cp_account
                    WHEN n.name IS NOT NULL AND n.name <> '' THEN 'name:' || n.name END AS cp_key,
               upper(t.cp_country) AS cp_country, t.mcc, b.basket,
               lower(trim(t.city)) AS city, upper(t.country) AS country,
               coalesce(m.is_payroll, 0) AS is_payroll, coalesce(m.is_rent, 0) AS is_rent,
               coalesce(m.is_fee, 0) AS is_fee, coalesce(m.is_prepaid, 0) AS is_prepaid,
               coalesce(n.is_crypto, 0) AS is_crypto, coalesce(n.is_tppp, 0) AS is_tppp,
               coalesce(n.is_recruiter, 0) AS is_recruiter,
               CASE WHEN m.is_payroll = 1 THEN m.memo END AS payroll_memo
        FROM (
          SELECT x.txn_id, x.account_id, x.booked_at, x.amount, x.direction, x.channel,
                 {_col(prof, t, "counterparty_account", "x")} AS cp_account,
                 {cpn} AS cp_name_raw,
                 {_col(prof, t, "counterparty_country", "x")} AS cp_country,
                 {_col(prof, t, "mcc", "x")} AS mcc, {_col(prof, t, "city", "x")} AS city,
                 {_col(prof, t, "country", "x")} AS country,
                 {memo} AS memo_raw
          FROM transactions x
          WHERE x.booked_at >= :date_from AND x.booked_at < :date_to
        ) t
        JOIN accounts a ON a.account_id = t.account_id
        LEFT JOIN accounts ca ON ca.account_id = t.cp_account
        LEFT JOIN monitoring_mcc b ON b.mcc = t.mcc
        LEFT JOIN monitoring_memo m ON m.memo_raw = t.memo_raw
        LEFT JOIN monitoring_cpname n ON n.name_raw = t.cp_name_raw
        """,
        {
            "night_start": int(ref["night_start_hour"]),
            "night_end": int(ref["night_end_hour"]),
            "date_from": date_from,
            "date_to": date_to,
        },
    )
    engine.create_table(
        "monitoring_tx",
        "features: enriched transactions",
        "SELECT * FROM monitoring_tx_all WHERE NOT (direction = 'out' AND channel = 'card')",
    )
    _account_month(engine)
    engine.create_table(
        "monitoring_span",
        "features: time span",
        """
        SELECT min(first_at) AS first_at, max(last_at) AS last_at, sum(n_txn) AS n FROM monitoring_account_month
        """,
    )
    _flows(engine)
    _identifiers(engine, prof, date_from, date_to)
    holders_table(engine, prof)


def _account_month(engine: Engine) -> None:
    """Per account and month: every count and sum the catalogue needs, in one grouped pass.

    One scan of the enriched rows groups by account, month and city; the city groups are then rolled up
    (sums of sums, and counts of city flags give the distinct-city figures). Distinct payers come from the
    small materialised table. `count(DISTINCT ...)` over raw rows, one hash table per aggregate, is avoided.
    """
    ref = reference()
    cash = "channel IN ('cash', 'atm')"
    xin = "direction = 'in'"
    xout = "direction = 'out'"
    aggregates = {
        "n_txn": "count(*)",
        "n_in": _n(xin),
        "sum_in": _s(xin),
        "sum_out": _s(xout),
        "cash_in_n": _n(f"{xin} AND {cash}"),
        "cash_in_sum": _s(f"{xin} AND {cash}"),
        "cash_out_n": _n(f"{xout} AND {cash}"),
        "cash_atm_n": _n(cash),
        "night_cash_n": _n(f"{cash} AND is_night = 1"),
        "ach_n": _n("channel = 'ach'"),
        "card_out_sum": _s(f"{xout} AND channel = 'card'"),
        "lodging_n": _n(f"{xout} AND basket = 'lodging'"),
        "lodging_sum": _s(f"{xout} AND basket = 'lodging'"),
        "travel_n": _n(f"{xout} AND basket = 'long_travel'"),
        "travel_sum": _s(f"{xout} AND basket = 'long_travel'"),
        "local_n": _n(f"{xout} AND basket = 'local_transport'"),
        "fast_food_n": _n(f"{xout} AND basket = 'fast_food'"),
        "food_sum": _s(f"{xout} AND basket IN ('fast_food', 'restaurant', 'grocery')"),
        "care_n": _n(f"{xout} AND basket = 'personal_care'"),
        "care_sum": _s(f"{xout} AND basket = 'personal_care'"),
        "ads_n": _n(f"{xout} AND basket = 'online_ads'"),
        "ads_sum": _s(f"{xout} AND basket = 'online_ads'"),
        "ads_multiple_n": _n(
            f"{xout} AND basket = 'online_ads' AND amount <= 100 "
            "AND CAST(round(amount * 100) AS BIGINT) % :ad_unit_cents = 0"
        ),
        "ads_foreign_n": _n(
            f"{xout} AND basket = 'online_ads' AND t.country IS NOT NULL AND t.country <> coalesce(p.home_country, '')"
        ),
        "crypto_n": _n(f"{xout} AND (basket = 'crypto' OR is_crypto = 1)"),
        "crypto_sum": _s(f"{xout} AND (basket = 'crypto' OR is_crypto = 1)"),
        "prepaid_n": _n(f"{xout} AND (basket = 'prepaid' OR is_prepaid = 1)"),
        "prepaid_sum": _s(f"{xout} AND (basket = 'prepaid' OR is_prepaid = 1)"),
        "topup_n": _n(f"{xout} AND basket = 'topup'"),
        "gambling_sum": _s(f"{xout} AND basket = 'gambling'"),
        "luxury_sum": _s(f"{xout} AND basket = 'luxury'"),
        "recruit_n": _n(f"{xout} AND (basket = 'recruitment' OR is_recruiter = 1)"),
        "recruit_sum": _s(f"{xout} AND (basket = 'recruitment' OR is_recruiter = 1)"),
        "sustenance_sum": _s(
            f"{xout} AND basket IN ('lodging', 'long_travel', 'local_transport', 'personal_care', 'fast_food', "
            "'restaurant', 'grocery')"
        ),
        "p2p_in_small_n": _n(f"{xin} AND channel = 'p2p' AND amount < 100"),
        "night_p2p_in_n": _n(f"{xin} AND channel = 'p2p' AND is_night = 1"),
        "dep_mid_n": _n(f"{xin} AND {cash} AND amount >= 200 AND amount <= 800"),
        "risky_out_sum": _s(f"{xout} AND cp_country IN :high_risk"),
        "payroll_out_sum": _s(f"{xout} AND is_payroll = 1"),
        "offhours_in_n": _n(f"{xin} AND (hour < 7 OR hour >= 21)"),
        "rent_out_n": _n(f"{xout} AND (is_rent = 1 OR t.mcc = '6513')"),
        "rent_out_sum": _s(f"{xout} AND (is_rent = 1 OR t.mcc = '6513')"),
        "utilities_sum": _s(f"{xout} AND basket = 'utilities'"),
        "first_at": "min(booked_at)",
        "last_at": "max(booked_at)",
    }
    city_flags = {
        "atm_cities": cash,
        "cash_in_away_cities": f"{xin} AND {cash} AND t.city <> coalesce(p.home_city, '')",
        "activity_cities": "channel IN ('card', 'cash', 'atm')",
        "lodging_cities": f"{xout} AND basket = 'lodging'",
        "dep_mid_cities": f"{xin} AND {cash} AND amount >= 200 AND amount <= 800",
    }
    payer_flags = {
        "night_p2p_payers": f"{xin} AND channel = 'p2p' AND is_night = 1",
    }
    select = ",\n                 ".join(f"{expr} AS {name}" for name, expr in aggregates.items())
    # One scan: group by city as well, then roll the city groups up (sums of sums, counts of city flags).
    rollup = ",\n               ".join(
        f"{'min' if name == 'first_at' else 'max' if name == 'last_at' else 'sum'}({name}) AS {name}"
        for name in aggregates
    )
    city_max = ", ".join(
        f"max(CASE WHEN t.city IS NOT NULL AND {c} THEN 1 ELSE 0 END) AS {n}" for n, c in city_flags.items()
    )
    city_sum = ", ".join(f"sum({n}) AS {n}" for n in city_flags)
    payer_max = ", ".join(f"max(CASE WHEN {c} THEN 1 ELSE 0 END) AS {n}" for n, c in payer_flags.items())
    payer_sum = ", ".join(f"sum({n}) AS {n}" for n in payer_flags)
    engine.create_table(
        "monitoring_account_month",
        "features: account-month aggregates",
        f"""
        WITH by_city AS (
          SELECT t.account_id, t.party_id, t.month, t.city,
                 {select},
                 {city_max}
          FROM monitoring_tx_all t LEFT JOIN monitoring_party p ON p.party_id = t.party_id
          GROUP BY t.account_id, t.party_id, t.month, t.city
        ), main AS (
          SELECT account_id, party_id, month,
               {rollup},
               {city_sum}
          FROM by_city GROUP BY account_id, party_id, month
        ), payers AS (
          SELECT account_id, month, {payer_sum} FROM (
            SELECT t.account_id, t.month, t.cp_key, {payer_max}
            FROM monitoring_tx t
            WHERE t.direction = 'in' AND t.cp_key IS NOT NULL AND t.channel IN ('p2p', 'internal', 'ach', 'wire')
            GROUP BY t.account_id, t.month, t.cp_key
          ) y GROUP BY account_id, month
        )
        SELECT m.*, a.account_type, p.party_type, p.is_front_sector, p.is_labour_sector,
               {", ".join(f"coalesce(y.{n}, 0) AS {n}" for n in payer_flags)}
        FROM main m
        LEFT JOIN monitoring_accounts a ON a.account_id = m.account_id
        LEFT JOIN monitoring_party p ON p.party_id = m.party_id
        LEFT JOIN payers y ON y.account_id = m.account_id AND y.month = m.month
        """,
        {"ad_unit_cents": int(ref.get("ad_unit_cents", 300)), "high_risk": list(ref["high_risk_countries"])},
    )


def _flows(engine: Engine) -> None:
    """Money-flow edges per source party, destination and month; inside the bank by party, outside by name."""
    engine.create_table(
        "monitoring_flow",
        "features: money-flow edges",
        """
        SELECT party_id, month, dst_key, max(cp_party_id) AS dst_party_id, count(*) AS n, sum(amount) AS total,
               min(amount) AS min_amount, max(amount) AS max_amount, min(ts) AS first_ts, max(ts) AS last_ts,
               sum(CASE WHEN channel <> 'ach' THEN 1 ELSE 0 END) AS push_n,
               sum(CASE WHEN channel <> 'ach' THEN amount ELSE 0 END) AS push_total
        FROM (
          SELECT party_id, month, amount, ts, cp_party_id, channel, cp_key AS dst_key
          FROM monitoring_tx
          WHERE direction = 'out' AND channel IN :transfer_channels AND cp_key IS NOT NULL
            AND (cp_party_id IS NULL OR cp_party_id <> party_id)
        ) f
        GROUP BY party_id, month, dst_key
        """,
        {"transfer_channels": list(TRANSFER_CHANNELS)},
    )


def _identifiers(engine: Engine, prof: DataProfile, date_from: dt.datetime, date_to: dt.datetime) -> None:
    """Identifier graph: (kind, value, party) rows for phone, email, address, id number and device."""
    device = ""
    params: dict[str, Any] = {}
    if "transactions.device_id" in prof.present:
        device = """
          UNION ALL SELECT DISTINCT 'device' AS kind, x.device_id AS value, a.party_id
          FROM transactions x JOIN accounts a ON a.account_id = x.account_id
          WHERE x.device_id IS NOT NULL AND x.device_id <> ''
            AND x.booked_at >= :date_from AND x.booked_at < :date_to
        """
        params = {"date_from": date_from, "date_to": date_to}
    engine.create_table(
        "monitoring_identifier",
        "features: shared identifiers",
        f"""
        SELECT kind, value, party_id FROM (
          SELECT 'phone' AS kind, phone_key AS value, party_id FROM monitoring_party WHERE phone_key IS NOT NULL
          UNION ALL SELECT 'email', email_key, party_id FROM monitoring_party
            WHERE email_key IS NOT NULL AND email_key <> ''
          UNION ALL SELECT 'address', address_key, party_id FROM monitoring_party WHERE address_key IS NOT NULL
          UNION ALL SELECT 'id_number', id_key, party_id FROM monitoring_party
            WHERE id_key IS NOT NULL AND id_key <> ''
          {device}
        ) i
        """,
        params,
    )


def holders_table(engine: Engine, prof: DataProfile) -> None:
    """Further holders of accounts (signatories, authorised users), empty when the bank sent none."""
    if prof.has_holders:
        sql = """
        SELECT h.account_id, h.party_id AS holder_party_id, h.role, a.party_id AS owner_party_id
        FROM account_holders h JOIN accounts a ON a.account_id = h.account_id
        WHERE h.party_id <> a.party_id
        """
    else:
        sql = """
        SELECT CAST(NULL AS VARCHAR) AS account_id, CAST(NULL AS VARCHAR) AS holder_party_id,
               CAST(NULL AS VARCHAR) AS role, CAST(NULL AS VARCHAR) AS owner_party_id
        FROM accounts WHERE 1 = 0
        """
    engine.create_table("monitoring_holder", "features: account holders", sql)
