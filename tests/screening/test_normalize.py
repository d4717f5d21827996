"""Name normalisation: scripts, honorifics, legal forms, bad input."""

from __future__ import annotations

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.screening.index import prepare_query
from chainbreaker.screening.normalize import MAX_NAME_CHARS, ORG, PERSON, check_name, normalize_name
from chainbreaker.screening.types import Query


@pytest.mark.parametrize(
    ("raw", "kind", "tokens"),
    [
        ("Владимир Путин", PERSON, ("vladimir", "putin")),
        ("Mr. John O'Neil-Smith", PERSON, ("john", "oneil", "smith")),
        ("Präsident Putin", PERSON, ("putin",)),
        ("ООО Ромашка", ORG, ("llc", "romashka")),
        ("Open Joint Stock Company Gazprom", ORG, ("jsc", "gazprom")),
        ("Standard & Poor's", ORG, ("standard", "and", "poors")),
    ],
)
def test_normalize_name(raw: str, kind: str, tokens: tuple[str, ...]) -> None:
    assert normalize_name(raw, kind).tokens == tokens


@pytest.mark.parametrize("raw", ["", "   ", "\x00\x01\x02", "\t\n", None, "!!!", "x" * (MAX_NAME_CHARS + 1)])
def test_unusable_names_are_refused_with_a_reason(raw: object) -> None:
    with pytest.raises(InputError) as err:
        prepare_query(Query("q", raw))  # type: ignore[arg-type]
    assert "name" in str(err.value)


def test_check_name_keeps_names_with_control_characters_inside() -> None:
    assert check_name("Maria\x00 Silva\t") == "Maria Silva"


def test_mixed_scripts_become_one_latin_form() -> None:
    assert normalize_name("Владимир Putin", PERSON).tokens == ("vladimir", "putin")
