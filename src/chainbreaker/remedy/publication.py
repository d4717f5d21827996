"""The periodic public report on grievances: how many complaints of which kind, and how they ended.

ANZ's framework asks a bank to report publicly on complaints and outcomes. A small count could point at one
worker or one client, so the table goes through `core.suppression` (shared with the FIU's public report): a
cell from fewer than `k` grievances or about fewer than `min_entities` distinct companies is left blank, and
further cells are blanked until none can be worked out from the totals.
"""

from __future__ import annotations

import csv
import html
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainbreaker.core.suppression import SuppressedGrid, suppress_grid, with_margins
from chainbreaker.storage.remedy_models import GRIEVANCE_CATEGORIES, GRIEVANCE_OUTCOMES, Grievance

OUTCOME_COLUMNS = ("open", *GRIEVANCE_OUTCOMES)


@dataclass(frozen=True)
class PublicReport:
    """Grievances by category (rows) and outcome (columns) with totals, as suppressed for publication."""

    period: str
    grid: SuppressedGrid
    rows: tuple[str, ...]
    columns: tuple[str, ...]


def _about(g: Grievance) -> str:
    return g.linked_id or " ".join(g.about_name.lower().split())


def public_report(
    session: Session, org_id: str, start: datetime, end: datetime, k: int = 10, min_entities: int = 3
) -> PublicReport:
    """Grievances received in [start, end), counted and suppressed."""
    rows = session.scalars(
        select(Grievance).where(
            Grievance.org_id == org_id, Grievance.created_at >= start, Grievance.created_at < end
        )
    ).all()
    n_rows, n_cols = len(GRIEVANCE_CATEGORIES), len(OUTCOME_COLUMNS)
    about: list[list[set[str]]] = [[set() for _ in range(n_cols + 1)] for _ in range(n_rows + 1)]
    counts = [[0] * n_cols for _ in range(n_rows)]
    for g in rows:
        i = GRIEVANCE_CATEGORIES.index(g.category)
        j = OUTCOME_COLUMNS.index(g.outcome if g.status == "closed" and g.outcome else "open")
        counts[i][j] += 1
        for a, b in ((i, j), (i, n_cols), (n_rows, j), (n_rows, n_cols)):
            about[a][b].add(_about(g))
    values = with_margins(counts)
    entities = [[len(cell) for cell in line] for line in about]
    grid = suppress_grid(values, entities, k, min_entities)
    return PublicReport(f"{start:%Y-%m-%d} to {end:%Y-%m-%d}", grid, GRIEVANCE_CATEGORIES, OUTCOME_COLUMNS)


def write_public_report(report: PublicReport, out_dir: Path) -> tuple[Path, Path]:
    """`grievances.csv` (a suppressed cell is blank) and `grievances.html`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    header = ["category", *report.columns, "total"]
    published = report.grid.published()
    labels = [*report.rows, "total"]
    csv_path = out_dir / "grievances.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for label, line in zip(labels, published, strict=True):
            writer.writerow([label, *("" if v is None else v for v in line)])
    cells = "".join(
        "<tr><th>"
        + html.escape(label.replace("_", " "))
        + "</th>"
        + "".join(f"<td>{'' if v is None else v}</td>" for v in line)
        + "</tr>"
        for label, line in zip(labels, published, strict=True)
    )
    head = "".join(f"<th>{html.escape(h.replace('_', ' '))}</th>" for h in header)
    html_path = out_dir / "grievances.html"
    html_path.write_text(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Grievances {report.period}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem}}table{{border-collapse:collapse}}
th,td{{border:1px solid #bbb;padding:.25rem .5rem}}td{{text-align:right}}</style></head><body>
<h1>Grievances received, {html.escape(report.period)}</h1>
<p>By what was complained about and how it ended. A blank cell is withheld: it counts too few grievances or too
few companies to publish without pointing at someone, or it could be worked out from the totals.</p>
<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table></body></html>""",
        encoding="utf-8",
    )
    return csv_path, html_path
