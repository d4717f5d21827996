"""The network of a case's parties drawn as SVG with a small deterministic force layout.

A few dozen parties is the normal size of a trafficking ring (controller, victims, front business,
recruiter), so a plain Fruchterman-Reingold layout in Python is instant and needs no JavaScript.
Starting from a circle and using no randomness, the same case always draws the same picture, which
matters when an investigator prints it for a file.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: CSS class per party role; a likely victim is drawn apart from the subjects at a glance.
ROLE_CLASSES = {
    "subject": "node-subject",
    "likely_victim": "node-victim",
    "victim": "node-victim",
    "witness": "node-witness",
}


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    role: str = "unknown"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    amount: float = 0.0


def layout(
    nodes: Sequence[Node], edges: Sequence[Edge], iterations: int = 120
) -> dict[str, tuple[float, float]]:
    """Positions in the unit square: attraction along edges, repulsion between all pairs, cooling."""
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0].id: (0.5, 0.5)}
    pos = {
        node.id: [0.5 + 0.4 * math.cos(2 * math.pi * i / n), 0.5 + 0.4 * math.sin(2 * math.pi * i / n)]
        for i, node in enumerate(nodes)
    }
    k = math.sqrt(1.0 / n)
    links = [
        (e.source, e.target) for e in edges if e.source in pos and e.target in pos and e.source != e.target
    ]
    temperature = 0.1
    for _ in range(iterations):
        disp = {node_id: [0.0, 0.0] for node_id in pos}
        ids = list(pos)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                dist = max(math.hypot(dx, dy), 1e-3)
                force = k * k / dist
                disp[a][0] += dx / dist * force
                disp[a][1] += dy / dist * force
                disp[b][0] -= dx / dist * force
                disp[b][1] -= dy / dist * force
        for a, b in links:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = max(math.hypot(dx, dy), 1e-3)
            force = dist * dist / k
            disp[a][0] -= dx / dist * force
            disp[a][1] -= dy / dist * force
            disp[b][0] += dx / dist * force
            disp[b][1] += dy / dist * force
        for node_id, (ddx, ddy) in disp.items():
            length = max(math.hypot(ddx, ddy), 1e-9)
            step = min(length, temperature)
            pos[node_id][0] = min(0.95, max(0.05, pos[node_id][0] + ddx / length * step))
            pos[node_id][1] = min(0.95, max(0.05, pos[node_id][1] + ddy / length * step))
        temperature *= 0.97
    return {node_id: (xy[0], xy[1]) for node_id, xy in pos.items()}


#: Box of a node with its label (pixels): labels are what overlap first, so the box is the label's.
NODE_HEIGHT = 44.0
CHAR_WIDTH = 6.6


def _box_width(label: str) -> float:
    return max(34.0, CHAR_WIDTH * min(len(label), 28) + 10)


def separate(
    centres: dict[str, list[float]], widths: dict[str, float], rounds: int = 400
) -> dict[str, list[float]]:
    """Push overlapping node boxes apart along the axis where they overlap least, until none overlap.

    Force layouts place nodes well but say nothing about label boxes; this pass makes the drawing
    readable (no label over another) while keeping the layout's shape.
    """
    ids = sorted(centres)
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                ax, ay = centres[a]
                bx, by = centres[b]
                need_x = (widths[a] + widths[b]) / 2 + 4 - abs(ax - bx)
                need_y = NODE_HEIGHT + 4 - abs(ay - by)
                if need_x <= 0 or need_y <= 0:
                    continue
                moved = True
                if need_x < need_y:
                    sign = 1.0 if ax >= bx else -1.0
                    if ax == bx:
                        sign = 1.0 if a < b else -1.0
                    centres[a][0] += sign * need_x / 2
                    centres[b][0] -= sign * need_x / 2
                else:
                    sign = 1.0 if ay >= by else -1.0
                    if ay == by:
                        sign = 1.0 if a < b else -1.0
                    centres[a][1] += sign * need_y / 2
                    centres[b][1] -= sign * need_y / 2
        if not moved:
            break
    return centres


def overlaps(centres: dict[str, list[float]], widths: dict[str, float]) -> int:
    """How many pairs of node boxes overlap (0 after `separate`; used by the tests)."""
    ids = sorted(centres)
    count = 0
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if (
                abs(centres[a][0] - centres[b][0]) < (widths[a] + widths[b]) / 2
                and abs(centres[a][1] - centres[b][1]) < NODE_HEIGHT
            ):
                count += 1
    return count


def place_nodes(
    nodes: Sequence[Node], edges: Sequence[Edge], width: float, height: float
) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Pixel centres of the nodes: the force layout scaled to the canvas, then label boxes separated."""
    pos = layout(nodes, edges)
    centres = {node_id: [x * width, y * height] for node_id, (x, y) in pos.items()}
    widths = {node.id: _box_width(node.label) for node in nodes}
    return separate(centres, widths), widths


def network_svg(
    nodes: Sequence[Node], edges: Sequence[Edge], *, width: int = 640, height: int = 420, large: bool = False
) -> Markup:
    """The parties as labelled circles coloured by role, money flows as arrows as thick as the money."""
    title = "Network of parties"
    if not nodes:
        body = '<text x="8" y="24" class="chart-empty">no parties linked yet</text>'
        return Markup(  # noqa: S704 - numbers and escape()d text only
            f'<svg class="network" viewBox="0 0 {width} 40" width="100%" role="img"><title>{title}</title>{body}</svg>'
        )
    if large:  # the network section: room for every label
        width = max(width, int(110 * math.sqrt(len(nodes)) + 400))
        height = max(height, int(80 * math.sqrt(len(nodes)) + 260))
    centres, widths = place_nodes(nodes, edges, width, height)
    xs = [c[0] for c in centres.values()]
    ys = [c[1] for c in centres.values()]
    margin = max(widths.values()) / 2 + 10
    left, top = min(xs) - margin, min(ys) - 30
    view_w, view_h = max(xs) - min(xs) + 2 * margin, max(ys) - min(ys) + 70
    # never zoom a small network in beyond the canvas: circles and labels keep their drawn size
    if view_w < width:
        left -= (width - view_w) / 2
        view_w = width
    if view_h < height:
        top -= (height - view_h) / 2
        view_h = height
    amounts = [e.amount for e in edges if e.amount]
    peak = max(amounts, default=0.0) or 1.0
    parts = [
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="24" refY="5" markerWidth="10" markerHeight="10" '
        'markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrow"/>'
        "</marker></defs>"
    ]
    for edge in edges:
        if edge.source not in centres or edge.target not in centres:
            continue
        (x1, y1), (x2, y2) = centres[edge.source], centres[edge.target]
        stroke = 1.2 + 6.0 * math.sqrt(edge.amount / peak) if edge.amount else 1.2
        css = "edge money" if edge.amount else "edge tie"
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{css}" '
            f'stroke-width="{stroke:.1f}" marker-end="url(#arrow)"><title>{escape(edge.label)}</title></line>'
        )
    for node in nodes:
        x, y = centres[node.id]
        css = ROLE_CLASSES.get(node.role, "node-unknown")
        parts.append(
            f'<g class="node {css}"><circle cx="{x:.1f}" cy="{y:.1f}" r="12">'
            f"<title>{escape(node.label)} ({escape(node.role.replace('_', ' '))})</title></circle>"
            f'<text x="{x:.1f}" y="{y + 26:.1f}" text-anchor="middle">{escape(node.label[:28])}</text></g>'
        )
    return Markup(  # noqa: S704 - numbers and escape()d text only
        f'<svg class="network zoomable" viewBox="{left:.1f} {top:.1f} {view_w:.1f} {view_h:.1f}" width="100%" '
        f'role="img" aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>{"".join(parts)}</svg>'
    )


def _amount(value: object) -> float:
    try:
        return float(str(value)) if value not in (None, "") else 0.0
    except ValueError:
        return 0.0


def network_for_case(
    network: dict[str, object],
    names: dict[str, str] | None = None,
    highlight: str | None = None,
    *,
    large: bool = False,
) -> Markup:
    """Draw a case's stored network (`Case.network`: nodes with roles, edges with kinds and amounts)."""
    names = names or {}
    raw_nodes = network.get("nodes") if isinstance(network, dict) else None
    raw_edges = network.get("edges") if isinstance(network, dict) else None
    nodes = [
        Node(
            id=str(n.get("party_id")),
            label=(names.get(str(n.get("party_id"))) or str(n.get("party_id")))
            + (" ◀" if str(n.get("party_id")) == highlight else ""),
            role=str(n.get("role") or "unknown"),
        )
        for n in (raw_nodes if isinstance(raw_nodes, list) else [])
        if isinstance(n, dict) and n.get("party_id")
    ]
    edges = [
        Edge(
            source=str(e.get("source")),
            target=str(e.get("target")),
            label=f"{e.get('kind', 'tie')}"
            + (f", {_amount(e.get('amount')):,.2f}" if e.get("amount") else "")
            + (f", {e.get('count')}×" if e.get("count") else ""),
            amount=_amount(e.get("amount")),
        )
        for e in (raw_edges if isinstance(raw_edges, list) else [])
        if isinstance(e, dict)
    ]
    return network_svg(nodes, edges, large=large)
