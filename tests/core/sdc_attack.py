"""The attacker of published tables: linear programming over every published equation and non-negativity.

Used by the suppression tests and the FIU publication tests: a hidden cell whose minimum equals its maximum
has been recovered.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog


def attack(
    grids: list[list[list[int | None]]], shared_last_row: bool
) -> dict[tuple[int, int, int], tuple[float, float]]:
    """Bounds an attacker gets on each hidden cell by linear programming over every published equation."""
    unknowns: dict[tuple[int, int, int], int] = {}
    for t, grid in enumerate(grids):
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                key = (
                    0 if shared_last_row and i == len(grid) - 1 else t,
                    i if not (shared_last_row and i == len(grid) - 1) else -1,
                    j,
                )
                if v is None and key not in unknowns:
                    unknowns[key] = len(unknowns)
    equations: list[tuple[dict[int, float], float]] = []

    def term(t: int, i: int, j: int, grid: list[list[int | None]]) -> tuple[int | None, float]:
        last = len(grid) - 1
        key = (0 if shared_last_row and i == last else t, -1 if shared_last_row and i == last else i, j)
        v = grid[i][j]
        return (unknowns[key], 0.0) if v is None else (None, float(v))

    for t, grid in enumerate(grids):
        rows, cols = len(grid), len(grid[0])
        lines = [[(i, j) for j in range(cols - 1)] + [(i, cols - 1)] for i in range(rows)]
        lines += [[(i, j) for i in range(rows - 1)] + [(rows - 1, j)] for j in range(cols)]
        for line in lines:
            coeffs: dict[int, float] = {}
            const = 0.0
            for n, (i, j) in enumerate(line):
                sign = -1.0 if n == len(line) - 1 else 1.0
                idx, val = term(t, i, j, grid)
                if idx is None:
                    const -= sign * val
                else:
                    coeffs[idx] = coeffs.get(idx, 0.0) + sign
            if coeffs:
                equations.append((coeffs, const))
    n = len(unknowns)
    bounds: dict[tuple[int, int, int], tuple[float, float]] = {}
    if n == 0:
        return bounds
    a_eq = np.zeros((len(equations), n))
    b_eq = np.zeros(len(equations))
    for r, (coeffs, const) in enumerate(equations):
        for idx, c in coeffs.items():
            a_eq[r, idx] = c
        b_eq[r] = const
    for key, idx in unknowns.items():
        c = np.zeros(n)
        c[idx] = 1.0
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * n, method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * n, method="highs")
        assert low.status == 0 and high.status in (0, 3)
        bounds[key] = (low.fun, -high.fun if high.status == 0 else float("inf"))
    return bounds
