"""A case says sex or labour trafficking when one type carries the weight of its alerts (Key 10a)."""

from __future__ import annotations

import pytest

from chainbreaker.cases.classify import case_trafficking_type, dominant_trafficking_type, once_per_indicator


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


def test_monthly_alerts_of_one_red_flag_count_once() -> None:
    # a labour ring: the front and its controller carry labour red flags once each; four workers are swept
    # every month (ST-21, typed sex) and monitoring writes one alert a month
    alerts = [("F", "LT-04", "labour", 0.4), ("F", "NW-08", "labour", 0.4), ("C", "LT-10", "labour", 0.45)]
    alerts += [
        (w, i, "labour", 0.4 if i == "LT-02" else 0.2)
        for w in ("W1", "W2", "W3", "W4")
        for i in ("LT-02", "LT-05")
    ]
    alerts += [(w, "ST-21", "sex", 0.35) for w in ("W1", "W2", "W3", "W4") for _month in range(6)]
    assert dominant_trafficking_type([(k, s) for _, _, k, s in alerts]) != "labour"
    assert dominant_trafficking_type(once_per_indicator(alerts)) == "labour"


def test_once_per_indicator_keeps_the_strongest() -> None:
    rows = [("P", "ST-21", "sex", 0.2), ("P", "ST-21", "sex", 0.5), ("Q", "ST-21", "sex", 0.1)]
    assert once_per_indicator(rows) == [("sex", 0.5), ("sex", 0.1)]


def test_the_subjects_type_leads() -> None:
    # a labour front business and its workers, each worker with labour flags and a monthly sweep (typed sex)
    alerts = [("F", "NW-08", "labour", 0.4)]
    for w in ("W1", "W2", "W3"):
        alerts += [(w, "LT-02", "labour", 0.4), (w, "LT-05", "labour", 0.2), (w, "ST-21", "sex", 0.4)]
    assert dominant_trafficking_type(once_per_indicator(alerts)) == "mixed"
    assert case_trafficking_type(alerts, {"F"}) == "labour"
    # subjects with general flags only: every party's alerts decide
    sex_ring = [("C", "NW-06", "general", 0.45)] + [(v, "ST-21", "sex", 0.4) for v in ("V1", "V2")]
    assert case_trafficking_type(sex_ring, {"C"}) == "sex"
    assert case_trafficking_type([], set()) == "general"
