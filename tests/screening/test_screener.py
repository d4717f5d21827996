"""The in-memory Screener: per-feature scores, explanations and bad input."""

from __future__ import annotations

import pytest

from chainbreaker.core.errors import InputError
from chainbreaker.core.workspace import Workspace
from chainbreaker.screening import Screener


def test_screen_one_gives_scores_per_feature_and_an_explanation(screening_ws: Workspace) -> None:
    screener = Screener.from_workspace(screening_ws)
    hits = screener.screen_one("Vladimir Putin", schema="Person", birth_date="1952-10-07", country="RU")
    assert [h.entity_id for h in hits] == ["un-1"]
    hit = hits[0]
    assert hit.score == 1.0
    assert (
        hit.features["name"] == 1.0 and hit.features["birth_date"] == 1.0 and hit.features["country"] == 1.0
    )
    assert hit.algorithm == "name-v3"
    assert "date of birth agrees" in hit.explanation
    assert hit.dataset == "un_sc_sanctions" and hit.source_id == "6908555"


def test_a_different_birth_date_clears_a_namesake(screening_ws: Workspace) -> None:
    screener = Screener.from_workspace(screening_ws)
    assert screener.screen_one("Vladimir Putin", schema="Person", birth_date="1990-03-03") == []


def test_identifier_matches_even_when_names_differ(screening_ws: Workspace) -> None:
    screener = Screener.from_workspace(screening_ws)
    hits = screener.screen_one("Agropecuaria Nova", schema="Company", id_number="12345678000195")
    assert hits and hits[0].entity_id == "br-3" and hits[0].matched_on == "id"


def test_vessel_by_name_not_matched_by_a_person(screening_ws: Workspace) -> None:
    screener = Screener.from_workspace(screening_ws)
    assert screener.screen_one("Sea Princess", schema="Person") == []
    assert screener.screen_one("Sea Princess", schema="Vessel")[0].entity_id == "ofac-4"


@pytest.mark.parametrize("name", ["", "   ", "\x01\x02", "a" * 1000])
def test_unusable_names_raise_a_clear_error(screening_ws: Workspace, name: str) -> None:
    screener = Screener.from_workspace(screening_ws)
    with pytest.raises(InputError):
        screener.screen_one(name)


def test_impossible_birth_date_is_ignored_and_said(screening_ws: Workspace) -> None:
    screener = Screener.from_workspace(screening_ws)
    hits = screener.screen_one("Vladimir Putin", birth_date="3000-99-99")
    assert hits and hits[0].features["birth_date"] is None
    assert "not a valid date and was ignored" in hits[0].explanation


def test_mixed_script_query(screening_ws: Workspace) -> None:
    screener = Screener.from_workspace(screening_ws)
    assert screener.screen_one("Владимир Putin")[0].entity_id == "un-1"
