"""SVG charts of throughput against data size, drawn from the JSON the benchmarks write.

Run: .venv/bin/python benchmarks/charts.py        # reads docs/performance/*.json, writes *.svg beside them

One chart per area: how many items per second (wall, and per CPU second) each side handles as the data
grows, the median of the runs with a bar from the slowest to the fastest run. A flat line means cost grows
linearly with work; a falling line means something grows faster than the data. Plain SVG, no library, so
the page renders anywhere (GitHub, a browser, a PDF export).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

OUT = Path(__file__).resolve().parents[1] / "docs" / "performance"
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
WIDTH, HEIGHT = 900, 400
LEFT, RIGHT, TOP, BOTTOM = 78, 340, 40, 56


@dataclass
class Point:
    """One data size: the median throughput of the runs and the slowest / fastest run."""

    x: float
    median: float
    low: float
    high: float


def point(size: float, items: float, seconds: list[float]) -> Point:
    """Throughput (items / s) at one size from the run times."""
    rates = [items / s for s in seconds if s > 0]
    return Point(size, statistics.median(rates), min(rates), max(rates))


def _ticks(lo: float, hi: float) -> list[float]:
    """Round tick values (1, 2, 5 x 10^k) covering [lo, hi]."""
    span = hi - lo or abs(hi) or 1.0
    step = 10 ** math.floor(math.log10(span / 5))
    for mult in (1, 2, 5, 10):
        if span / (step * mult) <= 6:
            step *= mult
            break
    start = math.floor(lo / step) * step
    return [start + i * step for i in range(int((hi - start) / step) + 2) if start + i * step <= hi * 1.0001]


def _fmt(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:.3g}M"
    if value >= 1e3:
        return f"{value / 1e3:.3g}k"
    return f"{value:.3g}"


def line_chart(title: str, x_label: str, y_label: str, series: dict[str, list[Point]], path: Path) -> None:
    """Write one chart: log-scaled data size across, throughput up, one line per series."""
    points = [p for ps in series.values() for p in ps]
    if not points:
        return
    xs = [math.log10(p.x) for p in points]
    x_lo, x_hi = min(xs) - 0.15, max(xs) + 0.15
    y_hi = max(p.high for p in points) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def sx(x: float) -> float:
        return LEFT + (math.log10(x) - x_lo) / (x_hi - x_lo) * plot_w

    def sy(y: float) -> float:
        return TOP + plot_h - y / y_hi * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12" role="img">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
        f'<text x="{LEFT}" y="22" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for tick in _ticks(0, y_hi):
        y = sy(tick)
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(tick)}</text>')
    for size in sorted({p.x for p in points}):
        x = sx(size)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="#eee"/>')
        parts.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle">{_fmt(size)}</text>')
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#444"/>'
        f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 14}" text-anchor="middle">{escape(x_label)} (log scale)</text>'
        f'<text transform="translate(16 {TOP + plot_h / 2}) rotate(-90)" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    for i, (name, pts) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        pts = sorted(pts, key=lambda p: p.x)
        path_d = " ".join(
            f"{'M' if j == 0 else 'L'}{sx(p.x):.1f},{sy(p.median):.1f}" for j, p in enumerate(pts)
        )
        parts.append(f'<path d="{path_d}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for p in pts:
            x = sx(p.x)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{sy(p.low):.1f}" y2="{sy(p.high):.1f}" stroke="{colour}"/>'
                f'<circle cx="{x:.1f}" cy="{sy(p.median):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(name)}: {_fmt(p.x)} -> {p.median:,.0f} (runs {p.low:,.0f}-{p.high:,.0f})</title>"
                "</circle>"
            )
        ly = TOP + 14 + 18 * i
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 12}" x2="{WIDTH - RIGHT + 32}" y1="{ly - 4}" y2="{ly - 4}" '
            f'stroke="{colour}" stroke-width="2"/><text x="{WIDTH - RIGHT + 38}" y="{ly}">{escape(name)}</text>'
        )
    parts.append(
        f'<text x="{WIDTH - RIGHT + 12}" y="{TOP + plot_h}" font-size="10" fill="#555">'
        "dot: median of runs; bar: slowest-fastest</text></svg>"
    )
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def screening(data: dict[str, object]) -> None:
    sizes = data["sizes"]
    assert isinstance(sizes, dict)
    wall = [point(int(n), int(n), r["wall"]) for n, r in sizes.items()]
    cpu = [point(int(n), int(n), r["cpu"]) for n, r in sizes.items()]
    series = {f"{data['algorithm']} batch, per wall s": wall, f"{data['algorithm']} batch, per CPU s": cpu}
    nk = data.get("nomenklatura")
    if isinstance(nk, dict):
        for label, row in nk["rows"].items():
            short = "nomenklatura logic-v2" if "nomenklatura" in label else str(data["algorithm"])
            series[f"{short}, same {nk['customers']:,}, per CPU s"] = [
                point(nk["customers"], nk["customers"], [row["cpu"]])
            ]
    line_chart(
        "Screening: customers screened per second",
        "customers",
        "names per second",
        series,
        OUT / "screening.svg",
    )


def registry(data: list[dict[str, object]]) -> None:
    series: dict[str, list[Point]] = {}
    labels = {
        "registry": "registry (history + entities)",
        "sqlite": "parse + sqlite3.executemany",
        "duckdb_arrow": "parse + DuckDB Arrow insert",
    }
    for row in data:
        n, statements = int(row["entities"]), int(row["statements"])  # type: ignore[call-overload]
        for key, label in labels.items():
            runs = row[key]
            assert isinstance(runs, list)
            series.setdefault(f"{label}, per CPU s", []).append(
                point(n, statements, [r["cpu"] for r in runs])
            )
    line_chart(
        "Registry: statements loaded per CPU second",
        "entities in the edition",
        "statements per CPU second",
        series,
        OUT / "registry.svg",
    )


def monitoring(data: list[dict[str, object]]) -> None:
    series: dict[str, list[Point]] = {}
    full_runs: dict[int, list[float]] = {}
    for row in data:
        rows = int(row["rows"])  # type: ignore[call-overload]
        for key, label in (("library", "library"), ("pandas", "vectorised pandas")):
            cpu = row["cpu"][key]  # type: ignore[index]
            series.setdefault(f"{label} ({row['indicators']} indicators), per CPU s", []).append(
                point(rows, rows, cpu)
            )
        full = row.get("full")
        if isinstance(full, dict) and "cpu" in full:
            full_runs.setdefault(int(full["rows"]), []).append(float(full["cpu"]))
    # every invocation also runs the whole library once on the whole bank: those runs are pooled
    if full_runs:
        series["library, all 50 indicators, per CPU s"] = [point(n, n, cpus) for n, cpus in full_runs.items()]
    line_chart(
        "Monitoring: transactions per CPU second",
        "transactions",
        "transactions per CPU second",
        series,
        OUT / "monitoring.svg",
    )


def load(data: list[dict[str, object]]) -> None:
    series: dict[str, list[Point]] = {}
    for row in data:
        label = f"chainbreaker load, {row['format']}, per wall s"
        series.setdefault(label, []).append(point(int(row["rows"]), int(row["rows"]), row["wall"]))  # type: ignore[call-overload,arg-type]
        label = f"chainbreaker load, {row['format']}, per CPU s"
        series.setdefault(label, []).append(point(int(row["rows"]), int(row["rows"]), row["cpu"]))  # type: ignore[call-overload,arg-type]
        naive = row.get("naive")
        if isinstance(naive, dict) and naive.get("cpu"):
            series.setdefault("naive csv + Python checks + sqlite3 (transactions), per CPU s", []).append(
                point(int(naive["rows"]), int(naive["rows"]), naive["cpu"])
            )
    line_chart(
        "Loader: rows loaded per second", "rows in all tables", "rows per second", series, OUT / "load.svg"
    )


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    for name, draw in (
        ("screening", screening),
        ("registry", registry),
        ("monitoring", monitoring),
        ("load", load),
    ):
        path = folder / f"{name}.json"
        if path.exists():
            draw(json.loads(path.read_text(encoding="utf-8")))  # type: ignore[operator]
        else:
            print(f"({path} not found: run its benchmark first)")


if __name__ == "__main__":
    main()
