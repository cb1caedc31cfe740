"""Settings of a monitor run and the context every analysis receives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gelijk.engines.disclosure import DEFAULT_K
from gelijk.engines.errors import InputError
from gelijk.engines.monitor.aggregate import Aggregator, Filter
from gelijk.engines.monitor.contract import ACTION_TYPES

ANALYSES = (
    "data_quality",
    "population_rates",
    "action_rates",
    "outcome_test",
    "veil_of_darkness",
    "poisson_offset",
    "officer_benchmark",
    "threshold_test",
    "bias_scan",
    "survey",
)
GROUP_COLUMNS = ("age_band", "sex", "perceived_origin", "nationality_group", "resident")


@dataclass(frozen=True)
class MonitorConfig:
    """Parameters of a monitor run (all have defaults; see docs/methods/monitor.md).

    group, reference:
        The group column compared (``age_band``, ``sex``, ``perceived_origin`` (pilot only),
        ``nationality_group``, ``resident``) and its reference level; without a reference the
        level with the most actions is used.
    k:
        Small-cell threshold (``gelijk.engines.disclosure``).
    quality_threshold:
        Minimum share of filled-in values of a field in a month; months below it are left out
        of every analysis that needs the field (Open Policing Project: 0.5).
    min_officer_actions:
        Officers with fewer actions get no benchmark score.
    outcome_action_types:
        Actions whose hit rate the outcome and threshold tests use (the discretionary decision;
        default searches and seizures, as "search" in the Open Policing Project).
    survey_reference:
        Reference level of ``self_reported_group`` in the survey (default: largest group).
    """

    group: str = "age_band"
    reference: str | None = None
    k: int = DEFAULT_K
    quality_threshold: float = 0.5
    min_officer_actions: int = 50
    outcome_action_types: tuple[str, ...] = ("search", "seizure")
    vod_spline_df: int = 6
    vod_dst_window_days: int = 30
    threshold_chains: int = 4
    threshold_warmup: int = 250
    threshold_draws: int = 250
    seed: int = 20240101
    survey_reference: str | None = None
    analyses: tuple[str, ...] = ANALYSES
    refdata_year: int = 2024

    def validate(self) -> None:
        if self.group not in GROUP_COLUMNS:
            raise InputError(
                f"group column must be one of {', '.join(GROUP_COLUMNS)}", column=self.group
            )
        if not (isinstance(self.k, int) and self.k >= 1):
            raise InputError("k must be a whole number >= 1")
        if not 0 <= self.quality_threshold <= 1:
            raise InputError("quality threshold must lie between 0 and 1")
        if self.min_officer_actions < 1:
            raise InputError("the minimum number of actions per officer must be >= 1")
        bad = [a for a in self.outcome_action_types if a not in ACTION_TYPES]
        if bad or not self.outcome_action_types:
            raise InputError(
                f"outcome action types must be among {', '.join(ACTION_TYPES)}; got {bad}"
            )
        unknown = [a for a in self.analyses if a not in ANALYSES]
        if unknown:
            raise InputError(f"unknown analyses: {', '.join(unknown)}")
        if not 1 <= self.vod_spline_df <= 12:
            raise InputError("the spline degrees of freedom must be between 1 and 12")

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["outcome_action_types"] = list(self.outcome_action_types)
        out["analyses"] = list(self.analyses)
        return out


@dataclass(frozen=True)
class Context:
    """What every analysis gets: the data interface and the settled choices of the run."""

    agg: Aggregator
    config: MonitorConfig
    group: str
    reference: str
    levels: tuple[str, ...]
    excluded_months: Mapping[str, tuple[dt.date, ...]] = field(default_factory=dict)
    stopform_pilot: bool = False

    @property
    def k(self) -> int:
        return self.config.k

    def months_excluded_for(self, needs: Sequence[str]) -> tuple[dt.date, ...]:
        out: set[dt.date] = set()
        for f in needs:
            out.update(self.excluded_months.get(f, ()))
        return tuple(sorted(out))

    def filters(self, scope: str, needs: Sequence[str] = ()) -> list[Filter]:
        """Rows of ``scope`` in months whose needed fields pass the quality gate."""
        out: list[Filter] = []
        if scope != "all":
            out.append(Filter("initiative", "eq", scope))
        months = self.months_excluded_for(needs)
        if months:
            out.append(Filter("month", "not_in", months))
        return out

    def group_filters(self, scope: str, needs: Sequence[str] = ()) -> list[Filter]:
        """As :meth:`filters`, restricted to rows with a known group."""
        return [*self.filters(scope, (self.group, *needs)), Filter(self.group, "not_null")]

    def prepare(self, keys: Sequence[str]) -> None:
        """Tell a backend that can pre-aggregate (``cache``) which keys the coming queries use,
        with the keys every filter may touch. Backends without a cache ignore it."""
        cache = getattr(self.agg, "cache", None)
        if cache is not None:
            cache([*keys, self.group, "initiative", "month"])

    def counts(
        self, keys: Sequence[str], filters: Sequence[Filter], nonnull: Sequence[str] = ()
    ) -> pd.DataFrame:
        """Grouped counts with the group column as text (so 0/1 columns read as levels)."""
        frame = self.agg.grouped_counts(keys, filters, nonnull)
        if self.group in frame.columns:
            frame[self.group] = as_text(frame[self.group])
        return frame


def as_text(column: pd.Series) -> pd.Series:
    """``str(v)`` per value, missing values as None (object dtype): converted once per distinct
    value, since the frames can have millions of rows and only a few levels."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    text = np.array([str(v) for v in uniques] + [None], dtype=object)
    return pd.Series(text[codes], index=column.index, name=column.name, dtype=object)
