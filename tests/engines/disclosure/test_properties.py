"""Invariants of the small-cell rule on random tables (hypothesis).

Every hidden value is checked from the attacker's side: with the engine's audit, with scipy's
LP solver (side by side), with an exact rank argument over the reals, and for tiny tables by
enumerating every integer table consistent with the published figures.
"""

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gelijk.engines.disclosure import audit, is_small, suppress_1d, suppress_2d

from .reference import (
    audit_by_label,
    brute_force_intervals,
    determined_over_reals,
    lp_intervals,
)

# Many small cells and zeros, some large ones: the hard cases for secondary suppression.
count = st.one_of(st.integers(0, 3), st.integers(0, 14), st.integers(0, 250))
thresholds = st.sampled_from([3, 5, 10])


@st.composite
def tables(draw, max_rows=5, max_cols=5, cell=count):
    rows = draw(st.integers(1, max_rows))
    cols = draw(st.integers(1, max_cols))
    return np.array(
        draw(st.lists(st.lists(cell, min_size=cols, max_size=cols), min_size=rows, max_size=rows)),
        dtype=np.int64,
    )


lists = st.lists(count, min_size=1, max_size=12)
common = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_protected(result, k):
    aud = audit(result)
    assert aud.protected, aud.violations
    for lo, hi in audit_by_label(result, aud).values():
        assert hi is None or (hi - lo >= 1 and hi >= k)
    assert determined_over_reals(result) == []


@common
@given(lists, thresholds, st.booleans())
def test_1d_primary_cells_and_small_totals_are_hidden(counts, k, zeros):
    r = suppress_1d(counts, k, suppress_zeros=zeros)
    for c, m in zip(counts, r.mask, strict=True):
        if is_small(c, k, suppress_zeros=zeros):
            assert m
    if is_small(sum(counts), k, suppress_zeros=zeros):
        assert r.total is None


@common
@given(lists, thresholds, st.booleans())
def test_1d_published_values_are_the_input_and_total_is_consistent(counts, k, zeros):
    r = suppress_1d(counts, k, suppress_zeros=zeros)
    for c, v, m in zip(counts, r.values, r.mask, strict=True):
        assert (v is None) == bool(m)
        assert v is None or v == c
    assert r.total is None or r.total == sum(counts)


@common
@given(lists, thresholds, st.booleans())
def test_1d_no_hidden_value_is_recoverable(counts, k, zeros):
    r = suppress_1d(counts, k, suppress_zeros=zeros)
    _assert_protected(r, k)
    assert audit_by_label(r, audit(r)) == lp_intervals(r)


@common
@given(lists, thresholds)
def test_1d_is_deterministic(counts, k):
    assert suppress_1d(counts, k).to_dict() == suppress_1d(list(counts), k).to_dict()


@common
@given(tables(), thresholds, st.booleans())
def test_2d_primary_cells_and_small_margins_are_hidden(table, k, zeros):
    r = suppress_2d(table, k, suppress_zeros=zeros)
    small = np.vectorize(lambda c: is_small(int(c), k, suppress_zeros=zeros))
    assert r.mask[small(table).astype(bool)].all()
    for t, pub in zip(table.sum(axis=1), r.row_totals, strict=True):
        assert pub is None or not is_small(int(t), k, suppress_zeros=zeros)
    for t, pub in zip(table.sum(axis=0), r.col_totals, strict=True):
        assert pub is None or not is_small(int(t), k, suppress_zeros=zeros)
    assert r.grand_total is None or not is_small(int(table.sum()), k, suppress_zeros=zeros)


@common
@given(tables(), thresholds)
def test_2d_published_values_equal_the_input_and_totals_add_up(table, k):
    r = suppress_2d(table, k)
    rows, cols = table.shape
    for i in range(rows):
        for j in range(cols):
            assert (r.values[i][j] is None) == bool(r.mask[i, j])
            assert r.values[i][j] is None or r.values[i][j] == table[i, j]
    assert all(p is None or p == t for p, t in zip(r.row_totals, table.sum(axis=1), strict=True))
    assert all(p is None or p == t for p, t in zip(r.col_totals, table.sum(axis=0), strict=True))
    assert r.grand_total is None or r.grand_total == table.sum()


@common
@given(tables(), thresholds, st.booleans())
def test_2d_no_hidden_value_is_recoverable(table, k, zeros):
    _assert_protected(suppress_2d(table, k, suppress_zeros=zeros), k)


@settings(max_examples=60, deadline=None)
@given(tables(max_rows=4, max_cols=4), thresholds)
def test_2d_audit_agrees_with_linprog(table, k):
    r = suppress_2d(table, k)
    assert audit_by_label(r, audit(r)) == lp_intervals(r)


@settings(max_examples=60, deadline=None)
@given(tables(max_rows=2, max_cols=3, cell=st.integers(0, 5)), st.sampled_from([3, 4]))
def test_2d_audit_agrees_with_enumeration_of_integer_tables(table, k):
    r = suppress_2d(table, k)
    assume(r.grand_total is not None)  # else nothing bounds the hidden values (LP test covers it)
    assert audit_by_label(r, audit(r)) == brute_force_intervals(r)


@common
@given(tables(), thresholds)
def test_2d_is_deterministic_and_transpose_consistent_in_protection(table, k):
    first = suppress_2d(table, k)
    assert suppress_2d(table.copy(), k).to_dict() == first.to_dict()
    assert audit(suppress_2d(table.T, k)).protected


@common
@given(tables(), thresholds)
def test_2d_without_margins_hides_exactly_the_small_cells(table, k):
    r = suppress_2d(table, k, with_margins=False)
    assert (r.mask == ((table > 0) & (table < k))).all()


@common
@given(tables(), thresholds)
def test_2d_every_line_with_a_hidden_value_hides_at_least_two(table, k):
    r = suppress_2d(table, k)
    ext = [[*r.values[i], r.row_totals[i]] for i in range(len(r.values))]
    ext.append([*r.col_totals, r.grand_total])
    lines = [*ext, *zip(*ext, strict=True)]
    for line in lines:
        hidden = sum(v is None for v in line)
        assert hidden != 1
