"""One set of identifier rules: the keys every stage compares, and the rule that splits a person's name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainbreaker.core.identifiers import (
    address_key,
    ascii_name,
    email_key,
    id_number_key,
    name_key,
    party_keys,
    person_name_parts,
    phone_key,
)


def test_one_phone_written_many_ways_is_one_key() -> None:
    forms = ["(713) 555-0101", "713.555.0101", "+1 713 555 0101", "7135550101"]
    assert {phone_key(f, "US") for f in forms} == {"+17135550101"}
    # Ten and nine trailing digits no longer decide: a UK and a US number ending alike are two phones.
    assert phone_key("020 7946 0101", "GB") != phone_key("(207) 946-0101", "US")
    assert phone_key("12345", "US") is None and phone_key(None) is None


@given(st.lists(st.sampled_from([" ", "-", ".", "(", ")"]), min_size=0, max_size=6))
def test_phone_key_ignores_punctuation(separators: list[str]) -> None:
    digits = "7135550101"
    mixed = "".join(d + (separators[i] if i < len(separators) else "") for i, d in enumerate(digits))
    assert phone_key(mixed, "US") == "+17135550101"


def test_email_address_and_id_keys() -> None:
    assert email_key("  Ana.Lopez@Example.COM ") == "ana.lopez@example.com"
    assert email_key("not an email") is None
    assert address_key("9 Dorm Rd, Apt 1", "77002") == address_key("9 DORM RD APT 1", "77 002")
    assert address_key("9 Dorm Rd", None, "Houston") != address_key("9 Dorm Rd", None, "Dallas")
    assert id_number_key("p-123 456") == "P123456" == id_number_key("P123456")
    keys = party_keys("(713) 555-0101", "A@B.C", "1 Main St", "77001", "Houston", "900-11-2222", "US")
    assert (keys.phone, keys.email, keys.address, keys.id_number) == (
        "+17135550101",
        "a@b.c",
        "1mainst|77001",
        "900112222",
    )


@pytest.mark.parametrize(
    ("full", "given", "family"),
    [
        ("Иван Петров", "Ivan", "Petrov"),
        ("PETROV, Ivan", "Ivan", "PETROV"),
        ("PETROV Ivan", "Ivan", "PETROV"),
        ("王小明", "Xiao Ming", "Wang"),
        ("김민준", "Minjun", "Gim"),
        ("Juan de la Cruz", "Juan", "de la Cruz"),
        ("Ana Lopez", "Ana", "Lopez"),
        ("Madonna", "", "Madonna"),
    ],
)
def test_person_name_parts_rule(full: str, given: str, family: str) -> None:
    parts = person_name_parts(full)
    assert (parts.given, parts.family) == (given, family)


def test_given_and_family_columns_win_and_are_transliterated() -> None:
    parts = person_name_parts("Petrov Ivan Sergeyevich", "Иван Сергеевич", "Петров")
    assert (parts.given, parts.family, parts.rule) == (
        "Ivan Sergeevich",
        "Petrov",
        "given_name/family_name columns",
    )


def test_names_in_any_script_keep_their_letters() -> None:
    for name in ("Иван Петров", "محمد علي", "王小明", "Ελένη Παπαδοπούλου"):
        assert ascii_name(name).replace(" ", "").isascii() and ascii_name(name).strip()
    assert name_key("  Élmer   PÉREZ ") == "elmer perez"
