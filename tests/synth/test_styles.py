"""Export styles: the same bank written as different real banks write it, and realism every style shares.

Each style's bank is handed to the real loader (the next stage): every row must be accepted.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from schwifty import IBAN
from stdnum.br import cpf

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.ingest import load_folder
from chainbreaker.synth import SynthConfig, generate_bank
from chainbreaker.synth.styles import STYLES, parse_style

BASE = dict(transactions=60_000, seed=5, prevalence=0.08, weak_share=0.4, format="parquet")


@pytest.fixture(scope="module")
def banks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = {}
    for style in STYLES:
        folder = tmp_path_factory.mktemp(style)
        generate_bank(folder, SynthConfig(**BASE, styles=(style,)))  # type: ignore[arg-type]
        out[style] = folder
    return out


def q(folder: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    for t in ("parties", "accounts", "transactions"):
        con.read_parquet(str(folder / f"{t}.parquet")).create_view(t)
    con.read_csv(str(folder / "labels.csv"), all_varchar=True).create_view("labels")
    return con.execute(sql).fetchall()


def test_parse_style() -> None:
    assert parse_style("mix") == STYLES
    assert parse_style("us_retail, european") == ("us_retail", "european")
    with pytest.raises(InputError, match="--style"):
        parse_style("martian")


@pytest.mark.parametrize("style", STYLES)
def test_every_style_loads_without_rejects(banks: dict[str, Path], style: str, tmp_path: Path) -> None:
    report = load_folder(banks[style], Workspace(tmp_path / "ws"))
    assert all(t.rejected == 0 for t in report.tables), [(t.table, t.rejected) for t in report.tables]
    assert report.table_rows["transactions"] == q(banks[style], "SELECT count(*) FROM transactions")[0][0]


def test_styles_change_the_layout_not_the_truth(banks: dict[str, Path]) -> None:
    labels = {s: q(b, "SELECT party_id, role FROM labels ORDER BY 1") for s, b in banks.items()}
    assert len({tuple(v) for v in labels.values()}) == 1
    counts = {s: q(b, "SELECT count(*) FROM transactions")[0][0] for s, b in banks.items()}
    assert len(set(counts.values())) == 1


def test_european_style(banks: dict[str, Path]) -> None:
    b = banks["european"]
    for (acct,) in q(b, "SELECT account_id FROM accounts USING SAMPLE 50 ROWS"):
        IBAN(str(acct))  # raises on a bad check digit
    assert q(b, "SELECT count(*) FROM transactions WHERE CAST(booked_at AS TIME) <> TIME '00:00:00'") == [
        (0,)
    ]
    assert q(
        b,
        "SELECT count(*) FROM transactions WHERE description ILIKE '%payroll%' AND counterparty_name NOT ILIKE '%payroll%'",
    ) == [(0,)]
    spaced = q(
        b,
        "SELECT count(*) FROM transactions WHERE channel = 'internal' AND counterparty_account LIKE 'DE__ ____ %'",
    )
    assert spaced[0][0] > 0  # on-us counterparties printed in groups of four
    names = q(b, "SELECT name FROM parties WHERE party_type = 'person' LIMIT 20")
    assert all(str(n).split()[0].isupper() for (n,) in names)


def test_latam_style(banks: dict[str, Path]) -> None:
    b = banks["latam"]
    ids = q(b, "SELECT id_number FROM parties WHERE party_type = 'person' LIMIT 50")
    assert all(cpf.is_valid(str(i)) for (i,) in ids)
    assert q(
        b, "SELECT count(*) FROM transactions WHERE channel = 'p2p' AND description NOT LIKE 'PIX %'"
    ) == [(0,)]
    atm = {
        s: q(banks[s], "SELECT count(*) FROM transactions WHERE channel = 'atm'")[0][0]
        for s in ("clean", "latam")
    }
    assert atm["latam"] > 2 * atm["clean"]  # cash-heavy


def test_neobank_and_us_retail_styles(banks: dict[str, Path]) -> None:
    neo = banks["neobank"]
    assert q(
        neo, "SELECT count(mcc), count(branch) FROM transactions, (SELECT branch FROM accounts LIMIT 1)"
    ) == [(0, 0)]
    assert (
        q(
            neo,
            "SELECT count(*) FROM transactions WHERE merchant_name LIKE 'SQ *%' OR merchant_name LIKE '% #%'",
        )[0][0]
        > 0
    )
    us = banks["us_retail"]
    assert q(us, "SELECT count(counterparty_account) FROM transactions WHERE channel = 'p2p'") == [(0,)]
    assert (
        q(us, "SELECT count(*) FROM transactions WHERE channel = 'ach' AND description LIKE '%DIR DEP PPD%'")[
            0
        ][0]
        > 0
    )


def test_sparse_kyc_style(banks: dict[str, Path]) -> None:
    ((phones, persons),) = q(banks["sparse_kyc"], "SELECT count(phone), count(*) FROM parties")
    assert phones < 0.5 * persons
    orgs = q(banks["sparse_kyc"], "SELECT name FROM parties WHERE party_type = 'organization'")
    assert all(str(n) == str(n).upper() for (n,) in orgs)


def test_realism_shared_by_every_style(banks: dict[str, Path]) -> None:
    b = banks["clean"]
    ((new, persons),) = q(
        b,
        "SELECT count(*) FILTER (WHERE onboarded_at >= DATE '2024-01-01'), count(*) FROM parties WHERE party_type = 'person'",
    )
    assert 0.1 * persons < new < 0.4 * persons  # steady onboarding, not only ring members
    old_victims = q(
        b,
        "SELECT count(DISTINCT p.party_id) FROM parties p JOIN labels l USING (party_id) "
        "WHERE l.role = 'victim' AND p.onboarded_at < DATE '2023-06-01'",
    )
    assert old_victims[0][0] > 0  # some rings opened their accounts long ago
    assert (
        q(b, "SELECT count(*) FROM transactions WHERE description LIKE '%DEPOSIT CCD'")[0][0] > 0
    )  # ACH-settled cards
    assert (
        q(b, "SELECT count(*) FROM transactions WHERE description = 'ONLINE TRANSFER TO EXT SAVINGS'")[0][0]
        > 0
    )
    days = {
        d
        for (d,) in q(
            b,
            "SELECT DISTINCT day(booked_at) FROM transactions WHERE description LIKE 'PAYROLL%' AND direction = 'in'",
        )
    }
    assert {1, 15} <= days  # semi-monthly and monthly paydays besides the Friday cycles
