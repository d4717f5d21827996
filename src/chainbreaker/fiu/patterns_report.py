"""Patterns written for analysts: Parquet tables and an HTML page with server-drawn charts."""

from __future__ import annotations

from html import escape
from pathlib import Path

from chainbreaker.core.workspace import Workspace
from chainbreaker.fiu.charts import line_chart
from chainbreaker.fiu.patterns import Patterns, analyse, write_parquet
from chainbreaker.fiu.store import ensure_tables

TOP = 8


def charts(patterns: Patterns) -> list[str]:
    """One line chart per dimension (the most frequent values), months on the x axis."""
    months = patterns.months
    out = []
    for dimension in ("trafficking_type", "indicator", "region", "channel"):
        series = patterns.series(dimension)
        ranked = sorted(series, key=lambda v: -sum(series[v].values()))[:TOP]
        out.append(
            line_chart(
                f"Reports per month by {dimension.replace('_', ' ')}",
                months,
                {v: [series[v].get(m, 0) for m in months] for v in ranked},
            )
        )
    return out


def render(patterns: Patterns) -> str:
    trends = "".join(
        f"<tr><td>{escape(t.dimension)}</td><td>{escape(t.value)}</td><td>{t.month}</td><td>{t.reports}</td>"
        f"<td>{t.expected}</td><td>{t.z}</td><td>{t.direction}</td></tr>"
        for t in patterns.trends
    )
    combos = "".join(
        f"<tr><td>{escape(' + '.join(c.indicators))}</td><td>{c.first_month}</td><td>{c.reports}</td>"
        f"<td>{c.entities}</td></tr>"
        for c in patterns.combinations
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>FIU patterns</title>"
        "<style>body{font-family:sans-serif;max-width:64rem;margin:2rem auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.2rem .4rem}</style></head><body><h1>Patterns in received reports</h1>"
        + "".join(charts(patterns))
        + "<h2>Months beyond normal variation</h2><table><tr><th>dimension</th><th>value</th><th>month</th>"
        "<th>reports</th><th>expected</th><th>z</th><th>direction</th></tr>"
        + trends
        + "</table><h2>New indicator combinations (possible shifts in business model)</h2><table><tr>"
        "<th>indicators</th><th>first seen</th><th>reports</th><th>reporting entities</th></tr>"
        + combos
        + "</table></body></html>"
    )


def write_patterns(workspace: Workspace, out_dir: Path) -> Patterns:
    """Analyse the workspace and write `monthly/trends/new_combinations.parquet` and `patterns.html`."""
    con = workspace.connect()
    try:
        ensure_tables(con)
        patterns = analyse(con)
        write_parquet(con, patterns, out_dir)
    finally:
        con.close()
    (out_dir / "patterns.html").write_text(render(patterns), encoding="utf-8")
    return patterns
