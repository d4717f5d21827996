"""The features of name-v2 are pure functions; each is checked on the cases its docstring promises."""

from __future__ import annotations

from chainbreaker.screening.features import (
    compare_names,
    country_match,
    dob_match,
    identifier_match,
    parse_partial_date,
    schema_match,
    token_similarity,
)
from chainbreaker.screening.normalize import ORG, PERSON, normalize_name


def names(a: str, b: str, kind: str = PERSON) -> float:
    return compare_names(normalize_name(a, kind), normalize_name(b, kind)).score


def test_token_order_does_not_matter() -> None:
    assert names("PUTIN, Vladimir", "Vladimir Putin") == 1.0


def test_a_different_surname_is_a_strong_penalty_but_a_dropped_middle_name_is_not() -> None:
    assert names("Octavian Scholz", "Olaf Scholz") <= 0.5
    assert names("Boris Jonson", "Boris Johnson") > 0.85
    assert names("Akhtar Mansour", "Akhtar Mohammad Mansour") > names("Akhtar Mansour", "Akhtar Khan")


def test_joined_spelling_and_legal_forms() -> None:
    assert names("Xi Jin Ping", "Xi Jinping") > 0.9
    assert names("OAO Gazprom", "Open Joint Stock Company Gazprom", ORG) == 1.0
    assert names("Volkswagen AG", "Siemens AG", ORG) < 0.5


def test_token_similarity_allowances() -> None:
    assert token_similarity("j", "john") == 0.8
    assert token_similarity("ben", "benjamin") >= 0.8
    assert token_similarity("2004", "2005") == 0.0
    assert token_similarity("olaf", "octavian") < 0.62


def test_dob() -> None:
    assert dob_match("1952-10-07", ("1952",)) == 1.0
    assert dob_match("1952-10-07", ("1952-07-10",)) == 0.5
    assert dob_match("1953", ("1952-10-07",)) == 0.5
    assert dob_match("1980-01-01", ("1952-10-07",)) == 0.0
    assert dob_match(None, ("1952",)) is None
    assert dob_match("1952-13-45", ("1952",)) is None  # impossible date: not comparable, not an error
    assert parse_partial_date("0000-00-00") is None


def test_country_identifier_schema() -> None:
    assert country_match(("Iraq",), ("iq",)) == 1.0
    assert country_match(("US",), ("ru",)) == 0.0
    assert country_match((), ("ru",)) is None
    assert identifier_match(("12.345.678/0001-95",), ("12345678000195",)) == 1.0
    assert identifier_match(("IMO 9123456",), ("9123456",)) == 1.0
    assert identifier_match(("123",), ("123",)) is None  # too short to identify anyone
    assert schema_match("Person", "Company") == 0.0
    assert schema_match("Company", "Organization") == 1.0
    assert schema_match(None, "Vessel") == 1.0
