"""Natural cubic spline basis equivalent to R's ``splines::ns(x, df)``.

A natural cubic spline is a cubic spline that is linear beyond its boundary knots, i.e. its
second derivative vanishes at the two boundary knots (Hastie, Tibshirani & Friedman 2009,
*Elements of Statistical Learning* §5.2.1). The basis is built as R does it: the cubic B-spline
basis on the boundary knots (repeated 4 times) and ``df - 1`` interior knots at the quantiles
``1/df, ..., (df-1)/df`` of x (R's default quantile type 7), without the first B-spline column
(no intercept), projected onto the null space of the two second-derivative constraints with a
complete QR decomposition. The column space is therefore that of ``ns(x, df)``; individual
columns may differ by an invertible linear map, which does not change any fitted value or any
other coefficient of a model that contains the basis.

Because the monitor fits models on aggregated counts, :func:`weighted_quantile_type7` gives the
quantiles of the *expanded* data (each value repeated ``weight`` times), so the knots are exactly
those R would place on the row-level data.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import BSpline


def weighted_quantile_type7(
    values: np.ndarray, weights: np.ndarray, probs: np.ndarray
) -> np.ndarray:
    """Type-7 quantiles of the data in which ``values[i]`` occurs ``weights[i]`` times."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=np.int64)
    keep = w > 0
    v, w = v[keep], w[keep]
    order = np.argsort(v, kind="mergesort")
    v, w = v[order], w[order]
    cum = np.cumsum(w)
    n = int(cum[-1])
    h = (n - 1) * np.asarray(probs, dtype=float)
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    x_lo = v[np.searchsorted(cum, lo, side="right")]
    x_hi = v[np.searchsorted(cum, hi, side="right")]
    return x_lo + (h - lo) * (x_hi - x_lo)


class NaturalSpline:
    """A fixed natural cubic spline basis (knots set at construction)."""

    def __init__(self, interior_knots: np.ndarray, lower: float, upper: float) -> None:
        self.lower = float(lower)
        self.upper = float(upper)
        # With few distinct values quantile knots coincide; a repeated knot would break the
        # smoothness the basis relies on, so duplicates are merged (fewer degrees of freedom).
        knots = np.unique(np.asarray(interior_knots, dtype=float))
        self.interior = knots[(knots > self.lower) & (knots < self.upper)]
        self._t = np.concatenate([[self.lower] * 4, self.interior, [self.upper] * 4])
        n_basis = len(self._t) - 4
        # All basis functions at once (vector-valued spline), second derivative at both ends.
        curvature = BSpline(self._t, np.eye(n_basis), 3).derivative(2)
        second = curvature(np.array([self.lower, self.upper]))[:, 1:]
        q, _ = np.linalg.qr(second.T, mode="complete")
        self._proj = q[:, 2:]

    @classmethod
    def from_data(cls, x: np.ndarray, df: int, weights: np.ndarray | None = None) -> NaturalSpline:
        """Knots as R's ``ns(x, df)`` places them on the (weighted) data."""
        x = np.asarray(x, dtype=float)
        w = np.ones(len(x), dtype=np.int64) if weights is None else np.asarray(weights)
        probs = np.arange(1, df) / df
        interior = weighted_quantile_type7(x, w, probs) if df > 1 else np.array([])
        used = x[np.asarray(w) > 0]
        return cls(interior, float(used.min()), float(used.max()))

    @property
    def df(self) -> int:
        return self._proj.shape[1]

    def basis(self, x: np.ndarray) -> np.ndarray:
        x = np.clip(np.asarray(x, dtype=float), self.lower, self.upper)
        b = BSpline.design_matrix(x, self._t, 3).toarray()
        return b[:, 1:] @ self._proj
