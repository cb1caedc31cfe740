"""Small statistical building blocks shared by the monitor analyses.

Every function works on counts (sufficient statistics), never on rows. Sources for each formula
are in the docstrings and in ``docs/methods/monitor.md``.

Conventions
-----------
* Intervals are two-sided 95 %; tests are two-sided at ``alpha = 0.05``.
* The *minimal detectable effect* (MDE) at 80 % power is computed on the scale on which the
  estimator is approximately normal (log ratio, arcsine proportion, coefficient) with
  ``(z_{1-alpha/2} + z_{0.8}) * SE`` (Cohen 1988, ch. 12; Bloom 1995, "Minimum detectable
  effects", *Evaluation Review* 19(5)). For ratio estimates it is reported as a ratio ``>= 1``:
  a true ratio of ``mde`` (or ``1/mde``) is found with 80 % power.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05
POWER = 0.80
Z_CI = float(stats.norm.ppf(1 - ALPHA / 2))  # 1.959964
Z_POWER = float(stats.norm.ppf(POWER))  # 0.841621
Z_MDE = Z_CI + Z_POWER  # 2.801585
#: Largest total count for which the conditional binomial test is computed exactly.
EXACT_MAX_N = 1000


def finite_or_none(value: float | None) -> float | None:
    """``value`` as a float, or None when it is missing, NaN or infinite (JSON-safe output)."""
    if value is None:
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def bh_qvalues(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN entries stay NaN and are not counted.

    q_(i) = min_{j >= i} m p_(j) / j over the m finite p-values sorted ascending
    (Benjamini & Hochberg 1995, *JRSS B* 57:289–300; the step-up adjusted p-value of
    Wright 1992). Rejecting every hypothesis with q <= 0.05 controls the FDR at 5 %.
    """
    p = np.asarray(p_values, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    m = int(ok.sum())
    if m == 0:
        return q
    pv = p[ok]
    order = np.argsort(pv, kind="mergesort")
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(ranked, 1.0)
    q[ok] = out
    return q


def two_sided_normal_p(z: float) -> float:
    return float(2 * stats.norm.sf(abs(z)))


def wilson_interval(x: float, n: float) -> tuple[float | None, float | None]:
    """Wilson score interval for a proportion x/n (Wilson 1927; Agresti & Coull 1998)."""
    if n <= 0:
        return None, None
    p = x / n
    z2 = Z_CI**2
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z_CI * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def binomial_two_sided(x: int, n: int, p0: float) -> float:
    """Exact two-sided binomial p-value: the probability of every outcome no more likely than
    ``x`` (the definition of ``scipy.stats.binomtest``, with its relative tolerance 1e-7),
    computed in one vectorised pass."""
    pmf = stats.binom.pmf(np.arange(n + 1), n, p0)
    return float(min(1.0, pmf[pmf <= pmf[x] * (1 + 1e-7)].sum()))


@dataclass(frozen=True)
class Comparison:
    """One estimate with its interval, test and minimal detectable effect."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    mde: float | None
    method: str


def safe_exp(x: float) -> float | None:
    """exp(x), or None when it does not fit in a float (separated or empty data)."""
    return math.exp(x) if x < 700 else None


def _ratio_from_log(log_est: float, se: float, p: float | None, method: str) -> Comparison:
    if not (math.isfinite(log_est) and math.isfinite(se)):
        return Comparison(None, None, None, finite_or_none(p), None, method)
    return Comparison(
        safe_exp(log_est),
        safe_exp(log_est - Z_CI * se),
        safe_exp(log_est + Z_CI * se),
        finite_or_none(p),
        safe_exp(Z_MDE * se),
        method,
    )


def poisson_rate_ratio(n_g: float, exposure_g: float, n_r: float, exposure_r: float) -> Comparison:
    """Rate ratio (n_g/E_g)/(n_r/E_r) with the Poisson log interval and the exact conditional test.

    Interval: exp(ln RR ± 1.96 sqrt(1/n_g + 1/n_r)) (Rothman, Greenland & Lash 2008, *Modern
    Epidemiology* 3rd ed., eq. 14-8). Test: given N = n_g + n_r, n_g ~ Binomial(N,
    E_g/(E_g + E_r)) under equal rates (conditional test, Breslow & Day 1987, §2.2): exact for
    N <= 1000, its normal (score) approximation above, where the two agree to well within
    the precision that matters and the exact sum is slow. MDE: exp(2.80 sqrt(1/n_g + 1/n_r)).
    """
    if exposure_g <= 0 or exposure_r <= 0 or n_g + n_r == 0:
        return Comparison(None, None, None, None, None, "poisson_exact_conditional")
    p0 = exposure_g / (exposure_g + exposure_r)
    total = int(n_g + n_r)
    if total <= EXACT_MAX_N:
        p = binomial_two_sided(int(n_g), total, p0)
    else:
        p = two_sided_normal_p((n_g - total * p0) / math.sqrt(total * p0 * (1 - p0)))
    if n_g == 0 or n_r == 0:
        return Comparison(None, None, None, finite_or_none(p), None, "poisson_exact_conditional")
    log_rr = math.log((n_g / exposure_g) / (n_r / exposure_r))
    se = math.sqrt(1 / n_g + 1 / n_r)
    return _ratio_from_log(log_rr, se, p, "poisson_exact_conditional")


def mh_rate_ratio(
    a: np.ndarray, t1: np.ndarray, b: np.ndarray, t0: np.ndarray
) -> tuple[Comparison, dict[str, float]]:
    """Mantel–Haenszel rate ratio over strata for counts a (exposure t1) versus b (exposure t0).

    RR_MH = sum(a t0 / T) / sum(b t1 / T), T = t0 + t1; variance of ln RR_MH by Greenland &
    Robins (1985, *Biometrics* 41:55–68): sum(t1 t0 (a + b) / T^2) / (sum(a t0/T) sum(b t1/T));
    MH test: (sum a - sum E)^2 / sum V, E = (a + b) t1/T, V = (a + b) t1 t0 / T^2 (Rothman,
    Greenland & Lash 2008, eq. 15-6). Strata with zero exposure in either group are skipped.
    """
    a, t1, b, t0 = (np.asarray(v, dtype=float) for v in (a, t1, b, t0))
    keep = (t1 > 0) & (t0 > 0)
    a, t1, b, t0 = a[keep], t1[keep], b[keep], t0[keep]
    big_t = t0 + t1
    num = float(np.sum(a * t0 / big_t))
    den = float(np.sum(b * t1 / big_t))
    e = (a + b) * t1 / big_t
    v = (a + b) * t1 * t0 / big_t**2
    extra = {"strata": float(keep.sum())}
    if num <= 0 or den <= 0 or v.sum() <= 0:
        return Comparison(None, None, None, None, None, "mantel_haenszel_rate_ratio"), extra
    se = math.sqrt(float(v.sum()) / (num * den))
    chi2 = (float(a.sum()) - float(e.sum())) ** 2 / float(v.sum())
    p = float(stats.chi2.sf(chi2, 1))
    return _ratio_from_log(math.log(num / den), se, p, "mantel_haenszel_rate_ratio"), extra


def risk_ratio(a_g: float, n_g: float, a_r: float, n_r: float) -> Comparison:
    """Ratio of two proportions a_g/n_g over a_r/n_r with a valid test.

    Interval: Katz log method, se(ln RR) = sqrt(1/a_g - 1/n_g + 1/a_r - 1/n_r) (Katz et al.
    1978). Test: the pooled two-proportion z-test (= Pearson chi-square on the 2x2 table) when
    every expected cell count is at least 5, otherwise Fisher's exact test (Agresti 2013,
    *Categorical Data Analysis* §3.5). MDE: the arcsine (Cohen's h) approximation
    h = 2.80 sqrt(1/n_g + 1/n_r), p_g = sin(asin(sqrt(p_r)) + h/2)^2, reported as p_g / p_r.
    """
    if n_g <= 0 or n_r <= 0:
        return Comparison(None, None, None, None, None, "none")
    table = np.array([[a_g, n_g - a_g], [a_r, n_r - a_r]], dtype=float)
    tot = table.sum()
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / tot
    if (table.sum(axis=0) == 0).any():
        p = None
        method = "none"
    elif (expected >= 5).all():
        p1, p2 = a_g / n_g, a_r / n_r
        pooled = (a_g + a_r) / (n_g + n_r)
        z = (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / n_g + 1 / n_r))
        p = two_sided_normal_p(z)
        method = "two_proportion_z"
    else:
        p = float(stats.fisher_exact(table.astype(int)).pvalue)
        method = "fisher_exact"
    p_r = a_r / n_r
    h = Z_MDE * math.sqrt(1 / n_g + 1 / n_r)
    mde = None
    if 0 < p_r < 1:
        angle = math.asin(math.sqrt(p_r)) + h / 2
        p_g = math.sin(min(angle, math.pi / 2)) ** 2
        mde = p_g / p_r
    if a_g == 0 or a_r == 0:
        return Comparison(None, None, None, finite_or_none(p), finite_or_none(mde), method)
    log_rr = math.log((a_g / n_g) / (a_r / n_r))
    se = math.sqrt(max(1 / a_g - 1 / n_g + 1 / a_r - 1 / n_r, 0.0))
    out = _ratio_from_log(log_rr, se, p, method)
    return Comparison(
        out.estimate, out.ci_low, out.ci_high, out.p_value, finite_or_none(mde), method
    )


def mh_odds_ratio(tables: np.ndarray) -> Comparison:
    """Mantel–Haenszel common odds ratio over K 2x2 tables ``[[a, b], [c, d]]`` (shape K x 2 x 2).

    OR_MH = sum(a d / n) / sum(b c / n) (Mantel & Haenszel 1959); variance of ln OR_MH by
    Robins, Breslow & Greenland (1986, *Biometrics* 42:311–323); test: the Cochran–Mantel–
    Haenszel chi-square without continuity correction. Tables with fewer than 2 observations are
    skipped. Matches ``statsmodels.stats.contingency_tables.StratifiedTable``.
    """
    t = np.asarray(tables, dtype=float).reshape(-1, 2, 2)
    n = t.sum(axis=(1, 2))
    t = t[n > 1]
    n = n[n > 1]
    if len(t) == 0:
        return Comparison(None, None, None, None, None, "mantel_haenszel_odds_ratio")
    a, b, c, d = t[:, 0, 0], t[:, 0, 1], t[:, 1, 0], t[:, 1, 1]
    r = a * d / n
    s = b * c / n
    pp = (a + d) / n
    qq = (b + c) / n
    sr, ss = r.sum(), s.sum()
    row1, col1 = a + b, a + c
    e = row1 * col1 / n
    v = row1 * (c + d) * col1 * (b + d) / (n**2 * (n - 1))
    p = None
    if v.sum() > 0:
        chi2 = (a.sum() - e.sum()) ** 2 / v.sum()
        p = float(stats.chi2.sf(chi2, 1))
    if sr <= 0 or ss <= 0:
        return Comparison(None, None, None, finite_or_none(p), None, "mantel_haenszel_odds_ratio")
    var = (
        (pp * r).sum() / (2 * sr**2)
        + (pp * s + qq * r).sum() / (2 * sr * ss)
        + (qq * s).sum() / (2 * ss**2)
    )
    return _ratio_from_log(math.log(sr / ss), math.sqrt(var), p, "mantel_haenszel_odds_ratio")


def odds_ratio_2x2(a: float, b: float, c: float, d: float) -> Comparison:
    """Odds ratio of one 2x2 table with the Woolf interval; test as in :func:`risk_ratio`."""
    return mh_odds_ratio(np.array([[[a, b], [c, d]]]))


def normal_effect(estimate: float, se: float, *, ratio: bool, method: str) -> Comparison:
    """Wald interval and test for a coefficient; ``ratio`` reports exp() of a log-scale estimate."""
    if not (math.isfinite(estimate) and math.isfinite(se)) or se <= 0:
        return Comparison(None, None, None, None, None, method)
    p = two_sided_normal_p(estimate / se)
    if ratio:
        return _ratio_from_log(estimate, se, p, method)
    return Comparison(estimate, estimate - Z_CI * se, estimate + Z_CI * se, p, Z_MDE * se, method)
