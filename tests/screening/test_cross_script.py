"""Cross-script behaviour added in name-v2: rigour name symbols, Korean syllables, CJK dots, titled surnames.

Each case scored below name-v2's threshold (or watchman's minimum) under name-v1, so these tests fail if
the symbols, the Hangul split, the dot separator or the titled-surname rule stop working.
"""

from __future__ import annotations

import pytest

from chainbreaker.screening import DEFAULT_THRESHOLD, Screener
from chainbreaker.screening.blocking import blocking_keys
from chainbreaker.screening.features import compare_names
from chainbreaker.screening.normalize import ORG, PERSON, normalize_name
from chainbreaker.screening.types import ListedEntity


def names(a: str, b: str, kind: str = PERSON) -> float:
    return compare_names(normalize_name(a, kind), normalize_name(b, kind)).score


@pytest.mark.parametrize(
    ("query", "listed", "minimum"),
    [
        ("محمد علي", "Mohamed Ali", 0.90),  # name-v1: 0.58
        ("أحمد حسن", "Ahmed Hassan", 0.90),  # name-v1: 0.44
        ("משה", "Moshe", 0.90),  # name-v1: 0.85
        ("דוד", "David", 0.85),  # name-v1: 0.00
        ("فلاديمير بوتين", "Vladimir Putin", DEFAULT_THRESHOLD),
        ("ולדימיר פוטין", "Vladimir Putin", DEFAULT_THRESHOLD),
        ("Βλαντίμιρ Πούτιν", "Vladimir Putin", DEFAULT_THRESHOLD),
        ("Wladimir Poetin", "Vladimir Putin", DEFAULT_THRESHOLD),
        ("김정은", "Kim Jong Un", 0.70),  # name-v1: 0.53
    ],
)
def test_cross_script_names_reach_their_minimum(query: str, listed: str, minimum: float) -> None:
    assert names(query, listed) >= minimum


def test_hangul_names_are_split_into_syllables() -> None:
    assert normalize_name("김정은", PERSON).tokens == ("gim", "jeong", "eun")


def test_katakana_middle_dot_separates_name_parts() -> None:
    assert len(normalize_name("ウラジーミル・プーチン", PERSON).tokens) == 2


def test_symbols_do_not_make_different_names_alike() -> None:
    assert names("Boris Johnson", "Vladimir Putin") < 0.3
    assert names("Moshe Cohen", "David Cohen") < DEFAULT_THRESHOLD


def test_a_titled_surname_matches_the_full_name_but_a_bare_surname_does_not() -> None:
    full = "Vladimir Vladimirovich Putin"
    assert names("President Putin", full) >= DEFAULT_THRESHOLD
    assert names("Президент Путин", full) >= DEFAULT_THRESHOLD
    assert names("Putin", full) < DEFAULT_THRESHOLD


def test_organisations_get_no_person_symbols() -> None:
    assert normalize_name("David Holdings", ORG).symbols == ()


def test_symbol_blocking_keys_find_a_transliteration_without_shared_letters() -> None:
    arabic, latin = normalize_name("فلاديمير بوتين", PERSON), normalize_name("Vladimir Putin", PERSON)
    shared = blocking_keys(arabic) & blocking_keys(latin)
    assert any(key.startswith("y:") for key in shared)
    screener = Screener(
        [ListedEntity("putin", "Person", "Vladimir Putin", ("Vladimir Putin",), "test")],
        threshold=DEFAULT_THRESHOLD,
    )
    hits = screener.screen_one("ولادیمیر پوتین", schema="Person")
    assert [h.entity_id for h in hits] == ["putin"]
    assert hits[0].algorithm == "name-v2"
