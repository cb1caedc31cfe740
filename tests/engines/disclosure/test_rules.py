"""The threshold rule itself: is_small, suppress_derived, input validation."""

import json
import math

import numpy as np
import pytest

from gelijk.engines.disclosure import (
    DEFAULT_K,
    is_small,
    suppress_1d,
    suppress_2d,
    suppress_derived,
)
from gelijk.engines.errors import InputError


def test_default_k_is_ten():
    assert DEFAULT_K == 10


@pytest.mark.parametrize(("count", "small"), [(0, False), (1, True), (9, True), (10, False)])
def test_is_small_is_strictly_between_zero_and_k(count, small):
    assert is_small(count, 10) is small


def test_zero_is_small_only_when_zeros_are_suppressed():
    assert is_small(0, 10, suppress_zeros=True) is True
    assert is_small(10, 10, suppress_zeros=True) is False


def test_is_small_accepts_numpy_integers_and_whole_floats():
    assert is_small(np.int64(3), 5) is True
    assert is_small(4.0, 5) is True
    assert is_small(np.float64(5.0), 5) is False


@pytest.mark.parametrize("bad", [-1, 2.5, math.nan, math.inf, "3", None, True])
def test_is_small_rejects_values_that_are_not_counts(bad):
    with pytest.raises(InputError, match="non-negative whole number"):
        is_small(bad, 10)


@pytest.mark.parametrize("k", [0, -3, 2.5, True, "10"])
def test_invalid_threshold_is_an_input_error(k):
    with pytest.raises(InputError, match="threshold k"):
        is_small(5, k)


def test_suppress_derived_keeps_value_when_no_count_is_small():
    assert suppress_derived(0.25, 12, 48, 36, k=10) == 0.25


def test_suppress_derived_hides_value_when_any_count_is_small():
    # a hit rate 40/45 is derived from 40 hits, 45 actions and 5 non-hits
    assert suppress_derived(40 / 45, 40, 45, 5, k=10) is None


def test_suppress_derived_publishes_zero_counts_unless_asked():
    assert suppress_derived(0.0, 0, 30, k=10) == 0.0
    assert suppress_derived(0.0, 0, 30, k=10, suppress_zeros=True) is None


def test_suppress_derived_needs_a_count():
    with pytest.raises(TypeError):
        suppress_derived(1.0, k=10)


def test_suppress_derived_rejects_bad_counts():
    with pytest.raises(InputError):
        suppress_derived(1.0, 12, -1, k=10)


def test_negative_count_in_list_names_the_positions():
    with pytest.raises(InputError) as info:
        suppress_1d([5, -1, 20, 3.5], 10)
    assert info.value.rows == [2, 4]
    assert "position 2" in str(info.value)


def test_non_integer_cell_in_table_names_the_rows():
    with pytest.raises(InputError) as info:
        suppress_2d([[1, 2], [3, 4.5], [-2, 1]], 10)
    assert info.value.rows == [2, 3]
    assert "(2, 2)" in str(info.value)


def test_ragged_or_flat_tables_are_rejected():
    with pytest.raises(InputError, match=r"rectangular|table"):
        suppress_2d([[1, 2], [3]], 10)
    with pytest.raises(InputError, match="table"):
        suppress_2d([1, 2, 3], 10)
    with pytest.raises(InputError, match="list of counts"):
        suppress_1d([[1, 2]], 10)


def test_results_are_json_safe_and_do_not_reveal_which_cells_are_primary():
    r1 = suppress_1d([12, 3, 40, 25], 10).to_dict()
    r2 = suppress_2d([[12, 3, 40], [25, 30, 35], [20, 22, 50]], 10).to_dict()
    for d in (r1, r2):
        json.dumps(d, allow_nan=False)
        assert "primary" not in json.dumps(d)


def test_mask_cannot_be_changed_by_callers():
    r = suppress_2d([[1, 20], [30, 40]], 10)
    with pytest.raises(ValueError):
        r.mask[0, 0] = False
