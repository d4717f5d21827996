"""The indicator reference is generated from the catalogue and must be current."""

from __future__ import annotations

from pathlib import Path

from chainbreaker.monitoring import load_catalogue
from chainbreaker.monitoring.docs import render_reference

REFERENCE = Path(__file__).resolve().parents[2] / "docs/reference/indicators.md"


def test_reference_is_current() -> None:
    assert REFERENCE.read_text(encoding="utf-8") == render_reference(), (
        "docs/reference/indicators.md is stale: run `chainbreaker indicators docs`"
    )


def test_reference_shows_every_indicator_with_its_sql() -> None:
    text = render_reference()
    for ind in load_catalogue().indicators:
        assert f"## {ind.id}: {ind.title}" in text
        assert ind.sql.strip().splitlines()[0] in text
