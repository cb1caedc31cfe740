"""Grouped GLMs equal statsmodels fitted on the unaggregated rows."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from gelijk.engines.monitor.glm import fit_binomial, fit_poisson, treatment_dummies


def _rows(seed=0, n=4000):
    rng = np.random.default_rng(seed)
    x1 = rng.integers(0, 3, n)
    x2 = rng.integers(0, 2, n)
    eta = -0.5 + 0.4 * (x1 == 1) - 0.7 * (x1 == 2) + 0.9 * x2
    y = rng.random(n) < 1 / (1 + np.exp(-eta))
    return pd.DataFrame({"x1": x1, "x2": x2, "y": y.astype(int)})


def test_grouped_binomial_equals_row_level_logistic_regression():
    rows = _rows()
    d1, n1 = treatment_dummies(rows["x1"], 0, "x1")
    design = np.column_stack([np.ones(len(rows)), d1, rows["x2"]])
    ref = sm.GLM(rows["y"], design, family=sm.families.Binomial()).fit()
    grouped = rows.groupby(["x1", "x2"])["y"].agg(["sum", "count"]).reset_index()
    g1, _ = treatment_dummies(grouped["x1"], 0, "x1")
    x = np.column_stack([np.ones(len(grouped)), g1, grouped["x2"]])
    fit = fit_binomial(x, grouped["sum"], grouped["count"], ["intercept", *n1, "x2"])
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-8)
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-6)
    assert fit.converged


def test_grouped_poisson_with_offset_equals_row_level_fit():
    rng = np.random.default_rng(1)
    n = 3000
    g = rng.integers(0, 3, n)
    area = rng.integers(0, 4, n)
    exposure = rng.uniform(0.5, 2.0, n)
    y = rng.poisson(exposure * np.exp(0.2 + 0.3 * (g == 1) - 0.4 * (g == 2) + 0.1 * area))
    rows = pd.DataFrame({"g": g, "area": area, "e": exposure, "y": y})
    dg, ng = treatment_dummies(rows["g"], 0, "g")
    da, na = treatment_dummies(rows["area"], 0, "area")
    ref = sm.GLM(
        rows["y"],
        np.column_stack([np.ones(n), dg, da]),
        family=sm.families.Poisson(),
        offset=np.log(rows["e"]),
    ).fit()
    grouped = rows.groupby(["g", "area"])[["y", "e"]].sum().reset_index()
    gg, _ = treatment_dummies(grouped["g"], 0, "g")
    ga, _ = treatment_dummies(grouped["area"], 0, "area")
    fit = fit_poisson(
        np.column_stack([np.ones(len(grouped)), gg, ga]),
        grouped["y"],
        ["intercept", *ng, *na],
        offset=np.log(grouped["e"]),
    )
    # Summing rows with the same covariates is exact for the Poisson log link.
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-7)
    np.testing.assert_allclose(fit.se, ref.bse, rtol=1e-6)


def test_collinear_design_is_refused_with_a_clear_error():
    from gelijk.engines.errors import InputError

    x = np.column_stack([np.ones(5), np.arange(5), 2 * np.arange(5)])
    with pytest.raises(InputError, match="collinear"):
        fit_poisson(x, np.arange(5), ["a", "b", "c"])
