"""What the case store knows about a party that scoring must weigh: recorded risk notes and protected survivors.

The case store side (`chainbreaker.remedy.party_flags`) exports them to `WORKSPACE/remedy/party_flags.parquet`
with the columns of `core.handoff.PARTY_FLAGS`; monitoring reads that file on every run (it never reads the
case store itself). Applied after the roll-up, so the indicator scores stay those of the data:

- A **risk note** (a client that did not cooperate with a grievance) adds its weight to the party's risk and
  to its subject-side score, combined as independent evidence like a red flag (`1 - (1-a)(1-b)`), and its
  sentence goes into the explanation. With one indicator of its own the note counts as the second red flag
  of the alert rule; alone it never alerts.
- A **protected** party (a survivor referred for an account, or a partner NGO's protective match) is never
  scored as the subject: its role becomes likely victim, its subject score 0, risk notes on it are ignored,
  and its explanation says why, with the referral, and that it must not be exited. Its risk score is kept,
  so its red flags still reach an analyst, as a victim's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq

from chainbreaker.core.errors import InputError
from chainbreaker.core.handoff import PARTY_FLAG_KINDS, PARTY_FLAGS, PARTY_FLAGS_FILE, required
from chainbreaker.monitoring.catalogue import Indicator
from chainbreaker.monitoring.scoring import PartyRisk, ScoringConfig, explain_party


@dataclass(frozen=True)
class PartyFlag:
    party_id: str
    flag: str
    source: str
    source_ref: str
    weight: float
    recorded_at: datetime
    explanation: str


@dataclass
class PartyFlags:
    """The flags of one workspace, by party; empty when the store never recorded any."""

    risk_notes: dict[str, list[PartyFlag]] = field(default_factory=dict)
    protected: dict[str, list[PartyFlag]] = field(default_factory=dict)
    path: Path | None = None

    def __bool__(self) -> bool:
        return bool(self.risk_notes or self.protected)


def read_party_flags(workspace_root: Path) -> PartyFlags:
    """The workspace's flags file, checked column by column and row by row; no file means no flags."""
    path = workspace_root / PARTY_FLAGS_FILE
    if not path.exists():
        return PartyFlags()
    try:
        table = pq.read_table(path)
    except Exception as exc:  # a damaged file must stop the run, not silently drop a protection
        raise InputError(f"cannot read the party flags: {exc}", file=str(path)) from exc
    for column in required(PARTY_FLAGS):
        if column not in table.column_names:
            raise InputError("a required column is missing", file=str(path), column=column)
    flags = PartyFlags(path=path)
    for number, row in enumerate(table.to_pylist(), start=1):
        party = str(row.get("party_id") or "").strip()
        if not party:
            raise InputError("party_id is empty", file=str(path), row=number, column="party_id")
        kind = row.get("flag")
        if kind not in PARTY_FLAG_KINDS:
            raise InputError(
                f"flag {kind!r} is not one of {', '.join(PARTY_FLAG_KINDS)}",
                file=str(path),
                row=number,
                column="flag",
            )
        weight = row.get("weight")
        if weight is None or not 0.0 <= float(weight) <= 1.0:
            raise InputError("weight must be between 0 and 1", file=str(path), row=number, column="weight")
        recorded = row.get("recorded_at")
        if not isinstance(recorded, datetime):
            raise InputError("recorded_at is empty", file=str(path), row=number, column="recorded_at")
        item = PartyFlag(
            party_id=party,
            flag=str(kind),
            source=str(row.get("source") or ""),
            source_ref=str(row.get("source_ref") or ""),
            weight=float(weight),
            recorded_at=recorded,
            explanation=str(row.get("explanation") or ""),
        )
        target = flags.risk_notes if item.flag == "risk_note" else flags.protected
        target.setdefault(party, []).append(item)
    return flags


def _combine(a: float, b: float) -> float:
    return 1.0 - (1.0 - a) * (1.0 - b)


def apply_party_flags(
    parties: dict[str, PartyRisk],
    flags: PartyFlags,
    indicators: dict[str, Indicator],
    cfg: ScoringConfig,
) -> tuple[int, int]:
    """Weigh risk notes and protect survivors in the roll-up, in place; returns (parties raised, protected).

    Flags on ids that are not parties of this workspace (a portfolio holding, a customer not loaded yet) are
    left for the stage they belong to: the roll-up has a row for every party of the bank.
    """
    raised = protected = 0
    for party_id, notes in sorted(flags.risk_notes.items()):
        if party_id in flags.protected or party_id not in parties:
            continue  # a survivor's risk is never raised: protection wins over any threat signal
        p = parties[party_id]
        weight = min(1.0, sum(n.weight for n in notes))
        p.risk_score = round(_combine(p.risk_score, weight), 4)
        p.subject_score = round(_combine(p.subject_score, weight), 4)
        if p.role != "likely_victim" and p.subject_score > p.victim_score:
            p.role = "likely_subject"
        if not p.alerted:
            p.alerted = p.risk_score >= cfg.alert_threshold and len(p.contributions) + 1 >= cfg.min_indicators
        base = explain_party(p, indicators) if p.contributions or p.ties else "No red flags of its own."
        sentences = " ".join(f"Risk note from {n.explanation} (+{n.weight:.2f})." for n in notes)
        p.explanation = f"{base} {sentences}"
        raised += 1
    for party_id, reasons in sorted(flags.protected.items()):
        if party_id not in parties:
            continue
        p = parties[party_id]
        protected += 1
        p.role, p.subrole, p.subject_score = "likely_victim", None, 0.0
        base = explain_party(p, indicators) if p.contributions or p.ties else ""
        why = "; ".join(r.explanation for r in reasons)
        p.explanation = (
            f"PROTECTED survivor: {why}. Never report as the subject; no automated exit (an exit needs a "
            f"supervisor's exit review). {base}"
        ).strip()
    return raised, protected
