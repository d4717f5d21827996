"""`fiu publish`: the FIU's periodic public report (Key 10e), counts and trends that identify no one.

Tables: reports by month x trafficking type and by region x trafficking type (both with totals, suppressed
together since they share the per-type totals), and reports per indicator and per channel (lists without a
total, since one report carries several indicators). Every cell goes through `core.suppression`: no cell from
fewer than `k` reports or fewer than 3 reporting entities, and complementary cells hidden until no hidden
cell can be computed from the published ones. Hidden cells are blank in CSV and shown as a dash in HTML;
charts draw them as gaps. Only reports whose activity began in the period are counted.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from pathlib import Path

from chainbreaker.core.errors import InputError
from chainbreaker.core.suppression import SuppressedGrid, suppress_linked, suppress_list
from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.charts import line_chart

TYPES = ("sex", "labour", "both", "unstated")
MIN_ENTITIES = 3


@dataclass(frozen=True)
class Published:
    files: list[Path]
    reports: int
    hidden_cells: int


def _grid(
    rows: list[tuple[str, str, str, str]], row_of: int, row_labels: list[str]
) -> tuple[list[list[int]], list[list[int]]]:
    """Counts and distinct-entity counts of (row label x type), with totals, from (report, entity, row, type)."""
    reports: dict[tuple[int, int], set[str]] = defaultdict(set)
    entities: dict[tuple[int, int], set[str]] = defaultdict(set)
    n_rows, n_cols = len(row_labels), len(TYPES)
    for item in rows:
        i, j = row_labels.index(item[row_of]), TYPES.index(item[3])
        for a, b in ((i, j), (i, n_cols), (n_rows, j), (n_rows, n_cols)):
            reports[(a, b)].add(item[0])
            entities[(a, b)].add(item[1])
    values = [[len(reports[(a, b)]) for b in range(n_cols + 1)] for a in range(n_rows + 1)]
    ents = [[len(entities[(a, b)]) for b in range(n_cols + 1)] for a in range(n_rows + 1)]
    return values, ents


def _write_grid(path: Path, first: str, labels: list[str], grid: SuppressedGrid) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow((first, *TYPES, "total"))
        for label, row in zip([*labels, "total"], grid.published(), strict=True):
            writer.writerow((label, *("" if v is None else v for v in row)))


def _html_grid(title: str, first: str, labels: list[str], grid: SuppressedGrid) -> str:
    head = "".join(f"<th scope='col'>{escape(t)}</th>" for t in (first, *TYPES, "total"))
    body = "".join(
        f"<tr><th scope='row'>{escape(label)}</th>"
        + "".join(f"<td>{'–' if v is None else v}</td>" for v in row)
        + "</tr>"
        for label, row in zip([*labels, "total"], grid.published(), strict=True)
    )
    return f"<h2>{escape(title)}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def publish(workspace: Workspace, period: str, k: int, out_dir: Path) -> Published:
    """Write the public tables (CSV) and report (HTML) for one year, e.g. period '2025'."""
    if not (period.isdigit() and len(period) == 4):
        raise InputError(f"period must be a year such as 2025, not {period!r}")
    if k < 3:
        raise InputError("k must be at least 3 (the SDC Handbook's minimum threshold)")
    con = workspace.connect(read_only=True)
    try:
        rows = con.execute(
            """SELECT report_id, entity_id, strftime(coalesce(period_start, submitted_at), '%Y-%m') AS month,
                      trafficking_type, coalesce(region, 'unknown')
               FROM fiu_reports WHERE strftime(coalesce(period_start, submitted_at), '%Y') = ?""",
            [period],
        ).fetchall()
        lists = {
            dim: con.execute(
                f"""SELECT x.code, count(DISTINCT r.report_id), count(DISTINCT r.entity_id)
                    FROM fiu_reports r JOIN ({sql}) x USING (report_id)
                    WHERE strftime(coalesce(r.period_start, r.submitted_at), '%Y') = ?
                    GROUP BY 1 ORDER BY 1""",
                [period],
            ).fetchall()
            for dim, sql in (
                ("indicator", "SELECT report_id, code FROM fiu_indicators WHERE scheme = 'redflag'"),
                ("channel", "SELECT report_id, channel AS code FROM fiu_channels"),
            )
        }
    finally:
        con.close()
    if not rows:
        raise InputError(f"no report in the workspace has activity in {period}")
    months = [f"{period}-{m:02d}" for m in range(1, 13)]
    regions = sorted({r[4] for r in rows})
    by_month = [(r[0], r[1], r[2], r[3]) for r in rows]
    by_region = [(r[0], r[1], r[4], r[3]) for r in rows]
    month_grid = _grid(by_month, 2, months)
    region_grid = _grid(by_region, 2, regions)
    month_s, region_s = suppress_linked([month_grid, region_grid], k, MIN_ENTITIES)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [out_dir / "reports_by_month_and_type.csv", out_dir / "reports_by_region_and_type.csv"]
    _write_grid(files[0], "month", months, month_s)
    _write_grid(files[1], "region", regions, region_s)
    hidden = sum(h for g in (month_s, region_s) for row in g.hidden for h in row)
    list_html = []
    for dim, items in lists.items():
        mask = suppress_list([int(n) for _, n, _ in items], [int(e) for _, _, e in items], k, MIN_ENTITIES)
        hidden += sum(mask)
        path = out_dir / f"reports_by_{dim}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow((dim, "reports"))
            for (code, n, _), h in zip(items, mask, strict=True):
                writer.writerow((code, "" if h else n))
        files.append(path)
        list_html.append(
            f"<h2>Reports per {dim}</h2><p>A report names several {dim}s, so these do not add up.</p><table>"
            f"<thead><tr><th scope='col'>{dim}</th><th scope='col'>reports</th></tr></thead><tbody>"
            + "".join(
                f"<tr><th scope='row'>{escape(str(code))}</th><td>{'–' if h else n}</td></tr>"
                for (code, n, _), h in zip(items, mask, strict=True)
            )
            + "</tbody></table>"
        )
    published = month_s.published()
    chart = line_chart(
        f"Reports per month, {period}, by trafficking type",
        months,
        {t: [row[j] for row in published[:-1]] for j, t in enumerate(TYPES)},
    )
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Human trafficking reports received in {period}</title>"
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.2rem .5rem;text-align:right}</style></head><body>"
        f"<h1>Human trafficking reports received in {period}</h1>"
        f"<p>{escape(str(len(rows)))} reports counted by the month their activity began. To protect people and "
        f"filers, no figure comes from fewer than {k} reports or fewer than {MIN_ENTITIES} reporting entities; "
        "further figures are withheld (–) where they would let a withheld one be computed from the totals.</p>"
        f"{chart}"
        + _html_grid("Reports by month and trafficking type", "month", months, month_s)
        + _html_grid("Reports by region and trafficking type", "region", regions, region_s)
        + "".join(list_html)
        + "</body></html>"
    )
    (out_dir / "report.html").write_text(html, encoding="utf-8")
    files.append(out_dir / "report.html")
    return Published(files, len(rows), hidden)
