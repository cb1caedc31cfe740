"""Small statistics for the dashboard and the yearly report (plain functions, no Django)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binom


@dataclass(frozen=True)
class MedianCI:
    """Median with a distribution-free confidence interval from order statistics.

    For a sample of size n sorted as x(1) <= ... <= x(n), [x(l), x(u)] with
    l = the largest integer such that P(B <= l - 1) <= alpha/2 for B ~ Binomial(n, 1/2), and
    u = n + 1 - l, covers the population median with probability >= 1 - alpha
    (Conover 1999, Practical Nonparametric Statistics, 3rd ed., §3.2; Hollander, Wolfe &
    Chicken 2014, §3.6). When n is too small for any such pair, the interval is None.
    """

    n: int
    median: float | None
    low: float | None
    high: float | None
    level: float

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "median": self.median,
            "low": self.low,
            "high": self.high,
            "level": self.level,
        }


def median_ci(values, level: float = 0.95) -> MedianCI:
    x = np.sort(np.asarray(list(values), dtype=float))
    n = int(x.size)
    if n == 0:
        return MedianCI(0, None, None, None, level)
    median = float(np.median(x))
    alpha = 1 - level
    # l is the largest rank with P(B <= l-1) <= alpha/2.
    l_rank = int(binom.ppf(alpha / 2, n, 0.5))
    if binom.cdf(l_rank - 1, n, 0.5) > alpha / 2:
        l_rank -= 1
    while l_rank >= 1 and binom.cdf(l_rank - 1, n, 0.5) > alpha / 2:
        l_rank -= 1
    if l_rank < 1:
        return MedianCI(n, median, None, None, level)
    u_rank = n + 1 - l_rank
    return MedianCI(n, median, float(x[l_rank - 1]), float(x[u_rank - 1]), level)
