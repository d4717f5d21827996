"""The narrative of a report, written from the evidence: who, what, when, how much, and why it is suspicious.

FinCEN's SAR narrative, goAML's `reason` and the HTML report all use these paragraphs. Likely victims are
described as victims, never as subjects (FIN-2020-A008); their details are limited to what an investigator
needs to find and protect them (name and account), never their address, birth date or identity documents.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from chainbreaker.cases.safeguards import ALTERNATIVES
from chainbreaker.core.demo_lists import list_label
from chainbreaker.reports.facts import ReportFacts

MAX_LISTED_TRANSACTIONS = 25


def _money(amount: Decimal | float, currency: str = "USD") -> str:
    return f"{Decimal(str(amount)):,.2f} {currency}"


def _figures(evidence: dict[str, Any]) -> str:
    skip = {
        "txn_ids",
        "transactions",
        "sample_txn_ids",
        "txns",
        "related_party_ids",
        "party_ids",
        "explanation",
    }
    parts = [
        f"{k.replace('_', ' ')} {v}"
        for k, v in evidence.items()
        if k not in skip and isinstance(v, int | float | str) and not isinstance(v, bool) and len(str(v)) < 60
    ]
    return "; ".join(parts[:8])


def _alert_line(facts: ReportFacts, alert: dict[str, Any]) -> str:
    party = facts.party(alert["party_id"])
    who = (
        f"{party.name} ({alert['party_id']})"
        if party and party.role != "likely_victim"
        else alert["party_id"]
    )
    figures = _figures(alert["evidence"])
    span = (
        f" from {alert['period_start']:%Y-%m-%d} to {alert['period_end']:%Y-%m-%d}"
        if alert["period_start"] and alert["period_end"]
        else ""
    )
    return f"{who}{span}, score {alert['score']:.2f}" + (f" ({figures})" if figures else "")


def _red_flags(facts: ReportFacts, level: int) -> list[str]:
    """One paragraph per indicator: every alert (level 0), its count and strongest alert (1), its count (2)."""
    by_indicator: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for alert in facts.alerts:
        by_indicator[alert["indicator_id"]].append(alert)
    out = []
    for indicator, alerts in sorted(by_indicator.items()):
        head = f"Red flag {indicator} ({alerts[0]['trafficking_type']})"
        if level == 0:
            out.append(f"{head}: " + "; ".join(_alert_line(facts, a) for a in alerts) + ".")
            continue
        parties = len({a["party_id"] for a in alerts})
        counted = f"{head}: {len(alerts)} alert(s) on {parties} part{'y' if parties == 1 else 'ies'}"
        if level == 1:
            top = max(alerts, key=lambda a: (a["score"], str(a["party_id"])))
            counted += f"; strongest: {_alert_line(facts, top)}"
        out.append(counted + ".")
    return out


def paragraphs(facts: ReportFacts, key_term: str | None = None, level: int = 0) -> list[str]:
    """The narrative as paragraphs of plain text, most important first.

    `level` summarises for an FIU field with a length limit: 0 lists every alert and 25 transactions; 1 gives
    counts per indicator with the strongest alert and the 10 largest transactions; 2 gives counts only.
    """
    kind = facts.trafficking_label or "human trafficking (type not established)"
    period = (
        f" between {facts.period_start:%Y-%m-%d} and {facts.period_end:%Y-%m-%d}"
        if facts.period_start and facts.period_end
        else ""
    )
    out: list[str] = []
    opening = (
        f"{key_term + '. ' if key_term else ''}This report concerns suspected {kind.upper()}. "
        f"Case {facts.reference} groups {len(facts.alerts)} alert(s) on {len(facts.parties)} "
        f"part{'y' if len(facts.parties) == 1 else 'ies'} that form one network{period}, "
        f"with {len(facts.transactions())} transaction(s) totalling {_money(facts.total_amount)} as evidence."
    )
    out.append(opening)
    for number, subject in enumerate(facts.subjects, start=1):
        role = subject.sub_role.replace("_", " ") if subject.sub_role else "subject"
        accounts = ", ".join(a["account_id"] for a in subject.accounts) or "no account on file"
        line = f"Subject {number}: {subject.name} (customer {subject.party_id}, likely {role}; accounts {accounts})."
        if subject.explanation:
            line += f" Monitoring: {subject.explanation}."
        if subject.indicators:
            line += f" Indicators: {', '.join(subject.indicators)}."
        out.append(line)
    out.extend(_red_flags(facts, level))
    transactions = facts.transactions()
    if transactions:
        channels = Counter(t["channel"] for t in transactions)
        total_by_channel: dict[str, Decimal] = defaultdict(Decimal)
        for t in transactions:
            total_by_channel[t["channel"]] += Decimal(str(t["amount"]))
        mix = ", ".join(
            f"{channels[c]} {c} ({_money(total_by_channel[c])})"
            for c in sorted(channels, key=lambda c: -channels[c])
        )
        out.append(f"Evidence transactions by channel: {mix}.")
        listed = []
        shown = (
            transactions[:MAX_LISTED_TRANSACTIONS]
            if level == 0
            else sorted(transactions, key=lambda t: -Decimal(str(t["amount"])))[: 10 if level == 1 else 0]
        )
        for t in shown:
            other = facts.party(t["counterparty_party_id"])
            if other is not None:
                cp = f"{'likely victim' if other.role == 'likely_victim' else other.name} ({other.party_id})"
            else:
                cp = t["counterparty_name"] or t["merchant_name"] or ""
            where = ", ".join(x for x in (t["city"], t["counterparty_country"] or t["country"]) if x)
            listed.append(
                f"{t['booked_at']:%Y-%m-%d %H:%M} {t['txn_id']} account {t['account_id']} {t['direction']} "
                f"{_money(t['amount'], t['currency'])} by {t['channel']}"
                + (f" {'to' if t['direction'] == 'out' else 'from'} {cp}" if cp else "")
                + (f" in {where}" if where else "")
                + f" [{', '.join(t['indicators'])}]"
            )
        more = len(transactions) - len(listed)
        if listed:
            label = "Transactions" if level == 0 else "Largest transactions"
            out.append(
                f"{label}: "
                + "; ".join(listed)
                + (f"; and {more} more in the case file." if more > 0 else ".")
            )
        else:
            out.append(f"The {more} evidence transactions are listed in the case file {facts.reference}.")
    for victim in facts.victims:
        accounts = ", ".join(a["account_id"] for a in victim.accounts) or "no account on file"
        decision = next((a.title for a in ALTERNATIVES if a.code == victim.account_action), None)
        out.append(
            f"Likely victim (not a subject of this report): {victim.name}, customer {victim.party_id}, "
            f"account(s) {accounts}."
            + (f" Monitoring: {victim.explanation}." if victim.explanation else "")
            + (f" The institution's safeguard decision: {decision.lower()}." if decision else "")
        )
    for hit in facts.hits:
        out.append(
            f"List match: {hit['matched_party']} resembles {hit['entity_name']} on {list_label(hit['dataset'])} "
            f"(source id {hit['source_id']}, score {hit['score']:.2f})"
            + (f": {hit['explanation']}" if hit["explanation"] else "")
            + "."
        )
    edges = [e for e in facts.network.get("edges", []) if isinstance(e, dict)]
    if edges:
        kinds = Counter(str(e.get("kind")) for e in edges)
        out.append(
            "Network ties: "
            + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(kinds.items()))
            + " link the parties of this case."
        )
    if key_term:
        out.append(f"{key_term}.")
    return out


def text(facts: ReportFacts, key_term: str | None = None) -> str:
    """The narrative as one text with blank lines between paragraphs."""
    return "\n\n".join(paragraphs(facts, key_term))


def fitted(facts: ReportFacts, limit: int, key_term: str | None = None, prefix: str = "") -> str:
    """The narrative within an FIU field's `limit`, summarised rather than cut mid-sentence.

    The full text when it fits; else counts per indicator with the strongest alert and the largest
    transactions; else counts only. Only if even that is too long are whole paragraphs dropped from the end
    (the key term, which FinCEN asks for, is kept last), with a note that the case file holds the rest.
    """
    for level in (0, 1, 2):
        narrative = prefix + "\n\n".join(paragraphs(facts, key_term, level))
        if len(narrative) <= limit:
            return narrative
    parts = paragraphs(facts, None, 2)
    tail = [f"The full narrative is in the case file {facts.reference}."] + (
        [f"{key_term}."] if key_term else []
    )
    while parts:
        narrative = prefix + "\n\n".join(parts + tail)
        if len(narrative) <= limit:
            return narrative
        parts.pop()
    return (prefix + "\n\n".join(tail))[:limit]


def split(narrative: str, size: int, parts: int) -> list[str]:
    """Cut a narrative into at most `parts` chunks of at most `size` characters, on paragraph or word limits."""
    chunks: list[str] = []
    rest = narrative
    while rest and len(chunks) < parts:
        if len(rest) <= size:
            chunks.append(rest)
            rest = ""
            break
        cut = rest.rfind("\n\n", 0, size)
        if cut < size // 2:
            cut = rest.rfind(" ", 0, size)
        if cut <= 0:
            cut = size
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest and chunks:
        note = " [narrative continues in the case file]"
        chunks[-1] = chunks[-1][: size - len(note)].rstrip() + note
    return chunks
