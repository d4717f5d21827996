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


def network_svg(
    nodes: Sequence[Node], edges: Sequence[Edge], *, width: int = 640, height: int = 420
) -> Markup:
    """The parties as labelled circles coloured by role, money flows as arrows."""
    title = "Network of parties"
    if not nodes:
        body = '<text x="8" y="24" class="chart-empty">no parties linked yet</text>'
        return Markup(  # noqa: S704 - numbers and escape()d text only
            f'<svg class="network" viewBox="0 0 {width} 40" width="100%" role="img"><title>{title}</title>{body}</svg>'
        )
    pos = layout(nodes, edges)

    def xy(node_id: str) -> tuple[float, float]:
        x, y = pos[node_id]
        return x * width, y * height

    parts = [
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="22" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrow"/></marker></defs>'
    ]
    for edge in edges:
        if edge.source not in pos or edge.target not in pos:
            continue
        (x1, y1), (x2, y2) = xy(edge.source), xy(edge.target)
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="edge" marker-end="url(#arrow)">'
            f"<title>{escape(edge.label)}</title></line>"
        )
    for node in nodes:
        x, y = xy(node.id)
        css = ROLE_CLASSES.get(node.role, "node-unknown")
        parts.append(
            f'<g class="node {css}"><circle cx="{x:.1f}" cy="{y:.1f}" r="12">'
            f"<title>{escape(node.label)} ({escape(node.role)})</title></circle>"
            f'<text x="{x:.1f}" y="{y + 26:.1f}" text-anchor="middle">{escape(node.label[:28])}</text></g>'
        )
    return Markup(  # noqa: S704 - numbers and escape()d text only
        f'<svg class="network" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{title}" xmlns="http://www.w3.org/2000/svg"><title>{title}</title>{"".join(parts)}</svg>'
    )


def network_for_case(
    network: dict[str, object], names: dict[str, str] | None = None, highlight: str | None = None
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
            + (f", {e.get('amount')}" if e.get("amount") else "")
            + (f", {e.get('count')}×" if e.get("count") else ""),
        )
        for e in (raw_edges if isinstance(raw_edges, list) else [])
        if isinstance(e, dict)
    ]
    return network_svg(nodes, edges)
