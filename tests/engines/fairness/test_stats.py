"""Intervals, tests and corrections against statsmodels and scipy, computed side by side."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportions_ztest,
)

from gelijk.engines.fairness import _stats


@st.composite
def _two_samples(draw, min_n=1):
    n1 = draw(st.integers(min_n, 5000))
    n2 = draw(st.integers(min_n, 5000))
    return draw(st.integers(0, n1)), n1, draw(st.integers(0, n2)), n2


@settings(max_examples=80, deadline=None)
@given(x=st.integers(0, 10_000), extra=st.integers(0, 10_000), alpha=st.sampled_from([0.05, 0.1]))
def test_wilson_matches_statsmodels(x, extra, alpha):
    n = x + extra
    if n == 0:
        lo, hi = _stats.wilson_interval(0, 0, alpha)
        assert np.isnan(lo[0]) and np.isnan(hi[0])
        return
    lo, hi = _stats.wilson_interval(x, n, alpha)
    want = proportion_confint(x, n, alpha=alpha, method="wilson")
    assert lo[0] == pytest.approx(want[0], abs=1e-12)
    assert hi[0] == pytest.approx(want[1], abs=1e-12)


@settings(max_examples=80, deadline=None)
@given(_two_samples())
def test_newcombe_matches_statsmodels(sample):
    x1, n1, x2, n2 = sample
    lo, hi = _stats.newcombe_interval(x1, n1, x2, n2)
    want = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    assert lo[0] == pytest.approx(want[0], abs=1e-10)
    assert hi[0] == pytest.approx(want[1], abs=1e-10)
    assert lo[0] <= x1 / n1 - x2 / n2 <= hi[0]


@settings(max_examples=80, deadline=None)
@given(_two_samples())
def test_katz_log_matches_statsmodels_and_handles_zeros(sample):
    x1, n1, x2, n2 = sample
    lo, hi = _stats.katz_log_interval(x1, n1, x2, n2)
    if x1 > 0 and x2 > 0:
        want = confint_proportions_2indep(x1, n1, x2, n2, method="log", compare="ratio")
        assert lo[0] == pytest.approx(want[0], rel=1e-10)
        assert hi[0] == pytest.approx(want[1], rel=1e-10)
        assert lo[0] <= (x1 / n1) / (x2 / n2) <= hi[0]
    else:
        # Haldane-Anscombe: the same formula on the table with 0.5 added to every cell.
        a, b, m1, m2 = x1 + 0.5, x2 + 0.5, n1 + 1, n2 + 1
        se = np.sqrt(1 / a - 1 / m1 + 1 / b - 1 / m2)
        z = stats.norm.ppf(0.975)
        centre = np.log((a / m1) / (b / m2))
        if x1 == 0:
            assert lo[0] == 0.0
        else:
            assert lo[0] == pytest.approx(np.exp(centre - z * se))
        if x2 == 0:
            assert np.isnan(hi[0])  # the ratio has no upper bound
        else:
            assert hi[0] == pytest.approx(np.exp(centre + z * se))


@settings(max_examples=80, deadline=None)
@given(_two_samples(), st.sampled_from(["two-sided", "larger"]))
def test_two_proportion_test_matches_statsmodels_or_fisher(sample, alternative):
    x1, n1, x2, n2 = sample
    stat, p, exact = _stats.two_proportion_test(x1, n1, x2, n2, alternative=alternative)
    pooled = (x1 + x2) / (n1 + n2)
    expected = [n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled)]
    if min(expected) >= 5:
        assert not exact[0]
        z, want = proportions_ztest([x1, x2], [n1, n2], alternative=alternative)
        assert stat[0] == pytest.approx(z, rel=1e-9)
        assert p[0] == pytest.approx(want, rel=1e-9, abs=1e-300)
    else:
        assert exact[0]
        table = [[x1, n1 - x1], [x2, n2 - x2]]
        alt = "two-sided" if alternative == "two-sided" else "greater"
        assert p[0] == pytest.approx(stats.fisher_exact(table, alternative=alt)[1])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=40),
    st.sampled_from(["holm", "bh"]),
)
def test_adjusted_pvalues_match_statsmodels(pvals, method):
    got = _stats.adjust_pvalues(pvals, method)
    want = multipletests(pvals, method="holm" if method == "holm" else "fdr_bh")[1]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


def test_adjusted_pvalues_leave_missing_out_of_the_family():
    got = _stats.adjust_pvalues([0.01, np.nan, 0.04], "holm")
    assert np.isnan(got[1])
    np.testing.assert_allclose(got[[0, 2]], multipletests([0.01, 0.04], method="holm")[1])


def test_minimal_detectable_difference_has_the_promised_power():
    # At n = 2000 per group and p = 0.3, a difference of the MDD is detected ~80% of the time.
    rng = np.random.default_rng(0)
    n, p = 2000, 0.3
    mdd = _stats.minimal_detectable_difference(n, n, p)[0]
    x1 = rng.binomial(n, p + mdd, size=4000)
    x2 = rng.binomial(n, p, size=4000)
    _, pv, _ = _stats.two_proportion_test(x1, np.full(4000, n), x2, np.full(4000, n))
    assert 0.77 < (pv < 0.05).mean() < 0.83


def test_bootstrap_is_seeded_and_close_to_the_score_intervals():
    args = (np.array([300]), np.array([1000]), np.array([200]), np.array([1000]))
    a = _stats.bootstrap_intervals(*args, n_boot=4000, seed=1)
    b = _stats.bootstrap_intervals(*args, n_boot=4000, seed=1)
    c = _stats.bootstrap_intervals(*args, n_boot=4000, seed=2)
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    assert not all(np.array_equal(u, v) for u, v in zip(a, c, strict=True))
    d_lo, d_hi = _stats.newcombe_interval(*args)
    r_lo, r_hi = _stats.katz_log_interval(*args)
    assert a[0][0] == pytest.approx(d_lo[0], abs=0.01) and a[1][0] == pytest.approx(
        d_hi[0], abs=0.01
    )
    assert a[2][0] == pytest.approx(r_lo[0], rel=0.03) and a[3][0] == pytest.approx(
        r_hi[0], rel=0.03
    )


def test_bootstrap_ratio_bound_is_undefined_when_the_reference_is_often_zero():
    d_lo, d_hi, r_lo, r_hi = _stats.bootstrap_intervals(
        np.array([5]), np.array([50]), np.array([1]), np.array([200]), n_boot=2000, seed=3
    )
    assert np.isfinite(d_lo[0]) and np.isfinite(d_hi[0])
    assert np.isnan(r_hi[0])  # about 37% of replicates have no reference event


def test_wilson_interval_is_clipped_and_exact_at_the_boundaries():
    lo, hi = _stats.wilson_interval([0, 10], [10, 10])
    assert lo[0] == 0.0 and hi[1] == 1.0
    assert 0 < hi[0] < 1 and 0 < lo[1] < 1
