"""An organisation's latest portfolio run inside the workspace, for the service's pages and API.

Each organisation's run lives in `WS/portfolio/<org_id>/`: the same files the CLI writes, so a run made
in the browser and one made on the command line look the same, and the next run compares with the last.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from chainbreaker.core.errors import InputError, NotFoundError
from chainbreaker.core.workspace import Workspace
from chainbreaker.portfolio.assess import PortfolioReport, assess_portfolio
from chainbreaker.portfolio.holdings import parse_holdings
from chainbreaker.portfolio.riskdata import RiskTables
from chainbreaker.screening import Screener

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")
MAX_HOLDINGS = 200_000


def run_dir(workspace: Workspace, org_id: str) -> Path:
    return workspace.root / "portfolio" / (_SAFE.sub("_", org_id) or "_")


def assess_upload(
    workspace: Workspace,
    org_id: str,
    data: bytes,
    filename: str,
    *,
    screener: Screener | None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> PortfolioReport:
    """Assess an uploaded holdings CSV into the organisation's run folder."""
    if not data.strip():
        raise InputError("the file is empty", file=filename)
    if b"\x00" in data[:4096]:
        raise InputError("the file is binary, not CSV text", file=filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("the file is not UTF-8 text", file=filename) from exc
    read = parse_holdings(text, filename)
    if read.rows_read > MAX_HOLDINGS:
        raise InputError(f"more than {MAX_HOLDINGS} rows: use the CLI for a book this size", file=filename)
    tables = RiskTables.from_workspace(workspace, con)
    return assess_portfolio(read, workspace, run_dir(workspace, org_id), screener=screener, tables=tables)


@dataclass(frozen=True)
class RunView:
    summary: dict[str, Any]
    heat_svg: str
    map_svg: str
    rows: list[dict[str, Any]]


def latest_run(
    workspace: Workspace, org_id: str, limit: int | None = 50, band: str | None = None
) -> RunView | None:
    """The last run's summary, charts and top holdings (best first), or None when there is none yet."""
    folder = run_dir(workspace, org_id)
    if not (folder / "summary.json").exists():
        return None
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    rows = holdings_rows(workspace, org_id)
    if band:
        rows = [r for r in rows if r["band"] == band]
    return RunView(
        summary=summary,
        heat_svg=(folder / "heatmap.svg").read_text(encoding="utf-8"),
        map_svg=(folder / "worldmap.svg").read_text(encoding="utf-8"),
        rows=rows[:limit] if limit else rows,
    )


def holdings_rows(workspace: Workspace, org_id: str) -> list[dict[str, Any]]:
    path = run_dir(workspace, org_id) / "holdings_risk.parquet"
    if not path.exists():
        return []
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def holding_detail(workspace: Workspace, org_id: str, holding_id: str) -> dict[str, Any]:
    """One holding of the last run with its reasons, components and listing path."""
    path = run_dir(workspace, org_id) / "holdings_risk.parquet"
    if path.exists():
        found = pq.read_table(path, filters=[("holding_id", "=", holding_id)]).to_pylist()
        if found:
            row: dict[str, Any] = found[0]
            return row
    raise NotFoundError(f"no holding {holding_id} in the last portfolio run")
