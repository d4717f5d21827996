"""An organisation's latest portfolio run inside the workspace, for the service's pages and API.

Each organisation's run lives in `WS/portfolio/<org_id>/`: the same files the CLI writes, so a run made
in the browser and one made on the command line look the same, and the next run compares with the last.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq

from chainbreaker.core.errors import ChainbreakerError, InputError, NotFoundError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.portfolio.assess import PortfolioReport, assess_portfolio
from chainbreaker.portfolio.holdings import parse_holdings
from chainbreaker.portfolio.riskdata import RiskTables
from chainbreaker.screening import Screener

log = get_logger(__name__)
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
    progress: Callable[[str], None] | None = None,
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
    say = progress or (lambda _stage: None)
    say("reading the holdings")
    read = parse_holdings(text, filename)
    if read.rows_read > MAX_HOLDINGS:
        raise InputError(f"more than {MAX_HOLDINGS} rows: use the CLI for a book this size", file=filename)
    tables = RiskTables.from_workspace(workspace, con)
    return assess_portfolio(
        read, workspace, run_dir(workspace, org_id), screener=screener, tables=tables, progress=progress
    )


JOB_FILE = "job.json"


def read_job(workspace: Workspace, org_id: str) -> dict[str, Any] | None:
    """The state of the organisation's latest upload: `running` (with its stage), `done` or `failed`
    (with the reason). Kept in a file beside the run, so every service process sees the same state."""
    path = run_dir(workspace, org_id) / JOB_FILE
    if not path.exists():
        return None
    try:
        state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state


def write_job(workspace: Workspace, org_id: str, **state: Any) -> None:
    """Replace the job state atomically (a reader never sees half a file)."""
    folder = run_dir(workspace, org_id)
    folder.mkdir(parents=True, exist_ok=True)
    state.setdefault("updated", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    tmp = folder / f".{JOB_FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(state), encoding="utf-8")
    tmp.replace(folder / JOB_FILE)


def run_upload_job(
    workspace: Workspace,
    org_id: str,
    data: bytes,
    filename: str,
    *,
    screener: Screener | None,
    con_factory: Callable[[], Any] | None = None,
) -> None:
    """Assess an upload and record its progress and outcome in the job file (run in a worker thread by
    the service). A file that cannot be assessed ends as `failed` with the reason, never as an exception."""
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    def stage(name: str) -> None:
        write_job(workspace, org_id, state="running", stage=name, file=filename, started=started)

    try:
        if con_factory is None:
            report = assess_upload(workspace, org_id, data, filename, screener=screener, progress=stage)
        else:
            with con_factory() as con:
                report = assess_upload(
                    workspace, org_id, data, filename, screener=screener, con=con, progress=stage
                )
    except ChainbreakerError as exc:
        write_job(workspace, org_id, state="failed", error=str(exc), file=filename, started=started)
        return
    except Exception as exc:  # the job must end in a state the user sees, never stay 'running'
        log.exception("portfolio upload failed", extra={"org": org_id})
        reason = f"the assessment stopped on an internal error ({type(exc).__name__}); see the service log"
        write_job(workspace, org_id, state="failed", error=reason, file=filename, started=started)
        return
    write_job(
        workspace,
        org_id,
        state="done",
        file=filename,
        started=started,
        seconds=round(report.seconds.get("total", 0.0), 1),
        accepted=report.accepted,
        rejected=report.rejected,
    )


def rejects(workspace: Workspace, org_id: str, limit: int = 200) -> list[dict[str, str]]:
    """The last run's rejected rows (row, holding id, column, reason), for the dashboard."""
    path = run_dir(workspace, org_id) / "rejects.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return rows[:limit]


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
