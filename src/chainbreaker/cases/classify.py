"""Sex or labour trafficking: the case's type, decided from the weight of its alerts (Key 10a).

A ring's alerts are rarely all of one type: a sex-trafficking controller also trips general and some
labour-style flags (shared addresses, swept payroll-like inflows). Calling a case "mixed" whenever both types
appear would make nearly every report ambiguous, which is what Key 10 asks filers to stop. The type is the one
carrying most of the typed alert score; "mixed" is kept for cases where neither carries a clear majority.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Share of the typed alert score one type needs to name the case.
DOMINANT_SHARE = 0.7


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
