"""Charts drawn as SVG on the server.

Server-side SVG keeps the dashboard readable without JavaScript, satisfies a strict CSP (no inline
script or style: colours come from CSS classes and presentation attributes) and prints well.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup, escape

#: CSS class of each trafficking type; anything else is drawn as "general".
SERIES_CLASSES = {
    "sex": "series-sex",
    "labour": "series-labour",
    "general": "series-general",
    "money in": "series-in",
    "money out": "series-out",
}


def _svg(width: int, height: int, title: str, body: str) -> Markup:
    # a drawing with links is a group of links to assistive technology, not one image
    role = "group" if "<a href=" in body else "img"
    return Markup(  # noqa: S704 - numbers and escape()d text only
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="{role}" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        f"{body}</svg>"
    )


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _linked(href: str | None, body: str, label: str) -> str:
    """A drawing element that opens `href` when clicked (drill-down), keyboard-reachable like a link."""
    if not href:
        return body
    return f'<a href="{escape(href)}" aria-label="{escape(label)}">{body}</a>'


def bar_chart(
    items: Sequence[tuple[str, int]], title: str, *, width: int = 640, links: Sequence[str] | None = None
) -> Markup:
    """Horizontal bars, one per label, longest first as given (e.g. alerts per indicator).

    With `links`, each bar opens the list behind it (the dashboard's drill-down).
    """
    if not items:
        return _svg(width, 40, title, '<text x="8" y="24" class="chart-empty">no data yet</text>')
    bar_h, gap, label_w = 22, 6, 240
    height = len(items) * (bar_h + gap) + gap
    top = max(value for _, value in items) or 1
    plot_w = width - label_w - 60
    parts: list[str] = []
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = max(1, round(plot_w * value / top))
        body = (
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="chart-label">{escape(_short(label))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" class="bar">'
            f"<title>{escape(label)}: {value}</title></rect>"
            f'<text x="{label_w + w + 6}" y="{y + 15}" class="chart-value">{value}</text>'
        )
        parts.append(_linked(links[i] if links else None, body, f"{label}: {value}"))
    return _svg(width, height, title, "".join(parts))


def stacked_time_chart(
    periods: Sequence[str],
    series: Mapping[str, Sequence[int]],
    title: str,
    *,
    width: int = 640,
    height: int = 260,
    link: Callable[[str, str], str] | None = None,
) -> Markup:
    """Stacked columns per period (e.g. month), one colour per trafficking type, with a legend.

    With `link(period, series)`, each block opens the list behind it (the dashboard's drill-down).
    """
    if not periods:
        return _svg(width, 40, title, '<text x="8" y="24" class="chart-empty">no data yet</text>')
    left, bottom, top_pad, legend_h = 40, 40, 10, 24
    plot_h = height - bottom - top_pad - legend_h
    plot_w = width - left - 10
    totals = [sum(values[i] for values in series.values()) for i in range(len(periods))]
    peak = max(totals) or 1
    step = plot_w / len(periods)
    col_w = max(2.0, step * 0.7)
    parts = [
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 10}" y2="{top_pad + plot_h}" class="axis"/>',
        f'<text x="{left - 6}" y="{top_pad + 10}" text-anchor="end" class="chart-value">{peak}</text>',
        f'<text x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end" class="chart-value">0</text>',
    ]
    label_every = max(1, len(periods) // 8)
    for i, period in enumerate(periods):
        x = left + i * step + (step - col_w) / 2
        y: float = top_pad + plot_h
        for name, values in series.items():
            value = values[i]
            if not value:
                continue
            h = plot_h * value / peak
            y -= h
            css = SERIES_CLASSES.get(name, "series-general")
            block = (
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{col_w:.1f}" height="{h:.1f}" class="{css}">'
                f"<title>{escape(period)} {escape(name)}: {value}</title></rect>"
            )
            parts.append(_linked(link(period, name) if link else None, block, f"{period} {name}: {value}"))
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + col_w / 2:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle" '
                f'class="chart-label">{escape(period)}</text>'
            )
    lx = left
    for name in series:
        css = SERIES_CLASSES.get(name, "series-general")
        parts.append(
            f'<rect x="{lx}" y="{height - 16}" width="12" height="12" class="{css}"/>'
            f'<text x="{lx + 16}" y="{height - 6}" class="chart-label">{escape(name)}</text>'
        )
        lx += 16 + 9 * len(name) + 20
    return _svg(width, height, title, "".join(parts))
