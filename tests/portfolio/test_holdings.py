"""Holdings files: every bad row rejected with its row, column and reason; read = accepted + rejected."""

from __future__ import annotations

from pathlib import Path

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.portfolio.holdings import lei_ok, parse_holdings, read_holdings

HEADER = "holding_id,issuer_name,lei,isin,domicile,countries,sector,goods,exposure,currency,parent_id\n"


def test_good_rows_are_parsed_with_iso_countries_and_lists() -> None:
    text = HEADER + "H1,Acme Cocoa SA,,US0378331005,Côte d'Ivoire,GH;ci,ISIC 1073,Cocoa; Sugar,1_000,usd,\n"
    read = parse_holdings(text)
    (h,) = read.holdings
    assert (h.domicile, h.countries, h.goods, h.exposure, h.currency) == (
        "ci",
        ("gh", "ci"),
        ("Cocoa", "Sugar"),
        1000.0,
        "USD",
    )
    assert h.all_countries == ("ci", "gh")


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (",Acme,,,,,,,,,", "holding_id", "empty holding_id"),
        ("H1,,,,,,,,,,", "issuer_name", "empty issuer_name"),
        ("H1,Acme,NOTALEI,,,,,,,,", "lei", "not a valid LEI"),
        ("H1,Acme,,US0378331006,,,,,,,", "isin", "not a valid ISIN"),
        ("H1,Acme,,,Atlantis,,,,,,", "domicile", "country not recognised"),
        ("H1,Acme,,,,BR;Narnia,,,,,", "countries", "country not recognised: 'Narnia'"),
        ("H1,Acme,,,,,,,-5,,", "exposure", "finite number"),
        ("H1,Acme,,,,,,,ten,,", "exposure", "not a number"),
        ("H1,Acme,,,,,,,,ABC,", "currency", "ISO 4217"),
        ("H1,Acme,,,,,,,,,H9", "parent_id", "not the holding_id of an accepted row"),
        ("H1,Acme,,,,,,,,,H1", "parent_id", "names the row itself"),
        ("H1,Acme", "", "expected 11 columns"),
    ],
)
def test_bad_rows_are_rejected_with_column_and_reason(row: str, column: str, reason: str) -> None:
    read = parse_holdings(HEADER + row + "\nH2,Fine Co,,,,,,,,,\n")
    assert read.rows_read == 2 == len(read.holdings) + len(read.rejects)
    (rej,) = read.rejects
    assert (rej.row, rej.column) == (2, column) and reason in rej.reason


def test_duplicates_and_parent_loops_are_rejected() -> None:
    text = HEADER + "A,One,,,,,,,,,B\nB,Two,,,,,,,,,A\nC,Three,,,,,,,,,\nC,Again,,,,,,,,,\n"
    read = parse_holdings(text)
    assert [h.holding_id for h in read.holdings] == ["C"]
    assert sorted(r.reason.split(" (")[0] for r in read.rejects) == [
        "duplicate holding_id",
        "parent_id chain loops back to this row",
        "parent_id chain loops back to this row",
    ]
    assert read.rows_read == 4


def test_unreadable_files_stop_with_the_file_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_holdings(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        read_holdings(empty)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("id,name\n1,x\n")
    with pytest.raises(InputError, match="missing required column"):
        read_holdings(wrong)
    extra = tmp_path / "extra.csv"
    extra.write_text("holding_id,issuer_name,colour\n1,x,red\n")
    with pytest.raises(InputError, match="unknown column"):
        read_holdings(extra)


def test_lei_check_digits() -> None:
    assert lei_ok("5493001KJTIIGC8Y1R12")  # Bloomberg LP's LEI
    assert not lei_ok("5493001KJTIIGC8Y1R13")
