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
import re
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pyarrow as pa
import yaml

from chainbreaker.core.contract import TABLES_BY_NAME
from chainbreaker.core.logging import get_logger
from chainbreaker.core.names import compact, layout, signature
from chainbreaker.core.party_keys import (
    KEY_SCHEMA,
    NAME_SCHEMA,
    RULES,
    STORED_KEYS,
    STORED_META,
    STORED_NAMES,
    fingerprint_sql,
    key_rows_sql,
    key_table,
    name_rows_sql,
    name_table,
)
from chainbreaker.engines.base import Engine, check_identifier

log = get_logger(__name__)

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


@dataclass(frozen=True)
class Signal:
    """A signal some indicators need (time of day, MCC, counterparty identity...), and whether the data has it."""

    name: str
    available: bool
    detail: str


@dataclass
class DataProfile:
    """What the loaded data holds: its time range, which optional columns carry values, and which signals
    are degenerate (all times at midnight, no MCC, opaque counterparties, one name layout)."""

    first: dt.datetime | None
    last: dt.datetime | None
    rows: int
    present: set[str] = field(default_factory=set)
    has_holders: bool = False
    signals: dict[str, Signal] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    #: Kinds of party whose hand-off the roll-up renormalised because red flags of theirs were skipped
    #: (`scoring.HandOff.as_json`), set by the run.
    hand_offs: list[dict[str, Any]] = field(default_factory=list)

    def missing(self, required: list[str]) -> list[str]:
        return [c for c in required if c not in self.present]

    def missing_signals(self, needed: list[str]) -> list[str]:
        """Reasons for each needed signal the data lacks (a signal never profiled counts as available)."""
        return [
            f"{name}: {self.signals[name].detail}"
            for name in needed
            if name in self.signals and not self.signals[name].available
        ]

    def available(self, name: str) -> bool:
        sig = self.signals.get(name)
        return sig is None or sig.available

    def lines(self) -> list[str]:
        """The profile as a few lines for the terminal (printed by `monitor` before the results)."""
        out = [f"data profile: {self.rows:,} transactions, {self.first} to {self.last}"]
        for sig in self.signals.values():
            out.append(f"  {'ok ' if sig.available else 'NO '} {sig.name}: {sig.detail}")
        out += [f"  note {f}" for f in self.findings]
        out += [f"  hand-off {h['reason']}" for h in self.hand_offs]
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "present_columns": sorted(self.present),
            "has_holders": self.has_holders,
            "signals": {k: {"available": v.available, "detail": v.detail} for k, v in self.signals.items()},
            "findings": list(self.findings),
            "figures": dict(self.figures),
            "hand_offs": list(self.hand_offs),
        }


#: Below these shares a signal counts as missing (the indicators needing it skip or use their fallback).
MIDNIGHT_SHARE = 0.95
MIN_SHARE = 0.5


def profile(engine: Engine) -> DataProfile:
    """Which columns of each table hold a value (a column that is all empty is absent), each found by a scan
    that stops at its first non-empty row; one pass over the transactions counts what the degenerate
    signals need (`_signal_sums`) and the time range."""
    present: set[str] = set()
    findings: list[str] = []
    rows = 0
    first = last = None
    signal_row: dict[str, Any] = {}
    for table in TABLES_BY_NAME.values():
        if not engine.exists(table.name):
            continue
        # the table's columns read once (each `columns` call is a DESCRIBE: 47 of them took about 0.4 s)
        have = set(engine.columns(table.name))
        cols = [c for c in table.column_names if c in have]
        if not cols:
            continue
        # whether each column holds a value, not how many: a scan that stops at the first non-empty row (an
        # all-empty column reads its validity only); counting every column's values read all of them (about
        # 1 CPU-s of the 10M bank's transactions)
        counts = ", ".join(
            f"(SELECT count(*) FROM (SELECT 1 AS one FROM {table.name} WHERE {c} IS NOT NULL LIMIT 1) e) AS {c}"
            for c in cols
        )
        extra = ""
        params: dict[str, Any] = {}
        if table.name == "transactions":
            sums = ", ".join(
                f"{expr} AS {SIGNAL_PREFIX}{name}" for name, expr in _signal_sums(set(cols)).items()
            )
            extra = f", min(booked_at) AS first_at, max(booked_at) AS last_at, {sums}"
            params = {"payroll": reference()["payroll_pattern"]}
        result = engine.query(
            f"profile {table.name}", f"SELECT count(*) AS n_rows, {counts}{extra} FROM {table.name} x", params
        ).to_pylist()[0]
        if table.name == "transactions":
            signal_row = {
                k[len(SIGNAL_PREFIX) :]: v for k, v in result.items() if k.startswith(SIGNAL_PREFIX)
            }
        for c in cols:
            if result[c]:
                present.add(f"{table.name}.{c}")
            elif result["n_rows"]:
                findings.append(f"{table.name}.{c} is empty")
        if table.name == "transactions":
            rows = int(result["n_rows"])
            first, last = _naive(result["first_at"]), _naive(result["last_at"])
    has_holders = engine.exists("account_holders") and any(c.startswith("account_holders.") for c in present)
    if "transactions.mcc" not in present and "transactions.merchant_name" in present:
        # card-first banks send merchant descriptors only: MCC baskets come from the descriptor instead
        present.add("transactions.mcc")
        findings.append("transactions.mcc is empty: MCC baskets fall back to merchant descriptors")
    prof = DataProfile(first, last, rows, present, has_holders, findings=findings)
    if rows:
        _signals(engine, prof, signal_row)
    return prof


#: Prefix of the signal counts in the transactions' profile row (no contract column starts with it).
SIGNAL_PREFIX = "signal__"


def _signal_sums(columns: set[str]) -> dict[str, str]:
    """The counts behind the degenerate signals, as aggregates over `transactions x` (`columns`: those the
    table has). A column of the table that is all empty counts as a NULL column does, so reading it is the
    same as reading `CAST(NULL ...)` in its place, as before when these were a second pass."""

    mcc, cpa, memo = (_table_col(columns, c) for c in ("mcc", "counterparty_account", "description"))
    return {
        "n": "count(*)",
        "midnight": "sum(CASE WHEN extract(hour FROM x.booked_at) = 0 AND extract(minute FROM x.booked_at) = 0 "
        "AND extract(second FROM x.booked_at) = 0 THEN 1 ELSE 0 END)",
        "card_n": "sum(CASE WHEN x.channel = 'card' THEN 1 ELSE 0 END)",
        "card_mcc": f"sum(CASE WHEN x.channel = 'card' AND {mcc} IS NOT NULL THEN 1 ELSE 0 END)",
        "p2p_n": "sum(CASE WHEN x.channel IN ('p2p', 'internal') THEN 1 ELSE 0 END)",
        "p2p_acct": f"sum(CASE WHEN x.channel IN ('p2p', 'internal') AND {cpa} IS NOT NULL THEN 1 ELSE 0 END)",
        "ach_in": "sum(CASE WHEN x.channel = 'ach' AND x.direction = 'in' THEN 1 ELSE 0 END)",
        "ach_payroll": "sum(CASE WHEN x.channel = 'ach' AND x.direction = 'in' "
        f"AND regexp_matches(lower(coalesce({memo}, '')), :payroll) THEN 1 ELSE 0 END)",
    }


def _signals(engine: Engine, prof: DataProfile, r: dict[str, Any]) -> None:
    """Time of day, MCC coverage, counterparty identity, payroll wording (from the counts `r` of the
    transactions' profile pass) and the name layout."""
    n = int(r["n"] or 0)
    share = (int(r["midnight"] or 0) / n) if n else 0.0
    prof.figures.update({k: int(v or 0) for k, v in r.items()})
    prof.signals["time_of_day"] = Signal(
        "time_of_day",
        share < MIDNIGHT_SHARE,
        f"{share:.1%} of bookings at 00:00:00"
        + (" (date-only export): time-of-day red flags are skipped" if share >= MIDNIGHT_SHARE else ""),
    )
    card_n = int(r["card_n"] or 0)
    mcc_share = int(r["card_mcc"] or 0) / card_n if card_n else 0.0
    prof.signals["mcc"] = Signal(
        "mcc",
        mcc_share >= MIN_SHARE,
        f"{mcc_share:.1%} of card rows carry an MCC"
        + ("; baskets fall back to merchant descriptors" if mcc_share < MIN_SHARE else ""),
    )
    p2p_n = int(r["p2p_n"] or 0)
    acct_share = int(r["p2p_acct"] or 0) / p2p_n if p2p_n else 0.0
    prof.signals["counterparty_account"] = Signal(
        "counterparty_account",
        acct_share >= MIN_SHARE,
        f"{acct_share:.1%} of P2P/internal rows name a counterparty account"
        + ("; counterparties resolved by handle (e-mail, phone) and name" if acct_share < MIN_SHARE else ""),
    )
    ach_in = int(r["ach_in"] or 0)
    pay_share = int(r["ach_payroll"] or 0) / ach_in if ach_in else 0.0
    prof.signals["payroll_wording"] = Signal(
        "payroll_wording",
        True,
        f"{pay_share:.1%} of ACH credits say payroll/salary/wage; pay is recognised from recurring credits "
        "first, wording second",
    )
    names = engine.query(
        "profile: name layout",
        "SELECT name FROM parties WHERE party_type = 'person' AND name IS NOT NULL LIMIT 5000",
    ).to_pylist()
    counts: dict[str, int] = {}
    for row in names:
        kind = layout(str(row["name"]))
        counts[kind] = counts.get(kind, 0) + 1
    if counts:
        top = max(sorted(counts), key=lambda k: counts[k])
        prof.signals["name_layout"] = Signal(
            "name_layout",
            True,
            f"person names mostly {top} ({counts[top] / sum(counts.values()):.0%}); family names read per layout",
        )
        prof.figures["name_layouts"] = counts


def _naive(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return None


def _col(profile_: DataProfile, table: str, column: str, alias: str, sql_type: str = "VARCHAR") -> str:
    """The column when the data has it, else a typed NULL, so one SQL text serves every data shape."""
    if f"{table}.{column}" in profile_.present:
        return f"{alias}.{column}"
    return f"CAST(NULL AS {sql_type})"


def _table_col(columns: set[str], column: str, sql_type: str = "VARCHAR") -> str:
    """A column of the table aliased `x` when the table has it (`columns`), else a typed NULL. Unlike `_col`
    this needs no profile: a column the table has but that is all empty reads as NULL in every row, which is
    what `_col`'s NULL in its place gives, so the party tables and the profile pass itself can use it."""
    return f"x.{column}" if column in columns else f"CAST(NULL AS {sql_type})"


@dataclass
class PartyTables:
    """The party keys and name tables: read from the tables the loader stored, or being computed in Python
    (`phonenumbers`, `rigour`: about 1.5 CPU-s at 46,200 parties) by one worker thread while the engine runs
    the profile pass and the feature steps that need neither. Only the worker's pure Python runs off the
    main thread; every engine call stays on it."""

    keys: Future[pa.Table]
    names: Future[pa.Table]

    def register(self, engine: Engine) -> None:
        """Wait for both tables and make them queryable (`monitoring_names`, `monitoring_party_keys`)."""
        engine.register_arrow("monitoring_names", self.names.result())
        engine.register_arrow("monitoring_party_keys", self.keys.result())


def start_party_tables(engine: Engine) -> PartyTables:
    """The parties' identifier keys and name parts (`core.party_keys`): those the loader stored when they
    still match the parties table and the rules (`stored_party_tables`), else read the parties' identifiers
    and names (two quick queries) and start computing them in a worker thread; `PartyTables.register` waits
    for them. DuckDB releases the GIL while it runs a query, so the profile pass and the first feature steps
    overlap with this Python work."""
    columns = set(engine.columns("parties"))
    stored = stored_party_tables(engine, columns)
    if stored is not None:
        keys: Future[pa.Table] = Future()
        names_done: Future[pa.Table] = Future()
        keys.set_result(stored[0])
        names_done.set_result(stored[1])
        return PartyTables(keys=keys, names=names_done)
    raw = engine.query("features: party identifiers", key_rows_sql(columns)).to_pylist()
    names = engine.query("features: party names", name_rows_sql(columns)).to_pylist()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="party-tables")
    try:
        tables = PartyTables(keys=pool.submit(key_table, raw), names=pool.submit(name_table, names))
    finally:
        pool.shutdown(wait=False)  # the submitted work still runs; no more is accepted
    return tables


def stored_party_tables(engine: Engine, columns: set[str]) -> tuple[pa.Table, pa.Table] | None:
    """The keys and name parts the loader stored, when its fingerprint of the parties table and its rules
    are those of now (`core.party_keys`); None when any is missing or stale (they are computed then)."""
    if not all(engine.exists(t) for t in (STORED_META, STORED_KEYS, STORED_NAMES)):
        return None
    meta = engine.query("features: stored party keys (rules)", f"SELECT rules, n, h FROM {STORED_META}")
    now = engine.query("features: parties' fingerprint", fingerprint_sql(columns)).to_pylist()[0]
    rows = meta.to_pylist()
    if len(rows) != 1 or (rows[0]["rules"], rows[0]["n"], rows[0]["h"]) != (RULES, now["n"], now["h"]):
        log.info("stored party keys are stale: computed again", extra={"parties": now["n"]})
        return None
    keys = engine.query(
        "features: stored party keys", f"SELECT {', '.join(KEY_SCHEMA.names)} FROM {STORED_KEYS}"
    ).cast(KEY_SCHEMA)
    names = engine.query(
        "features: stored party names", f"SELECT {', '.join(NAME_SCHEMA.names)} FROM {STORED_NAMES}"
    ).cast(NAME_SCHEMA)
    return keys, names


def build_features(
    engine: Engine,
    prof: DataProfile,
    date_from: dt.datetime,
    date_to: dt.datetime,
    party_tables: PartyTables | None = None,
) -> None:
    """Create the feature tables every indicator reads (see FEATURE_TABLES in catalogue.py). `party_tables`
    (from `start_party_tables`, begun before the profile pass) are started here when not given."""
    ref = reference()
    baskets = basket_codes()
    as_of = min(date_to, (prof.last or date_to) + dt.timedelta(seconds=1))
    pending = party_tables or start_party_tables(engine)
    p = "parties"
    _lookup_tables(engine, prof, baskets)
    pending.register(engine)
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
                 nm.surname AS name_surname,
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
               LEFT JOIN monitoring_names nm ON nm.party_id = x.party_id
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
    t = "transactions"
    memo = _col(prof, t, "description", "x")
    cpn = _col(prof, t, "counterparty_name", "x")
    _masked_ids(engine, prof)
    # the distinct counterparty names come from `monitoring_cpsig` (read once by _cp_tables), not a second scan.
    # The length conditions sit inside the join keys (a short value's key is NULL and meets nothing), so each
    # join is a hash join: written beside the equality, DuckDB joined the 11,330 names of the 10M bank to the
    # 44,760 name prefixes by nested loop (1.4 CPU-s).
    engine.create_table(
        "monitoring_cpname",
        "features: counterparty-name flags",
        """
        SELECT n.name_raw, n.name,
               CASE WHEN regexp_matches(n.name, :crypto_pattern) THEN 1 ELSE 0 END AS is_crypto,
               CASE WHEN regexp_matches(n.name, :tppp_pattern) THEN 1 ELSE 0 END AS is_tppp,
               CASE WHEN regexp_matches(n.name, :recruiter_pattern) THEN 1 ELSE 0 END AS is_recruiter,
               coalesce(he.party_id, hp.party_id) AS handle_party_id, sg.name_sig, sg.c12,
               coalesce(us.party_id, uc.party_id) AS name_party_id
        FROM (
          SELECT name_raw, trim(regexp_replace(lower(name_raw), '[^a-z0-9]+', ' ', 'g')) AS name,
                 regexp_replace(name_raw, '[^0-9]', '', 'g') AS digits
          FROM monitoring_cpsig d
        ) n
        LEFT JOIN (SELECT email_key AS k, min(party_id) AS party_id FROM monitoring_party
                   WHERE email_key IS NOT NULL AND email_key <> '' GROUP BY email_key HAVING count(*) = 1) he
          ON he.k = lower(trim(n.name_raw))
        LEFT JOIN (SELECT right(regexp_replace(phone_key, '[^0-9]', '', 'g'), 9) AS k,
                          min(party_id) AS party_id FROM monitoring_party
                   WHERE phone_key IS NOT NULL
                   GROUP BY right(regexp_replace(phone_key, '[^0-9]', '', 'g'), 9) HAVING count(*) = 1) hp
          ON hp.k = CASE WHEN length(n.digits) >= 9 THEN right(n.digits, 9) END
        LEFT JOIN monitoring_cpsig sg ON sg.name_raw = n.name_raw
        LEFT JOIN (SELECT name_sig, min(party_id) AS party_id FROM monitoring_names
                   WHERE name_sig IS NOT NULL GROUP BY name_sig HAVING count(*) = 1) us
          ON us.name_sig = sg.name_sig
        LEFT JOIN (SELECT substr(compact, 1, 12) AS c12, min(party_id) AS party_id FROM monitoring_names
                   WHERE length(compact) >= 8 GROUP BY substr(compact, 1, 12) HAVING count(*) = 1) uc
          ON uc.c12 = CASE WHEN length(sg.compact) >= 8 THEN substr(sg.compact, 1, 12) END
        """,
        {
            "crypto_pattern": ref["crypto_pattern"],
            "tppp_pattern": ref["tppp_pattern"],
            "recruiter_pattern": ref["recruiter_pattern"],
        },
    )
    # The enriched rows as a view (card purchases are most rows and feed only the monthly aggregates), and a
    # materialised copy of the other rows (transfers, cash, card sales) that the sequence indicators re-read.
    # without a usable counterparty account (none, or a masked id such as a PIX CPF), a counterparty whose
    # name (or handle spelling a name) belongs to exactly one party of the bank is that party
    no_account = "(t.cp_account IS NULL OR t.cp_account = '' OR t.cp_account LIKE '%*%')"
    # the counterparty is the holder: same name tokens in any order, or a handle spelling the name
    own_name = "(n.name_sig = a.name_sig OR n.c12 = a.c12 OR n.c12 = a.c12_rev)"
    # each account with its owner's name signatures: one join per row instead of two
    engine.create_table(
        "monitoring_account_owner",
        "features: account owners",
        """
        SELECT a.account_id, a.party_id, own.name_sig, own.c12, own.c12_rev
        FROM accounts a LEFT JOIN monitoring_names own ON own.party_id = a.party_id
        """,
    )
    # Materialised once: the recurring pay and rent step and the flags it sets both need it, and as a view its
    # eight lookups ran twice over every row. An engine that updates tables in place (DuckDB) makes it
    # `monitoring_tx` itself, its flag columns holding the memo signal until the cycles are added in place;
    # elsewhere it is `monitoring_tx_base`, copied into `monitoring_tx` with the flags (`_flagged_copy`).
    in_place = engine.updates_in_place
    base = "monitoring_tx" if in_place else "monitoring_tx_base"
    pay_col, rent_col, memo_col = (
        ("is_payroll", "is_rent", "payroll_memo")
        if in_place
        else ("is_payroll_memo", "is_rent_memo", "memo_payroll")
    )
    engine.create_table(
        base,
        "features: enriched rows",
        f"""
        SELECT t.txn_id, t.account_id, a.party_id, t.booked_at,
               date_trunc('month', t.booked_at) AS month,
               epoch(t.booked_at) AS ts,
               CAST(extract(hour FROM t.booked_at) AS INTEGER) AS hour,
               CASE WHEN extract(hour FROM t.booked_at) >= :night_start
                      OR extract(hour FROM t.booked_at) < :night_end THEN 1 ELSE 0 END AS is_night,
               CAST(t.amount AS DOUBLE) AS amount, t.direction, t.channel,
               coalesce(ca.party_id, mk.party_id, n.handle_party_id, CASE WHEN {own_name} THEN a.party_id END,
                        CASE WHEN {no_account} THEN n.name_party_id END) AS cp_party_id,
               ca.account_id AS cp_account_id,
               CASE WHEN coalesce(ca.party_id, mk.party_id, n.handle_party_id) IS NOT NULL
                      THEN 'party:' || coalesce(ca.party_id, mk.party_id, n.handle_party_id)
                    WHEN {own_name} THEN 'party:' || a.party_id
                    WHEN {no_account} AND n.name_party_id IS NOT NULL THEN 'party:' || n.name_party_id
                    WHEN t.cp_account IS NOT NULL AND t.cp_account <> '' THEN 'acct:' || t.cp_account
                    WHEN n.name IS NOT NULL AND n.name <> '' THEN 'name:' || n.name END AS cp_key,
               upper(t.cp_country) AS cp_country, t.mcc,
               CASE WHEN t.mcc IS NOT NULL THEN b.basket ELSE mm.basket END AS basket,
               lower(trim(t.city)) AS city, upper(t.country) AS country,
               coalesce(m.is_payroll, 0) AS {pay_col}, coalesce(m.is_rent, 0) AS {rent_col},
               coalesce(m.is_fee, 0) AS is_fee, coalesce(m.is_prepaid, 0) AS is_prepaid,
               coalesce(n.is_crypto, 0) AS is_crypto, coalesce(n.is_tppp, 0) AS is_tppp,
               coalesce(n.is_recruiter, 0) AS is_recruiter,
               CASE WHEN m.is_payroll = 1 THEN m.memo END AS {memo_col}
        FROM (
          SELECT x.txn_id, x.account_id, x.booked_at, x.amount, x.direction, x.channel,
                 {_col(prof, t, "counterparty_account", "x")} AS cp_account,
                 {cpn} AS cp_name_raw,
                 {_col(prof, t, "counterparty_country", "x")} AS cp_country,
                 {_col(prof, t, "mcc", "x")} AS mcc, {_col(prof, t, "city", "x")} AS city,
                 {_col(prof, t, "country", "x")} AS country,
                 {memo} AS memo_raw, {_col(prof, t, "merchant_name", "x")} AS merchant_raw
          FROM transactions x
          WHERE x.booked_at >= :date_from AND x.booked_at < :date_to
            AND NOT (x.direction = 'out' AND x.channel = 'card')
        ) t
        JOIN monitoring_account_owner a ON a.account_id = t.account_id
        LEFT JOIN monitoring_cpacct ca ON ca.cp_raw = t.cp_account
        LEFT JOIN monitoring_cpmask mk ON mk.cp_raw = t.cp_account AND mk.name_raw = t.cp_name_raw
        LEFT JOIN monitoring_mcc b ON b.mcc = t.mcc
        LEFT JOIN monitoring_merchant mm ON mm.merchant_raw = t.merchant_raw
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
    # Card purchases are most rows and only feed the monthly aggregates: a light view without the
    # counterparty lookups, joined to the materialised other rows by UNION ALL.
    sql, params = card_rows(prof, date_from, date_to)
    engine.query(
        "features: card purchases (view)",
        f"CREATE OR REPLACE TEMPORARY VIEW monitoring_card_out AS {sql}",
        params,
    )
    _cycles(engine, base)
    if in_place:
        _flag_in_place(engine)
    else:
        _flagged_copy(engine)
    engine.query(
        "features: all enriched transactions (view)",
        """
        CREATE OR REPLACE TEMPORARY VIEW monitoring_tx_all AS
        SELECT * FROM monitoring_tx UNION ALL SELECT * FROM monitoring_card_out
        """,
    )
    _account_month(engine, prof, date_from, date_to)
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


def _lookup_tables(engine: Engine, prof: DataProfile, baskets: dict[str, list[str]]) -> None:
    """The feature steps that need neither the party keys nor the name tables (accounts, MCC baskets, memo
    flags, counterparty accounts and names, merchant descriptors): they run while the worker thread of
    `start_party_tables` computes those."""
    ref = reference()
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
    _cp_tables(engine, prof)


def card_rows(
    prof: DataProfile,
    date_from: dt.datetime,
    date_to: dt.datetime,
    accounts: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The enriched card purchases (the columns of `monitoring_tx`) as SQL and its parameters; with `accounts`
    (a table of account ids) only those accounts' rows, filtered before any lookup."""
    ref = reference()
    t = "transactions"
    sql = f"""
        SELECT x.txn_id, x.account_id, a.party_id, x.booked_at,
               date_trunc('month', x.booked_at) AS month,
               epoch(x.booked_at) AS ts,
               CAST(extract(hour FROM x.booked_at) AS INTEGER) AS hour,
               CASE WHEN extract(hour FROM x.booked_at) >= :night_start
                      OR extract(hour FROM x.booked_at) < :night_end THEN 1 ELSE 0 END AS is_night,
               CAST(x.amount AS DOUBLE) AS amount, x.direction, x.channel,
               CAST(NULL AS VARCHAR) AS cp_party_id, CAST(NULL AS VARCHAR) AS cp_account_id,
               CAST(NULL AS VARCHAR) AS cp_key,
               upper({_col(prof, t, "counterparty_country", "x")}) AS cp_country,
               {_col(prof, t, "mcc", "x")} AS mcc, {_CARD_BASKET.format(mcc=_col(prof, t, "mcc", "x"))} AS basket,
               lower(trim({_col(prof, t, "city", "x")})) AS city, upper({_col(prof, t, "country", "x")}) AS country,
               0 AS is_payroll, 0 AS is_rent, coalesce(m.is_fee, 0) AS is_fee, coalesce(m.is_prepaid, 0) AS is_prepaid,
               0 AS is_crypto, 0 AS is_tppp, 0 AS is_recruiter, CAST(NULL AS VARCHAR) AS payroll_memo
        {_card_source(prof, "accounts", accounts)}
        """
    params: dict[str, Any] = {
        "night_start": int(ref["night_start_hour"]),
        "night_end": int(ref["night_end_hour"]),
        "date_from": date_from,
        "date_to": date_to,
    }
    return sql, params


#: A card purchase's MCC basket: from its MCC, else from its merchant descriptor (`b`, `mm` of `_card_source`).
_CARD_BASKET = "CASE WHEN {mcc} IS NOT NULL THEN b.basket ELSE mm.basket END"


def _card_source(prof: DataProfile, owners: str, accounts: str | None = None) -> str:
    """The card purchases (`transactions x`, its owner's row as `a` from `owners`) in the period, with the
    lookups their columns need: MCC basket `b`, merchant-descriptor basket `mm`, memo flags `m`. With
    `accounts` (a table of account ids) only those accounts' rows: an inner join with the small, distinct list
    that DuckDB turns into a filter on the scan, so the lookups run on those rows only."""
    t = "transactions"
    only = f"JOIN {check_identifier(accounts)} h ON h.account_id = x.account_id" if accounts else ""
    return f"""
        FROM transactions x
        {only}
        JOIN {check_identifier(owners)} a ON a.account_id = x.account_id
        LEFT JOIN monitoring_mcc b ON b.mcc = {_col(prof, t, "mcc", "x")}
        LEFT JOIN monitoring_merchant mm ON mm.merchant_raw = {_col(prof, t, "merchant_name", "x")}
        LEFT JOIN monitoring_memo m ON m.memo_raw = {_col(prof, t, "description", "x")}
        WHERE x.booked_at >= :date_from AND x.booked_at < :date_to AND x.direction = 'out' AND x.channel = 'card'
    """


def hit_rows(engine: Engine, prof: DataProfile, date_from: dt.datetime, date_to: dt.datetime) -> None:
    """`monitoring_hit_tx`: the rows of `monitoring_tx_all` whose party is in `monitoring_hits` (the evidence
    step's input). The card purchases are read for those parties' accounts only, not enriched for the whole
    bank again."""
    engine.create_table(
        "monitoring_hit_account",
        "evidence: accounts of hit parties",
        "SELECT DISTINCT account_id FROM accounts WHERE party_id IN (SELECT party_id FROM monitoring_hits)",
    )
    sql, params = card_rows(prof, date_from, date_to, accounts="monitoring_hit_account")
    engine.create_table(
        "monitoring_hit_tx",
        "evidence: transactions of hit parties",
        f"""
        SELECT t.* FROM monitoring_tx t WHERE t.party_id IN (SELECT party_id FROM monitoring_hits)
        UNION ALL
        SELECT c.* FROM ({sql}) c WHERE c.party_id IN (SELECT party_id FROM monitoring_hits)
        """,
        params,
    )


def _cp_tables(engine: Engine, prof: DataProfile) -> None:
    """Lookups per distinct value: counterparty account -> account (ids compared without spaces or case, so an
    IBAN printed in groups of four still finds its account), counterparty name -> signature, merchant
    descriptor -> MCC basket (used only where the row has no MCC)."""
    t = "transactions"
    if "transactions.counterparty_account" in prof.present:
        engine.create_table(
            "monitoring_cpacct",
            "features: counterparty accounts",
            """
            SELECT d.cp_raw, a.account_id, a.party_id
            FROM (SELECT DISTINCT counterparty_account AS cp_raw FROM transactions
                  WHERE counterparty_account IS NOT NULL) d
            JOIN (SELECT account_id, party_id,
                         upper(regexp_replace(account_id, '[^A-Za-z0-9]', '', 'g')) AS k FROM accounts) a
              ON a.k = upper(regexp_replace(d.cp_raw, '[^A-Za-z0-9]', '', 'g'))
            """,
        )
    else:
        engine.create_table(
            "monitoring_cpacct",
            "features: counterparty accounts",
            "SELECT CAST(NULL AS VARCHAR) AS cp_raw, CAST(NULL AS VARCHAR) AS account_id, "
            "CAST(NULL AS VARCHAR) AS party_id FROM accounts WHERE 1 = 0",
        )
    names: list[str] = []
    if f"{t}.counterparty_name" in prof.present:
        names = [
            str(r["v"])
            for r in engine.query(
                "features: counterparty names",
                "SELECT DISTINCT counterparty_name AS v FROM transactions WHERE counterparty_name IS NOT NULL",
            ).to_pylist()
        ]
    engine.register_arrow(
        "monitoring_cpsig",
        pa.table(
            {
                "name_raw": pa.array(names, pa.string()),
                "name_sig": pa.array([signature(n) for n in names], pa.string()),
                "compact": pa.array([compact(n) for n in names], pa.string()),
                "c12": pa.array(
                    [c[:12] if c and len(c) >= 8 else None for c in (compact(n) for n in names)], pa.string()
                ),
            }
        ),
    )
    merchants: list[str] = []
    if f"{t}.merchant_name" in prof.present:
        merchants = [
            str(r["v"])
            for r in engine.query(
                "features: merchant descriptors",
                "SELECT DISTINCT merchant_name AS v FROM transactions WHERE merchant_name IS NOT NULL"
                # descriptors are needed only where a row has no MCC
                + (" AND mcc IS NULL" if "mcc" in set(engine.columns(t)) else ""),
            ).to_pylist()
        ]
    rules = [(str(b), re.compile(str(pat), re.IGNORECASE)) for b, pat in reference()["descriptor_baskets"]]
    baskets: list[str | None] = []
    for m in merchants:
        baskets.append(next((b for b, rx in rules if rx.search(m)), None))
    engine.register_arrow(
        "monitoring_merchant",
        pa.table(
            {"merchant_raw": pa.array(merchants, pa.string()), "basket": pa.array(baskets, pa.string())}
        ),
    )


def _masked_ids(engine: Engine, prof: DataProfile) -> None:
    """`monitoring_cpmask`: counterparties written as a masked tax id (a PIX line shows `***.208.991-**` of
    the payee's CPF) resolved to the customer whose id number has those digits in those places and whose
    name is the one on the line (any order of the name's tokens). Names alone repeat in a large bank; six
    visible digits and the name together rarely do, and a masked id matching two such customers stays
    unresolved."""
    t = "transactions"
    pairs: list[dict[str, Any]] = []
    ids: list[dict[str, Any]] = []
    if {f"{t}.counterparty_account", f"{t}.counterparty_name", "parties.id_number"} <= prof.present:
        pairs = engine.query(
            "features: masked counterparty ids",
            """
            SELECT DISTINCT counterparty_account AS cp_raw, counterparty_name AS name_raw FROM transactions
            WHERE counterparty_account LIKE '%*%' AND counterparty_name IS NOT NULL
            """,
        ).to_pylist()
        if pairs:
            ids = engine.query(
                "features: id numbers",
                """
                SELECT x.party_id, regexp_replace(x.id_number, '[^0-9]', '', 'g') AS digits, n.name_sig
                FROM parties x JOIN monitoring_names n ON n.party_id = x.party_id
                WHERE x.id_number IS NOT NULL
                """,
            ).to_pylist()
    shapes: dict[str, list[tuple[int, ...]]] = {}
    for r in pairs:
        mask = re.sub(r"[^0-9*]", "", str(r["cp_raw"]))
        if sum(ch.isdigit() for ch in mask) >= 4:
            shapes.setdefault(re.sub(r"[0-9]", "d", mask), [])
    index: dict[tuple[str, str, str | None], set[str]] = defaultdict(set)
    for shape in shapes:
        keep = [i for i, ch in enumerate(shape) if ch == "d"]
        for r in ids:
            digits = str(r["digits"] or "")
            if len(digits) == len(shape):
                index[(shape, "".join(digits[i] for i in keep), r["name_sig"])].add(str(r["party_id"]))
    rows: list[tuple[str, str, str]] = []
    for r in pairs:
        mask = re.sub(r"[^0-9*]", "", str(r["cp_raw"]))
        shape = re.sub(r"[0-9]", "d", mask)
        if shape not in shapes:
            continue
        found = index.get((shape, re.sub(r"[^0-9]", "", mask), signature(str(r["name_raw"]))), set())
        if len(found) == 1:
            rows.append((str(r["cp_raw"]), str(r["name_raw"]), next(iter(found))))
    engine.register_arrow(
        "monitoring_cpmask",
        pa.table(
            {
                "cp_raw": pa.array([a for a, _, _ in rows], pa.string()),
                "name_raw": pa.array([b for _, b, _ in rows], pa.string()),
                "party_id": pa.array([c for _, _, c in rows], pa.string()),
            }
        ),
    )


def _cycles(engine: Engine, source: str) -> None:
    """Pay and rent recognised from behaviour: recurring credits from one payer on a weekly, bi-weekly,
    semi-monthly or monthly cycle with steady amounts (pay), and fixed monthly payments to one payee early in
    the month (rent). Cash deposits count as one payer (`cash:`): wages paid in cash, common in cash-heavy
    economies, are deposited on the pay cycle with steady amounts. The description patterns stay a second
    signal (the memo flags of `source`, the enriched rows).

    Only the keys with `min_count` rows or more can become a cycle, so the window that orders each key's rows
    runs on those rows only (1.55M of the 2.36M candidate rows at 10M transactions: 2.7 -> 2.3 CPU-s). A
    key's rows are all kept or all dropped, so its gaps, and the cycles, are those of the whole set; the
    keys are never NULL (`cp_key` is checked or set, `account_id` is joined) except perhaps `direction`,
    compared as NOT DISTINCT. Each such key gets a number, and the window and the grouping run on that number
    instead of the three strings (sorting 1.57M rows on two strings and a direction cost about 0.75 CPU-s more
    at 10M transactions; the same cycles, docs/decisions/perf-08-account-month-by-row-facts.md).
    """
    ref = reference()["cycles"]
    engine.create_table(
        "monitoring_cycle",
        "features: recurring pay and rent",
        f"""
        WITH y AS (
          SELECT account_id, CASE WHEN channel = 'cash' THEN 'cash:' ELSE cp_key END AS cp_key, direction,
                 channel, amount, booked_at, ts
          FROM {check_identifier(source)}
          WHERE (cp_key IS NOT NULL AND channel IN ('ach', 'wire', 'check', 'other', 'p2p', 'internal')
                 AND (cp_party_id IS NULL OR cp_party_id <> party_id))
             OR (channel = 'cash' AND direction = 'in')
        ), k AS (
          SELECT account_id, cp_key, direction,
                 row_number() OVER (ORDER BY account_id, cp_key, direction) AS key_no
          FROM (SELECT account_id, cp_key, direction FROM y GROUP BY account_id, cp_key, direction
                HAVING count(*) >= :min_count) c
        ), x AS (
          SELECT k.key_no, y.channel, y.amount, CAST(extract(day FROM y.booked_at) AS INTEGER) AS dom,
                 (y.ts - lag(y.ts) OVER (PARTITION BY k.key_no ORDER BY y.ts)) / 86400.0 AS gap
          FROM y JOIN k ON k.account_id = y.account_id AND k.cp_key = y.cp_key
                       AND k.direction IS NOT DISTINCT FROM y.direction
        ), g AS (
          SELECT k.account_id, k.cp_key, k.direction, s.* FROM (
            SELECT key_no, count(*) AS n, median(gap) AS gap, avg(amount) AS mean_amount,
                   coalesce(stddev_samp(amount), 0) AS sd_amount, max(amount) - min(amount) AS spread,
                   avg(dom) AS mean_dom, sum(CASE WHEN channel = 'p2p' THEN 1 ELSE 0 END) AS p2p_n
            FROM x GROUP BY key_no
            HAVING count(*) >= :min_count
          ) s JOIN k ON k.key_no = s.key_no
        )
        SELECT account_id, cp_key, direction,
               CASE WHEN direction = 'in' AND p2p_n = 0 AND sd_amount <= :pay_cv * mean_amount
                         AND ((gap BETWEEN 6 AND 8) OR (gap BETWEEN 13 AND 16.5) OR (gap BETWEEN 27 AND 32))
                    THEN 1 ELSE 0 END AS is_pay,
               CASE WHEN direction = 'out' AND spread <= :rent_spread * mean_amount AND gap BETWEEN 27 AND 32
                         AND mean_dom <= :rent_max_day THEN 1 ELSE 0 END AS is_rent
        FROM g
        """,
        {
            "min_count": int(ref["min_count"]),
            "pay_cv": float(ref["pay_cv"]),
            "rent_spread": float(ref["rent_spread"]),
            "rent_max_day": float(ref["rent_max_day"]),
        },
    )


#: The cycles that flag rows: (account, counterparty key, direction) recognised as pay or rent, and the
#: employers (by party) whose recurring credits to a worker's account are pay, so the employer's own debit
#: line to that account is pay too.
_CYCLE_FLAGS = """(SELECT account_id, cp_key, direction, is_pay, is_rent FROM monitoring_cycle
                   WHERE is_pay = 1 OR is_rent = 1)"""
_EMPLOYER_PAY = """(SELECT account_id AS worker_account, substr(cp_key, 7) AS employer_party,
                          'out' AS direction, max(is_pay) AS is_pay
                   FROM monitoring_cycle WHERE is_pay = 1 AND direction = 'in' AND cp_key LIKE 'party:%'
                   GROUP BY account_id, substr(cp_key, 7))"""


def _flag_in_place(engine: Engine) -> None:
    """Add the recurring pay and rent to `monitoring_tx` in place: a row is pay when its memo says so (the
    value it was made with) or a pay cycle covers it, rent likewise, and a pay row without a payroll memo
    gets `cycle <counterparty key>` as its memo. The same values as `_flagged_copy` (each cycle key is unique,
    so a row meets at most one cycle row of each kind) without copying 3.5M rows of 31 columns at 10M
    transactions: the two updates cost 1.5 CPU-s there, the copy 3.2."""
    engine.update(
        "features: pay and rent cycles (in place)",
        f"""
        UPDATE monitoring_tx AS t
        SET is_payroll = CASE WHEN ci.is_pay = 1 THEN 1 ELSE t.is_payroll END,
            is_rent = CASE WHEN ci.is_rent = 1 THEN 1 ELSE t.is_rent END,
            payroll_memo = CASE WHEN t.payroll_memo IS NULL AND ci.is_pay = 1
                                THEN 'cycle ' || coalesce(t.cp_key, '') ELSE t.payroll_memo END
        FROM {_CYCLE_FLAGS} ci
        WHERE ci.account_id = t.account_id AND ci.direction = t.direction
          AND ci.cp_key = CASE WHEN t.channel = 'cash' THEN 'cash:' ELSE t.cp_key END
        """,
    )
    engine.update(
        "features: employers' pay (in place)",
        f"""
        UPDATE monitoring_tx AS t
        SET is_payroll = 1,
            payroll_memo = CASE WHEN t.payroll_memo IS NULL THEN 'cycle ' || coalesce(t.cp_key, '')
                                ELSE t.payroll_memo END
        FROM {_EMPLOYER_PAY} co
        WHERE co.worker_account = t.cp_account_id AND co.employer_party = t.party_id
          AND co.direction = t.direction AND co.is_pay = 1
        """,
    )


def _flagged_copy(engine: Engine) -> None:
    """`monitoring_tx`: the enriched rows (`monitoring_tx_base`, dropped after) copied with the recurring pay
    and rent flags, for engines that cannot update a table in place (Spark's temporary views)."""
    engine.query(
        "features: enriched transactions (view)",
        f"""
        CREATE OR REPLACE TEMPORARY VIEW monitoring_tx_flagged AS
        SELECT t.txn_id, t.account_id, t.party_id, t.booked_at, t.month, t.ts, t.hour, t.is_night, t.amount,
               t.direction, t.channel, t.cp_party_id, t.cp_account_id, t.cp_key, t.cp_country, t.mcc, t.basket,
               t.city, t.country,
               CASE WHEN t.is_payroll_memo = 1 OR ci.is_pay = 1 OR co.is_pay = 1 THEN 1 ELSE 0 END AS is_payroll,
               CASE WHEN t.is_rent_memo = 1 OR ci.is_rent = 1 THEN 1 ELSE 0 END AS is_rent,
               t.is_fee, t.is_prepaid, t.is_crypto, t.is_tppp, t.is_recruiter,
               CASE WHEN t.memo_payroll IS NOT NULL THEN t.memo_payroll
                    WHEN ci.is_pay = 1 OR co.is_pay = 1 THEN 'cycle ' || coalesce(t.cp_key, '') END AS payroll_memo
        FROM monitoring_tx_base t
        LEFT JOIN {_CYCLE_FLAGS} ci
          ON ci.account_id = t.account_id AND ci.direction = t.direction
         AND ci.cp_key = CASE WHEN t.channel = 'cash' THEN 'cash:' ELSE t.cp_key END
        LEFT JOIN {_EMPLOYER_PAY} co
          ON co.worker_account = t.cp_account_id AND co.employer_party = t.party_id
         AND co.direction = t.direction
        """,
    )
    engine.create_table(
        "monitoring_tx", "features: enriched transactions", "SELECT * FROM monitoring_tx_flagged"
    )
    engine.query("features: drop the enriched rows", "DROP VIEW IF EXISTS monitoring_tx_flagged")
    engine.drop("monitoring_tx_base")


#: Facts about one enriched row, each one bit of the row's `code` in the account-month step. A fact holds only
#: where some aggregate reads it (an amount band only on the rows whose aggregate has that band), so rows that
#: differ in nothing the aggregates read share a code, and an account's month, city and code group them.
#: `{home}` is the alias of the row's owner (home country and city).
MONTH_FACTS: dict[str, str] = {
    "in": "direction = 'in'",
    "out": "direction = 'out'",
    "cash": "channel IN ('cash', 'atm')",
    "ach": "channel = 'ach'",
    "card": "channel = 'card'",
    "p2p": "channel = 'p2p'",
    "night": "is_night = 1 AND (channel IN ('cash', 'atm') OR (direction = 'in' AND channel = 'p2p'))",
    "offhours": "direction = 'in' AND (hour < 7 OR hour >= 21)",
    "p2p_small": "direction = 'in' AND channel = 'p2p' AND amount < 100",
    "deposit_mid": "direction = 'in' AND channel IN ('cash', 'atm') AND amount >= 200 AND amount <= 800",
    "ad_multiple": "direction = 'out' AND basket = 'online_ads' AND amount <= 100 "
    "AND CAST(round(amount * 100) AS BIGINT) % :ad_unit_cents = 0",
    "ad_foreign": "direction = 'out' AND basket = 'online_ads' AND t.country IS NOT NULL "
    "AND t.country <> coalesce({home}.home_country, '')",
    "risky": "direction = 'out' AND cp_country IN :high_risk",
    "payroll": "direction = 'out' AND is_payroll = 1",
    "rent": "direction = 'out' AND (is_rent = 1 OR t.mcc = '6513')",
    "crypto": "direction = 'out' AND (basket = 'crypto' OR is_crypto = 1)",
    "prepaid": "direction = 'out' AND (basket = 'prepaid' OR is_prepaid = 1)",
    "recruit": "direction = 'out' AND (basket = 'recruitment' OR is_recruiter = 1)",
    "cash_away": "direction = 'in' AND channel IN ('cash', 'atm') AND t.city <> coalesce({home}.home_city, '')",
    **{
        basket: f"direction = 'out' AND basket = '{basket}'"
        for basket in (
            "lodging",
            "long_travel",
            "local_transport",
            "fast_food",
            "restaurant",
            "grocery",
            "personal_care",
            "online_ads",
            "topup",
            "gambling",
            "luxury",
            "utilities",
        )
    },
}

#: Facts a card purchase (direction 'out', channel 'card') never has: it is not incoming, cash, ACH or P2P,
#: and carries no pay flag, so its code leaves them out; `out` and `card` are always set.
CARD_NEVER = frozenset(
    {"in", "cash", "ach", "p2p", "night", "offhours", "p2p_small", "deposit_mid", "payroll", "cash_away"}
)

_SUSTENANCE = (
    "lodging",
    "long_travel",
    "local_transport",
    "personal_care",
    "fast_food",
    "restaurant",
    "grocery",
)

#: The account-month aggregates: name -> (`n` counts rows, `s` sums amounts, facts all required, facts of
#: which one is enough). `n_txn`, `first_at` and `last_at` are added to every row.
MONTH_AGGREGATES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "n_in": ("n", ("in",), ()),
    "sum_in": ("s", ("in",), ()),
    "sum_out": ("s", ("out",), ()),
    "cash_in_n": ("n", ("in", "cash"), ()),
    "cash_in_sum": ("s", ("in", "cash"), ()),
    "cash_out_n": ("n", ("out", "cash"), ()),
    "cash_atm_n": ("n", ("cash",), ()),
    "night_cash_n": ("n", ("cash", "night"), ()),
    "ach_n": ("n", ("ach",), ()),
    "card_out_sum": ("s", ("out", "card"), ()),
    "lodging_n": ("n", ("lodging",), ()),
    "lodging_sum": ("s", ("lodging",), ()),
    "travel_n": ("n", ("long_travel",), ()),
    "travel_sum": ("s", ("long_travel",), ()),
    "local_n": ("n", ("local_transport",), ()),
    "fast_food_n": ("n", ("fast_food",), ()),
    "food_sum": ("s", (), ("fast_food", "restaurant", "grocery")),
    "care_n": ("n", ("personal_care",), ()),
    "care_sum": ("s", ("personal_care",), ()),
    "ads_n": ("n", ("online_ads",), ()),
    "ads_sum": ("s", ("online_ads",), ()),
    "ads_multiple_n": ("n", ("ad_multiple",), ()),
    "ads_foreign_n": ("n", ("ad_foreign",), ()),
    "crypto_n": ("n", ("crypto",), ()),
    "crypto_sum": ("s", ("crypto",), ()),
    "prepaid_n": ("n", ("prepaid",), ()),
    "prepaid_sum": ("s", ("prepaid",), ()),
    "topup_n": ("n", ("topup",), ()),
    "gambling_sum": ("s", ("gambling",), ()),
    "luxury_sum": ("s", ("luxury",), ()),
    "recruit_n": ("n", ("recruit",), ()),
    "recruit_sum": ("s", ("recruit",), ()),
    "sustenance_sum": ("s", (), _SUSTENANCE),
    "p2p_in_small_n": ("n", ("p2p_small",), ()),
    "night_p2p_in_n": ("n", ("in", "p2p", "night"), ()),
    "dep_mid_n": ("n", ("deposit_mid",), ()),
    "risky_out_sum": ("s", ("risky",), ()),
    "payroll_out_sum": ("s", ("payroll",), ()),
    "offhours_in_n": ("n", ("offhours",), ()),
    "rent_out_n": ("n", ("rent",), ()),
    "rent_out_sum": ("s", ("rent",), ()),
    "utilities_sum": ("s", ("utilities",), ()),
}

#: Distinct cities (with a city on the row) per account and month where some row meets the condition.
MONTH_CITY_FLAGS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "atm_cities": (("cash",), ()),
    "cash_in_away_cities": (("cash_away",), ()),
    "activity_cities": ((), ("card", "cash")),
    "lodging_cities": (("lodging",), ()),
    "dep_mid_cities": (("deposit_mid",), ()),
}


def _fact_bits(names: tuple[str, ...]) -> int:
    bits = list(MONTH_FACTS)
    return sum(1 << bits.index(n) for n in names)


def _meets(every: tuple[str, ...], some: tuple[str, ...]) -> str:
    """The condition on a group's `code`: every fact of `every` set, and one of `some` when given."""
    parts = []
    if every:
        parts.append(f"(code & {_fact_bits(every)}) = {_fact_bits(every)}")
    if some:
        parts.append(f"(code & {_fact_bits(some)}) <> 0")
    return " AND ".join(parts) or "TRUE"


def _code(home: str, card: bool) -> str:
    """A row's facts as one integer (bit i: fact i of MONTH_FACTS); on card purchases only the facts they can
    have are evaluated."""
    terms = []
    for bit, (name, cond) in enumerate(MONTH_FACTS.items()):
        if card and name in CARD_NEVER:
            continue
        if card and name in ("out", "card"):
            terms.append(str(1 << bit))
        else:
            terms.append(f"CASE WHEN {cond.format(home=home)} THEN {1 << bit} ELSE 0 END")
    return " + ".join(terms)


def _account_month(engine: Engine, prof: DataProfile, date_from: dt.datetime, date_to: dt.datetime) -> None:
    """Per account and month: every count and sum the catalogue needs, and distinct-city counts.

    Forty-odd conditional aggregates over every row were the run's costliest step (each row updated each
    aggregate: 13.8 CPU-s at 10M transactions). Instead each row's facts (direction, channel, basket, the
    amount bands and flags that some aggregate reads) become one integer `code`, and a narrow grouping by
    account, month, city and code keeps only a count, a sum and the first and last booking (10M rows -> 4M
    groups). The conditional aggregates then run on those groups, and the city flags on their cities
    (docs/decisions/perf-08-account-month-by-row-facts.md). The card purchases (about 60% of the rows) are
    read straight from `transactions` with the owner's home country per account (no per-row party join);
    their raw city is grouped and normalised once per account, month and city, never per row. Distinct
    payers come from the small materialised table. `count(DISTINCT ...)` over raw rows is avoided
    (docs/decisions/perf-04-monitoring-feature-stage.md).
    """
    ref = reference()
    t = "transactions"
    engine.create_table(
        "monitoring_account_home",
        "features: account home countries",
        """
        SELECT a.account_id, a.party_id, p.home_country
        FROM accounts a LEFT JOIN monitoring_party p ON p.party_id = a.party_id
        """,
    )
    mcc = _col(prof, t, "mcc", "x")
    # the card purchases' columns the facts read, through the lookups `card_rows` uses, the city left raw
    cards = f"""
        SELECT x.account_id, x.booked_at, date_trunc('month', x.booked_at) AS month,
               CAST(x.amount AS DOUBLE) AS amount, 'out' AS direction, 'card' AS channel,
               upper({_col(prof, t, "counterparty_country", "x")}) AS cp_country, {mcc} AS mcc,
               {_CARD_BASKET.format(mcc=mcc)} AS basket,
               {_col(prof, t, "city", "x")} AS city, upper({_col(prof, t, "country", "x")}) AS country,
               0 AS is_payroll, 0 AS is_rent, coalesce(m.is_prepaid, 0) AS is_prepaid, 0 AS is_crypto,
               0 AS is_recruiter, a.home_country
        {_card_source(prof, "monitoring_account_home")}
    """
    sums = ",\n               ".join(
        f"sum(CASE WHEN {_meets(every, some)} THEN {kind} ELSE 0 END) AS {name}"
        for name, (kind, every, some) in MONTH_AGGREGATES.items()
    )
    city_flags = ", ".join(
        f"max(CASE WHEN {_meets(every, some)} THEN 1 ELSE 0 END) AS {name}"
        for name, (every, some) in MONTH_CITY_FLAGS.items()
    )
    engine.create_table(
        "monitoring_account_month",
        "features: account-month aggregates",
        f"""
        WITH g AS (
          SELECT account_id, month, city, code, count(*) AS n, coalesce(sum(amount), 0) AS s,
                 min(booked_at) AS first_at, max(booked_at) AS last_at
          FROM (
            SELECT t.account_id, t.month, t.city, t.amount, t.booked_at, {_code("t", card=True)} AS code
            FROM ({cards}) t
            UNION ALL
            SELECT t.account_id, t.month, t.city, t.amount, t.booked_at, {_code("p", card=False)} AS code
            FROM monitoring_tx t LEFT JOIN monitoring_party p ON p.party_id = t.party_id
          ) r
          GROUP BY account_id, month, city, code
        ), main AS (
          SELECT account_id, month, sum(n) AS n_txn,
               {sums},
               min(first_at) AS first_at, max(last_at) AS last_at
          FROM g GROUP BY account_id, month
        ), cities AS (
          SELECT account_id, month, {", ".join(f"sum({n}) AS {n}" for n in MONTH_CITY_FLAGS)} FROM (
            SELECT account_id, month, city, {", ".join(f"max({n}) AS {n}" for n in MONTH_CITY_FLAGS)} FROM (
              SELECT account_id, month, lower(trim(city)) AS city, {city_flags}
              FROM g WHERE city IS NOT NULL GROUP BY account_id, month, city
            ) raw_city GROUP BY account_id, month, city
          ) c GROUP BY account_id, month
        ), payers AS (
          SELECT account_id, month, sum(night_p2p_payers) AS night_p2p_payers FROM (
            SELECT t.account_id, t.month, t.cp_key,
                   max(CASE WHEN t.direction = 'in' AND t.channel = 'p2p' AND t.is_night = 1 THEN 1 ELSE 0 END)
                     AS night_p2p_payers
            FROM monitoring_tx t
            WHERE t.direction = 'in' AND t.cp_key IS NOT NULL AND t.channel IN ('p2p', 'internal', 'ach', 'wire')
            GROUP BY t.account_id, t.month, t.cp_key
          ) y GROUP BY account_id, month
        )
        SELECT m.account_id, a.party_id, m.month, m.n_txn, {", ".join(f"m.{n}" for n in MONTH_AGGREGATES)},
               m.first_at, m.last_at,
               {", ".join(f"coalesce(c.{n}, 0) AS {n}" for n in MONTH_CITY_FLAGS)},
               a.account_type, p.party_type, p.is_front_sector, p.is_labour_sector,
               coalesce(y.night_p2p_payers, 0) AS night_p2p_payers
        FROM main m
        LEFT JOIN cities c ON c.account_id = m.account_id AND c.month = m.month
        LEFT JOIN monitoring_accounts a ON a.account_id = m.account_id
        LEFT JOIN monitoring_party p ON p.party_id = a.party_id
        LEFT JOIN payers y ON y.account_id = m.account_id AND y.month = m.month
        """,
        {
            "date_from": date_from,
            "date_to": date_to,
            "ad_unit_cents": int(ref.get("ad_unit_cents", 300)),
            "high_risk": list(ref["high_risk_countries"]),
        },
    )
    engine.drop("monitoring_account_home")


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
