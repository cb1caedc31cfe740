"""Fixtures for the monitor engine tests: simulated data and a pandas test-double aggregator."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from gelijk.engines.monitor import (
    BiasKnobs,
    MonitorConfig,
    SimulationConfig,
    load_actions,
    simulate_actions,
)
from gelijk.engines.monitor.aggregate import Filter
from gelijk.engines.monitor.config import Context
from gelijk.engines.monitor.report import choose_reference

DATA = Path(__file__).resolve().parents[2] / "data"
KEY = "test-key-not-secret"


class FrameAggregator:
    """Grouped counts from a pre-aggregated pandas frame (column ``n`` holds the counts).

    It implements the :class:`~gelijk.engines.monitor.aggregate.Aggregator` protocol the way a
    PostgreSQL backend would — proof that the analyses need nothing but grouped counts.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def columns(self) -> frozenset[str]:
        return frozenset(c for c in self.frame.columns if c != "n")

    def grouped_counts(
        self, keys: Sequence[str], filters: Sequence[Filter] = (), nonnull: Sequence[str] = ()
    ) -> pd.DataFrame:
        f = self.frame
        for flt in filters:
            col = f[flt.key]
            if flt.op == "eq":
                f = f[col == flt.value]
            elif flt.op == "in":
                f = f[col.isin(flt.value)]
            elif flt.op == "not_in":
                f = f[~col.isin(flt.value)]
            elif flt.op == "not_null":
                f = f[col.notna()]
            elif flt.op == "is_null":
                f = f[col.isna()]
            else:
                raise NotImplementedError(flt.op)
        out = f.groupby(list(keys), dropna=False)["n"].sum().reset_index()
        for c in nonnull:
            out["nonnull_" + c] = (
                f[f[c].notna()]
                .groupby(list(keys))["n"]
                .sum()
                .reindex(pd.MultiIndex.from_frame(out[list(keys)]))
                .fillna(0)
                .to_numpy()
                .astype("int64")
            )
        return out.sort_values(list(keys)).reset_index(drop=True)


def make_context(agg, group: str, reference: str | None = None, **config) -> Context:
    ref, levels = choose_reference(agg, group, reference, [])
    return Context(
        agg=agg,
        config=MonitorConfig(group=group, reference=ref, **config),
        group=group,
        reference=ref,
        levels=levels,
    )


@pytest.fixture(scope="session")
def biased_loaded():
    """80k simulated actions with every bias knob on (target: outside_europe)."""
    config = SimulationConfig(
        n_actions=80_000,
        seed=11,
        n_officers=60,
        knobs=BiasKnobs(
            stop_rate_ratio=1.6,
            action_rate_ratio=1.8,
            hit_threshold_shift=0.6,
            darkness_effect=2.0,
            biased_officers=2,
            biased_officer_ratio=4.0,
        ),
    )
    loaded = load_actions(
        simulate_actions(config),
        pseudonymisation_key=KEY,
        stopform_pilot=True,
        stopform_legal_basis="test DPIA",
    )
    return config, loaded
