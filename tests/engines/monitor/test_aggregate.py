"""The aggregation interface: DuckDB grouped counts equal pandas on the same rows."""

import datetime as dt

import pandas as pd
import pytest

from gelijk.engines.errors import InputError
from gelijk.engines.monitor import (
    Aggregator,
    DuckDBAggregator,
    Filter,
    SimulationConfig,
    load_actions,
    simulate_actions,
    where,
)

from .conftest import KEY


@pytest.fixture(scope="module")
def loaded():
    return load_actions(
        simulate_actions(SimulationConfig(n_actions=6000, seed=5)), pseudonymisation_key=KEY
    )


def test_grouped_counts_equal_pandas_groupby(loaded):
    rows = loaded.to_pandas()
    agg = loaded.aggregator()
    got = agg.grouped_counts(
        ["district_code", "age_band"], where(initiative="proactive"), nonnull=["hit"]
    )
    expected = (
        rows[rows.initiative == "proactive"]
        .groupby(["district_code", "age_band"])
        .size()
        .reset_index(name="n")
    )
    pd.testing.assert_frame_equal(
        got[["district_code", "age_band", "n"]], expected, check_dtype=False
    )
    assert (got["nonnull_hit"] == got["n"]).all()
    assert isinstance(agg, Aggregator)


def test_derived_keys_follow_local_time(loaded):
    rows = loaded.to_pandas()
    agg = loaded.aggregator()
    got = agg.grouped_counts(["month", "hour_block", "day_type"])
    local = rows["occurred_at"].dt.tz_convert("Europe/Amsterdam")
    expected = (
        pd.DataFrame(
            {
                "month": local.dt.tz_localize(None).dt.to_period("M").dt.start_time.dt.date,
                "hour_block": local.dt.hour // 3,
                "day_type": (local.dt.dayofweek >= 5).map({True: "weekend", False: "weekday"}),
            }
        )
        .value_counts()
        .sort_index()
    )
    assert got["n"].sum() == len(rows)
    got_index = pd.MultiIndex.from_arrays(
        [pd.to_datetime(got["month"]).dt.date, got["hour_block"], got["day_type"]]
    )
    assert dict(zip(got_index, got["n"], strict=True)) == expected.to_dict()


def test_filters_in_not_in_between_and_nulls(loaded):
    agg = loaded.aggregator()
    total = agg.grouped_counts([])["n"].iloc[0]
    searches = agg.grouped_counts([], [Filter("action_type", "in", ("search", "seizure"))])
    others = agg.grouped_counts([], [Filter("action_type", "not_in", ("search", "seizure"))])
    assert searches["n"].iloc[0] + others["n"].iloc[0] == total
    evening = agg.grouped_counts(["hour"], [Filter("minute", "between", (18 * 60, 20 * 60 - 1))])
    assert set(evening["hour"]) <= {18, 19}
    assert agg.grouped_counts([], [Filter("neighbourhood_code", "not_null")])["n"].iloc[0] == 0


def test_unknown_keys_are_refused(loaded):
    with pytest.raises(InputError, match="unknown column"):
        loaded.aggregator().grouped_counts(["shoe_size"])


@pytest.mark.parametrize("kind", ["parquet", "csv", "pandas", "arrow", "relation"])
def test_from_source_reads_normalised_files_and_frames(loaded, tmp_path, kind):
    path = tmp_path / "norm.parquet"
    loaded.to_parquet(path)
    if kind == "parquet":
        source = path
    elif kind == "csv":
        frame = pd.read_parquet(path).drop(columns=["local_date", "local_minute"])
        frame["occurred_at"] = frame["occurred_at"].map(lambda t: t.isoformat())
        source = tmp_path / "norm.csv"
        frame.to_csv(source, index=False)
    elif kind == "pandas":
        source = pd.read_parquet(path).drop(columns=["local_date", "local_minute"])
    elif kind == "arrow":
        source = loaded.to_arrow()
    else:
        source = loaded.relation()
    agg = DuckDBAggregator.from_source(source)
    got = agg.grouped_counts(["quarter", "initiative"])
    ref = loaded.aggregator().grouped_counts(["quarter", "initiative"])
    assert got["n"].tolist() == ref["n"].tolist()
    assert got["quarter"].iloc[0] in (dt.date(2024, 1, 1), pd.Timestamp("2024-01-01"))


def test_rollup_cache_gives_the_same_counts(loaded):
    plain = loaded.aggregator()
    cached = loaded.aggregator()
    cached.cache(["district_code", "age_band", "initiative", "action_type", "hit", "month"])
    for keys, filters in [
        (["district_code", "age_band"], where(initiative="proactive")),
        (["age_band", "action_type"], [Filter("month", "not_in", (dt.date(2024, 2, 1),))]),
        (
            ["district_code", "age_band", "hit"],
            [Filter("action_type", "in", ("search",)), Filter("hit", "not_null")],
        ),
        (["hour_block"], []),  # not covered: read from the table itself
    ]:
        pd.testing.assert_frame_equal(
            cached.grouped_counts(keys, filters), plain.grouped_counts(keys, filters)
        )


def test_a_rollup_built_from_a_wider_rollup_gives_the_same_counts(loaded):
    plain = loaded.aggregator()
    cached = loaded.aggregator()
    wide = ["district_code", "age_band", "initiative", "action_type", "hit", "month", "day_type"]
    cached.cache(wide)
    cached.cache(["age_band", "initiative", "month"])  # summed from the first, no table pass
    narrow = cached._rollups[frozenset(["age_band", "initiative", "month"])]
    assert cached._rollup_rows[narrow] < cached._rollup_rows[cached._rollups[frozenset(wide)]]
    for keys, filters in [
        (["age_band"], where(initiative="proactive")),
        (["month", "initiative"], [Filter("age_band", "not_null")]),
        (["district_code", "day_type"], []),
    ]:
        pd.testing.assert_frame_equal(
            cached.grouped_counts(keys, filters), plain.grouped_counts(keys, filters)
        )
