"""The output contract of `monitor`: alerts and the per-party roll-up, as Parquet or CSV.

Column names and order are the hand-off contract of `chainbreaker.core.handoff` (cases read these files through
the same definitions), documented in docs/monitoring.md. Rows are sorted so that the same data gives the same files.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from chainbreaker.core import handoff
from chainbreaker.core.contract import ALERT_COLUMNS, PARTY_RISK_COLUMNS
from chainbreaker.core.logging import redact
from chainbreaker.monitoring.catalogue import Indicator
from chainbreaker.monitoring.runner import Hit
from chainbreaker.monitoring.scoring import PartyRisk, ties_json

OutputFormat = Literal["parquet", "csv"]

#: Columns beyond the contract, in order (the contract's own columns come first).
ALERT_EXTRA_COLUMNS = ("role", "explanation")
PARTY_RISK_EXTRA_COLUMNS = (
    "role",
    "subrole",
    "network_id",
    "ties",
    "explanation",
    "alerted",
    "own_score",
    "subject_score",
    "victim_score",
)

ALERT_SCHEMA = pa.schema(
    [
        ("alert_id", pa.string()),
        ("party_id", pa.string()),
        ("account_id", pa.string()),
        ("indicator_id", pa.string()),
        ("trafficking_type", pa.string()),
        ("score", pa.float64()),
        ("period_start", pa.timestamp("us")),
        ("period_end", pa.timestamp("us")),
        ("evidence", pa.string()),
        ("role", pa.string()),
        ("explanation", pa.string()),
    ]
)
PARTY_RISK_SCHEMA = pa.schema(
    [
        ("party_id", pa.string()),
        ("risk_score", pa.float64()),
        ("indicators", pa.list_(pa.string())),
        ("trafficking_type", pa.string()),
        ("role", pa.string()),
        ("subrole", pa.string()),
        ("network_id", pa.string()),
        ("ties", pa.string()),
        ("explanation", pa.string()),
        ("alerted", pa.bool_()),
        ("own_score", pa.float64()),
        ("subject_score", pa.float64()),
        ("victim_score", pa.float64()),
    ]
)
assert tuple(ALERT_SCHEMA.names) == (*ALERT_COLUMNS, *ALERT_EXTRA_COLUMNS)
assert tuple(PARTY_RISK_SCHEMA.names) == (*PARTY_RISK_COLUMNS, *PARTY_RISK_EXTRA_COLUMNS)
assert tuple(ALERT_SCHEMA.names) == handoff.names(handoff.ALERTS)
assert tuple(PARTY_RISK_SCHEMA.names) == handoff.names(handoff.PARTY_RISK)


class _Figures(dict[str, Any]):
    """Template values; a missing figure shows as `?` rather than failing the whole run."""

    def __missing__(self, key: str) -> str:
        return "?"


def fill_template(template: str, values: dict[str, Any]) -> str:
    """Fill an explanation template with a hit's figures and the indicator's parameters."""
    shown = {k: (", ".join(map(str, v)) if isinstance(v, list) else v) for k, v in values.items()}
    try:
        return string.Formatter().vformat(template, (), _Figures(shown))
    except (ValueError, TypeError):
        return re.sub(r"{[^}]*}", "?", template)


def alert_id(h: Hit) -> str:
    """The alert's one identity (party, indicator, account, period, link), shared with cases and the UI."""
    return handoff.alert_identity(h.party_id, h.indicator_id, h.account_id, h.period_start, h.link_key)


def alert_rows(
    hits: list[Hit],
    indicators: dict[str, Indicator],
    parties: dict[str, PartyRisk],
    link_groups: dict[str, list[str]],
) -> list[dict[str, Any]]:
    """One row per alert on an alerted party, with its figures, txn ids and related parties as evidence.

    An alert is its identity (`alert_id`): two hits that differ only in the hub they point at (a worker who
    shares one address with two people who pay workers there, LT-14) are one alert, or cases would see one
    id twice. The row keeps the stronger hit's figures and names every hub among its related parties.
    """
    rows: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for h in sorted(hits, key=lambda x: x.sort_key):
        p = parties.get(h.party_id)
        if p is None or not p.alerted:
            continue
        ind = indicators[h.indicator_id]
        related = sorted(
            {
                *link_groups.get(f"{h.indicator_id}|{h.link_key}", []),
                *([h.hub_party_id] if h.hub_party_id else []),
            }
            - {h.party_id}
        )
        explanation = fill_template(ind.explanation, {**ind.defaults, **h.figures})
        evidence = {
            "indicator": ind.key,
            "title": ind.title,
            "explanation": explanation,
            "figures": h.figures,
            "parameters": ind.defaults,
            "txn_ids": h.txn_ids,
            "txn_ids_truncated": h.txn_ids_truncated,
            "related_party_ids": related[:50],
            "sources": [f"{s.document} {s.section}" for s in ind.sources],
        }
        if h.link_key:
            # The shared value itself stays out of the file; a keyed token lets analysts match it.
            evidence["shared_identifier"] = {"kind": h.link_kind, "token": redact(h.link_key)}
        if h.hub_key:
            evidence["hub"] = h.hub_key
        identity = alert_id(h)
        score = round(min(1.0, ind.weight * h.strength), 4)
        earlier = by_id.get(identity)
        if earlier is not None:
            _merge_same_alert(earlier, evidence, score, explanation)
            continue
        row = {
            "alert_id": identity,
            "party_id": h.party_id,
            "account_id": h.account_id,
            "indicator_id": h.indicator_id,
            "trafficking_type": ind.trafficking_type,
            "score": score,
            "period_start": h.period_start,
            "period_end": h.period_end,
            "evidence": evidence,
            "role": p.role,
            "explanation": explanation,
        }
        by_id[identity] = row
        rows.append(row)
    for row in rows:
        row["evidence"] = json.dumps(row["evidence"], sort_keys=True, default=str)
    return rows


def _merge_same_alert(row: dict[str, Any], evidence: dict[str, Any], score: float, explanation: str) -> None:
    """Fold a second hit with the same alert identity into the row: the stronger hit's figures and
    explanation, the union of related parties and transactions (a truncated list stays at the run's cap)."""
    before: dict[str, Any] = row["evidence"]
    related = sorted(set(before["related_party_ids"]) | set(evidence["related_party_ids"]))
    txns = list(dict.fromkeys([*before["txn_ids"], *evidence["txn_ids"]]))
    truncated = bool(before["txn_ids_truncated"] or evidence["txn_ids_truncated"])
    if truncated:
        txns = txns[: max(len(before["txn_ids"]), len(evidence["txn_ids"]))]
    kept = before
    if score > row["score"]:
        kept = evidence
        row["score"] = score
        row["explanation"] = explanation
    row["evidence"] = {
        **kept,
        "related_party_ids": related[:50],
        "txn_ids": txns,
        "txn_ids_truncated": truncated,
        "hits_merged": int(before.get("hits_merged", 1)) + 1,
    }


def party_rows(parties: dict[str, PartyRisk]) -> list[dict[str, Any]]:
    ordered = sorted(parties.values(), key=lambda p: (-p.risk_score, p.party_id))
    return [
        {
            "party_id": p.party_id,
            "risk_score": p.risk_score,
            "indicators": p.indicators,
            "trafficking_type": p.trafficking_type,
            "role": p.role,
            "subrole": p.subrole,
            "network_id": p.network_id,
            "ties": ties_json(p),
            "explanation": p.explanation,
            "alerted": p.alerted,
            "own_score": p.own_score,
            "subject_score": p.subject_score,
            "victim_score": p.victim_score,
        }
        for p in ordered
    ]


def write_table(rows: list[dict[str, Any]], schema: pa.Schema, path_stem: Path, fmt: OutputFormat) -> Path:
    """Write rows with a fixed schema; CSV turns list columns into JSON text."""
    table = pa.Table.from_pylist(rows, schema=schema)
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        path = path_stem.with_suffix(".parquet")
        pq.write_table(table, path)
        return path
    path = path_stem.with_suffix(".csv")
    for i, fld in enumerate(table.schema):
        if pa.types.is_list(fld.type):
            values = [json.dumps(v) for v in table.column(i).to_pylist()]
            table = table.set_column(i, fld.name, pa.array(values, pa.string()))
    pacsv.write_csv(table, path)
    return path
