"""Restitution schedules as files a prosecutor or a claimant's lawyer can use: CSV, evidence CSV and HTML.

Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) are
prefixed with a quote, since counterparty names and descriptions come from outside the bank.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from chainbreaker.core.csvsafe import safe_cell
from chainbreaker.remedy.restitution import Schedule

SCHEDULE_COLUMNS = (
    "party_id",
    "wages_in",
    "swept_out",
    "fees",
    "owed",
    "diverted_wages",
    "cash_inferred",
    "evidence_transactions",
)
EVIDENCE_COLUMNS = ("party_id", "txn_id", "booked_at", "head", "amount", "counterparty", "rule")


def spreadsheet_safe(value: object) -> str:
    """A cell as text that spreadsheets show rather than evaluate (the package's rule, `core.csvsafe`)."""
    return "" if value is None else str(safe_cell(str(value)))


def schedule_csv_text(schedule: Schedule) -> str:
    """One row per victim (`party_id, wages_in, swept_out, fees, owed`, then the detail columns)."""
    handle = io.StringIO()
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(SCHEDULE_COLUMNS)
    for v in schedule.victims:
        writer.writerow(
            [
                spreadsheet_safe(v.party_id),
                f"{v.wages_in:.2f}",
                f"{v.swept_out:.2f}",
                f"{v.fees:.2f}",
                f"{v.owed:.2f}",
                f"{v.diverted:.2f}",
                f"{v.cash_inferred:.2f}",
                len(v.evidence),
            ]
        )
    return handle.getvalue()


def write_schedule_csv(schedule: Schedule, path: Path) -> Path:
    """The schedule CSV at `path` (folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(schedule_csv_text(schedule), encoding="utf-8")
    return path


def write_evidence_csv(schedule: Schedule, path: Path) -> Path:
    """Every transaction the schedule counted (and unattributed payroll), with the rule that counted it."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EVIDENCE_COLUMNS)
        lines = [e for v in schedule.victims for e in v.evidence] + schedule.unattributed
        for e in lines:
            writer.writerow(
                [
                    spreadsheet_safe(e.party_id),
                    spreadsheet_safe(e.txn_id),
                    e.booked_at.isoformat(sep=" "),
                    e.head,
                    f"{e.amount:.2f}",
                    spreadsheet_safe(e.counterparty),
                    e.rule,
                ]
            )
    return path


def render_schedule_html(schedule: Schedule, stylesheet: str | None = None) -> str:
    """A printable schedule: totals, one table per victim with its evidence, the notes and the rules.

    A file on its own carries its style inline; the service passes `stylesheet` (a URL of its own), since its
    Content-Security-Policy refuses inline style.
    """
    env = Environment(
        loader=PackageLoader("chainbreaker.remedy", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    totals = {h: schedule.total(h) for h in ("wages_in", "swept_out", "fees", "diverted", "owed")}
    return env.get_template("restitution.html.j2").render(s=schedule, totals=totals, stylesheet=stylesheet)
