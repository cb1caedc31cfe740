"""Calibration on simulated data: no bias injected -> few false flags; known effects -> the
intervals cover them. The short version runs always; the >= 200-dataset version is marked slow
(and runs in ``make bench`` with its figures written to bench/results/monitor_calibration.*)."""

import pytest

from gelijk.engines.monitor.calibration import run_calibration


def _check(result, coverage_floor):
    # Share of null datasets with any q < 0.05: at most 5 % plus 2 Monte Carlo SEs.
    assert result.any_flag_share <= 0.05 + 2 * result.monte_carlo_se(0.05)
    # Individual tests: about 5 % with p < 0.05 (hundreds of tests per dataset).
    assert 0.02 <= result.test_p_share <= 0.08
    for name, share in result.coverage.items():
        assert share >= coverage_floor, (name, share)


def test_short_calibration_no_false_flags_and_intervals_cover_the_truth():
    result = run_calibration(30, 1500, n_effect_datasets=8, seed=1000, n_officers=10)
    _check(result, coverage_floor=0.75)
    assert set(result.coverage) == {"vod_odds_ratio", "fine_ratio"}


@pytest.mark.slow
def test_full_calibration_over_200_datasets():
    result = run_calibration(200, 5000, seed=5000, n_officers=20)
    _check(result, coverage_floor=0.90)
    assert all(share <= 0.99 for share in result.coverage.values())
