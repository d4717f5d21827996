"""Cross-script behaviour added in name-v2: rigour name symbols, Korean syllables, CJK dots.

Each case scored below name-v2's threshold (or watchman's minimum) under name-v1, so these tests fail if
the symbols, the Hangul split or the dot separator stop working. name-v3 removed name-v2's titled-surname
rule (`Mr Kim` matched `Kim Jong Un` at 0.85); the tests below keep it removed.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rigour._core import person_name_prefixes_list

from chainbreaker.screening import DEFAULT_THRESHOLD, Screener
from chainbreaker.screening.blocking import blocking_keys
from chainbreaker.screening.features import compare_names
from chainbreaker.screening.normalize import ORG, PERSON, TITLES, normalize_name
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


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Mr Kim", "Kim Jong Un"),
        ("Mrs Khan", "Abdul Qadeer Khan"),
        ("Dr Smith", "John Robert Smith"),
        ("President Putin", "Vladimir Vladimirovich Putin"),
        ("Президент Путин", "Vladimir Vladimirovich Putin"),
    ],
)
def test_a_title_never_lifts_a_surname_alone_to_a_full_name_match(query: str, listed: str) -> None:
    """The false matches of name-v2's titled-surname rule, named: each is below the threshold and scores
    no more than the bare surname does (a title rigour does not know, `Президент`, stays a word and
    lowers the score)."""
    bare = " ".join(query.split()[1:])
    assert names(query, listed) < DEFAULT_THRESHOLD
    assert names(query, listed) <= names(bare, listed) + 1e-9
    screener = Screener([ListedEntity("e", "Person", listed, (listed,), "test")])
    assert screener.screen_one(query, schema="Person") == []


@given(
    title=st.sampled_from(sorted(person_name_prefixes_list()) + sorted(TITLES)),
    surname=st.sampled_from(["Kim", "Khan", "Smith", "Putin", "Garcia", "Nguyen", "Ivanov", "Okafor"]),
    given_names=st.lists(
        st.sampled_from(["John", "Maria", "Abdul", "Jong", "Un", "Robert", "Ana"]), min_size=1, max_size=3
    ),
)
@settings(max_examples=300, deadline=None)
def test_property_a_title_never_raises_a_score(title: str, surname: str, given_names: list[str]) -> None:
    """For any title of either list and any full name holding the surname, `<title> <surname>` scores no
    more than `<surname>` alone, so a title never turns a surname into a match."""
    listed = " ".join([*given_names, surname])
    assert names(f"{title} {surname}", listed) <= names(surname, listed) + 1e-9


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
    assert hits[0].algorithm == "name-v3"
