"""The synthetic bank is written exactly in the bank data contract's shape."""

from __future__ import annotations

import csv
import re

import duckdb

from chainbreaker.core.contract import TABLES_BY_NAME
from chainbreaker.core.reference import country_codes, currency_codes
from chainbreaker.synth import SynthReport

from ._helpers import SMALL, rows


def _header(report: SynthReport, name: str) -> list[str]:
    with report.files[name].open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


def test_columns_are_the_contract_columns_in_order(small_bank: SynthReport) -> None:
    for name in ("parties", "accounts", "account_holders", "transactions"):
        assert _header(small_bank, name) == list(TABLES_BY_NAME[name].column_names), name


def test_requested_size_is_met_within_a_few_percent(small_bank: SynthReport) -> None:
    assert abs(small_bank.transactions - SMALL.transactions) / SMALL.transactions < 0.12
    assert small_bank.rows["transactions"] == sum(1 for _ in small_bank.files["transactions"].open()) - 1


def test_required_columns_are_filled_and_keys_unique(bank_db: duckdb.DuckDBPyConnection) -> None:
    for name in ("parties", "accounts", "account_holders", "transactions"):
        table = TABLES_BY_NAME[name]
        for col in table.required_columns:
            assert rows(bank_db, f"SELECT count(*) FROM {name} WHERE {col} IS NULL OR {col} = ''") == [
                (0,)
            ], col
        key = ", ".join(table.key)
        assert rows(bank_db, f"SELECT count(*) - count(DISTINCT ({key})) FROM {name}") == [(0,)], name


def test_enumerations_and_codes(bank_db: duckdb.DuckDBPyConnection) -> None:
    for name, table in TABLES_BY_NAME.items():
        for col in table.columns:
            values = {v for (v,) in rows(bank_db, f"SELECT DISTINCT {col.name} FROM {name}") if v is not None}
            if col.values:
                assert values <= set(col.values), (name, col.name, values - set(col.values))
            if col.type == "country":
                assert values <= country_codes(), (name, col.name, values - country_codes())
            if col.type == "currency":
                assert values <= currency_codes(), (name, col.name)
            if col.type == "mcc":
                assert all(re.fullmatch(r"\d{4}", v) for v in values), (name, col.name)
            if col.type == "naics":
                assert all(re.fullmatch(r"\d{2,6}", v) for v in values), (name, col.name)
            if col.type == "date":
                assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in values), (name, col.name)


def test_amounts_and_timestamps(bank_db: duckdb.DuckDBPyConnection) -> None:
    bad_amount = rows(
        bank_db,
        r"SELECT count(*) FROM transactions WHERE NOT regexp_full_match(amount, '\d+\.\d{2}')"
        " OR CAST(amount AS DECIMAL(18,2)) <= 0",
    )
    assert bad_amount == [(0,)]
    bad_ts = rows(
        bank_db,
        r"SELECT count(*) FROM transactions WHERE NOT regexp_full_match(booked_at, "
        r"'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}')",
    )
    assert bad_ts == [(0,)]
    first, last = rows(bank_db, "SELECT min(booked_at), max(booked_at) FROM transactions")[0]
    assert str(first) >= "2024-01-01" and str(last) < "2024-07-01"


def test_referential_integrity(bank_db: duckdb.DuckDBPyConnection) -> None:
    assert rows(bank_db, "SELECT count(*) FROM accounts a ANTI JOIN parties p USING (party_id)") == [(0,)]
    assert rows(
        bank_db, "SELECT count(*) FROM account_holders h ANTI JOIN accounts a USING (account_id)"
    ) == [(0,)]
    assert rows(bank_db, "SELECT count(*) FROM account_holders h ANTI JOIN parties p USING (party_id)") == [
        (0,)
    ]
    assert rows(bank_db, "SELECT count(*) FROM transactions t ANTI JOIN accounts a USING (account_id)") == [
        (0,)
    ]


def test_no_transaction_before_its_account_was_opened(bank_db: duckdb.DuckDBPyConnection) -> None:
    early = rows(
        bank_db,
        "SELECT count(*) FROM transactions t JOIN accounts a USING (account_id) "
        "WHERE CAST(t.booked_at AS TIMESTAMP) < CAST(a.opened_at AS DATE)",
    )
    assert early == [(0,)]


def test_internal_transfers_appear_twice_naming_each_other(bank_db: duckdb.DuckDBPyConnection) -> None:
    on_us = "SELECT t.* FROM transactions t SEMI JOIN accounts a ON a.account_id = t.counterparty_account"
    (n_on_us,) = rows(bank_db, f"SELECT count(*) FROM ({on_us})")[0]
    assert n_on_us > 1000
    unpaired = rows(
        bank_db,
        f"""
        SELECT count(*) FROM ({on_us}) x ANTI JOIN transactions y
        ON y.account_id = x.counterparty_account AND y.counterparty_account = x.account_id
        AND y.booked_at = x.booked_at AND y.amount = x.amount AND y.direction <> x.direction
    """,
    )
    assert unpaired == [(0,)]
    ins, outs = rows(
        bank_db,
        f"SELECT count(*) FILTER (direction = 'in'), count(*) FILTER (direction = 'out') FROM ({on_us})",
    )[0]
    assert ins == outs


def test_card_rows_carry_merchant_and_mcc(bank_db: duckdb.DuckDBPyConnection) -> None:
    missing = rows(
        bank_db,
        "SELECT count(*) FROM transactions WHERE channel = 'card' AND (mcc IS NULL OR merchant_name IS NULL)",
    )
    assert missing == [(0,)]
    wires = rows(
        bank_db,
        "SELECT count(*) FILTER (counterparty_country IS NOT NULL), count(*) FROM transactions "
        "WHERE channel = 'wire' AND direction = 'out' AND counterparty_country <> 'US'",
    )
    assert wires[0][0] == wires[0][1] and wires[0][1] > 0


def test_population_has_the_lookalikes(bank_db: duckdb.DuckDBPyConnection) -> None:
    """Look-alikes are the point: they must be there for naive rules to fail."""
    occupations = {o for (o,) in rows(bank_db, "SELECT DISTINCT occupation FROM parties")}
    assert {"student", "retired", "night nurse", "bartender"} & occupations
    shared_address = rows(
        bank_db,
        "SELECT count(*) FROM (SELECT address FROM parties p ANTI JOIN labels l "
        "USING (party_id) GROUP BY address HAVING count(*) >= 4)",
    )
    assert shared_address[0][0] > 0
    hotels_unlabelled = rows(
        bank_db,
        "SELECT count(DISTINCT a.party_id) FROM transactions t JOIN accounts a "
        "USING (account_id) ANTI JOIN labels l ON l.party_id = a.party_id "
        "WHERE t.mcc BETWEEN '3501' AND '3790'",
    )
    assert hotels_unlabelled[0][0] > 0
    night_cash_unlabelled = rows(
        bank_db,
        "SELECT count(DISTINCT a.party_id) FROM transactions t JOIN accounts a "
        "USING (account_id) ANTI JOIN labels l ON l.party_id = a.party_id "
        "WHERE t.channel = 'atm' AND t.direction = 'in' "
        "AND hour(CAST(t.booked_at AS TIMESTAMP)) IN (22, 23, 0, 1, 2, 3, 4, 5)",
    )
    assert night_cash_unlabelled[0][0] > 0
