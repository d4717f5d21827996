"""Run the catalogue's indicators on an engine and collect their hits, one indicator at a time.

Each indicator is its own named step, so a failing one (bad SQL at run time, a column type the engine
rejects) is reported with its id and the step while the others still run. Hits come back as plain Python
records: there are few of them (a hit is already an anomaly), and scoring them in Python keeps the two
engines' results identical once the SQL has run.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from typing import Any, Literal

import pyarrow as pa
from sqlglot import exp

from chainbreaker.core.errors import EngineError
from chainbreaker.core.logging import get_logger
from chainbreaker.engines.base import Engine, ParamValue, bind_parameters
from chainbreaker.monitoring.catalogue import HIT_COLUMNS, LINK_COLUMNS, Indicator
from chainbreaker.monitoring.features import DataProfile

log = get_logger(__name__)

Status = Literal["ok", "skipped", "failed"]


@dataclass
class Hit:
    """One indicator hit on a party (and account, when the red flag is about one account) over a period."""

    indicator_id: str
    party_id: str
    account_id: str | None
    period_start: dt.datetime
    period_end: dt.datetime
    strength: float
    figures: dict[str, Any]
    link_key: str | None = None
    link_kind: str | None = None
    hub_party_id: str | None = None
    hub_key: str | None = None
    txn_ids: list[str] = field(default_factory=list)
    txn_ids_truncated: bool = False

    @property
    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (
            self.indicator_id,
            self.party_id,
            self.account_id or "",
            self.period_start.isoformat(),
            self.link_key or self.hub_key or "",
        )


@dataclass(frozen=True)
class IndicatorRun:
    """What happened to one indicator in a run: ran (with its hit count), skipped, or failed, and why."""

    indicator_id: str
    status: Status
    hits: int = 0
    seconds: float = 0.0
    step: str = ""
    message: str = ""


def _plain(value: Any) -> Any:
    """Figures as JSON-friendly values, rounded so both engines give the same text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None
        # Engines type sums differently (DuckDB HUGEINT/DECIMAL, Spark BIGINT): whole numbers print alike.
        return int(value) if value.is_integer() else round(value, 4)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return dt.datetime.fromisoformat(value.isoformat())
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    raise TypeError(f"period bound is not a date or timestamp: {value!r}")


def _hits_from(ind: Indicator, table: pa.Table) -> list[Hit]:
    missing = [c for c in HIT_COLUMNS if c not in table.column_names]
    if missing:
        raise ValueError(f"the result lacks the columns {missing}")
    hits: list[Hit] = []
    for row in table.to_pylist():
        if row["party_id"] is None:
            continue
        strength = float(row["strength"] or 0.0)
        figures = {k: _plain(v) for k, v in row.items() if k not in HIT_COLUMNS and k not in LINK_COLUMNS}
        hits.append(
            Hit(
                indicator_id=ind.id,
                party_id=str(row["party_id"]),
                account_id=None if row["account_id"] is None else str(row["account_id"]),
                period_start=_as_datetime(row["period_start"]),
                period_end=_as_datetime(row["period_end"]),
                strength=round(min(1.0, max(0.0, strength)), 4),
                figures=figures,
                link_key=row.get("link_key"),
                link_kind=row.get("link_kind"),
                hub_party_id=row.get("hub_party_id"),
                hub_key=row.get("hub_key"),
            )
        )
    # the SQL's row order is not defined (DuckDB runs in parallel without preserving insertion order): hits
    # that tie on the sort key (one worker tied to two bosses on one phone) are ordered by their other fields,
    # weaker first
    return sort_hits(hits)


def _full_order(h: Hit) -> tuple[Any, ...]:
    return (*_cheap_order(h), *_tie_order(h))


def _cheap_order(h: Hit) -> tuple[Any, ...]:
    return (h.sort_key, h.strength, h.hub_party_id or "", h.link_kind or "")


def _tie_order(h: Hit) -> tuple[str, str]:
    return (json.dumps(h.figures, sort_keys=True, default=str), h.period_end.isoformat())


def sort_hits(hits: list[Hit]) -> list[Hit]:
    """`hits` in the order of `_full_order`, with the figures written as JSON only for hits that tie on
    everything before them (a few), not for every hit (about 100,000 at 10M transactions, 0.4 CPU-s): a
    stable sort on the leading fields, then each run of equal leading fields sorted on the rest, is the same
    order as one sort on the whole tuple."""
    out: list[Hit] = []
    for _lead, tied in groupby(sorted(hits, key=_cheap_order), key=_cheap_order):
        run = list(tied)
        if len(run) > 1:
            run.sort(key=_tie_order)
        out.extend(run)
    hits[:] = out
    return hits


@dataclass
class PendingRun:
    """An indicator whose SQL has run (or that was skipped or failed before its rows came back): `finish`
    turns its rows into hits. Split in two so the Python half can run in a worker thread while the engine
    runs the next indicator's SQL."""

    indicator: Indicator
    table: pa.Table | None = None
    seconds: float = 0.0
    done: IndicatorRun | None = None


def _skip_reason(ind: Indicator, prof: DataProfile) -> IndicatorRun | None:
    """The skipped run of an indicator whose columns or signals the data lacks, else None."""
    missing = prof.missing(ind.requires)
    if missing:
        return IndicatorRun(ind.id, "skipped", step="columns", message=f"data lacks {', '.join(missing)}")
    degenerate = prof.missing_signals(list(ind.signals))
    if degenerate:
        return IndicatorRun(ind.id, "skipped", step="signals", message="; ".join(degenerate))
    return None


def query_indicator(
    engine: Engine,
    ind: Indicator,
    prof: DataProfile,
    overrides: dict[str, ParamValue] | None = None,
    bound_sql: str | None = None,
) -> PendingRun:
    """Run one indicator's SQL; never raises for the indicator's own faults, it reports them instead.
    `bound_sql` is the indicator's SQL with its parameters already bound (and shared steps read from their
    tables, `shared_steps`), run in place of `ind.sql`."""
    skipped = _skip_reason(ind, prof)
    if skipped is not None:
        return PendingRun(ind, done=skipped)
    params: dict[str, ParamValue] = {**ind.defaults, **(overrides or {})}
    started = time.perf_counter()
    try:
        if bound_sql is not None:
            table = engine.query(f"indicator {ind.id}", bound_sql)
        else:
            table = engine.query(f"indicator {ind.id}", ind.sql, params)
    except EngineError as exc:
        first = str(exc.cause).strip().splitlines()[0] if str(exc.cause).strip() else type(exc.cause).__name__
        log.warning("indicator failed", extra={"indicator": ind.id, "step": exc.step})
        return PendingRun(
            ind,
            done=IndicatorRun(
                ind.id, "failed", seconds=time.perf_counter() - started, step="run", message=first
            ),
        )
    return PendingRun(ind, table=table, seconds=time.perf_counter() - started)


def finish_indicator(pending: PendingRun) -> tuple[IndicatorRun, list[Hit]]:
    """The hits of an indicator whose SQL has run (pure Python: safe in a worker thread)."""
    if pending.done is not None or pending.table is None:
        return pending.done or IndicatorRun(pending.indicator.id, "failed", step="run"), []
    ind = pending.indicator
    started = time.perf_counter()
    try:
        hits = _hits_from(ind, pending.table)
    except (ValueError, TypeError) as exc:
        return IndicatorRun(ind.id, "failed", step="output", message=str(exc)), []
    seconds = pending.seconds + time.perf_counter() - started
    return IndicatorRun(ind.id, "ok", hits=len(hits), seconds=seconds), hits


def run_indicator(
    engine: Engine, ind: Indicator, prof: DataProfile, overrides: dict[str, ParamValue] | None = None
) -> tuple[IndicatorRun, list[Hit]]:
    """Run one indicator; never raises for the indicator's own faults, it reports them instead."""
    return finish_indicator(query_indicator(engine, ind, prof, overrides))


@dataclass
class SharedSteps:
    """Common table expressions that several indicators define identically (same text once their parameters
    are bound, and the same expressions before them), each made once as a table (`tables`: name, step, SQL)
    and read from it by every indicator that defines it (`sql`: indicator id -> its bound SQL so rewritten)."""

    tables: list[tuple[str, str, str]] = field(default_factory=list)
    sql: dict[str, str] = field(default_factory=dict)


#: Prefix of the tables holding shared indicator steps (dropped once the indicators have run).
SHARED_PREFIX = "monitoring_shared_"


def shared_steps(indicators: list[Indicator], prof: DataProfile) -> SharedSteps:
    """Find the leading WITH expressions that two or more of the runnable `indicators` share, with their
    default parameters bound (DB-01 and LT-06 compute the same repayment patterns). An expression is shared
    only with the whole list before it (same names, same text), so the table made from it holds the rows
    each indicator's own expression would give; each indicator shares its longest such prefix, and its
    last expression is replaced by a read of the table (the earlier ones stay for the rest of its SQL).
    Indicators whose SQL cannot be parsed or bound are left alone (their own run reports the fault)."""
    prefixes: dict[str, list[tuple[str, ...]]] = {}
    trees: dict[str, exp.Expr] = {}
    runnable = [ind for ind in indicators if _skip_reason(ind, prof) is None]
    # parsed only when another indicator's SQL starts with the same first expression, as written (parsing all
    # fifty costs about 0.1 s of Python outside the engine)
    firsts = [_first_expression(ind.sql) for ind in runnable]
    for ind, first in zip(runnable, firsts, strict=True):
        if first is None or firsts.count(first) < 2:
            continue
        try:
            tree = bind_parameters(ind.sql, dict(ind.defaults))
        except Exception:  # noqa: S112 - the indicator's own run reports it
            continue
        with_ = tree.args.get("with_")
        if not isinstance(with_, exp.With) or with_.recursive:
            continue
        texts = [cte.sql(dialect="duckdb") for cte in with_.expressions]
        prefixes[ind.id] = [tuple(texts[: i + 1]) for i in range(len(texts))]
        trees[ind.id] = tree
    counts: dict[tuple[str, ...], int] = {}
    for keys in prefixes.values():
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    # each indicator takes its longest shared prefix; a table is made only for a prefix two or more take
    chosen: dict[str, tuple[str, ...]] = {}
    for ind_id, keys in prefixes.items():
        shared = [k for k in keys if counts[k] >= 2]
        if shared:
            chosen[ind_id] = shared[-1]
    readers: dict[tuple[str, ...], list[str]] = {}
    for ind_id, prefix in chosen.items():
        readers.setdefault(prefix, []).append(ind_id)
    out = SharedSteps()
    names: dict[tuple[str, ...], str] = {}
    for ind in indicators:
        key = chosen.get(ind.id, ())
        if len(readers.get(key, [])) < 2:
            continue
        tree = trees[ind.id]
        last = tree.args["with_"].expressions[len(key) - 1]
        if key not in names:
            names[key] = f"{SHARED_PREFIX}{len(names) + 1}"
            out.tables.append(
                (
                    names[key],
                    f"indicators: shared {last.alias} ({', '.join(sorted(readers[key]))})",
                    f"WITH {', '.join(key)} SELECT * FROM {last.alias}",
                )
            )
        last.set("this", exp.select("*").from_(names[key]))
        out.sql[ind.id] = tree.sql(dialect="duckdb")
    return out


def _first_expression(sql: str) -> str | None:
    """The SQL up to the end of its first WITH expression, blanks collapsed; None without one."""
    head = re.match(r"\s*WITH\s+\w+\s+AS\s*\(", sql, re.IGNORECASE)
    if head is None:
        return None
    depth = 1
    for pos in range(head.end(), len(sql)):
        depth += {"(": 1, ")": -1}.get(sql[pos], 0)
        if depth == 0:
            return " ".join(sql[: pos + 1].split())
    return None


def run_indicators(
    engine: Engine,
    indicators: list[Indicator],
    prof: DataProfile,
    progress: Callable[[str, int, int], None] | None = None,
    total: int | None = None,
) -> list[tuple[IndicatorRun, list[Hit]]]:
    """Run indicators in order, each one's rows turned into hits in a worker thread while the engine runs
    the next one's SQL (the conversion is about 0.7 CPU-s of Python over 100,000 hits at 10M transactions).
    Expressions that several indicators share are made once first (`shared_steps`); when that fails, each
    indicator runs its own SQL as written. Every engine call stays on this thread; results come back in the
    indicators' order."""
    shared = shared_steps(indicators, prof)
    made: list[str] = []
    for name, step, sql in shared.tables:
        try:
            engine.create_table(name, step, sql)
        except EngineError:
            log.warning("shared indicator step failed", extra={"step": step})
            shared = SharedSteps()
            break
        made.append(name)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hits")
    try:
        futures: list[Future[tuple[IndicatorRun, list[Hit]]]] = []
        for n, ind in enumerate(indicators, start=1):
            if progress:
                progress(ind.id, n, total or len(indicators))
            pending = query_indicator(engine, ind, prof, bound_sql=shared.sql.get(ind.id))
            futures.append(pool.submit(finish_indicator, pending))
        return [f.result() for f in futures]
    finally:
        pool.shutdown(wait=True)
        for name in made:
            engine.drop(name)


def attach_evidence(
    engine: Engine,
    indicators: list[Indicator],
    hits: list[Hit],
    limit: int,
    read_rows: Callable[[Engine], None] | None = None,
) -> None:
    """Fill each hit's bounded list of transaction ids from its indicator's evidence condition.

    The transactions of hit parties are first narrowed to one small table (`monitoring_hit_tx`, made by
    `read_rows` from the registered `monitoring_hits`, else read from `monitoring_tx_all`), so the evidence
    query reads thousands of rows rather than the whole bank. One query serves every indicator (a CASE branch
    each); only when it fails does each indicator run its own, so one faulty condition costs only its own.
    """
    by_ind = {i.id: i for i in indicators if i.evidence}
    todo = [h for h in hits if h.indicator_id in by_ind]
    if not todo:
        return
    table = pa.table(
        {
            "hit_no": pa.array(range(len(todo)), pa.int64()),
            "indicator_id": pa.array([h.indicator_id for h in todo], pa.string()),
            "party_id": pa.array([h.party_id for h in todo], pa.string()),
            "account_id": pa.array([h.account_id for h in todo], pa.string()),
            "period_start": pa.array([h.period_start for h in todo], pa.timestamp("us")),
            "period_end": pa.array([h.period_end for h in todo], pa.timestamp("us")),
        }
    )
    engine.register_arrow("monitoring_hits", table)
    if read_rows is not None:
        read_rows(engine)
    else:
        engine.create_table(
            "monitoring_hit_tx",
            "evidence: transactions of hit parties",
            """
            SELECT t.* FROM monitoring_tx_all t
            WHERE t.party_id IN (SELECT DISTINCT party_id FROM monitoring_hits)
            """,
        )
    indicator_ids = sorted({h.indicator_id for h in todo})
    conditions = {ind_id: _evidence_condition(by_ind[ind_id]) for ind_id in indicator_ids}
    try:
        # one query for every indicator: each hit's rows meet its own indicator's condition (one CASE branch
        # per indicator), so the ids are those of the per-indicator queries below, without 40-odd plans
        rows = engine.query(
            "evidence: every indicator",
            _evidence_sql(
                "CASE h.indicator_id "
                + " ".join(f"WHEN :indicator_{n} THEN ({conditions[i]})" for n, i in enumerate(indicator_ids))
                + " ELSE FALSE END"
            ),
            {"limit": limit + 1, **{f"indicator_{n}": i for n, i in enumerate(indicator_ids)}},
        ).to_pylist()
    except EngineError:
        # one indicator's faulty condition must not cost the others their evidence: each on its own
        rows = []
        for ind_id in indicator_ids:
            try:
                rows += engine.query(
                    f"evidence {ind_id}",
                    _evidence_sql(f"h.indicator_id = :indicator_id AND ({conditions[ind_id]})"),
                    {"indicator_id": ind_id, "limit": limit + 1},
                ).to_pylist()
            except EngineError as exc:
                log.warning("evidence failed", extra={"indicator": ind_id, "error": str(exc.cause)[:200]})
    grouped: dict[int, list[tuple[int, str]]] = {}
    for r in rows:
        grouped.setdefault(int(r["hit_no"]), []).append((int(r["rn"]), str(r["txn_id"])))
    for hit_no, items in grouped.items():
        txn_ids = [txn for _, txn in sorted(items)]
        todo[hit_no].txn_ids = txn_ids[:limit]
        todo[hit_no].txn_ids_truncated = len(txn_ids) > limit


def _evidence_condition(ind: Indicator) -> str:
    """The indicator's evidence condition on `monitoring_hit_tx AS t`, its parameters bound (they are the
    indicator's own), as DuckDB SQL to place in a query."""
    condition = ind.evidence or "TRUE"
    used = {k: v for k, v in ind.defaults.items() if f":{k}" in condition}
    bound = bind_parameters(f"SELECT 1 FROM monitoring_hit_tx AS t WHERE {condition}", used)
    return str(bound.args["where"].this.sql(dialect="duckdb"))


def _evidence_sql(where: str) -> str:
    """The first `:limit` rows (by booking time, then id) of each hit's party, account and period that meet
    `where` (on `monitoring_hits h` and `monitoring_hit_tx t`)."""
    return f"""
        SELECT hit_no, txn_id, rn FROM (
          SELECT h.hit_no, t.txn_id,
                 row_number() OVER (PARTITION BY h.hit_no ORDER BY t.booked_at, t.txn_id) AS rn
          FROM monitoring_hits h
          JOIN monitoring_hit_tx t ON t.party_id = h.party_id
           AND (h.account_id IS NULL OR t.account_id = h.account_id)
           AND t.booked_at >= h.period_start AND t.booked_at < h.period_end
          WHERE {where}
        ) x WHERE rn <= :limit
        """
