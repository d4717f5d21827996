"""`assess_portfolio`: holdings file in, explained risk per holding and the portfolio views out.

Steps: validate the holdings (rejects with reasons), screen each distinct issuer once with the screening
matcher against every list in the registry, score (`portfolio-v1`), then write `holdings_risk.csv`,
`holdings_risk.parquet`, `exposure.json`, `heatmap.svg`, `worldmap.svg`, `changes.csv` (against the
previous run in the same folder), `report.html`, `rejects.csv` and `summary.json`.
"""

from __future__ import annotations

import csv
import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.portfolio import charts
from chainbreaker.portfolio.holdings import Holding, HoldingsRead, read_holdings
from chainbreaker.portfolio.riskdata import RiskTables
from chainbreaker.portfolio.scoring import ALGORITHM, HoldingRisk, SignalSource, no_signals, score_holdings
from chainbreaker.screening import DEFAULT_THRESHOLD, Match, Query, Screener

log = get_logger(__name__)
BAND_ORDER = ("severe", "high", "medium", "low")
HEAT_COLUMNS = 15


@dataclass
class PortfolioReport:
    """What one assessment did: counts in/accepted/rejected, bands, exposure, changes and the files written."""

    algorithm: str
    rows_read: int
    accepted: int
    rejected: int
    screened_names: int
    listed_holdings: int
    bands: dict[str, int]
    exposure: dict[str, Any]
    changes: dict[str, int]
    missing_tables: list[str]
    editions: dict[str, str]
    seconds: dict[str, float]
    out_dir: str
    files: dict[str, str] = field(default_factory=dict)
    risks: list[HoldingRisk] = field(default_factory=list, repr=False)

    def summary(self) -> dict[str, Any]:
        """Everything but the per-holding results (those are in the CSV and Parquet files)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "risks"}


def _query(query_id: str, h: Holding) -> Query:
    return Query(
        query_id=query_id,
        name=h.issuer_name,
        schema="Company",
        countries=(h.domicile,) if h.domicile else (),
        identifiers=(h.lei,) if h.lei else (),
    )


def screen_issuers(
    holdings: Sequence[Holding], screener: Screener | None, threshold: float = DEFAULT_THRESHOLD
) -> tuple[dict[str, list[Match]], int]:
    """Each distinct (issuer name, domicile, LEI) screened once as a Company; hits per holding id.

    All distinct issuers go to the screening package's batch job together (`Screener.screen_many`:
    candidates for every name in one DuckDB join, scoring over the cores), never one call per issuer."""
    if screener is None:
        return {}, 0
    unique: dict[tuple[str, str | None, str | None], Query] = {}
    for h in holdings:
        key = (h.issuer_name, h.domicile, h.lei)
        if key not in unique:
            unique[key] = _query(str(len(unique)), h)
    found = screener.screen_many(list(unique.values()), limit=5, threshold=threshold)
    out: dict[str, list[Match]] = {}
    for h in holdings:
        hits = found.get(unique[(h.issuer_name, h.domicile, h.lei)].query_id)
        if hits:
            out[h.holding_id] = hits
    return out, len(unique)


def load_screener(workspace: Workspace, threshold: float = DEFAULT_THRESHOLD) -> Screener | None:
    """The workspace's lists in memory, or None when no list is loaded (said in the summary).

    Issuers are companies, so only the listed entities a Company can match are indexed (no persons or
    vessels): building the index then costs about a second instead of fifteen on OFAC + UN + Lista Suja."""
    if not workspace.exists():
        return None
    try:
        return Screener.from_workspace(workspace, threshold=threshold, query_schema="Company")
    except NotFoundError:
        return None


def assess_portfolio(
    holdings: Path | HoldingsRead,
    workspace: Workspace,
    out_dir: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    signals: SignalSource = no_signals,
    screener: Screener | None = None,
    tables: RiskTables | None = None,
    progress: Callable[[str], None] | None = None,
) -> PortfolioReport:
    """Assess a holdings file against the workspace's registry and write every output into `out_dir`.

    `progress` is told each stage as it starts (the service shows it while a large upload runs)."""
    say = progress or (lambda _stage: None)
    clock = time.perf_counter()
    seconds: dict[str, float] = {}
    say("reading the holdings")
    read = read_holdings(holdings) if isinstance(holdings, Path) else holdings
    seconds["read"] = time.perf_counter() - clock
    out_dir.mkdir(parents=True, exist_ok=True)
    rejects_file = _write_rejects(out_dir, read)
    if not read.holdings:
        raise InputError(
            f"no usable holding ({read.rows_read} rows read, {len(read.rejects)} rejected; see {rejects_file})",
            file=str(holdings) if isinstance(holdings, Path) else None,
        )
    t = time.perf_counter()
    say(f"loading the lists and risk tables ({len(read.holdings)} holdings accepted)")
    tables = tables if tables is not None else RiskTables.from_workspace(workspace)
    screener = screener if screener is not None else load_screener(workspace, threshold)
    seconds["load_lists"] = time.perf_counter() - t
    t = time.perf_counter()
    say(f"screening the issuers of {len(read.holdings)} holdings")
    direct, screened = screen_issuers(read.holdings, screener, threshold)
    seconds["screen"] = time.perf_counter() - t
    t = time.perf_counter()
    say("scoring")
    risks = score_holdings(read.holdings, tables, direct, signals(read.holdings))
    risks.sort(key=lambda r: (-r.score, r.holding.holding_id))
    seconds["score"] = time.perf_counter() - t
    t = time.perf_counter()
    say("writing the outputs")
    previous = _previous(out_dir)
    changes = _write_changes(out_dir, risks, previous)
    missing = tables.missing() + ([] if screener is not None else ["registry lists (no listing screened)"])
    report = PortfolioReport(
        algorithm=ALGORITHM,
        rows_read=read.rows_read,
        accepted=len(read.holdings),
        rejected=len(read.rejects),
        screened_names=screened,
        listed_holdings=sum(1 for r in risks if r.links),
        bands={b: sum(1 for r in risks if r.band == b) for b in BAND_ORDER},
        exposure=exposure_summary(risks),
        changes=changes,
        missing_tables=missing,
        editions=tables.editions,
        seconds=seconds,
        out_dir=str(out_dir),
    )
    report.files = _write_outputs(out_dir, risks, report, rejects_file)
    seconds["write"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - clock
    report.risks = risks
    (out_dir / "summary.json").write_text(json.dumps(report.summary(), indent=2), encoding="utf-8")
    log.info("portfolio assessed", extra={"holdings": len(risks), "rejected": len(read.rejects)})
    return report


def primary_country(h: Holding) -> str:
    return (h.all_countries[0] if h.all_countries else "??").upper()


def exposure_summary(risks: Sequence[HoldingRisk]) -> dict[str, Any]:
    """Per currency: total exposure, exposure-weighted score, exposure per band, share at high or severe.
    Currencies are never added together (no FX rates at run time)."""
    by_ccy: dict[str, dict[str, Any]] = {}
    for r in risks:
        if r.holding.exposure is None:
            continue
        ccy = r.holding.currency or "unspecified"
        slot = by_ccy.setdefault(
            ccy, {"total": 0.0, "weighted": 0.0, "bands": dict.fromkeys(BAND_ORDER, 0.0)}
        )
        slot["total"] += r.holding.exposure
        slot["weighted"] += r.holding.exposure * r.score
        slot["bands"][r.band] += r.holding.exposure
    out: dict[str, Any] = {"without_exposure": sum(1 for r in risks if r.holding.exposure is None)}
    for ccy, slot in sorted(by_ccy.items()):
        total = slot["total"]
        out[ccy] = {
            "total": round(total, 2),
            "weighted_score": round(slot["weighted"] / total, 4) if total else 0.0,
            "by_band": {b: round(v, 2) for b, v in slot["bands"].items()},
            "share_high_or_severe": round((slot["bands"]["high"] + slot["bands"]["severe"]) / total, 4)
            if total
            else 0.0,
        }
    return out


def heat_cells(risks: Sequence[HoldingRisk]) -> dict[tuple[str, str], tuple[float, float, int]]:
    """(sector, country) → (exposure-weighted score, exposure, holdings) over the largest countries."""
    weight: dict[str, float] = defaultdict(float)
    for r in risks:
        weight[primary_country(r.holding)] += r.holding.exposure or 1.0
    keep = set(charts.top_items(list(weight.items()), HEAT_COLUMNS))
    acc: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for r in risks:
        country = primary_country(r.holding)
        key = (r.sector_group, country if country in keep else "other")
        w = r.holding.exposure if r.holding.exposure else 1.0
        slot = acc[key]
        slot[0] += w * r.score
        slot[1] += w
        slot[2] += r.holding.exposure or 0.0
        slot[3] += 1
    return {k: (v[0] / v[1], v[2], int(v[3])) for k, v in acc.items()}


def map_points(risks: Sequence[HoldingRisk]) -> dict[str, tuple[float, float, int]]:
    """Country → (exposure-weighted score, exposure, holdings) over every country a holding names."""
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for r in risks:
        countries = r.holding.all_countries or ()
        share = (r.holding.exposure or 0.0) / max(1, len(countries))
        for c in countries:
            w = share if share else 1.0
            slot = acc[c]
            slot[0] += w * r.score
            slot[1] += w
            slot[2] += share
            slot[3] += 1
    return {k: (v[0] / v[1], v[2], int(v[3])) for k, v in acc.items()}


def _write_rejects(out_dir: Path, read: HoldingsRead) -> Path:
    target = out_dir / "rejects.csv"
    with target.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "holding_id", "column", "reason"])
        for rej in read.rejects:
            writer.writerow([rej.row, rej.holding_id, rej.column, rej.reason])
    return target


def _previous(out_dir: Path) -> dict[str, tuple[float, str, str]]:
    path = out_dir / "holdings_risk.parquet"
    if not path.exists():
        return {}
    table = pq.read_table(path, columns=["holding_id", "score", "band", "issuer_name"])
    return {
        hid: (float(score), str(band), str(name))
        for hid, score, band, name in zip(
            *(table.column(c).to_pylist() for c in table.column_names), strict=True
        )
    }


def _write_changes(
    out_dir: Path, risks: Sequence[HoldingRisk], previous: dict[str, tuple[float, str, str]]
) -> dict[str, int]:
    counts: Counter[str] = Counter()
    rows = []
    seen = set()
    for r in risks:
        hid = r.holding.holding_id
        seen.add(hid)
        old = previous.get(hid)
        if old is None:
            kind = "new" if previous else ""
            if not kind:
                continue
            rows.append([hid, r.holding.issuer_name, kind, "", r.score, "", r.band])
        else:
            delta = r.score - old[0]
            if abs(delta) < 0.001 and old[1] == r.band:
                continue
            kind = (
                "band_up"
                if BAND_ORDER.index(r.band) < BAND_ORDER.index(old[1])
                else ("band_down" if old[1] != r.band else ("up" if delta > 0 else "down"))
            )
            rows.append([hid, r.holding.issuer_name, kind, old[0], r.score, old[1], r.band])
        counts[kind] += 1
    for hid, (score, band, name) in previous.items():
        if hid not in seen:
            rows.append([hid, name, "removed", score, "", band, ""])
            counts["removed"] += 1
    with (out_dir / "changes.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["holding_id", "issuer_name", "change", "old_score", "new_score", "old_band", "new_band"]
        )
        writer.writerows(rows)
    result = dict(counts)
    result["previous_run"] = 1 if previous else 0
    return result


def _write_outputs(
    out_dir: Path, risks: Sequence[HoldingRisk], report: PortfolioReport, rejects_file: Path
) -> dict[str, str]:
    from chainbreaker.portfolio.report import render_report

    with (out_dir / "holdings_risk.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["holding_id", "issuer_name", "score", "band", "reasons"])
        for r in risks:
            writer.writerow(
                [r.holding.holding_id, r.holding.issuer_name, f"{r.score:.4f}", r.band, " | ".join(r.reasons)]
            )
    pq.write_table(risk_table(risks), out_dir / "holdings_risk.parquet")
    (out_dir / "exposure.json").write_text(json.dumps(report.exposure, indent=2), encoding="utf-8")
    heat = charts.heat_map(heat_cells(risks))
    world = charts.world_map(map_points(risks))
    (out_dir / "heatmap.svg").write_text(heat, encoding="utf-8")
    (out_dir / "worldmap.svg").write_text(world, encoding="utf-8")
    (out_dir / "report.html").write_text(render_report(report, risks, heat, world), encoding="utf-8")
    names = ("holdings_risk.csv", "holdings_risk.parquet", "exposure.json", "heatmap.svg", "worldmap.svg")
    files = {n: str(out_dir / n) for n in names}
    files.update({"changes.csv": str(out_dir / "changes.csv"), "report.html": str(out_dir / "report.html")})
    files["rejects.csv"] = str(rejects_file)
    return files


def risk_table(risks: Sequence[HoldingRisk]) -> pa.Table:
    """The Parquet contract: one row per holding with components, reasons and the best listing path.

    Built in one pass over the holdings (column lists filled together), not one pass per column."""
    names = [
        "holding_id",
        "issuer_name",
        "score",
        "band",
        "reasons",
        "country",
        "countries",
        "sector",
        "sector_group",
        "goods",
        "exposure",
        "currency",
        "parent_id",
        "lei",
        "isin",
        "country_component",
        "goods_component",
        "sector_component",
        "signals_component",
        "listed",
        "listing_relation",
        "listing_path",
        "listing_dataset",
        "listing_entity_id",
        "listing_match_score",
    ]
    cols: dict[str, list[Any]] = {n: [] for n in names}
    for r in risks:
        h, top = r.holding, (r.links[0] if r.links else None)
        values = (
            h.holding_id,
            h.issuer_name,
            r.score,
            r.band,
            r.reasons,
            primary_country(h),
            list(h.all_countries),
            h.sector,
            r.sector_group,
            list(h.goods),
            h.exposure,
            h.currency,
            h.parent_id,
            h.lei,
            h.isin,
            r.components.get("country", 0.0),
            r.components.get("goods", 0.0),
            r.components.get("sector", 0.0),
            r.components.get("signals", 0.0),
            top is not None,
            top.relation if top else None,
            list(top.path) if top else [],
            top.match.dataset if top else None,
            top.match.entity_id if top else None,
            top.match.score if top else None,
        )
        for name, value in zip(names, values, strict=True):
            cols[name].append(value)
    text, real, texts = pa.string(), pa.float64(), pa.list_(pa.string())
    types = {"score": real, "exposure": real, "listing_match_score": real, "listed": pa.bool_()}
    types.update({n: real for n in names if n.endswith("_component")})
    types.update({n: texts for n in ("reasons", "countries", "goods", "listing_path")})
    arrays = {n: pa.array(cols[n], type=types.get(n, text)) for n in names}
    arrays["algorithm"] = pa.array([ALGORITHM] * len(risks), type=text)
    return pa.table(arrays)
