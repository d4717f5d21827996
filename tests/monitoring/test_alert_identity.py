"""One alert per identity: hits that differ only in the hub they point at become one alert row.

At 10M transactions LT-14 gave 17 workers two hits each (one address shared with two people who pay workers
there); cases key alerts by `alert_id`, so the file must never carry one id twice.
"""

from __future__ import annotations

import datetime as dt
import json

from chainbreaker.monitoring import load_catalogue
from chainbreaker.monitoring.output import alert_id, alert_rows
from chainbreaker.monitoring.runner import Hit
from chainbreaker.monitoring.scoring import PartyRisk

START = dt.datetime(2026, 1, 1)
END = dt.datetime(2026, 6, 30)


def _lt14(worker: str, boss: str, strength: float, txns: list[str]) -> Hit:
    return Hit(
        "LT-14",
        worker,
        None,
        START,
        END,
        strength,
        {"workers": 3, "link_kind": "address"},
        link_key="address:1 main st|springfield",
        link_kind="address",
        hub_party_id=boss,
        txn_ids=txns,
    )


def test_hits_with_one_identity_and_two_hubs_are_one_alert() -> None:
    indicators = {i.id: i for i in load_catalogue().indicators}
    weak, strong = _lt14("W1", "B1", 0.6, ["t1", "t2"]), _lt14("W1", "B2", 0.9, ["t2", "t3"])
    other = _lt14("W2", "B1", 0.6, ["t4"])
    assert alert_id(weak) == alert_id(strong) != alert_id(other)
    parties = {p: PartyRisk(p, alerted=True) for p in ("W1", "W2")}

    rows = alert_rows([weak, strong, other], indicators, parties, {})

    assert len(rows) == 2 and len({r["alert_id"] for r in rows}) == 2
    merged = next(r for r in rows if r["party_id"] == "W1")
    evidence = json.loads(merged["evidence"])
    assert merged["score"] == round(indicators["LT-14"].weight * 0.9, 4)  # the stronger hit's score
    assert {"B1", "B2"} <= set(evidence["related_party_ids"])  # both hubs stay visible
    assert evidence["txn_ids"] == ["t1", "t2", "t3"] and evidence["hits_merged"] == 2
    alone = json.loads(next(r for r in rows if r["party_id"] == "W2")["evidence"])
    assert "hits_merged" not in alone and alone["related_party_ids"] == ["B1"]
