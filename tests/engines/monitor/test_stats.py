"""Small statistics against reference implementations computed side by side."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from gelijk.engines.monitor.stats import (
    bh_qvalues,
    binomial_two_sided,
    mh_odds_ratio,
    mh_rate_ratio,
    poisson_rate_ratio,
    risk_ratio,
    wilson_interval,
)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=60))
@settings(max_examples=60, deadline=None)
def test_bh_qvalues_equal_statsmodels(ps):
    expected = multipletests(ps, method="fdr_bh")[1]
    np.testing.assert_allclose(bh_qvalues(np.array(ps)), expected, rtol=1e-12, atol=1e-15)


def test_bh_ignores_missing_p_values():
    q = bh_qvalues(np.array([0.01, np.nan, 0.04]))
    assert math.isnan(q[1])
    np.testing.assert_allclose(q[[0, 2]], multipletests([0.01, 0.04], method="fdr_bh")[1])


@pytest.mark.parametrize(("x", "n"), [(0, 20), (3, 40), (17, 17), (250, 1000)])
def test_wilson_interval_equals_statsmodels(x, n):
    lo, hi = wilson_interval(x, n)
    ref = proportion_confint(x, n, method="wilson")
    assert lo == pytest.approx(ref[0], abs=1e-12)
    assert hi == pytest.approx(ref[1], abs=1e-12)


def test_mantel_haenszel_odds_ratio_equals_statsmodels():
    rng = np.random.default_rng(3)
    tables = rng.integers(5, 80, size=(7, 2, 2)).astype(float)
    ours = mh_odds_ratio(tables)
    ref = StratifiedTable(list(tables))
    lo, hi = ref.oddsratio_pooled_confint()
    assert ours.estimate == pytest.approx(ref.oddsratio_pooled, rel=1e-12)
    assert ours.ci_low == pytest.approx(lo, rel=1e-9)
    assert ours.ci_high == pytest.approx(hi, rel=1e-9)
    assert ours.p_value == pytest.approx(ref.test_null_odds(correction=False).pvalue, rel=1e-9)


def test_risk_ratio_uses_chi_square_for_large_and_fisher_for_small_counts():
    big = risk_ratio(120, 1000, 80, 1000)
    chi2 = sps.chi2_contingency([[120, 880], [80, 920]], correction=False)
    assert big.method == "two_proportion_z"
    assert big.p_value == pytest.approx(chi2.pvalue, rel=1e-9)
    assert big.estimate == pytest.approx(1.5)
    se = math.sqrt(1 / 120 - 1 / 1000 + 1 / 80 - 1 / 1000)
    assert big.ci_low == pytest.approx(1.5 * math.exp(-1.959964 * se), rel=1e-6)
    small = risk_ratio(3, 20, 1, 25)
    assert small.method == "fisher_exact"
    assert small.p_value == pytest.approx(sps.fisher_exact([[3, 17], [1, 24]]).pvalue)


def test_poisson_rate_ratio_exact_test_and_interval():
    c = poisson_rate_ratio(60, 1000.0, 40, 1000.0)
    assert c.estimate == pytest.approx(1.5)
    assert c.p_value == pytest.approx(sps.binomtest(60, 100, 0.5).pvalue)
    se = math.sqrt(1 / 60 + 1 / 40)
    assert c.ci_high == pytest.approx(1.5 * math.exp(1.959964 * se), rel=1e-6)
    assert c.mde == pytest.approx(math.exp(2.801585 * se), rel=1e-5)


@given(st.integers(0, 300), st.integers(1, 300), st.floats(0.01, 0.99))
@settings(max_examples=80, deadline=None)
def test_exact_binomial_p_value_equals_scipy(x, n, p0):
    x = min(x, n)
    assert binomial_two_sided(x, n, p0) == pytest.approx(
        sps.binomtest(x, n, p0).pvalue, rel=1e-9, abs=1e-12
    )


def test_mantel_haenszel_rate_ratio_of_one_stratum_is_the_crude_ratio():
    c, _ = mh_rate_ratio(np.array([30.0]), np.array([500.0]), np.array([20.0]), np.array([800.0]))
    assert c.estimate == pytest.approx((30 / 500) / (20 / 800))


def test_mantel_haenszel_rate_ratio_removes_confounding_by_stratum():
    # Two wijken with the same ratio (2) but very different activity and composition.
    a = np.array([200.0, 20.0])
    t1 = np.array([1000.0, 1000.0])
    b = np.array([100.0, 100.0])
    t0 = np.array([1000.0, 10000.0])
    c, _ = mh_rate_ratio(a, t1, b, t0)
    assert c.estimate == pytest.approx(2.0)
    crude = (a.sum() / t1.sum()) / (b.sum() / t0.sum())
    assert crude > 5
