"""The list pages' tables: filters, sorting by whitelisted columns, page counts and CSV of the same rows.

Alerts can be many (one per party, indicator and account), so they are filtered, sorted and paged in
SQL. Cases are few (tens to hundreds per organisation) and ranked by `cases.ranking`, which needs
every case anyway, so they are sorted and paged in Python. Either way the CSV export holds exactly
the rows the filters select, in the order shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainbreaker.cases import ranking, views
from chainbreaker.cases.workflow import get_case
from chainbreaker.core.errors import InputError
from chainbreaker.storage.models import Alert, Case, ScreeningHit
from chainbreaker.storage.service_models import AlertReview

PAGE_SIZE = 50
T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    rows: list[T]
    total: int
    page: int
    pages: int
    size: int

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.size + 1

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.size)


def paginate(rows: Sequence[T], page: int, size: int = PAGE_SIZE) -> Page[T]:
    pages = max(1, -(-len(rows) // size))
    page = max(1, min(page, pages))
    return Page(list(rows[(page - 1) * size : page * size]), len(rows), page, pages, size)


@dataclass(frozen=True)
class CaseLine:
    summary: views.CaseSummary
    rank: ranking.Ranked


@dataclass
class CaseTable:
    lines: list[CaseLine]
    sort: str
    order: str

    csv_header = (
        "rank", "reference", "title", "status", "trafficking_type", "rank_score", "strongest_signal",
        "parties", "likely_victims", "alerts", "indicators", "list_match", "assignee", "updated_at", "above_next_because",
    )  # fmt: skip

    def page(self, number: int) -> Page[CaseLine]:
        return paginate(self.lines, number)

    def csv_rows(self) -> Iterator[list[object]]:
        for line in self.lines:
            s, r = line.summary, line.rank
            yield [
                r.rank, s.reference, s.title, s.status, s.trafficking_type, r.score, s.risk_score, s.parties,
                s.likely_victims, s.alerts, r.indicators, r.list_match, s.assignee or "", s.updated_at, r.above_next,
            ]  # fmt: skip


CASE_SORTS: dict[str, Callable[[CaseLine], Any]] = {
    "rank": lambda line: line.rank.rank,
    "reference": lambda line: line.summary.reference,
    "status": lambda line: (line.summary.status, line.rank.rank),
    "type": lambda line: (line.summary.trafficking_type, line.rank.rank),
    "alerts": lambda line: (line.summary.alerts, -line.rank.rank),
    "victims": lambda line: (line.summary.likely_victims, -line.rank.rank),
    "updated": lambda line: line.summary.updated_at,
}
#: The order a click on a column header gives first (ranks ascend, counts and dates descend).
CASE_DEFAULT_ORDER = {"rank": "asc", "reference": "asc", "status": "asc", "type": "asc"}


def case_list(
    session: Session,
    org_id: str,
    *,
    status: str = "",
    trafficking_type: str = "",
    sort: str = "rank",
    order: str = "",
) -> CaseTable:
    """The organisation's cases with their rank, filtered and sorted."""
    if sort not in CASE_SORTS:
        raise InputError(f"cannot sort cases by {sort!r}; use one of {', '.join(CASE_SORTS)}", column="sort")
    order = order or CASE_DEFAULT_ORDER.get(sort, "desc")
    ranks = {r.case_id: r for r in ranking.rank_cases(session, org_id)}
    summaries = views.list_cases(session, org_id, status=status or None)
    lines = [
        CaseLine(s, ranks[s.id])
        for s in summaries
        if s.id in ranks and (not trafficking_type or s.trafficking_type == trafficking_type)
    ]
    lines.sort(key=CASE_SORTS[sort], reverse=order == "desc")
    return CaseTable(lines, sort, order)


ALERT_SORTS: dict[str, Any] = {
    "score": Alert.score,
    "indicator": Alert.indicator_id,
    "party": Alert.party_id,
    "period": Alert.period_start,
    "type": Alert.trafficking_type,
    "case": Alert.case_id,
}


@dataclass(frozen=True)
class AlertFilter:
    indicator: str = ""
    trafficking_type: str = ""
    case: str = ""
    party: str = ""
    review: str = ""  # "", "none" (never reviewed) or a review decision
    min_score: float | None = None
    date_from: date | None = None
    date_to: date | None = None

    def params(self) -> dict[str, str]:
        values = {
            "indicator": self.indicator,
            "trafficking_type": self.trafficking_type,
            "case": self.case,
            "party": self.party,
            "review": self.review,
            "min_score": "" if self.min_score is None else f"{self.min_score:g}",
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class AlertLine:
    alert: Alert
    case_reference: str
    decision: str | None


def _latest_reviews(org_id: str) -> Any:
    """The newest review of each alert, as a subquery (alert_pk, decision)."""
    newest = (
        select(AlertReview.alert_pk, func.max(AlertReview.id).label("last_id"))
        .where(AlertReview.org_id == org_id)
        .group_by(AlertReview.alert_pk)
        .subquery()
    )
    return (
        select(AlertReview.alert_pk, AlertReview.decision)
        .join(newest, AlertReview.id == newest.c.last_id)
        .subquery()
    )


def alert_lines(
    session: Session,
    org_id: str,
    flt: AlertFilter,
    *,
    sort: str = "score",
    order: str = "desc",
    page: int | None = 1,
    size: int = PAGE_SIZE,
) -> tuple[int, list[AlertLine]]:
    """Alerts matching the filter, one page of them (or all with `page=None`), and the total."""
    if sort not in ALERT_SORTS:
        raise InputError(
            f"cannot sort alerts by {sort!r}; use one of {', '.join(ALERT_SORTS)}", column="sort"
        )
    latest = _latest_reviews(org_id)
    query = (
        select(Alert, Case.reference, latest.c.decision)
        .join(Case, Case.id == Alert.case_id)
        .outerjoin(latest, latest.c.alert_pk == Alert.id)
        .where(Alert.org_id == org_id, Case.org_id == org_id)
    )
    if flt.indicator:
        query = query.where(Alert.indicator_id == flt.indicator)
    if flt.trafficking_type:
        query = query.where(Alert.trafficking_type == flt.trafficking_type)
    if flt.case:
        query = query.where(Alert.case_id == get_case(session, org_id, flt.case).id)
    if flt.party:
        query = query.where(Alert.party_id == flt.party)
    if flt.review == "none":
        query = query.where(latest.c.decision.is_(None))
    elif flt.review:
        query = query.where(latest.c.decision == flt.review)
    if flt.min_score is not None:
        query = query.where(Alert.score >= flt.min_score)
    # by the day the alert's period starts, as the dashboard counts them (its drill-down shows the same n)
    if flt.date_from:
        query = query.where(Alert.period_start >= datetime.combine(flt.date_from, time.min))
    if flt.date_to:
        query = query.where(Alert.period_start < datetime.combine(flt.date_to + timedelta(days=1), time.min))
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    column = ALERT_SORTS[sort]
    query = query.order_by(column.desc() if order == "desc" else column.asc(), Alert.id)
    if page is not None:
        pages = max(1, -(-total // size))
        query = query.offset((min(page, pages) - 1) * size).limit(size)
    rows = [AlertLine(a, str(ref), decision) for a, ref, decision in session.execute(query)]
    return total, rows


ALERT_CSV_HEADER = (
    "alert", "alert_id", "case", "indicator_id", "trafficking_type", "party_id", "account_id", "score",
    "period_start", "period_end", "explanation", "transactions", "review",
)  # fmt: skip


def alert_csv_rows(lines: Sequence[AlertLine]) -> Iterator[list[object]]:
    for line in lines:
        a = line.alert
        evidence = a.evidence or {}
        yield [
            a.id, a.alert_id, line.case_reference, a.indicator_id, a.trafficking_type, a.party_id, a.account_id or "",
            round(a.score, 4), a.period_start, a.period_end, evidence.get("explanation", ""),
            len(evidence.get("txn_ids") or []), line.decision or "not reviewed",
        ]  # fmt: skip


def hit_lines(
    session: Session, org_id: str, *, dataset: str = "", min_score: float | None = None, sort: str = "score"
) -> list[tuple[ScreeningHit, str]]:
    """The organisation's list matches (screening results kept on cases), with their case reference."""
    query = (
        select(ScreeningHit, Case.reference)
        .join(Case, Case.id == ScreeningHit.case_id)
        .where(ScreeningHit.org_id == org_id, Case.org_id == org_id)
    )
    if dataset:
        query = query.where(ScreeningHit.dataset == dataset)
    if min_score is not None:
        query = query.where(ScreeningHit.score >= min_score)
    columns: dict[str, Any] = {
        "score": ScreeningHit.score.desc(),
        "dataset": ScreeningHit.dataset.asc(),
        "entity": ScreeningHit.entity_name.asc(),
        "party": ScreeningHit.party_id.asc(),
        "case": Case.reference.asc(),
    }
    if sort not in columns:
        raise InputError(
            f"cannot sort list matches by {sort!r}; use one of {', '.join(columns)}", column="sort"
        )
    return [(h, str(ref)) for h, ref in session.execute(query.order_by(columns[sort], ScreeningHit.id))]
