"""Binomial and Poisson GLMs fitted on grouped sufficient statistics.

For a binomial model with a logit link, the log-likelihood of n Bernoulli rows that share the
same covariate pattern x depends on the rows only through (successes, trials) at x; for a Poisson
model with a log link and offset, rows sharing (x, offset) can be summed (counts add, exposures
add). Fitting on the aggregated table therefore gives exactly the same estimates, standard
errors and deviance differences as fitting on the rows (McCullagh & Nelder 1989, *Generalized
Linear Models*, §4.4 and §6.3). The residual deviance itself is that of the grouped data, which
is what R's ``glm`` reports for the same grouped input.

The fit is iteratively reweighted least squares (IRLS, Fisher scoring; McCullagh & Nelder §2.5)
with a QR solve for stability. Standard errors are from the inverse Fisher information; for
overdispersed counts :attr:`GLMFit.dispersion` (Pearson chi-square / residual df) gives the
quasi-likelihood scale (McCullagh & Nelder §9.2, Wedderburn 1974).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, xlogy

from gelijk.engines.errors import InputError


@dataclass(frozen=True)
class GLMFit:
    """Result of a grouped GLM fit (arrays are read-only views)."""

    names: tuple[str, ...]
    coef: np.ndarray
    cov: np.ndarray
    deviance: float
    df_resid: int
    pearson_chi2: float
    converged: bool
    iterations: int
    family: str

    @property
    def se(self) -> np.ndarray:
        """Standard errors; inf where the information matrix is singular (separated data)."""
        var = np.diag(self.cov)
        return np.where(var > 0, np.sqrt(np.where(var > 0, var, 1.0)), np.inf)

    @property
    def dispersion(self) -> float:
        """Pearson chi-square / residual df, floored at 1 (quasi-likelihood scale)."""
        if self.df_resid <= 0:
            return 1.0
        return max(1.0, self.pearson_chi2 / self.df_resid)

    def index(self, name: str) -> int:
        return self.names.index(name)

    def estimate(self, name: str) -> tuple[float, float]:
        """(coefficient, standard error) of one term."""
        i = self.index(name)
        return float(self.coef[i]), float(self.se[i])


def _irls(
    x: np.ndarray,
    y: np.ndarray,
    trials: np.ndarray | None,
    offset: np.ndarray,
    family: str,
    max_iter: int,
    tol: float,
    ridge: float = 0.0,
) -> GLMFit:
    n_obs, n_par = x.shape
    penalty = np.full(n_par, ridge)
    penalty[0] = 0.0  # the intercept (first column) is never shrunk
    if family == "binomial":
        p0 = (y + 0.5) / (trials + 1.0)
        eta = np.log(p0 / (1 - p0))
    else:
        eta = np.log(y + 0.5)
    dev_old = np.inf
    converged = False
    beta = np.zeros(n_par)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 (the count is reported)
        if family == "binomial":
            p = np.clip(expit(eta), 1e-15, 1 - 1e-15)
            w = trials * p * (1 - p)
            z = eta - offset + (y - trials * p) / np.where(w > 0, w, 1.0)
        else:
            mu = np.exp(np.clip(eta, -700, 700))
            w = mu
            z = eta - offset + (y - mu) / mu
        if ridge > 0:
            # Penalised normal equations: small p, many fits (officer propensities).
            info = x.T @ (x * w[:, None]) + np.diag(penalty)
            beta = np.linalg.solve(info, x.T @ (w * z))
        else:
            sw = np.sqrt(w)
            q, r = np.linalg.qr(x * sw[:, None])
            beta = np.linalg.solve(r, q.T @ (z * sw))
        eta = x @ beta + offset
        dev = _deviance(y, trials, eta, family)
        if abs(dev - dev_old) <= tol * (abs(dev) + 0.1):
            converged = True
            break
        dev_old = dev
    if family == "binomial":
        p = expit(eta)
        w = trials * p * (1 - p)
        mu = trials * p
        var = w
    else:
        mu = np.exp(eta)
        w = mu
        var = mu
    info = x.T @ (x * w[:, None]) + np.diag(penalty)
    cov = np.linalg.pinv(info)
    pearson = float(np.sum(np.where(var > 0, (y - mu) ** 2 / np.where(var > 0, var, 1), 0.0)))
    return GLMFit(
        names=(),
        coef=beta,
        cov=cov,
        deviance=float(_deviance(y, trials, eta, family)),
        df_resid=int(n_obs - n_par),
        pearson_chi2=pearson,
        converged=converged,
        iterations=iterations,
        family=family,
    )


def _deviance(y, trials, eta, family) -> float:
    if family == "binomial":
        p = np.clip(expit(eta), 1e-300, 1 - 1e-16)
        mu = trials * p
        return float(
            2
            * np.sum(
                xlogy(y, y / np.maximum(mu, 1e-300))
                + xlogy(trials - y, (trials - y) / np.maximum(trials - mu, 1e-300))
            )
        )
    mu = np.exp(eta)
    return float(2 * np.sum(xlogy(y, y / mu) - (y - mu)))


def _check_design(
    x: np.ndarray, names: Sequence[str], *, allow_collinear: bool = False
) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != len(names):
        raise InputError("design matrix and term names do not match")
    if x.shape[0] < x.shape[1] and not allow_collinear:
        raise InputError(f"too few groups ({x.shape[0]}) to fit {x.shape[1]} parameters")
    if not allow_collinear and np.linalg.matrix_rank(x) < x.shape[1]:
        raise InputError("the model terms are collinear in these data (a level has no rows?)")
    return x


def fit_binomial(
    x: np.ndarray,
    successes: np.ndarray,
    trials: np.ndarray,
    names: Sequence[str],
    *,
    offset: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-12,
    ridge: float = 0.0,
) -> GLMFit:
    """Logistic regression on grouped data: ``successes`` out of ``trials`` per covariate row.

    ``ridge`` > 0 adds the penalty ridge * |beta|^2 (intercept excluded) — used only where
    finite estimates matter more than exact maximum likelihood (propensity weights).
    """
    x = _check_design(x, names, allow_collinear=ridge > 0)
    y = np.asarray(successes, dtype=float)
    m = np.asarray(trials, dtype=float)
    keep = m > 0
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    fit = _irls(x[keep], y[keep], m[keep], off[keep], "binomial", max_iter, tol, ridge)
    return _named(fit, names)


def fit_poisson(
    x: np.ndarray,
    counts: np.ndarray,
    names: Sequence[str],
    *,
    offset: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-12,
) -> GLMFit:
    """Log-linear Poisson regression of ``counts`` with ``offset`` (log exposure)."""
    x = _check_design(x, names)
    y = np.asarray(counts, dtype=float)
    off = np.zeros(len(y)) if offset is None else np.asarray(offset, dtype=float)
    fit = _irls(x, y, None, off, "poisson", max_iter, tol)
    return _named(fit, names)


def _named(fit: GLMFit, names: Sequence[str]) -> GLMFit:
    coef = fit.coef.copy()
    cov = fit.cov.copy()
    coef.setflags(write=False)
    cov.setflags(write=False)
    return GLMFit(
        names=tuple(names),
        coef=coef,
        cov=cov,
        deviance=fit.deviance,
        df_resid=fit.df_resid,
        pearson_chi2=fit.pearson_chi2,
        converged=fit.converged,
        iterations=fit.iterations,
        family=fit.family,
    )


def treatment_dummies(
    values: pd.Series | np.ndarray, reference: object, prefix: str
) -> tuple[np.ndarray, list[str]]:
    """Treatment (dummy) coding of a categorical column against ``reference``.

    Columns are ordered by the sorted string form of the levels; names are ``prefix[level]``.
    """
    s = pd.Series(np.asarray(values, dtype=object))
    levels = sorted({str(v) for v in s.dropna().unique()})
    ref = str(reference)
    if ref not in levels:
        raise InputError(f"reference level {reference!r} does not occur", column=prefix)
    others = [lv for lv in levels if lv != ref]
    as_str = s.astype(str).to_numpy()
    mat = (
        np.column_stack([as_str == lv for lv in others]).astype(float)
        if others
        else (np.zeros((len(s), 0)))
    )
    return mat, [f"{prefix}[{lv}]" for lv in others]
