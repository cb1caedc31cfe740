"""Natural cubic spline basis: same column space as the truncated-power construction of ESL."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.interpolate import BSpline

from gelijk.engines.monitor.splines import NaturalSpline, weighted_quantile_type7


def _esl_basis(x, knots):
    """Hastie, Tibshirani & Friedman (2009) eq. 5.4-5.5: N1 = 1, N2 = x, N_{k+2} = d_k - d_{K-1}."""
    k = len(knots)

    def d(j):
        return (np.clip(x - knots[j], 0, None) ** 3 - np.clip(x - knots[-1], 0, None) ** 3) / (
            knots[-1] - knots[j]
        )

    return np.column_stack([np.ones_like(x), x] + [d(j) - d(k - 2) for j in range(k - 2)])


def test_basis_spans_the_natural_cubic_splines_on_r_knots():
    rng = np.random.default_rng(2)
    x = rng.uniform(1000, 1300, 800).round()
    ns = NaturalSpline.from_data(x, 6)
    assert ns.df == 6
    knots = np.concatenate([[ns.lower], ns.interior, [ns.upper]])
    np.testing.assert_allclose(ns.interior, np.quantile(x, np.arange(1, 6) / 6))
    ours = np.column_stack([np.ones_like(x), ns.basis(x)])
    ref = _esl_basis(x, knots)
    y = np.sin(x / 37) + rng.normal(size=len(x))
    fit_ours = ours @ np.linalg.lstsq(ours, y, rcond=None)[0]
    fit_ref = ref @ np.linalg.lstsq(ref, y, rcond=None)[0]
    np.testing.assert_allclose(fit_ours, fit_ref, atol=1e-9)


def test_second_derivative_vanishes_at_the_boundary_knots():
    x = np.linspace(0, 10, 200)
    ns = NaturalSpline.from_data(x, 4)
    t = ns._t
    for col in range(ns.df):
        coef = np.concatenate([[0.0], ns._proj[:, col]])
        spline = BSpline(t, coef, 3).derivative(2)
        assert abs(spline(ns.lower)) < 1e-9
        assert abs(spline(ns.upper)) < 1e-9


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 6)), min_size=1, max_size=40))
@settings(max_examples=60, deadline=None)
def test_weighted_quantiles_equal_quantiles_of_the_expanded_data(pairs):
    values = np.array([p[0] for p in pairs], dtype=float)
    weights = np.array([p[1] for p in pairs])
    if weights.sum() == 0:
        return
    probs = np.array([0.0, 0.2, 0.5, 0.77, 1.0])
    expanded = np.repeat(values, weights)
    np.testing.assert_allclose(
        weighted_quantile_type7(values, weights, probs), np.quantile(expanded, probs)
    )
