"""InputError: the shared error for bad user input."""

import pickle

import pytest

from gelijk.engines.errors import InputError


def test_input_error_is_a_value_error():
    assert issubclass(InputError, ValueError)


def test_message_names_column_and_rows():
    err = InputError("age band is not one of the allowed values", rows=[3, 7], column="age")
    assert err.column == "age"
    assert err.rows == [3, 7]
    assert str(err) == "age band is not one of the allowed values (column 'age'); rows 3, 7"


def test_message_lists_at_most_fifty_rows_and_counts_the_rest():
    err = InputError("empty value", rows=range(1, 121), column="wijk")
    assert err.rows == list(range(1, 121))
    text = str(err)
    assert "rows 1, 2," in text and ", 50 and 70 more" in text
    assert " 51" not in text


def test_without_rows_or_column_the_message_is_unchanged():
    err = InputError("file is empty")
    assert str(err) == "file is empty"
    assert err.rows == [] and err.column is None


def test_single_row_uses_singular():
    assert str(InputError("bad", rows=[4])) == "bad; row 4"


def test_pickle_round_trip_keeps_fields():
    err = pickle.loads(pickle.dumps(InputError("bad", rows=[2], column="x")))
    assert (str(err), err.rows, err.column) == ("bad (column 'x'); row 2", [2], "x")


def test_can_be_raised_and_caught_as_value_error():
    with pytest.raises(ValueError, match="column 'c'"):
        raise InputError("bad", column="c")
