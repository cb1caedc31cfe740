"""Intervals, tests and multiple-testing corrections for proportions, vectorised over arrays.

Every function takes counts (successes ``x`` out of ``n``) as numpy arrays and returns float
arrays in which undefined results are ``nan``; the public report builders turn ``nan`` into
``None`` with a reason, so no ``nan`` ever reaches a report.

Sources
-------
- Wilson score interval: E. B. Wilson, "Probable inference, the law of succession, and
  statistical inference", JASA 22 (1927) 209-212.
- Newcombe hybrid score interval for a difference of independent proportions (method 10):
  R. G. Newcombe, "Interval estimation for the difference between independent proportions:
  comparison of eleven methods", Statistics in Medicine 17 (1998) 873-890.
- Katz log interval for a ratio of independent proportions: D. Katz, J. Baptista, S. P. Azen,
  M. C. Pike, "Obtaining confidence intervals for the risk ratio in cohort studies",
  Biometrics 34 (1978) 469-474. Zero counts: Haldane-Anscombe correction (add 0.5 to each
  cell of the 2x2 table), J. B. S. Haldane, Ann. Hum. Genet. 20 (1956) 309-311.
- Two-proportion z-test (pooled variance) and Fisher's exact test; the choice follows
  Cochran's rule (all expected cell counts >= 5 for the z-test): W. G. Cochran, "Some methods
  for strengthening the common chi-square tests", Biometrics 10 (1954) 417-451.
- Holm: S. Holm, "A simple sequentially rejective multiple test procedure", Scand. J. Statist.
  6 (1979) 65-70. Benjamini-Hochberg: Y. Benjamini, Y. Hochberg, JRSS B 57 (1995) 289-300.
- Minimal detectable difference (normal approximation, two-sided alpha, power 1-beta):
  J. L. Fleiss, B. Levin, M. C. Paik, "Statistical Methods for Rates and Proportions", 3rd ed.
  (2003), section 4.2.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import stats

#: Cochran's rule: the z-test is used when every expected cell count reaches this value.
MIN_EXPECTED_FOR_Z = 5.0


def z_value(alpha: float) -> float:
    """Two-sided normal quantile z_{1 - alpha/2}."""
    return float(stats.norm.ppf(1.0 - alpha / 2.0))


def _f(a) -> np.ndarray:
    # Always at least 1-d, so callers can index scalars' results the same way as arrays'.
    return np.atleast_1d(np.asarray(a, dtype=np.float64))


def rate(x, n) -> np.ndarray:
    """x / n, ``nan`` where n == 0."""
    x, n = _f(x), _f(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, x / np.where(n > 0, n, 1.0), np.nan)


def wilson_interval(x, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for x successes in n trials; ``nan`` where n == 0.

    centre = (x + z^2/2) / (n + z^2),  half = z / (n + z^2) * sqrt(x (n - x) / n + z^2 / 4).
    """
    x, n = _f(x), _f(n)
    z = z_value(alpha)
    z2 = z * z
    safe_n = np.where(n > 0, n, 1.0)
    centre = (x + z2 / 2.0) / (safe_n + z2)
    half = z / (safe_n + z2) * np.sqrt(np.maximum(x * (safe_n - x) / safe_n, 0.0) + z2 / 4.0)
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    # At the boundaries the interval is exactly [0, .] or [., 1]; clipping removes rounding.
    low = np.where((n > 0) & (x == 0), 0.0, low)
    high = np.where((n > 0) & (x == n), 1.0, high)
    return low, high


def newcombe_interval(x1, n1, x2, n2, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for p1 - p2 (method 10), from the two Wilson intervals.

    L = d - sqrt((p1 - l1)^2 + (u2 - p2)^2),  U = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
    """
    p1, p2 = rate(x1, n1), rate(x2, n2)
    l1, u1 = wilson_interval(x1, n1, alpha)
    l2, u2 = wilson_interval(x2, n2, alpha)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return low, high


def katz_log_interval(x1, n1, x2, n2, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Katz log interval for the ratio (x1/n1) / (x2/n2).

    log RR +/- z * sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2). When x1 or x2 is zero, 0.5 is added to
    every cell of the 2x2 table (x + 0.5, n + 1) for the interval only; then the lower bound is
    0 when x1 = 0 (the estimate itself is 0) and the upper bound is unbounded (``nan``) when
    x2 = 0. Undefined (``nan``) when a group is empty.
    """
    x1, n1, x2, n2 = _f(x1), _f(n1), _f(x2), _f(n2)
    z = z_value(alpha)
    zero = (x1 == 0) | (x2 == 0)
    a = np.where(zero, x1 + 0.5, x1)
    b = np.where(zero, x2 + 0.5, x2)
    m1 = np.where(zero, n1 + 1.0, n1)
    m2 = np.where(zero, n2 + 1.0, n2)
    ok = (n1 > 0) & (n2 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_rr = np.log((a / m1) / (b / m2))
        se = np.sqrt(np.maximum(1.0 / a - 1.0 / m1 + 1.0 / b - 1.0 / m2, 0.0))
        low = np.where(x1 == 0, 0.0, np.exp(log_rr - z * se))
        high = np.where(x2 == 0, np.nan, np.exp(log_rr + z * se))
    return np.where(ok, low, np.nan), np.where(ok, high, np.nan)


def _expected_ok(x1, n1, x2, n2) -> np.ndarray:
    total = n1 + n2
    with np.errstate(divide="ignore", invalid="ignore"):
        p = (x1 + x2) / np.where(total > 0, total, 1.0)
    smallest = np.minimum.reduce([n1 * p, n1 * (1 - p), n2 * p, n2 * (1 - p)])
    return smallest >= MIN_EXPECTED_FOR_Z


def two_proportion_test(
    x1, n1, x2, n2, alternative: str = "two-sided"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Test H0: p1 == p2 for two independent binomial samples.

    Uses the pooled two-proportion z-test when every expected cell count of the 2x2 table is
    at least :data:`MIN_EXPECTED_FOR_Z` (Cochran's rule) and Fisher's exact test otherwise.
    ``alternative`` is ``"two-sided"`` or ``"larger"`` (H1: p1 > p2).

    Returns ``(statistic, p_value, exact)``: the z statistic (``nan`` for Fisher), the p-value
    (``nan`` when a sample is empty) and a boolean array telling where Fisher was used.
    """
    if alternative not in ("two-sided", "larger"):
        raise ValueError(f"alternative must be 'two-sided' or 'larger', not {alternative!r}")
    x1, n1, x2, n2 = (_f(v) for v in (x1, n1, x2, n2))
    defined = (n1 > 0) & (n2 > 0)
    use_z = defined & _expected_ok(x1, n1, x2, n2)
    zstat = np.full(x1.shape, np.nan)
    pval = np.full(x1.shape, np.nan)
    if use_z.any():
        a, m, b, k = x1[use_z], n1[use_z], x2[use_z], n2[use_z]
        pooled = (a + b) / (m + k)
        se = np.sqrt(pooled * (1 - pooled) * (1 / m + 1 / k))
        z = (a / m - b / k) / se
        zstat[use_z] = z
        pval[use_z] = (
            2 * stats.norm.sf(np.abs(z)) if alternative == "two-sided" else stats.norm.sf(z)
        )
    exact = defined & ~use_z
    fisher_alt = "two-sided" if alternative == "two-sided" else "greater"
    for i in np.flatnonzero(exact):
        table = [[x1[i], n1[i] - x1[i]], [x2[i], n2[i] - x2[i]]]
        pval[i] = stats.fisher_exact(np.asarray(table, dtype=np.int64), alternative=fisher_alt)[1]
    return zstat, pval, exact


def adjust_pvalues(p, method: str = "holm") -> np.ndarray:
    """Holm (family-wise error) or Benjamini-Hochberg (false discovery rate) adjusted p-values.

    ``nan`` entries are left out of the family and stay ``nan``.
    """
    p = _f(p)
    out = np.full(p.shape, np.nan)
    keep = np.flatnonzero(~np.isnan(p))
    m = keep.size
    if m == 0:
        return out
    vals = p[keep]
    if method == "holm":
        order = np.argsort(vals, kind="stable")
        scaled = (m - np.arange(m)) * vals[order]
        adj = np.minimum(np.maximum.accumulate(scaled), 1.0)
    elif method in ("bh", "fdr_bh"):
        order = np.argsort(vals, kind="stable")[::-1]
        scaled = m / np.arange(m, 0, -1) * vals[order]
        adj = np.minimum(np.minimum.accumulate(scaled), 1.0)
    else:
        raise ValueError(f"unknown correction {method!r}; use 'holm' or 'bh'")
    result = np.empty(m)
    result[order] = adj
    out[keep] = result
    return out


def minimal_detectable_difference(
    n1, n2, p2, alpha: float = 0.05, power: float = 0.8
) -> np.ndarray:
    """Smallest |p1 - p2| a two-sided test at ``alpha`` detects with the given power.

    Normal approximation with the reference rate's variance in both groups:
    (z_{1-alpha/2} + z_{power}) * sqrt(p2 (1 - p2) (1/n1 + 1/n2)). ``nan`` for empty samples.
    """
    n1, n2, p2 = _f(n1), _f(n2), _f(p2)
    ok = (n1 > 0) & (n2 > 0) & ~np.isnan(p2)
    factor = z_value(alpha) + float(stats.norm.ppf(power))
    with np.errstate(divide="ignore", invalid="ignore"):
        # A reference rate of 0 or 1 has no variance; use the rule-of-three bound instead.
        var = np.where((p2 > 0) & (p2 < 1), p2 * (1 - p2), 0.75 / np.maximum(n2, 1.0))
        mdd = factor * np.sqrt(var * (1 / n1 + 1 / n2))
    return np.where(ok, mdd, np.nan)


def bootstrap_intervals(
    x1, n1, x2, n2, *, n_boot: int, seed: int, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Percentile bootstrap intervals for the difference and the ratio of two proportions.

    Resampling the n rows of a group with replacement and counting successes is the same as
    drawing from Binomial(n, x/n), so each replicate draws both counts that way (stratified:
    the group sizes stay fixed). Bounds are empirical quantiles (inverted CDF, no
    interpolation); a ratio replicate with an empty reference count is +inf, and a bound that
    lands on it is undefined. Returns ``(diff_low, diff_high, ratio_low, ratio_high)``.
    Source: B. Efron, R. Tibshirani, "An Introduction to the Bootstrap" (1993), ch. 13.
    """
    x1, n1, x2, n2 = (_f(v) for v in (x1, n1, x2, n2))
    rng = np.random.default_rng(seed)
    shape = (n_boot, x1.size)
    ok = (n1 > 0) & (n2 > 0)
    m1, m2 = np.where(ok, n1, 1.0), np.where(ok, n2, 1.0)
    b1 = rng.binomial(m1.astype(np.int64), np.where(ok, x1 / m1, 0.0), size=shape) / m1
    b2 = rng.binomial(m2.astype(np.int64), np.where(ok, x2 / m2, 0.0), size=shape) / m2
    diff = b1 - b2
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(b2 > 0, b1 / np.where(b2 > 0, b2, 1.0), np.where(b1 > 0, np.inf, np.nan))
    q = [alpha / 2.0, 1.0 - alpha / 2.0]
    d_lo, d_hi = np.quantile(diff, q, axis=0, method="inverted_cdf")
    # 0/0 replicates (nan) carry no information about the ratio; nanquantile leaves them out.
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column of only 0/0 replicates
        r_lo, r_hi = np.nanquantile(ratio, q, axis=0, method="inverted_cdf")
    r_lo = np.where(np.isfinite(r_lo), r_lo, np.nan)
    r_hi = np.where(np.isfinite(r_hi), r_hi, np.nan)
    nan = np.nan
    return (
        np.where(ok, d_lo, nan),
        np.where(ok, d_hi, nan),
        np.where(ok, r_lo, nan),
        np.where(ok, r_hi, nan),
    )
