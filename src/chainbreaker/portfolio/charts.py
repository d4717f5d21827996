"""The portfolio's charts as SVG strings: a sector × country heat map and a world dot map.

The map is an equirectangular projection of country centroids (`centroids.csv`, 149 countries, rounded to
0.1°, written for this package) with a dot per country sized by exposure and coloured by the exposure-
weighted score. No country outlines are drawn: shapes are not on this branch, and a dot map needs no
third-party geometry. Colours are presentation attributes (allowed under the service's strict CSP).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from functools import cache
from html import escape
from pathlib import Path

CENTROIDS = Path(__file__).with_name("centroids.csv")
#: Low → severe, from pale yellow to dark red (readable in greyscale by lightness).
PALETTE = ("#fff3c4", "#fdd28a", "#f8a15a", "#e8613c", "#b71c1c", "#6d0f0f")


@cache
def centroids() -> dict[str, tuple[float, float]]:
    with CENTROIDS.open(encoding="utf-8") as fh:
        return {r["iso2"]: (float(r["lat"]), float(r["lon"])) for r in csv.DictReader(fh)}


def colour(score: float) -> str:
    return PALETTE[min(len(PALETTE) - 1, max(0, int(score * len(PALETTE))))]


def _svg(width: int, height: int, title: str, body: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"{body}</svg>"
    )


def heat_map(
    cells: Mapping[tuple[str, str], tuple[float, float, int]],
    title: str = "Exposure-weighted risk by sector and country",
) -> str:
    """Rows = sectors, columns = countries; each cell (score, exposure, holdings) coloured by score."""
    if not cells:
        return _svg(400, 40, title, '<text x="8" y="24">no holdings</text>')
    sectors = sorted({s for s, _ in cells})
    countries = sorted({c for _, c in cells})
    cw, ch, left, top = 44, 26, 230, 40
    width, height = left + cw * len(countries) + 10, top + ch * len(sectors) + 10
    parts = []
    for j, country in enumerate(countries):
        x = left + j * cw + cw // 2
        parts.append(
            f'<text x="{x}" y="{top - 10}" text-anchor="middle" font-size="12">{escape(country)}</text>'
        )
    for i, sector in enumerate(sectors):
        y = top + i * ch
        label = sector if len(sector) <= 32 else sector[:31] + "…"
        parts.append(
            f'<text x="{left - 6}" y="{y + 17}" text-anchor="end" font-size="12">{escape(label)}</text>'
        )
        for j, country in enumerate(countries):
            cell = cells.get((sector, country))
            if cell is None:
                continue
            score, exposure, n = cell
            parts.append(
                f'<rect x="{left + j * cw}" y="{y}" width="{cw - 2}" height="{ch - 2}" fill="{colour(score)}">'
                f"<title>{escape(sector)} × {escape(country)}: score {score:.2f}, exposure {exposure:,.0f}, "
                f"{n} holding(s)</title></rect>"
                f'<text x="{left + j * cw + cw // 2 - 1}" y="{y + 17}" text-anchor="middle" font-size="10">'
                f"{score:.2f}</text>"
            )
    return _svg(width, height, title, "".join(parts))


def world_map(
    points: Mapping[str, tuple[float, float, int]],
    title: str = "Exposure and risk by country (dot map, equirectangular)",
) -> str:
    """One dot per country at its centroid: area ∝ exposure (or holdings when no exposure), colour = score."""
    width, height = 720, 360
    parts = [
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#eef3f7"/>',
        *(
            f'<line x1="0" y1="{y}" x2="{width}" y2="{y}" stroke="#c9d6e0" stroke-width="0.5"/>'
            for y in range(0, height + 1, 60)
        ),
        *(
            f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#c9d6e0" stroke-width="0.5"/>'
            for x in range(0, width + 1, 60)
        ),
    ]
    known = centroids()
    top = max((max(e, n) for _s, e, n in points.values()), default=1.0) or 1.0
    missing = []
    for code, (score, exposure, n) in sorted(points.items(), key=lambda kv: -max(kv[1][1], kv[1][2])):
        where = known.get(code.lower())
        if where is None:
            missing.append(code)
            continue
        lat, lon = where
        x, y = (lon + 180) / 360 * width, (90 - lat) / 180 * height
        size = exposure if exposure > 0 else n
        r = 3 + 17 * math.sqrt(size / top)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour(score)}" stroke="#333" '
            f'stroke-width="0.6" fill-opacity="0.85"><title>{escape(code.upper())}: score {score:.2f}, '
            f"exposure {exposure:,.0f}, {n} holding(s)</title></circle>"
        )
    if missing:
        parts.append(
            f'<text x="6" y="{height - 6}" font-size="11">no centroid for: {escape(", ".join(missing[:12]))}</text>'
        )
    return _svg(width, height, title, "".join(parts))


def legend() -> str:
    """The colour scale of both charts."""
    labels = ("0", "0.17", "0.33", "0.5", "0.67", "0.83")
    parts = [
        f'<rect x="{10 + i * 60}" y="4" width="58" height="14" fill="{c}"/>'
        f'<text x="{10 + i * 60}" y="32" font-size="11">{labels[i]}</text>'
        for i, c in enumerate(PALETTE)
    ]
    return _svg(380, 38, "Score colour scale", "".join(parts))


def top_items(values: Sequence[tuple[str, float]], n: int) -> list[str]:
    """Labels of the n largest values (for choosing heat-map columns)."""
    return [k for k, _v in sorted(values, key=lambda kv: -kv[1])[:n]]
