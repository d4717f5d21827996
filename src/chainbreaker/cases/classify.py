"""Sex or labour trafficking: the case's type, decided from the weight of its alerts (Key 10a).

A ring's alerts are rarely all of one type: a sex-trafficking controller also trips general and some
labour-style flags (shared addresses, swept payroll-like inflows). Calling a case "mixed" whenever both types
appear would make nearly every report ambiguous, which is what Key 10 asks filers to stop. The type is the one
carrying most of the typed alert score; "mixed" is kept for cases where neither carries a clear majority.

Each red flag counts once per party, at its strongest alert (the rule of monitoring's roll-up): monitoring
writes one alert per month for sweep-type red flags, so summing every alert row let a labour ring's workers,
whose earnings are swept every month (ST-21, catalogued under sex trafficking), outweigh the front business
and its controller and type the ring's case "mixed" or "sex". And the subjects lead: when the case's
subjects (the front business, the controller) carry a clear type, that is the case's type, because the
victims' red flags (swept earnings, shared addresses) are common to both kinds of exploitation; only when
the subjects' own alerts do not settle it are every party's alerts weighed.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Share of the typed alert score one type needs to name the case.
DOMINANT_SHARE = 0.7


def once_per_indicator(alerts: Iterable[tuple[str, str, str, float]]) -> list[tuple[str, float]]:
    """(trafficking_type, score) of the strongest alert of each (party, indicator) among
    (party_id, indicator_id, trafficking_type, score) rows."""
    best: dict[tuple[str, str], tuple[str, float]] = {}
    for party, indicator, kind, score in alerts:
        value = max(float(score or 0.0), 0.0)
        key = (party, indicator)
        if key not in best or value > best[key][1]:
            best[key] = (kind, value)
    return [best[k] for k in sorted(best)]


def dominant_trafficking_type(alerts: Iterable[tuple[str, float]]) -> str:
    """`sex`, `labour`, `mixed` or `general` from (trafficking_type, score) pairs of a case's alerts."""
    weight = {"sex": 0.0, "labour": 0.0}
    for kind, score in alerts:
        if kind in weight:
            weight[kind] += max(float(score or 0.0), 0.0)
    total = weight["sex"] + weight["labour"]
    if total <= 0.0:
        return "general"
    top = max(weight, key=lambda k: weight[k])
    return top if weight[top] / total >= DOMINANT_SHARE else "mixed"


def case_trafficking_type(alerts: Iterable[tuple[str, str, str, float]], subjects: set[str]) -> str:
    """The type of a case from its (party_id, indicator_id, trafficking_type, score) alerts: the subjects'
    alerts when they name one type, otherwise all alerts; each red flag once per party."""
    rows = list(alerts)
    led = dominant_trafficking_type(once_per_indicator(r for r in rows if r[0] in subjects))
    if led in ("sex", "labour"):
        return led
    return dominant_trafficking_type(once_per_indicator(rows))
