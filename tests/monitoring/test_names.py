"""Family names and name signatures in the layouts banks use (core/names.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainbreaker.core.names import family_name, layout, org_key, signature


@pytest.mark.parametrize(
    ("name", "kind", "family"),
    [
        ("Maria Garcia", "plain", "garcia"),
        ("GARCIA Maria", "caps_first", "garcia"),
        ("Garcia, Maria", "comma", "garcia"),
        ("Maria GARCIA", "caps_last", "garcia"),
        ("DELA CRUZ Mary Grace", "caps_first", "dela cruz"),
        ("José Núñez", "plain", "nunez"),
        ("NÚÑEZ José", "caps_first", "nunez"),
    ],
)
def test_family_name_in_each_layout(name: str, kind: str, family: str) -> None:
    assert layout(name) == kind
    assert family_name(name) == family


def test_empty_names_have_no_family_name() -> None:
    assert family_name(None) is None and family_name("  ") is None and signature("") is None


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)


@given(given_names=st.lists(WORD, min_size=1, max_size=2), surname=WORD)
def test_the_layouts_of_one_person_agree(given_names: list[str], surname: str) -> None:
    """Whatever the layout a bank writes, the family name and the signature are the same."""
    first = " ".join(g.title() for g in given_names)
    plain = f"{first} {surname.title()}"
    caps = f"{surname.upper()} {first}"
    comma = f"{surname.title()}, {first}"
    assert family_name(plain) == family_name(caps) == family_name(comma) == surname
    assert signature(plain) == signature(caps) == signature(comma)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("SUNSHINE RELAX SPA SRL", "Sunshine Relax Spa Inc"),
        ("LUCKY STAR MASSAGE CORP.", "Lucky Star Massage LLC"),
        ("BAYANIHAN MANPOWER SERVICES L.L.C.", "Bayanihan Manpower Services LLC"),
        ("GOLDEN HARVEST S.A. DE C.V.", "Golden Harvest GmbH"),
    ],
)
def test_org_key_ignores_legal_forms_and_case(a: str, b: str) -> None:
    assert org_key(a) == org_key(b) is not None


def test_org_key_of_nothing_or_too_short() -> None:
    assert org_key(None) is None and org_key("  ") is None and org_key("X CO.") is None
    assert org_key("Golden Harvest") != org_key("Golden Harvest Farms")
