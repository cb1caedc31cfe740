"""The two complement strategies of suppress_2d, the lighter choice, and linked totals.

The line heuristic alone can hide whole tables (all 48 cells of COMPAS race × sex at k = 10);
suppress_2d also runs the audited greedy and publishes the lighter of the two. Every result is
checked from the attacker's side with the engine's audit and, independently, with scipy's LP.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gelijk.engines.disclosure import (
    STRATEGIES,
    Interval,
    Suppression2D,
    audit,
    is_small,
    suppress_2d,
)
from gelijk.engines.errors import InputError

from .reference import audit_by_label, lp_intervals
from .test_properties import common, tables, thresholds

COMPAS = Path(__file__).resolve().parents[2] / "data" / "compas" / "compas-two-years-subset.csv"


def _cells_hidden(r: Suppression2D) -> int:
    return int(r.mask.sum())


def _load(r: Suppression2D, table: np.ndarray) -> tuple[int, int, int]:
    # The order suppress_2d documents: hidden cells, people in them, hidden totals.
    cells = _cells_hidden(r)
    return cells, int(np.asarray(table)[r.mask].sum()), r.n_suppressed - cells


def _ranges(result: Suppression2D) -> dict[tuple, Interval]:
    """The audit's interval of every hidden cell and row total, by position."""
    a = audit(result)
    out = {("cell", i, j): iv for i, row in enumerate(a.cells) for j, iv in enumerate(row) if iv}
    out |= {("row", i): iv for i, iv in enumerate(a.row_totals) if iv}
    return out


# --------------------------------------------------------------------------- examples


@pytest.fixture(scope="module")
def compas_race_sex() -> np.ndarray:
    """COMPAS confusion counts (TN, FP, FN, TP) per race × sex group; prediction = Medium or
    High, label = two_year_recid (as in tests/engines/fairness)."""
    df = pd.read_csv(COMPAS)
    pred = df["score_text"].isin(["Medium", "High"]).astype(int)
    cell = 2 * df["two_year_recid"] + pred  # TN, FP, FN, TP = 0, 1, 2, 3
    counts = pd.crosstab([df["race"], df["sex"]], cell).reindex(columns=range(4), fill_value=0)
    return counts.to_numpy()


def test_compas_race_by_sex_is_no_longer_hidden_whole(compas_race_sex):
    table = compas_race_sex
    assert table.shape == (12, 4) and table.sum() == 7214
    heuristic = suppress_2d(table, 10, strategy="heuristic")
    assert _cells_hidden(heuristic) == 48  # the line heuristic alone hides every cell
    r = suppress_2d(table, 10)
    assert audit(r).protected
    assert _cells_hidden(r) <= 48 // 2
    # Only small counts and their complements go: no cell of 100 or more is hidden, and the
    # grand total (the N) stays published.
    assert not r.mask[table >= 100].any()
    assert r.grand_total == 7214
    assert r.to_dict() == suppress_2d(table, 10, strategy="greedy").to_dict()


def test_two_by_six_table_keeps_its_large_cells_and_row_totals():
    # The heuristic pairs each small cell with the smallest other value in its line: those are
    # small too (or zero), so the pairs keep failing the audit and in the end 19 of the 21
    # values are hidden. The greedy takes complements of at least k: the 60 in row 1 and in
    # row 2, closing one cycle through the six hidden cells. With both row totals published,
    # each hidden cell then ranges 0..64 (row 1 holds 64 and every hidden cell can take it).
    table = [[60, 2, 2, 0, 0, 0], [200, 1, 3, 0, 60, 0]]
    heuristic = suppress_2d(table, 10, strategy="heuristic")
    assert heuristic.mask.all() and heuristic.n_suppressed == 19
    r = suppress_2d(table, 10)
    assert r.values == [[None, None, None, 0, 0, 0], [200, None, None, 0, None, 0]]
    assert r.row_totals == [64, 264] and r.grand_total == 328
    assert r.col_totals == [None, None, None, 0, None, 0]
    a = audit(r)
    assert a.protected
    assert {iv for row in a.cells for iv in row if iv} == {Interval(0, 64)}


def test_greedy_hides_totals_when_the_lines_of_a_failing_cell_are_used_up():
    # Rows 2 and 5 hold a rectangle of small cells (0, 2 / 2, 0) that stays below k = 5 while
    # both row totals are published, whatever else in those rows is hidden: only hiding row
    # totals helps. (The fairness engine's own greedy stopped here and published it.)
    table = [
        [437, 331, 214, 564],
        [8, 0, 2, 3],
        [459, 135, 191, 222],
        [142, 37, 49, 48],
        [3, 2, 0, 6],
        [87, 11, 35, 14],
    ]
    r = suppress_2d(table, 5, strategy="greedy")
    assert audit(r).protected
    assert r.row_totals[1] is None and r.row_totals[4] is None


def test_linked_column_totals_stay_as_given():
    # Column totals 23 and 90 are published by another table. 3 is small; 20 = 23 - 3 must go
    # too, then 50 and 40 (row totals published): each hidden cell ranges over a width >= 10.
    r = suppress_2d([[3, 50], [20, 40]], 10, linked_col_totals=[True, True])
    assert r.values == [[None, None], [None, None]]
    assert r.row_totals == [53, 60] and r.col_totals == [23, 90] and r.grand_total == 113
    assert audit(r).cells[0][0] == Interval(0, 23)


def test_a_value_pinned_by_linked_totals_is_protected_as_far_as_the_table_allows():
    # The second column total is hidden elsewhere, but it is 75 - 70 = 5 from the published
    # grand total and first column total: no suppression here can lift 2 and 3 to k. They are
    # still kept from being determined: 30 and 40 are hidden too, so each ranges 0..5.
    r = suppress_2d([[30, 2], [40, 3]], 10, linked_col_totals=[True, False])
    assert r.values == [[None, None], [None, None]] and r.row_totals == [32, 43]
    assert [row[1] for row in audit(r).cells] == [Interval(0, 5), Interval(0, 5)]


def test_small_or_hidden_linked_totals_are_not_published():
    r = suppress_2d([[3, 50, 20], [4, 40, 30]], 10, linked_col_totals=[True, False, True])
    assert r.col_totals == [None, None, 50]  # 7 is small; the second is hidden elsewhere


def test_keep_grand_total_still_hides_a_small_grand_total():
    r = suppress_2d([[3, 4], [2, 0]], 10, keep_grand_total=True)
    assert r.grand_total is None and r.values == [[None, None], [None, 0]]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"strategy": "optimal"}, "strategy must be one of"),
        ({"linked_col_totals": [True]}, "one True/False per column"),
        ({"linked_col_totals": [1, 0]}, "one True/False per column"),
        ({"keep_grand_total": True, "with_margins": False}, "need with_margins=True"),
        ({"linked_col_totals": [True, True], "with_margins": False}, "need with_margins=True"),
    ],
)
def test_bad_options_are_input_errors(kwargs, message):
    with pytest.raises(InputError, match=message):
        suppress_2d([[3, 50], [20, 40]], 10, **kwargs)


# --------------------------------------------------------------------------- properties


@common
@given(tables(max_rows=6, max_cols=6), thresholds, st.booleans(), st.booleans())
def test_lighter_never_hides_more_than_either_strategy(table, k, zeros, keep):
    kw = {"suppress_zeros": zeros, "keep_grand_total": keep}
    alone = [suppress_2d(table, k, strategy=s, **kw) for s in ("heuristic", "greedy")]
    r = suppress_2d(table, k, **kw)
    for one in (*alone, r):
        assert audit(one).protected, audit(one).violations
    assert _cells_hidden(r) <= min(_cells_hidden(a) for a in alone)
    assert _load(r, table) == min(_load(a, table) for a in alone)
    assert r.to_dict() in [a.to_dict() for a in alone]
    if keep:
        assert (r.grand_total is None) == is_small(int(table.sum()), k, suppress_zeros=zeros)


@settings(max_examples=50, deadline=None)
@given(tables(max_rows=4, max_cols=4), thresholds, st.sampled_from(STRATEGIES))
def test_every_strategy_agrees_with_linprog(table, k, strategy):
    r = suppress_2d(table, k, strategy=strategy)
    assert audit_by_label(r, audit(r)) == lp_intervals(r)


@st.composite
def linked_tables(draw):
    table = draw(tables(max_rows=5, max_cols=5))
    flags = draw(st.lists(st.booleans(), min_size=table.shape[1], max_size=table.shape[1]))
    return table, flags


@common
@given(linked_tables(), thresholds, st.sampled_from(STRATEGIES))
def test_linked_totals_are_given_and_everything_else_is_protected(linked, k, strategy):
    table, flags = linked
    r = suppress_2d(table, k, linked_col_totals=flags, strategy=strategy)
    col_sums = table.sum(axis=0)
    for j, (flag, total) in enumerate(zip(flags, col_sums, strict=True)):
        shown = flag and not is_small(int(total), k)
        assert r.col_totals[j] == (int(total) if shown else None)
    assert (r.grand_total is None) == is_small(int(table.sum()), k)
    # Everything not given hidden is the most this table can do: each hidden value must reach
    # the audit rule (upper bound >= k, width >= 1) or, where the linked totals pin it down,
    # as far as that table with everything hidden reaches.
    rows, cols = table.shape
    everything = Suppression2D(
        mask=np.ones((rows, cols), dtype=bool),
        values=[[None] * cols for _ in range(rows)],
        row_totals=[None] * rows,
        col_totals=list(r.col_totals),
        grand_total=r.grand_total,
        with_margins=True,
        k=k,
    )
    best = _ranges(everything)
    for pos, iv in _ranges(r).items():
        most = best[pos]
        if most.hi is None:
            assert iv.hi is None or (iv.hi - iv.lo >= 1 and iv.hi >= k), pos
        else:
            assert iv.hi >= min(k, most.hi) and iv.hi - iv.lo >= min(1, most.hi - most.lo), pos
