"""A case says sex or labour trafficking when one type carries the weight of its alerts (Key 10a)."""

from __future__ import annotations

import pytest

from chainbreaker.cases.classify import dominant_trafficking_type


@pytest.mark.parametrize(
    ("alerts", "expected"),
    [
        ([("sex", 0.9), ("sex", 0.8), ("labour", 0.2), ("general", 0.9)], "sex"),
        ([("labour", 0.7), ("labour", 0.6), ("sex", 0.3)], "labour"),
        ([("sex", 0.6), ("labour", 0.5)], "mixed"),
        ([("general", 0.9)], "general"),
        ([], "general"),
        ([("sex", 0.0), ("labour", 0.0)], "general"),
    ],
)
def test_dominant_type(alerts: list[tuple[str, float]], expected: str) -> None:
    assert dominant_trafficking_type(alerts) == expected
