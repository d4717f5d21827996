"""Reading monitoring and screening output through the hand-off contracts of `chainbreaker.core.handoff`.

The columns read are the columns monitoring and screening write, by the same definitions: no second spelling,
no guessed role. A missing required column stops the build with the file and column named; a bad row (no
party, a score outside 0..1, a role or trafficking type outside the contract) becomes a reject with its reason
while the other rows are used; JSON columns that do not parse are kept as text and reported as warnings.
Parquet, CSV and JSON lines are all accepted.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from chainbreaker.core import handoff
from chainbreaker.core.errors import InputError

#: Monitoring's proposed role → the role a case party starts with (one definition, in core).
ROLE_MAP = handoff.MONITORING_ROLES


@dataclass
class Reject:
    """A row that could not be used, with the reason."""

    file: str
    row: int
    column: str
    reason: str


@dataclass
class AlertRow:
    """One alert of the monitoring output contract, parsed."""

    alert_id: str
    party_id: str
    account_id: str | None
    indicator_id: str
    trafficking_type: str
    score: float
    period_start: datetime | None
    period_end: datetime | None
    evidence: dict[str, Any]


@dataclass
class PartyRiskRow:
    """One row of monitoring's per-party roll-up, with the role it proposes for the party."""

    party_id: str
    risk_score: float
    indicators: list[str]
    trafficking_type: str
    role: str
    subrole: str | None
    network_id: str | None
    ties: list[Any]
    explanation: str | None


@dataclass
class HitRow:
    """One row of the screening output contract."""

    query_id: str
    query_name: str | None
    entity_id: str
    entity_name: str | None
    dataset: str | None
    source_id: str | None
    score: float
    matched_on: str | None
    explanation: str | None

    @property
    def is_counterparty(self) -> bool:
        """A hit on a counterparty name from the transactions (query id `cp:<name>`), not on a customer."""
        return self.query_id.startswith("cp:")


@dataclass
class Inputs:
    """Everything `cases build` read, plus what it had to reject or warn about."""

    alerts: list[AlertRow] = field(default_factory=list)
    party_risk: dict[str, PartyRiskRow] = field(default_factory=dict)
    hits: list[HitRow] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0


def find_table(folder: Path, stem: str) -> Path | None:
    """`stem.parquet`, `stem.csv` or `stem.jsonl` in `folder`, in that order of preference."""
    for suffix in (".parquet", ".csv", ".jsonl", ".json"):
        candidate = folder / f"{stem}{suffix}"
        if candidate.exists():
            return candidate
    return None


def read_table(path: Path) -> pa.Table:
    """A table from Parquet, CSV or JSON lines, with a clear error naming the file."""
    try:
        if path.suffix == ".parquet":
            return pq.read_table(path)
        if path.suffix == ".csv":
            return pacsv.read_csv(path)
        if path.suffix in (".jsonl", ".json"):
            return pajson.read_json(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"cannot read: {exc}", file=str(path)) from exc
    raise InputError("unsupported file type (use .parquet, .csv or .jsonl)", file=str(path))


def _require(table: pa.Table, path: Path, columns: tuple[str, ...]) -> None:
    for column in columns:
        if column not in table.column_names:
            raise InputError(
                f"required column is missing (found: {', '.join(table.column_names)})",
                file=str(path),
                column=column,
            )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def _json(value: Any, where: str, warnings: list[str]) -> Any:
    if value is None or isinstance(value, dict | list):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        warnings.append(f"{where}: not valid JSON, kept as text")
        return {"text": text}


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def _score(value: Any) -> float | None:
    try:
        score = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(score) or score < 0 or score > 1:
        return None
    return score


def _trafficking(value: Any) -> str | None:
    """The contract's trafficking type, or None when the value is outside it (the row is then rejected)."""
    text = _text(value)
    return text if text in handoff.HANDOFF_TRAFFICKING_TYPES else None


def read_alerts(path: Path, inputs: Inputs) -> None:
    """Alerts (`alerts.parquet`) in the hand-off contract; rows that break it are rejected with the reason."""
    table = read_table(path)
    _require(table, path, handoff.required(handoff.ALERTS))
    for number, row in enumerate(table.to_pylist(), start=1):
        inputs.rows_read += 1
        alert_id = _text(row.get("alert_id"))
        party = _text(row.get("party_id"))
        indicator = _text(row.get("indicator_id"))
        score = _score(row.get("score"))
        kind = _trafficking(row.get("trafficking_type"))
        start = _when(row.get("period_start"))
        problem = (
            ("alert_id", "empty alert_id")
            if alert_id is None
            else ("party_id", "empty party_id")
            if party is None
            else ("indicator_id", "empty indicator_id")
            if indicator is None
            else ("score", f"score {row.get('score')!r} is not a number between 0 and 1")
            if score is None
            else (
                "trafficking_type",
                f"trafficking_type {row.get('trafficking_type')!r} is not one of "
                + ", ".join(handoff.HANDOFF_TRAFFICKING_TYPES),
            )
            if kind is None
            else ("period_start", f"period_start {row.get('period_start')!r} is not a date-time")
            if start is None
            else None
        )
        if problem or alert_id is None or party is None or indicator is None or score is None or kind is None:
            column, reason = problem or ("", "")
            inputs.rejects.append(Reject(str(path), number, column, reason))
            continue
        evidence = _json(row.get("evidence"), f"{path.name} row {number} column evidence", inputs.warnings)
        inputs.alerts.append(
            AlertRow(
                alert_id=alert_id,
                party_id=party,
                account_id=_text(row.get("account_id")),
                indicator_id=indicator,
                trafficking_type=kind,
                score=score,
                period_start=start,
                period_end=_when(row.get("period_end")),
                evidence=evidence if isinstance(evidence, dict) else {"items": evidence} if evidence else {},
            )
        )


def read_party_risk(path: Path, inputs: Inputs) -> None:
    """The per-party roll-up in the hand-off contract: role, subrole, network id and ties as monitoring wrote."""
    table = read_table(path)
    _require(table, path, handoff.required(handoff.PARTY_RISK))
    for number, row in enumerate(table.to_pylist(), start=1):
        inputs.rows_read += 1
        party = _text(row.get("party_id"))
        if party is None:
            inputs.rejects.append(Reject(str(path), number, "party_id", "empty party_id"))
            continue
        proposed = _text(row.get("role")) or ""
        if proposed not in ROLE_MAP:
            reason = f"role {row.get('role')!r} is not one of {', '.join(ROLE_MAP)}"
            inputs.rejects.append(Reject(str(path), number, "role", reason))
            continue
        kind = _trafficking(row.get("trafficking_type"))
        if kind is None:
            reason = f"trafficking_type {row.get('trafficking_type')!r} is not one of " + ", ".join(
                handoff.HANDOFF_TRAFFICKING_TYPES
            )
            inputs.rejects.append(Reject(str(path), number, "trafficking_type", reason))
            continue
        indicators = row.get("indicators")
        if isinstance(indicators, str):
            parsed = _json(indicators, f"{path.name} row {number} column indicators", inputs.warnings)
            indicators = parsed if isinstance(parsed, list) else []
        ties = _json(row.get("ties"), f"{path.name} row {number} column ties", inputs.warnings)
        inputs.party_risk[party] = PartyRiskRow(
            party_id=party,
            risk_score=_score(row.get("risk_score")) or 0.0,
            indicators=[str(i).strip() for i in (indicators or [])],
            trafficking_type=kind,
            role=ROLE_MAP[proposed],
            subrole=_text(row.get("subrole")),
            network_id=_text(row.get("network_id")),
            ties=[t for t in (ties if isinstance(ties, list) else []) if isinstance(t, dict)],
            explanation=_text(row.get("explanation")),
        )


def read_hits(path: Path, inputs: Inputs, min_score: float) -> None:
    """Screening hits at or above `min_score`."""
    table = read_table(path)
    _require(table, path, handoff.required(handoff.HITS))
    for number, row in enumerate(table.to_pylist(), start=1):
        inputs.rows_read += 1
        query = _text(row.get("query_id"))
        entity = _text(row.get("entity_id"))
        score = _score(row.get("score"))
        if query is None or entity is None or score is None:
            column = "query_id" if query is None else "entity_id" if entity is None else "score"
            inputs.rejects.append(Reject(str(path), number, column, f"unusable {column}"))
            continue
        if score < min_score:
            continue
        inputs.hits.append(
            HitRow(
                query_id=query,
                query_name=_text(row.get("query_name")),
                entity_id=entity,
                entity_name=_text(row.get("entity_name")),
                dataset=_text(row.get("dataset")),
                source_id=_text(row.get("source_id")),
                score=score,
                matched_on=_text(row.get("matched_on")),
                explanation=_text(row.get("explanation")),
            )
        )


def related_party_ids(value: Any) -> set[str]:
    """Party ids named anywhere in an evidence or ties JSON (keys ending in party_id / party_ids)."""
    found: set[str] = set()

    def walk(key: str, item: Any) -> None:
        if isinstance(item, dict):
            for k, v in item.items():
                walk(str(k).lower(), v)
        elif isinstance(item, list):
            for v in item:
                walk(key, v)
        elif item is not None and (key.endswith("party_id") or key.endswith("party_ids") or key == "party"):
            text = str(item).strip()
            if text:
                found.add(text)

    walk("", value)
    return found


def txn_ids(evidence: dict[str, Any]) -> list[str]:
    """Transaction ids an indicator listed as its evidence (`txn_ids`, `transactions`, `sample_txn_ids`)."""
    ids: list[str] = []
    for key in ("txn_ids", "transactions", "sample_txn_ids", "txns"):
        value = evidence.get(key)
        if isinstance(value, str):
            value = [v for v in value.split(",") if v.strip()]
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    item = item.get("txn_id")
                if item is not None and str(item).strip():
                    ids.append(str(item).strip())
    return list(dict.fromkeys(ids))
