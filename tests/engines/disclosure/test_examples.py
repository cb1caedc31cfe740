"""Hand-worked examples (expected outputs derived by hand in the comments)."""

import numpy as np
import pandas as pd
import pytest

from gelijk.engines.disclosure import (
    Interval,
    Suppression2D,
    audit,
    suppress_1d,
    suppress_2d,
)

from .reference import determined_over_reals


def test_table_without_small_cells_is_published_unchanged():
    r = suppress_1d([12, 40, 25], 10)
    assert r.values == [12, 40, 25] and r.total == 77 and r.n_suppressed == 0


def test_single_small_cell_gets_the_smallest_non_zero_complement():
    # 3 is small; with the total published it would be 80 - 12 - 40 - 25. The smallest other
    # non-zero cell (12) is hidden too: the attacker only learns 3 + 12 = 15, so each is 0..15.
    r = suppress_1d([12, 3, 40, 25], 10)
    assert r.values == [None, None, 40, 25] and r.total == 80
    a = audit(r)
    assert a.cells == [Interval(0, 15), Interval(0, 15), None, None]


def test_hidden_cells_must_hold_at_least_k_together():
    # 1 + 2 = 3 < 10: hiding only those would publish "3 people in these two groups"; zeros
    # cannot help (a zero cannot go lower), so 50 is hidden too and each cell ranges 0..53.
    r = suppress_1d([1, 2, 0, 0, 50], 10)
    assert r.values == [None, None, 0, 0, None] and r.total == 53
    assert audit(r).cells[0] == Interval(0, 53)


def test_small_total_is_hidden_and_zeros_are_published():
    r = suppress_1d([3, 0, 4], 10)
    assert r.values == [None, 0, None] and r.total is None


def test_without_total_only_primary_suppression_applies():
    r = suppress_1d([12, 3, 40], 10, with_total=False)
    assert r.values == [12, None, 40] and r.total is None
    assert r.to_dict()["total_published"] is False


def test_suppress_zeros_hides_zero_cells():
    r = suppress_1d([12, 0, 40, 25], 10, suppress_zeros=True)
    assert r.values[1] is None and audit(r).protected


def test_two_dimensional_rectangle():
    # 3 at (1, 2) is small. Row 1: the cheaper partner is 12; column 2: 22 (< 30);
    # column 1 then needs a partner and 20 closes the rectangle (row 3 already has one).
    # Published margins leave one free parameter t = cell (1, 2):
    #   (1,1) = 15 - t, (1,2) = t, (3,1) = 17 + t, (3,2) = 25 - t, with 0 <= t <= 15.
    r = suppress_2d([[12, 3, 40], [25, 30, 35], [20, 22, 50]], 10)
    assert r.values == [[None, None, 40], [25, 30, 35], [None, None, 50]]
    assert r.row_totals == [55, 90, 92] and r.col_totals == [57, 55, 125]
    assert r.grand_total == 237
    a = audit(r)
    assert a.cells[0][:2] == [Interval(0, 15), Interval(0, 15)]
    assert a.cells[2][:2] == [Interval(17, 32), Interval(10, 25)]


def test_small_row_total_forces_margin_suppression():
    # Row 1 = 2 + 1 = 3 is small, so its total is hidden too. Column totals 32 and 41 are
    # published, so 30 and 40 must be hidden (else 2 = 32 - 30), and then T2 = 70 must be hidden
    # (else T1 = 73 - 70). Only the column totals and the grand total remain.
    r = suppress_2d([[2, 1], [30, 40]], 10)
    assert r.values == [[None, None], [None, None]]
    assert r.row_totals == [None, None] and r.col_totals == [32, 41] and r.grand_total == 73
    assert audit(r).protected


def test_single_row_table_hides_the_column_totals_of_hidden_cells():
    # In a one-row table each column total equals its cell.
    r = suppress_2d([[3, 20, 30]], 10)
    assert r.values == [[None, None, 30]]
    assert r.col_totals == [None, None, 30] and r.row_totals == [53] and r.grand_total == 53
    assert audit(r).cells[0][0] == Interval(0, 23)


def test_without_margins_only_primary_suppression_applies():
    r = suppress_2d([[3, 20], [15, 25]], 10, with_margins=False)
    assert r.values == [[None, 20], [15, 25]]
    assert r.row_totals is None and r.col_totals is None and r.grand_total is None


def _published(cells, hidden):
    """A Suppression2D with the given hidden cells and all margins published (an attacker's
    view of somebody else's suppression pattern)."""
    t = np.asarray(cells)
    mask = np.zeros(t.shape, dtype=bool)
    for i, j in hidden:
        mask[i, j] = True
    return Suppression2D(
        mask=mask,
        values=[
            [None if mask[i, j] else int(t[i, j]) for j in range(t.shape[1])]
            for i in range(t.shape[0])
        ],
        row_totals=[int(x) for x in t.sum(axis=1)],
        col_totals=[int(x) for x in t.sum(axis=0)],
        grand_total=int(t.sum()),
        with_margins=True,
        k=10,
    )


def test_two_per_line_is_not_enough_a_bridge_between_rectangles_is_disclosed():
    # Two rectangles joined by one hidden cell (1, 3): every row and column has >= 2 hidden
    # cells, yet (rows 1+2) - (columns 1+2) of the hidden sums equals cell (1, 3) exactly
    # (Gusfield 1988: a hidden cell is determined iff it lies on no cycle).
    cells = [
        [30, 40, 4, 50, 60],
        [35, 45, 70, 80, 90],
        [20, 25, 15, 18, 33],
        [22, 26, 17, 19, 44],
    ]
    hidden = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)]
    view = _published(cells, hidden)
    a = audit(view)
    assert a.cells[0][2] == Interval(4, 4)
    assert "cell (1, 3) is determined exactly (4)" in a.violations
    assert ("cell", 0, 2) in determined_over_reals(view)
    # the engine on the same table does not leave that hole
    assert audit(suppress_2d(cells, 10)).protected


def test_zero_complements_can_collapse_a_rectangle():
    # Hidden 3 with hidden zeros around it: no cell can go below 0, so t = 0 is forced and the
    # 3 is disclosed although it lies on a cycle.
    view = _published([[3, 0, 20], [0, 0, 30], [40, 50, 60]], [(0, 0), (0, 1), (1, 0), (1, 1)])
    assert audit(view).cells[0][0] == Interval(3, 3)
    assert determined_over_reals(view) == []  # not determined by the equations alone
    assert audit(suppress_2d([[3, 0, 20], [0, 0, 30], [40, 50, 60]], 10)).protected


def test_output_is_the_same_for_lists_numpy_and_pandas():
    cells = [[12, 3, 40], [25, 30, 35], [20, 22, 50]]
    expected = suppress_2d(cells, 10).to_dict()
    assert suppress_2d(np.array(cells), 10).to_dict() == expected
    assert suppress_2d(pd.DataFrame(cells), 10).to_dict() == expected
    assert suppress_2d(np.array(cells, dtype=float), 10).to_dict() == expected
    assert (
        suppress_1d(pd.Series([12, 3, 40]), 10).to_dict() == suppress_1d([12, 3, 40], 10).to_dict()
    )


@pytest.mark.parametrize("shape", [(0, 3), (3, 0)])
def test_empty_tables_are_allowed(shape):
    r = suppress_2d(np.zeros(shape, dtype=int), 10)
    assert r.n_suppressed == 0 and r.grand_total == 0


def test_realistic_buurt_table_is_protected_quickly():
    rng = np.random.default_rng(20240101)
    table = rng.poisson(8, size=(111, 6))
    r = suppress_2d(table, 10)
    assert audit(r).protected
    assert r.mask[(table > 0) & (table < 10)].all()
