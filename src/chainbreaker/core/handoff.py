"""The contracts between stages: what `monitor` and `screen` write and `cases build` reads, as one definition.

Monitoring writes its `alerts` and `party_risk` tables from the column lists here; cases read them through the
same lists and refuse a file whose required column is missing, naming the file and column. No stage guesses
another's spelling (`subrole` is `subrole` everywhere), and one function says what makes an alert *the same
alert*: `alert_identity(party, indicator, account, period, link)`. Monitoring writes it as `alert_id`; the case
store keys alerts by it; the UI shows it. Two periods of the same indicator on the same account are two alerts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Kind(StrEnum):
    """How a hand-off column is typed (Parquet type; CSV writes lists and JSON as JSON text)."""

    TEXT = "text"
    NUMBER = "number"  # float
    SCORE = "score"  # float between 0 and 1
    TIMESTAMP = "timestamp"
    JSON = "json"  # a JSON document in a text column
    TEXT_LIST = "text_list"
    BOOL = "bool"


@dataclass(frozen=True)
class HandoffColumn:
    """One column of a hand-off table: its name, type, whether it must be present, and what it means.

    `required` is about the column: a file without it is refused, so a renamed column (`sub_role` for
    `subrole`) is an error and never a silent loss. `nullable` says whether a row may leave the value empty.
    """

    name: str
    kind: Kind
    required: bool
    doc: str
    nullable: bool = False


#: Roles monitoring proposes for a party, and the case role each becomes (an analyst may change it later).
MONITORING_ROLES: dict[str, str] = {
    "likely_subject": "subject",
    "likely_victim": "likely_victim",
    "unknown": "unknown",
}

#: Trafficking types an alert or a party may carry.
HANDOFF_TRAFFICKING_TYPES = ("sex", "labour", "general")

ALERTS: tuple[HandoffColumn, ...] = (
    HandoffColumn("alert_id", Kind.TEXT, True, "alert_identity(party, indicator, account, period, link)"),
    HandoffColumn("party_id", Kind.TEXT, True, "the customer the indicator fired on"),
    HandoffColumn("account_id", Kind.TEXT, True, "the account, when the indicator is about one", True),
    HandoffColumn("indicator_id", Kind.TEXT, True, "catalogue id, e.g. ST-03"),
    HandoffColumn("trafficking_type", Kind.TEXT, True, "sex, labour or general"),
    HandoffColumn("score", Kind.SCORE, True, "indicator weight x strength, 0..1"),
    HandoffColumn("period_start", Kind.TIMESTAMP, True, "start of the period the indicator looked at"),
    HandoffColumn("period_end", Kind.TIMESTAMP, True, "end of that period", True),
    HandoffColumn("evidence", Kind.JSON, True, "figures, txn_ids, related_party_ids, sources"),
    HandoffColumn("role", Kind.TEXT, True, "the party's proposed role (see MONITORING_ROLES)"),
    HandoffColumn("explanation", Kind.TEXT, True, "the indicator's explanation filled with the figures"),
)

PARTY_RISK: tuple[HandoffColumn, ...] = (
    HandoffColumn("party_id", Kind.TEXT, True, "the customer"),
    HandoffColumn("risk_score", Kind.SCORE, True, "combined risk, 0..1"),
    HandoffColumn("indicators", Kind.TEXT_LIST, True, "indicator ids that fired on the party"),
    HandoffColumn("trafficking_type", Kind.TEXT, True, "sex, labour or general"),
    HandoffColumn("role", Kind.TEXT, True, "likely_subject, likely_victim or unknown"),
    HandoffColumn(
        "subrole", Kind.TEXT, True, "controller, front_business, recruiter, ... (subjects only)", True
    ),
    HandoffColumn("network_id", Kind.TEXT, True, "parties with the same id form one network", True),
    HandoffColumn(
        "ties", Kind.JSON, True, "list of {party_id, how, ...}: shared identifiers and money flows"
    ),
    HandoffColumn("explanation", Kind.TEXT, True, "the paragraph an investigator reads first"),
    HandoffColumn("alerted", Kind.BOOL, True, "whether the party passed the alert rule"),
    HandoffColumn("own_score", Kind.NUMBER, True, "risk from the party's own red flags"),
    HandoffColumn("subject_score", Kind.NUMBER, True, "evidence for the subject role"),
    HandoffColumn("victim_score", Kind.NUMBER, True, "evidence for the likely-victim role"),
)

#: Values of a screening hit's `query_kind`: which kind of name was screened.
QUERY_KINDS = ("party", "counterparty", "name")

HITS: tuple[HandoffColumn, ...] = (
    HandoffColumn("query_id", Kind.TEXT, True, "party id, `cp:<name>` for a counterparty, or the file's id"),
    HandoffColumn("query_name", Kind.TEXT, True, "the name screened (the counterparty's own name for cp:)"),
    HandoffColumn("entity_id", Kind.TEXT, True, "the listed entity"),
    HandoffColumn("entity_name", Kind.TEXT, True, "its listed name"),
    HandoffColumn("dataset", Kind.TEXT, True, "the list"),
    HandoffColumn("source_id", Kind.TEXT, True, "the publisher's id of the entry", True),
    HandoffColumn("score", Kind.SCORE, True, "match score, 0..1"),
    HandoffColumn("matched_on", Kind.TEXT, True, "which fields matched"),
    HandoffColumn("explanation", Kind.TEXT, True, "why the names match"),
)


#: Where the case store's facts about parties that monitoring must weigh are exported, under the workspace.
PARTY_FLAGS_FILE = "remedy/party_flags.parquet"
#: The kinds of party flag: a recorded risk (a client that would not cooperate with a grievance) and a
#: protected survivor (a referral or a partner NGO's protective match).
PARTY_FLAG_KINDS = ("risk_note", "protected")

PARTY_FLAGS: tuple[HandoffColumn, ...] = (
    HandoffColumn("org_id", Kind.TEXT, True, "the organisation whose case store recorded the flag"),
    HandoffColumn("party_id", Kind.TEXT, True, "the customer or client of the workspace"),
    HandoffColumn("flag", Kind.TEXT, True, "risk_note or protected"),
    HandoffColumn("source", Kind.TEXT, True, "grievance, referral or sharing"),
    HandoffColumn("source_ref", Kind.TEXT, True, "the grievance, referral or partnership it comes from"),
    HandoffColumn("weight", Kind.SCORE, True, "risk a note adds (combined as independent evidence); 0 else"),
    HandoffColumn("recorded_at", Kind.TIMESTAMP, True, "when the case store recorded it"),
    HandoffColumn("explanation", Kind.TEXT, True, "the sentence monitoring adds to the party's explanation"),
)


def names(columns: tuple[HandoffColumn, ...]) -> tuple[str, ...]:
    """Column names in order."""
    return tuple(c.name for c in columns)


def required(columns: tuple[HandoffColumn, ...]) -> tuple[str, ...]:
    """Names of the columns a reader may rely on."""
    return tuple(c.name for c in columns if c.required)


def alert_identity(
    party_id: str,
    indicator_id: str,
    account_id: str | None,
    period_start: datetime,
    link_key: str | None,
) -> str:
    """The one identity of an alert: this indicator, on this party and account, for this period and link.

    A re-run over the same data gives the same id (so cases update, never duplicate); another period or
    another shared identifier is another alert. The link value itself never appears: only a hash of it.
    """
    raw = "|".join((indicator_id, party_id, account_id or "", period_start.isoformat(), link_key or ""))
    return "AL-" + hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()[:16]


def markdown() -> str:
    """The hand-off tables as Markdown, for docs/data-contract.md."""
    lines: list[str] = []
    tables = (
        ("alerts", ALERTS),
        ("party_risk", PARTY_RISK),
        ("screening hits", HITS),
        ("party flags (remedy -> monitoring)", PARTY_FLAGS),
    )
    for title, columns in tables:
        lines += [f"### {title}", "", "| column | type | must be present | may be empty | meaning |"]
        lines.append("|---|---|---|---|---|")
        lines += [
            f"| {c.name} | {c.kind.value} | {'yes' if c.required else 'no'} | {'yes' if c.nullable else 'no'} "
            f"| {c.doc} |"
            for c in columns
        ]
        lines.append("")
    return "\n".join(lines)
