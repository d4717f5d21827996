"""Small-cell suppression: an attacker with the published cells and totals cannot recover a hidden cell."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sdc_attack import attack

from chainbreaker.core.suppression import (
    check_additive,
    suppress_grid,
    suppress_linked,
    suppress_list,
    unsafe,
    with_margins,
)


def test_threshold_rule_counts_reports_and_entities() -> None:
    assert unsafe(9, 5, k=10)
    assert unsafe(40, 2, k=10)
    assert not unsafe(10, 3, k=10)
    assert not unsafe(0, 0, k=10)


def test_a_lone_small_cell_gets_a_complement_and_cannot_be_recovered() -> None:
    cells = [[40, 3, 25], [30, 22, 18], [17, 50, 12]]
    values = with_margins(cells)
    entities = [[5] * 4 for _ in range(4)]
    result = suppress_grid(values, entities, k=10)
    assert result.hidden[0][1]
    assert (0, 1) in result.primary
    assert result.complementary, "a lone hidden cell would equal its total minus the rest"
    bounds = attack([result.published()], shared_last_row=False)
    low, high = bounds[(0, 0, 1)]
    assert high - low >= 2


def test_cells_from_fewer_than_three_entities_are_hidden() -> None:
    values = with_margins([[50, 60], [70, 80]])
    entities = [[2, 5, 5], [5, 5, 5], [5, 5, 5]]
    result = suppress_grid(values, entities, k=10)
    assert (0, 0) in result.primary


def test_check_additive_refuses_a_grid_whose_totals_are_wrong() -> None:
    with pytest.raises(ValueError, match="row 0"):
        check_additive([[1, 2, 4], [1, 2, 3]])


def test_list_without_total_uses_primary_only() -> None:
    assert suppress_list([3, 30, 30], [3, 3, 1], k=10) == [True, False, True]


grids = st.integers(2, 5).flatmap(
    lambda r: st.integers(2, 4).flatmap(
        lambda c: st.lists(st.lists(st.integers(0, 40), min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


@settings(max_examples=60, deadline=None)
@given(cells=grids, k=st.sampled_from([3, 5, 10]))
def test_no_hidden_cell_is_recoverable_from_the_published_grid(cells: list[list[int]], k: int) -> None:
    values = with_margins(cells)
    entities = [[3 if v else 0 for v in row] for row in values]
    result = suppress_grid(values, entities, k=k)
    published = result.published()
    for i, row in enumerate(values):
        for j, v in enumerate(row):
            if unsafe(v, entities[i][j], k):
                assert published[i][j] is None
    for (_, i, j), (low, high) in attack([published], shared_last_row=False).items():
        assert high - low > 0.5, f"cell {(i, j)} = {values[i][j]} pinned to [{low}, {high}]"


@settings(max_examples=30, deadline=None)
@given(month=grids, seed=st.integers(0, 1000))
def test_linked_tables_sharing_totals_leak_nothing(month: list[list[int]], seed: int) -> None:
    rng = np.random.default_rng(seed)
    columns = len(month[0])
    # A second breakdown of the same reports (regions), with the same per-column totals.
    totals = [sum(row[j] for row in month) for j in range(columns)]
    regions = [[0] * columns for _ in range(3)]
    for j, total in enumerate(totals):
        for _ in range(total):
            regions[int(rng.integers(0, 3))][j] += 1
    a, b = with_margins(month), with_margins(regions)
    ents = lambda g: [[3 if v else 0 for v in row] for row in g]  # noqa: E731
    results = suppress_linked([(a, ents(a)), (b, ents(b))], k=10)
    assert results[0].hidden[-1] == results[1].hidden[-1]
    published = [r.published() for r in results]
    for key, (low, high) in attack(published, shared_last_row=True).items():
        assert high - low > 0.5, f"hidden cell {key} pinned to [{low}, {high}]"
