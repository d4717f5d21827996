"""Reads of one case built for thousands of evidence rows: a summary from aggregates, evidence by page.

`cases.views.case_view` loads every evidence row and builds a timeline of each; fine for the CLI,
too slow for a page of a case with 10,000 transactions (1.5 s of server time, 1.3 MB of HTML). The
case page therefore starts from `case_summary`, which runs a handful of GROUP BY queries and never
loads an evidence row, and each section (evidence, timeline, network, map, matches, notes) is its own
request. Evidence is filtered, sorted and paged in SQL; the CSV export streams the same query.
Every query filters on `org_id` and the case's id, like the rest of `service/reads.py`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from chainbreaker.cases.safeguards import Safeguard, safeguard_for
from chainbreaker.cases.workflow import TRANSITIONS, get_case
from chainbreaker.core.errors import InputError
from chainbreaker.storage.models import (
    Alert,
    AuditEntry,
    Case,
    CaseParty,
    CaseReport,
    Comment,
    Evidence,
    ScreeningHit,
)
from chainbreaker.storage.service_models import AlertReview

EVIDENCE_PAGE = 50
MAX_EVIDENCE_PAGE = 500


@dataclass(frozen=True)
class IndicatorLine:
    """One red flag of a case: how many alerts raised it, how many transactions show it, how strongly."""

    indicator_id: str
    trafficking_type: str
    alerts: int
    evidence: int
    top_score: float
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True)
class Flow:
    direction: str
    currency: str
    count: int
    total: Decimal


@dataclass(frozen=True)
class Due:
    """A decision the case is waiting for, with where to make it."""

    text: str
    href: str
    party_id: str = ""  # the page shows the party's name in place of the id


@dataclass
class Summary:
    """What the first screen of a case says: who, what, how much, when, and what is left to decide."""

    case: Case
    allowed_transitions: tuple[str, ...]
    parties: list[CaseParty]
    indicators: list[IndicatorLine]
    flows: list[Flow]
    evidence: int
    counterparties: int
    channels: list[tuple[str, int]]
    first: datetime | None
    last: datetime | None
    hits: int
    comments: int
    unreviewed_alerts: int
    reports: int
    safeguard: Safeguard
    due: list[Due] = field(default_factory=list)


def case_summary(session: Session, org_id: str, ref: str | int) -> Summary:
    """The summary of one case from aggregate queries only (no evidence row is loaded)."""
    case = get_case(session, org_id, ref)
    cid = case.id
    parties = list(
        session.scalars(
            select(CaseParty)
            .where(CaseParty.org_id == org_id, CaseParty.case_id == cid)
            .order_by(CaseParty.id)
        )
    )
    alert_lines = session.execute(
        select(
            Alert.indicator_id,
            func.max(Alert.trafficking_type),
            func.count(),
            func.max(Alert.score),
            func.min(Alert.period_start),
            func.max(Alert.period_end),
        )
        .where(Alert.org_id == org_id, Alert.case_id == cid)
        .group_by(Alert.indicator_id)
    ).all()
    evidence_by_indicator = dict(
        session.execute(
            select(Evidence.indicator_id, func.count())
            .where(Evidence.org_id == org_id, Evidence.case_id == cid)
            .group_by(Evidence.indicator_id)
        ).all()
    )
    indicators = sorted(
        (
            IndicatorLine(
                str(ind), str(kind), int(n), int(evidence_by_indicator.get(ind, 0)), float(top), first, last
            )
            for ind, kind, n, top, first, last in alert_lines
        ),
        key=lambda line: (-line.top_score, -line.evidence, line.indicator_id),
    )
    # Money per direction and currency, channels and dates over the case's transactions. A transaction
    # evidencing two indicators is two rows; the totals count it once: sum every row (one indexed pass),
    # then take the extra copies of the few repeated transactions back out. `cid` comes from
    # `get_case(org_id, ...)`, so the index-only duplicate query needs no organisation filter of its own.
    flow_totals: dict[tuple[str, str], list[Any]] = {}
    channel_counts: Counter[str] = Counter()
    first: datetime | None = None
    last: datetime | None = None
    transactions = 0
    for direction, currency, channel, n, total, lo, hi in session.execute(
        select(
            Evidence.direction,
            Evidence.currency,
            Evidence.channel,
            func.count(),
            func.sum(Evidence.amount),
            func.min(Evidence.booked_at),
            func.max(Evidence.booked_at),
        )
        .where(Evidence.org_id == org_id, Evidence.case_id == cid)
        .group_by(Evidence.direction, Evidence.currency, Evidence.channel)
    ):
        entry = flow_totals.setdefault((str(direction), str(currency)), [0, Decimal(0)])
        entry[0] += int(n)
        entry[1] += Decimal(str(total or 0))
        channel_counts[str(channel)] += int(n)
        transactions += int(n)
        first = lo if first is None or (lo is not None and lo < first) else first
        last = hi if last is None or (hi is not None and hi > last) else last
    repeated = dict(
        session.execute(
            select(Evidence.txn_id, func.count())
            .where(Evidence.case_id == cid)
            .group_by(Evidence.txn_id)
            .having(func.count() > 1)
        ).all()
    )
    if repeated:
        for txn, direction, currency, channel, amount in session.execute(
            select(Evidence.txn_id, Evidence.direction, Evidence.currency, Evidence.channel, Evidence.amount)
            .where(Evidence.org_id == org_id, Evidence.case_id == cid, Evidence.txn_id.in_(list(repeated)))
            .distinct()
        ):
            extra = int(repeated.pop(txn, 1)) - 1  # each repeated transaction once, whatever its copies
            entry = flow_totals[(str(direction), str(currency))]
            entry[0] -= extra
            entry[1] -= Decimal(str(amount)) * extra
            channel_counts[str(channel)] -= extra
            transactions -= extra
    flows = [Flow(d, c, n, total) for (d, c), (n, total) in sorted(flow_totals.items())]
    channels = channel_counts.most_common()
    counterparties = int(
        session.scalar(
            select(
                func.count(
                    func.distinct(
                        func.coalesce(
                            Evidence.counterparty_party_id, Evidence.counterparty_name, Evidence.merchant_name
                        )
                    )
                )
            ).where(Evidence.org_id == org_id, Evidence.case_id == cid)
        )
        or 0
    )
    hits = _count(
        session, select(ScreeningHit.id).where(ScreeningHit.org_id == org_id, ScreeningHit.case_id == cid)
    )
    comments = _count(session, select(Comment.id).where(Comment.org_id == org_id, Comment.case_id == cid))
    reports = _count(
        session, select(CaseReport.id).where(CaseReport.org_id == org_id, CaseReport.case_id == cid)
    )
    reviewed = select(AlertReview.alert_pk).where(AlertReview.org_id == org_id)
    unreviewed = _count(
        session,
        select(Alert.id).where(Alert.org_id == org_id, Alert.case_id == cid, Alert.id.not_in(reviewed)),
    )
    summary = Summary(
        case=case,
        allowed_transitions=TRANSITIONS[case.status],
        parties=parties,
        indicators=indicators,
        flows=flows,
        evidence=transactions,
        counterparties=counterparties,
        channels=channels,
        first=first,
        last=last,
        hits=hits,
        comments=comments,
        unreviewed_alerts=unreviewed,
        reports=reports,
        safeguard=safeguard_for(parties),
    )
    summary.due = decisions_due(summary)
    return summary


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def decisions_due(summary: Summary) -> list[Due]:
    """What the case waits for, in the order an investigator would do it, each with where to do it."""
    ref = summary.case.reference
    due: list[Due] = []
    if summary.case.status == "new":
        due.append(Due("Start the review (the case is new).", f"/cases/{ref}#workflow"))
    if summary.case.trafficking_type == "general" and summary.case.status != "closed":
        due.append(
            Due(
                "Decide whether this is sex or labour trafficking: FIU reports must say which.",
                f"/cases/{ref}#trafficking-type",
            )
        )
    for party in summary.parties:
        if party.role == "likely_victim" and not party.account_action:
            due.append(
                Due(
                    f"Decide what happens to the account of likely victim {party.party_id} "
                    "(keep under review, refer, offer a basic account).",
                    f"/cases/{ref}#safeguard",
                    party.party_id,
                )
            )
    if summary.unreviewed_alerts:
        due.append(
            Due(
                f"Review {summary.unreviewed_alerts} alert{'s' if summary.unreviewed_alerts != 1 else ''}.",
                f"/alerts?case={ref}&review=none",
            )
        )
    if summary.case.status == "escalated" and not summary.reports:
        due.append(Due("Export the report to the FIU.", f"/cases/{ref}#reports"))
    return due


@dataclass(frozen=True)
class EvidenceFilter:
    """What the evidence table shows; every field is optional."""

    indicator: str = ""
    party: str = ""
    channel: str = ""
    direction: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def where(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.indicator:
            conditions.append(Evidence.indicator_id == self.indicator)
        if self.party:
            conditions.append(
                or_(Evidence.party_id == self.party, Evidence.counterparty_party_id == self.party)
            )
        if self.channel:
            conditions.append(Evidence.channel == self.channel)
        if self.direction:
            conditions.append(Evidence.direction == self.direction)
        if self.date_from:
            conditions.append(Evidence.booked_at >= datetime.combine(self.date_from, time.min))
        if self.date_to:
            conditions.append(
                Evidence.booked_at < datetime.combine(self.date_to + timedelta(days=1), time.min)
            )
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise InputError("the period ends before it starts", column="date_to")
        return conditions

    def params(self) -> dict[str, str]:
        """The filter as query parameters (for links that keep it: pages, sorting, CSV)."""
        values = {
            "indicator": self.indicator,
            "party": self.party,
            "channel": self.channel,
            "direction": self.direction,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in values.items() if v}


#: Columns the evidence table can be sorted by (anything else is refused, never put into SQL).
EVIDENCE_SORTS: dict[str, Any] = {
    "booked_at": Evidence.booked_at,
    "amount": Evidence.amount,
    "indicator": Evidence.indicator_id,
    "channel": Evidence.channel,
    "direction": Evidence.direction,
    "party": Evidence.party_id,
    "counterparty": func.coalesce(
        Evidence.counterparty_name, Evidence.merchant_name, Evidence.counterparty_party_id
    ),
    "mcc": Evidence.mcc,
}


@dataclass
class EvidencePage:
    rows: list[Evidence]
    total: int
    offset: int
    limit: int
    sort: str
    order: str

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))


def _evidence_query(org_id: str, case_id: int, flt: EvidenceFilter) -> Select[Any]:
    return select(Evidence).where(Evidence.org_id == org_id, Evidence.case_id == case_id, *flt.where())


def _ordering(sort: str, order: str) -> list[Any]:
    if sort not in EVIDENCE_SORTS:
        raise InputError(
            f"cannot sort evidence by {sort!r}; use one of {', '.join(EVIDENCE_SORTS)}", column="sort"
        )
    column = EVIDENCE_SORTS[sort]
    return [column.desc() if order == "desc" else column.asc(), Evidence.id]


def evidence_page(
    session: Session,
    org_id: str,
    case: Case,
    flt: EvidenceFilter,
    *,
    sort: str = "booked_at",
    order: str = "asc",
    offset: int = 0,
    limit: int = EVIDENCE_PAGE,
) -> EvidencePage:
    """One page of a case's evidence, filtered and sorted in SQL, with the total matching."""
    limit = max(1, min(limit, MAX_EVIDENCE_PAGE))
    query = _evidence_query(org_id, case.id, flt)
    total = _count(session, query)
    offset = max(0, min(offset, max(0, total - 1) // limit * limit))
    rows: list[Evidence] = list(
        session.scalars(query.order_by(*_ordering(sort, order)).offset(offset).limit(limit))
    )
    return EvidencePage(rows, total, offset, limit, sort, order)


def evidence_rows(
    session: Session,
    org_id: str,
    case: Case,
    flt: EvidenceFilter,
    *,
    sort: str = "booked_at",
    order: str = "asc",
) -> Iterator[Evidence]:
    """Every matching evidence row, streamed in batches (for the CSV export)."""
    query = (
        _evidence_query(org_id, case.id, flt)
        .order_by(*_ordering(sort, order))
        .execution_options(yield_per=1000)
    )
    yield from session.scalars(query)


def evidence_choices(session: Session, org_id: str, case: Case) -> dict[str, list[str]]:
    """The values the evidence filters offer (indicators, channels, parties of this case)."""

    def distinct(column: Any) -> list[str]:
        return sorted(
            str(v)
            for v in session.scalars(
                select(func.distinct(column)).where(Evidence.org_id == org_id, Evidence.case_id == case.id)
            )
            if v
        )

    return {
        "indicators": distinct(Evidence.indicator_id),
        "channels": distinct(Evidence.channel),
        "parties": sorted(
            str(p)
            for p in session.scalars(
                select(CaseParty.party_id).where(CaseParty.org_id == org_id, CaseParty.case_id == case.id)
            )
        ),
    }


@dataclass
class TimelineLine:
    """One month of one indicator: how many transactions, how much money each way, from when to when."""

    month: str
    indicator_id: str
    transactions: int = 0
    money_in: Decimal = Decimal(0)
    money_out: Decimal = Decimal(0)
    first: datetime | None = None
    last: datetime | None = None
    alerts_starting: int = 0


@dataclass
class Timeline:
    months: list[tuple[str, list[TimelineLine]]]
    workflow: list[tuple[datetime, str]]
    currencies: list[str]


def case_timeline(session: Session, org_id: str, case: Case) -> Timeline:
    """The case's evidence and alerts grouped by month and indicator, plus its workflow steps."""
    lines: dict[tuple[str, str], TimelineLine] = {}
    bind = session.get_bind()
    month_of = (
        func.to_char(Evidence.booked_at, "YYYY-MM")
        if bind.dialect.name == "postgresql"
        else func.strftime("%Y-%m", Evidence.booked_at)
    )
    for label, indicator, direction, n, total, lo, hi in session.execute(
        select(
            month_of,
            Evidence.indicator_id,
            Evidence.direction,
            func.count(),
            func.sum(Evidence.amount),
            func.min(Evidence.booked_at),
            func.max(Evidence.booked_at),
        )
        .where(Evidence.org_id == org_id, Evidence.case_id == case.id)
        .group_by(month_of, Evidence.indicator_id, Evidence.direction)
    ):
        line = lines.setdefault((str(label), str(indicator)), TimelineLine(str(label), str(indicator)))
        line.transactions += int(n)
        if direction == "in":
            line.money_in += Decimal(str(total or 0))
        else:
            line.money_out += Decimal(str(total or 0))
        line.first = lo if line.first is None or lo < line.first else line.first
        line.last = hi if line.last is None or hi > line.last else line.last
    currencies = {
        str(c)
        for c in session.scalars(
            select(func.distinct(Evidence.currency)).where(
                Evidence.org_id == org_id, Evidence.case_id == case.id
            )
        )
    }
    for start, indicator in session.execute(
        select(Alert.period_start, Alert.indicator_id).where(Alert.org_id == org_id, Alert.case_id == case.id)
    ):
        if start is None:
            continue
        month = start.strftime("%Y-%m")
        lines.setdefault((month, indicator), TimelineLine(month, indicator)).alerts_starting += 1
    by_month: dict[str, list[TimelineLine]] = defaultdict(list)
    for (month, _ind), line in sorted(lines.items()):
        by_month[month].append(line)
    # runs of the same step by the same actor (a re-run rescoring 199 alerts) are one line
    steps: list[tuple[datetime, str]] = []
    run: list[Any] = []

    def flush() -> None:
        if run:
            first_at, action, actor, n, last_at = run
            text = f"{action.replace('case.', '').replace('_', ' ').replace('.', ' ')} by {actor}"
            if n > 1:
                text += f" ({n:,} times, until {last_at:%d %b %Y %H:%M})"
            steps.append((first_at, text))

    for at, action, actor in session.execute(
        select(AuditEntry.at, AuditEntry.action, AuditEntry.actor)
        .where(
            AuditEntry.org_id == org_id,
            AuditEntry.object_type == "case",
            AuditEntry.object_id == case.reference,
        )
        .order_by(AuditEntry.seq)
    ):
        if run and run[1] == action and run[2] == actor:
            run[3] += 1
            run[4] = at
            continue
        flush()
        run = [at, action, actor, 1, at]
    flush()
    return Timeline(sorted(by_month.items()), steps, sorted(currencies))


def alert_transactions(session: Session, org_id: str, alert: Alert) -> tuple[list[Evidence], list[str]]:
    """Exactly the transactions that made the alert, inside its period, and the ids not found in the case.

    The alert names its transactions (`evidence.txn_ids`); the case may hold more evidence of the same
    indicator from other months or accounts, which belongs to other alerts and is not shown here.
    """
    raw = alert.evidence or {}
    ids = [str(t) for t in raw.get("txn_ids") or [] if t]
    query = select(Evidence).where(
        Evidence.org_id == org_id,
        Evidence.case_id == alert.case_id,
        Evidence.indicator_id == alert.indicator_id,
    )
    query = query.where(Evidence.txn_id.in_(ids)) if ids else query.where(Evidence.alert_pk == alert.id)
    if alert.period_start is not None:
        query = query.where(Evidence.booked_at >= alert.period_start)
    if alert.period_end is not None:
        query = query.where(Evidence.booked_at < alert.period_end + timedelta(days=1))
    rows = list(session.scalars(query.order_by(Evidence.booked_at, Evidence.id)))
    found = {r.txn_id for r in rows}
    return rows, [t for t in ids if t not in found]


def counterparty(row: Evidence, names: dict[str, str] | None = None) -> str:
    """Who was on the other side, as the bank's data names them: party name, counterparty or merchant."""
    if row.counterparty_party_id and names and row.counterparty_party_id in names:
        return names[row.counterparty_party_id]
    return (
        row.counterparty_name
        or row.merchant_name
        or row.counterparty_party_id
        or row.counterparty_account
        or ""
    )


def indicator_counts(lines: Sequence[IndicatorLine]) -> Counter[str]:
    return Counter({line.indicator_id: line.evidence for line in lines})
