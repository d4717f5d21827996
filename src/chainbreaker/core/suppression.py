"""Small-cell suppression for published counts: primary (threshold) and complementary (secondary) suppression.

A published count built from fewer than `k` reports, or from fewer than `min_entities` reporting entities,
could point at one filer or one person, so it is hidden (primary suppression). Hiding it alone is not enough:
a table with its totals is a set of linear equations, and a lone hidden cell in a row equals the row total
minus the other cells. Complementary suppression hides more cells until no hidden cell can be computed.

The rule used here is exact for additive two-way tables with margins. Write the table with its totals as an
extended grid (last row and last column are the totals). Every row line and every column line of that grid is
one equation. The hidden cells are the edges of a bipartite graph (row lines x column lines); an edge that
lies on no cycle (a bridge) is determined by the published values, and every edge on a cycle is not (the
cycle can carry +t/-t without changing any published value). So we hide cells until every hidden cell lies
on a cycle of hidden cells, closing each open cell with the cheapest rectangle of extra cells. Complementary
cells are chosen among non-zero cells, so the +t/-t move stays inside non-negative counts and the attacker's
interval around each hidden cell is at least 2 wide.

Tables that share margins (month x type and region x type share the per-type totals) are suppressed together
with `suppress_linked`, which hides a shared total in every table as soon as one table hides it.

Pure functions; shared by the FIU's annual report and the remedy public report. Parameters follow the
Eurostat SDC Handbook's threshold rule; `k` is chosen by the publisher (10 is the UK secure-research default).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

Grid = list[list[int]]


@dataclass(frozen=True)
class SuppressedGrid:
    """A grid (totals in the last row and column) and which of its cells are hidden, and why."""

    values: Grid
    hidden: list[list[bool]]
    primary: frozenset[tuple[int, int]]

    def published(self) -> list[list[int | None]]:
        """The grid as published: hidden cells are None (left blank in CSV)."""
        return [
            [None if h else v for v, h in zip(row, hrow, strict=True)]
            for row, hrow in zip(self.values, self.hidden, strict=True)
        ]

    @property
    def complementary(self) -> frozenset[tuple[int, int]]:
        return frozenset(
            (i, j)
            for i, row in enumerate(self.hidden)
            for j, h in enumerate(row)
            if h and (i, j) not in self.primary
        )


def unsafe(reports: int, entities: int, k: int, min_entities: int = 3) -> bool:
    """True when a non-zero count comes from too few reports or too few reporting entities.

    Zero is published: it says no report had that combination and stems from no filer. (Where a zero itself
    discloses something, the publisher removes that row or column before calling this.)
    """
    if reports == 0:
        return False
    return reports < k or entities < min_entities


def with_margins(cells: Sequence[Sequence[int]]) -> Grid:
    """The grid of `cells` with a total column, a total row and the grand total appended."""
    grid = [[*row, sum(row)] for row in cells]
    columns = len(grid[0]) if grid else 1
    grid.append([sum(row[j] for row in grid) for j in range(columns)])
    return grid


def check_additive(values: Sequence[Sequence[int]]) -> None:
    """Raise ValueError unless the last row and column are the totals of the others."""
    for i, row in enumerate(values[:-1]):
        if sum(row[:-1]) != row[-1]:
            raise ValueError(f"row {i} does not add up to its total")
    for j in range(len(values[0])):
        if sum(row[j] for row in values[:-1]) != values[-1][j]:
            raise ValueError(f"column {j} does not add up to its total")


def _bridges(hidden: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Hidden cells lying on no cycle of hidden cells (bipartite graph rows x columns)."""
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], tuple[int, int]]]] = {}
    for i, j in hidden:
        adjacency.setdefault(("r", i), []).append((("c", j), (i, j)))
        adjacency.setdefault(("c", j), []).append((("r", i), (i, j)))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    found: list[tuple[int, int]] = []
    counter = 0
    for start in sorted(adjacency):
        if start in order:
            continue
        order[start] = low[start] = counter
        counter += 1
        stack: list[tuple[tuple[str, int], tuple[int, int] | None, int]] = [(start, None, 0)]
        while stack:
            node, via, index = stack[-1]
            edges = adjacency[node]
            if index < len(edges):
                stack[-1] = (node, via, index + 1)
                nxt, edge = edges[index]
                if edge == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append((nxt, edge, 0))
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent] and via is not None:
                        found.append(via)
    return sorted(found)


def _close(values: Grid, hidden: set[tuple[int, int]], cell: tuple[int, int]) -> set[tuple[int, int]] | None:
    """The cheapest set of extra cells making a hidden rectangle through `cell` (None when impossible)."""
    i, j = cell
    best: tuple[int, set[tuple[int, int]]] | None = None
    rows, columns = len(values), len(values[0])
    for i2 in range(rows):
        for j2 in range(columns):
            if i2 == i or j2 == j:
                continue
            extra = {(i, j2), (i2, j2), (i2, j)} - hidden
            if any(values[a][b] == 0 for a, b in extra):
                continue
            cost = sum(values[a][b] for a, b in extra)
            if best is None or (cost, len(extra)) < (best[0], len(best[1])):
                best = (cost, extra)
    return best[1] if best else None


def suppress_grid(
    values: Sequence[Sequence[int]],
    entities: Sequence[Sequence[int]],
    k: int,
    min_entities: int = 3,
    forced: frozenset[tuple[int, int]] = frozenset(),
) -> SuppressedGrid:
    """Primary and complementary suppression of one grid with totals in the last row and column.

    `entities` holds, per cell of the same grid, the number of distinct reporting entities behind it.
    `forced` cells are hidden whatever their value (a total hidden in a linked table).
    """
    check_additive(values)
    grid = [list(row) for row in values]
    primary = frozenset(
        (i, j)
        for i, row in enumerate(grid)
        for j, v in enumerate(row)
        if unsafe(v, entities[i][j], k, min_entities)
    )
    hidden = set(primary) | set(forced)
    while True:
        open_cells = _bridges(hidden)
        if not open_cells:
            break
        extra = _close(grid, hidden, open_cells[0])
        if extra is None:
            # No non-zero rectangle exists: hide the whole grid rather than publish a recoverable cell.
            hidden = {(i, j) for i in range(len(grid)) for j in range(len(grid[0]))}
            break
        hidden |= extra
    mask = [[(i, j) in hidden for j in range(len(grid[0]))] for i in range(len(grid))]
    return SuppressedGrid(grid, mask, primary)


def suppress_linked(
    tables: Sequence[tuple[Sequence[Sequence[int]], Sequence[Sequence[int]]]],
    k: int,
    min_entities: int = 3,
) -> list[SuppressedGrid]:
    """Suppress grids that share their last row (the same column totals), keeping that row's pattern equal.

    A total hidden in one table but published in another would be recoverable, so hidden cells of the shared
    row are forced into every table until no table hides more.
    """
    shared: set[int] = set()
    while True:
        results = []
        for values, ents in tables:
            last = len(values) - 1
            forced = frozenset((last, j) for j in shared)
            results.append(suppress_grid(values, ents, k, min_entities, forced))
        now = {j for r in results for j, h in enumerate(r.hidden[-1]) if h}
        if now == shared:
            return results
        shared = now


def suppress_list(
    counts: Sequence[int], entities: Sequence[int], k: int, min_entities: int = 3
) -> list[bool]:
    """Primary suppression of a list published without a total (e.g. indicators, which overlap per report)."""
    return [unsafe(c, e, k, min_entities) for c, e in zip(counts, entities, strict=True)]
