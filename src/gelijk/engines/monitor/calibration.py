"""Calibration of the monitor on simulated data: false flags, coverage and power.

Null runs (no injected bias, assumptions of each method met: no visitors, the same offence rate
everywhere): the share of datasets in which *any* result of the report is flagged at q < 0.05,
and the share of individual tests with p < 0.05. Under the global null Benjamini–Hochberg keeps
the first at or below 5 % (FDR = FWER when every hypothesis is null, for positively dependent
tests; Benjamini & Yekutieli 2001).

Effect runs (age band 15-24 as the target): known effects with exact estimands in the
simulator — the veil-of-darkness odds ratio (1 / darkness_effect, proactive, wijk model) and the
ratio of fine shares (action_rate_ratio, proactive) — give the coverage of the 95 % intervals and
the power (share flagged at q < 0.05).

Left out of the false-flag count: ``ecological_rate_ratio_per_10pp`` — an area-level
association that the simulator creates on purpose (wijken differ in activity and composition),
which is not a group disparity; the report's text says so to its readers too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gelijk.engines.monitor.config import MonitorConfig
from gelijk.engines.monitor.load import load_actions
from gelijk.engines.monitor.report import run_report
from gelijk.engines.monitor.simulate import BiasKnobs, SimulationConfig, simulate_actions

CALIBRATED_ANALYSES = (
    "population_rates",
    "action_rates",
    "outcome_test",
    "veil_of_darkness",
    "poisson_offset",
    "officer_benchmark",
)
NOT_A_DISPARITY = ("ecological_rate_ratio_per_10pp",)
_KEY = "calibration"


@dataclass(frozen=True)
class CalibrationResult:
    n_datasets: int
    n_actions: int
    any_flag_share: float  # null datasets with at least one q < 0.05
    test_p_share: float  # null tests with p < 0.05
    tests_per_dataset: float
    coverage: dict[str, float] = field(default_factory=dict)
    power: dict[str, float] = field(default_factory=dict)
    flags_by_measure: dict[str, int] = field(default_factory=dict)

    def monte_carlo_se(self, share: float) -> float:
        return float(np.sqrt(max(share * (1 - share), 0.05 * 0.95) / self.n_datasets))

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _report(config: SimulationConfig, monitor: MonitorConfig):
    loaded = load_actions(simulate_actions(config), pseudonymisation_key=_KEY)
    return run_report(loaded, monitor)


def run_calibration(
    n_datasets: int,
    n_actions: int,
    *,
    n_effect_datasets: int | None = None,
    seed: int = 0,
    n_officers: int = 20,
    effect: BiasKnobs | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CalibrationResult:
    """``n_datasets`` null runs and ``n_effect_datasets`` (default as many) effect runs."""
    monitor = MonitorConfig(
        group="age_band", reference="25-44", analyses=CALIBRATED_ANALYSES, min_officer_actions=50
    )
    effect = effect or BiasKnobs(
        target_column="age_band", target_value="15-24", action_rate_ratio=1.5, darkness_effect=1.5
    )
    any_flag = 0
    p_small = 0
    n_tests = 0
    flags: dict[str, int] = {}
    covered = {"vod_odds_ratio": 0, "fine_ratio": 0}
    found = {"vod_odds_ratio": 0, "fine_ratio": 0}
    seen = {"vod_odds_ratio": 0, "fine_ratio": 0}
    for i in range(n_datasets):
        base = SimulationConfig(n_actions=n_actions, seed=seed + i, n_officers=n_officers)
        report = _report(base, monitor)
        tested = [
            (a, r)
            for a, r in report.results()
            if r.p_value is not None and r.measure not in NOT_A_DISPARITY
        ]
        n_tests += len(tested)
        p_small += sum(r.p_value < 0.05 for _, r in tested)
        hits = [r for _, r in tested if r.q_value is not None and r.q_value < 0.05]
        any_flag += bool(hits)
        for r in hits:
            flags[r.measure] = flags.get(r.measure, 0) + 1
        if progress is not None:
            progress(i + 1, n_datasets)
    n_effect = n_datasets if n_effect_datasets is None else n_effect_datasets
    for i in range(n_effect):
        base = SimulationConfig(
            n_actions=n_actions, seed=seed + 100_000 + i, n_officers=n_officers, knobs=effect
        )
        eff = _report(base, monitor)
        truth = {
            "vod_odds_ratio": 1 / effect.darkness_effect,
            "fine_ratio": effect.action_rate_ratio,
        }
        for _, r in eff.results():
            key = None
            if (
                r.measure == "vod_odds_ratio_district"
                and r.scope == "proactive"
                and r.group == effect.target_value
            ):
                key = "vod_odds_ratio"
            elif (
                r.measure == "action_rate_ratio"
                and r.scope == "proactive"
                and r.group == effect.target_value
                and r.extra.get("action_type") == "fine"
            ):
                key = "fine_ratio"
            if key is None or r.ci_low is None:
                continue
            seen[key] += 1
            covered[key] += r.ci_low <= truth[key] <= r.ci_high
            found[key] += r.q_value is not None and r.q_value < 0.05
    return CalibrationResult(
        n_datasets=n_datasets,
        n_actions=n_actions,
        any_flag_share=any_flag / n_datasets,
        test_p_share=p_small / max(n_tests, 1),
        tests_per_dataset=n_tests / n_datasets,
        coverage={k: covered[k] / seen[k] for k in seen if seen[k]},
        power={k: found[k] / seen[k] for k in seen if seen[k]},
        flags_by_measure=flags,
    )
