"""From alerts and screening hits to cases (`chainbreaker cases build`): the orchestration of four jobs.

1. read the hand-offs (`cases.inputs`, through the contracts of `core.handoff`);
2. plan which parties, alerts and hits form one case (`cases.planning`, reusing monitoring's ties);
3. fetch the evidence transactions from the workspace (`cases.evidence`);
4. write each plan into the store (`cases.upserts`), which recomputes each case's summary (`cases.summary`).

Re-running is idempotent: an alert is identified by monitoring's `alert_id` (party, indicator, account, period,
link), so the same data updates nothing, and counts add up from `monitor` to `cases build` to the UI.
"""

from __future__ import annotations

import csv
from pathlib import Path

from chainbreaker.cases.build_types import COMMIT_EVERY, BuildReport, Progress
from chainbreaker.cases.evidence import fetch_transactions, wanted_transactions
from chainbreaker.cases.inputs import (
    Inputs,
    Reject,
    find_table,
    read_alerts,
    read_hits,
    read_party_risk,
)
from chainbreaker.cases.organisations import ensure_organisation
from chainbreaker.cases.planning import plan_cases
from chainbreaker.cases.store import open_store
from chainbreaker.cases.upserts import CaseWriter, fingerprint
from chainbreaker.core.csvsafe import safe_row
from chainbreaker.core.errors import NotFoundError
from chainbreaker.core.logging import get_logger
from chainbreaker.core.workspace import Workspace
from chainbreaker.storage.db import DEFAULT_ORG_ID

__all__ = ["BuildReport", "build_cases", "fingerprint", "read_inputs"]

log = get_logger(__name__)


def latest_hits_file(workspace: Workspace) -> Path | None:
    """The screening results the workspace keeps (`WS/screening/hits.*`, written by every `screen`)."""
    return find_table(workspace.root / "screening", "hits")


def read_inputs(
    workspace: Workspace, alerts_dir: Path | None, hits_file: Path | None, min_hit_score: float
) -> Inputs:
    """Read monitoring's alerts and party risk and screening's hits, with rejects and warnings."""
    inputs = Inputs()
    folder = alerts_dir or workspace.root / "monitoring"
    alerts_path = find_table(folder, "alerts")
    if alerts_path is None:
        raise NotFoundError(
            f"no alerts.parquet (or .csv/.jsonl) in {folder}; run `chainbreaker monitor --out {folder}` first"
        )
    read_alerts(alerts_path, inputs)
    risk_path = find_table(folder, "party_risk")
    if risk_path is not None:
        read_party_risk(risk_path, inputs)
    else:
        inputs.warnings.append(f"no party_risk table in {folder}: party roles are left unknown")
    if hits_file is not None:
        if not hits_file.exists():
            raise NotFoundError(f"screening hits file {hits_file} does not exist")
        read_hits(hits_file, inputs, min_hit_score)
    else:
        default_hits = latest_hits_file(workspace)
        if default_hits is not None:
            read_hits(default_hits, inputs, min_hit_score)
    return inputs


def build_cases(
    workspace: Workspace,
    *,
    alerts_dir: Path | None = None,
    hits_file: Path | None = None,
    org_id: str = DEFAULT_ORG_ID,
    actor: str = "cases-build",
    url: str | None = None,
    min_hit_score: float = 0.75,
    on_progress: Progress | None = None,
) -> BuildReport:
    """Group monitoring alerts and screening hits into cases in the workspace's case store.

    Reads `WS/monitoring/alerts.parquet` and `party_risk.parquet` (or `alerts_dir`), `WS/screening/hits.parquet`
    (or `hits_file`) and the workspace's `parties`, `accounts`, `account_holders` and `transactions` tables.
    Returns counts of what was created, updated, re-scored and rejected.
    """
    workspace.require()
    report = BuildReport()
    inputs = read_inputs(workspace, alerts_dir, hits_file, min_hit_score)
    report.rows_read = inputs.rows_read
    report.alerts_read = len(inputs.alerts)
    report.hits_read = len(inputs.hits)
    report.hits_file = hits_file or latest_hits_file(workspace)
    report.rejects = inputs.rejects
    report.warnings = inputs.warnings
    con = workspace.connect(read_only=True)
    try:
        plans, plan_warnings = plan_cases(inputs, con)
        wanted = wanted_transactions(inputs.alerts)
        transactions = fetch_transactions(con, wanted)
    finally:
        con.close()
    report.warnings.extend(plan_warnings)
    missing = len(wanted) - len(transactions)
    if missing:
        report.warnings.append(
            f"{missing} evidence transaction id(s) named by alerts are not in the workspace"
        )
    factory = open_store(workspace, url)
    with factory() as session:
        ensure_organisation(session, org_id, None, actor)
        builder = CaseWriter(session, org_id, actor, inputs, report)
        for number, plan in enumerate(plans, start=1):
            builder.apply(plan, transactions)
            if number % COMMIT_EVERY == 0:
                session.commit()
            if on_progress:
                on_progress(number, len(plans))
        session.commit()
    bind = factory.kw.get("bind")
    if bind is not None:
        bind.dispose()
    if report.rejects:
        report.rejects_path = _write_rejects(workspace, report.rejects)
    log.info(
        "cases built",
        extra={
            "created": report.cases_created,
            "updated": report.cases_updated,
            "rejected": len(report.rejects),
        },
    )
    return report


def _write_rejects(workspace: Workspace, rejects: list[Reject]) -> Path:
    workspace.rejects_dir.mkdir(parents=True, exist_ok=True)
    path = workspace.rejects_dir / "cases_build.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "row", "column", "reason"])
        for r in rejects:
            writer.writerow(safe_row([r.file, r.row, r.column, r.reason]))
    return path
