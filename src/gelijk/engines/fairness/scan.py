"""Unsupervised bias scan: find the group that a decision treats worst, without a protected
attribute, and test it on held-out rows.

The method is the HBAC bias scan of Algorithm Audit (``unsupervised-bias-detection`` 0.2.6 and
its COMPAS notebook; Holstege et al., arXiv:2502.01713), reproduced exactly for the same input
and seed (see :mod:`gelijk.engines.fairness._hbac` and ``_kmodes``):

1. Split the rows 80/20 at random (``numpy.random.RandomState(seed).permutation``; the first
   ``ceil(test_size * n)`` positions are the test set, the rest the training set in that order,
   as ``sklearn.model_selection.train_test_split``).
2. Fit bias-aware hierarchical clustering on the training rows with the bias variable (negated
   when lower is better, so that cluster 0 is the group with the most of the bad outcome).
3. Assign the test rows to the clusters with the fitted tree.
4. Test on the test rows whether cluster 0 has more of the bad outcome than the other rows:
   one-sided two-proportion z-test for a binary bias variable (Fisher's exact test when an
   expected count is below 5), one-sided Welch t-test for a numeric one.
5. Describe cluster 0 against the other test rows per feature value: chi-square test on the
   2x2 table (Fisher when an expected count is below 5) or Welch t-test for numeric features,
   Bonferroni-corrected over all these tests. Protected attributes (``protected=``) are never
   used for clustering; they are described the same way afterwards.

Features: all categorical -> k-modes on the categories; all numeric -> k-means on the raw values
(as the reference); mixed -> k-means on numeric columns standardised with the training mean and
standard deviation plus one-hot categorical columns scaled by 1/sqrt(2), so that two different
categories are as far apart (squared distance 1) as one standard deviation of a numeric column.
The reference tool accepts one type only; the mixed encoding is our documented choice.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from gelijk.engines import disclosure
from gelijk.engines.errors import InputError
from gelijk.engines.fairness import _stats
from gelijk.engines.fairness._cells import LinkedCounts
from gelijk.engines.fairness._common import (
    SUPPRESSED,
    num,
    require_columns,
    require_frame,
    require_no_missing,
    to_jsonable,
)
from gelijk.engines.fairness._hbac import HBACFit, fit_hbac

__all__ = [
    "BiasTest",
    "CompositionComparison",
    "CompositionRow",
    "FeatureTest",
    "ScanCluster",
    "ScanReport",
    "bias_scan",
    "compare_composition",
    "split_indices",
]

SCHEMA_VERSION = "1.0"
_ONE_HOT_SCALE = 1.0 / math.sqrt(2.0)


@dataclass(frozen=True)
class ScanCluster:
    """One final cluster; ``score`` is the reference tool's discrimination score (training
    rows): mean bias of the cluster minus the mean of all other rows, in the bad direction."""

    label: int
    n_train: int | None
    n_test: int | None
    score: float | None
    bias_mean_train: float | None
    bias_mean_test: float | None
    events_test: int | None = None
    rate_test: float | None = None
    rate_test_ci_low: float | None = None
    rate_test_ci_high: float | None = None
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BiasTest:
    """Cluster 0 against the other test rows on the bias variable (one-sided)."""

    test: str | None
    alternative: str
    statistic: float | None
    p_value: float | None
    significant: bool | None
    alpha: float
    cluster_n: int | None
    cluster_events: int | None
    cluster_value: float | None
    rest_n: int | None
    rest_events: int | None
    rest_value: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    mde: float | None
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FeatureTest:
    """How cluster 0 differs from the other test rows in one feature (value)."""

    feature: str
    value: str | None
    kind: str
    role: str
    cluster_count: int | None
    cluster_n: int | None
    cluster_value: float | None
    rest_count: int | None
    rest_n: int | None
    rest_value: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    test: str | None
    statistic: float | None
    p_value: float | None
    p_adjusted: float | None
    significant: bool | None
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ScanReport:
    """Result of :func:`bias_scan`. Every count in it has passed the small-cell rule (``k``).

    ``labels`` (cluster per input row, 0 = most deviating) and ``in_test`` (row was held out)
    are numpy arrays for further analysis; they are not part of :meth:`to_dict`.
    """

    schema_version: str
    kind: str
    bias_variable: str
    bias_kind: str
    higher_is_better: bool
    method: str
    features: tuple[str, ...]
    categorical: tuple[str, ...]
    protected: tuple[str, ...]
    parameters: dict[str, Any]
    n_rows: int
    n_train: int
    n_test: int
    n_clusters: int
    clusters: tuple[ScanCluster, ...]
    bias_test: BiasTest
    feature_tests: tuple[FeatureTest, ...]
    composition: tuple[FeatureTest, ...]
    warnings: tuple[str, ...]
    k: int
    labels: np.ndarray = field(repr=False, compare=False, metadata={"json": False})
    in_test: np.ndarray = field(repr=False, compare=False, metadata={"json": False})

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (no NaN/inf; undefined values are None with a reason)."""
        return to_jsonable(self)


def split_indices(n: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Training and test row positions, as ``train_test_split(..., random_state=seed)``."""
    n_test = math.ceil(test_size * n)
    perm = np.random.RandomState(seed).permutation(n)
    return perm[n_test:], perm[:n_test]


# --------------------------------------------------------------------------- encoding


@dataclass(frozen=True)
class _Encoded:
    method: str
    matrix: np.ndarray
    categorical: tuple[str, ...]
    numeric: tuple[str, ...]


def _classify(X: pd.DataFrame, features: Sequence[str], categorical: Sequence[str] | None):
    if categorical is None:
        cats = [
            c
            for c in features
            if not pd.api.types.is_numeric_dtype(X[c].dtype) or X[c].dtype == bool
        ]
    else:
        unknown = [c for c in categorical if c not in features]
        if unknown:
            raise InputError(
                f"categorical column {unknown[0]!r} is not one of the features", column=unknown[0]
            )
        cats = list(categorical)
    nums = [c for c in features if c not in cats]
    for c in nums:
        if not pd.api.types.is_numeric_dtype(X[c].dtype) or X[c].dtype == bool:
            raise InputError(f"feature {c!r} is not numeric; list it as categorical", column=c)
    return tuple(cats), tuple(nums)


def _encode(X: pd.DataFrame, cats, nums, train: np.ndarray) -> _Encoded:
    if not nums:
        codes = np.empty((len(X), len(cats)), dtype=np.int32)
        for j, c in enumerate(cats):
            codes[:, j] = pd.factorize(X[c], sort=True)[0]
        return _Encoded("kmodes", codes, cats, nums)
    if not cats:
        matrix = np.ascontiguousarray(X[list(nums)].to_numpy(dtype=np.float64))
        return _Encoded("kmeans", matrix, cats, nums)
    blocks = []
    for c in nums:
        v = X[c].to_numpy(dtype=np.float64)
        mu, sd = v[train].mean(), v[train].std()
        blocks.append(((v - mu) / (sd if sd > 0 else 1.0))[:, None])
    for c in cats:
        codes, uniques = pd.factorize(X[c], sort=True)
        one_hot = np.zeros((len(X), len(uniques)))
        one_hot[np.arange(len(X)), codes] = _ONE_HOT_SCALE
        blocks.append(one_hot)
    return _Encoded("kmeans-mixed", np.ascontiguousarray(np.hstack(blocks)), cats, nums)


# --------------------------------------------------------------------------- checks


def _check_inputs(X, bias, features, protected):
    X = require_frame(X, "feature data")
    if isinstance(bias, str):
        require_columns(X, [bias], "bias")
        bias_name = bias
        bias_series = X[bias]
    else:
        bias_series = pd.Series(np.asarray(bias), index=X.index, name="bias")
        if len(bias_series) != len(X):
            raise InputError(
                f"the bias variable has {len(bias_series)} values but the data has {len(X)} rows"
            )
        bias_name = str(getattr(bias, "name", None) or "bias")
        bias_series.name = bias_name
    protected = list(protected or [])
    if features is None:
        features = [c for c in X.columns if c != bias_name and c not in protected]
    features = list(features)
    if not features:
        raise InputError("the scan needs at least one feature column")
    require_columns(X, features, "feature")
    require_columns(X, protected, "protected")
    overlap = [c for c in protected if c in features]
    if overlap:
        raise InputError(
            f"protected attribute {overlap[0]!r} may not be used as a clustering feature",
            column=overlap[0],
        )
    if bias_name in features:
        raise InputError(
            f"the bias variable {bias_name!r} may not also be a feature", column=bias_name
        )
    require_no_missing(X, features + protected)
    require_no_missing(bias_series.to_frame(), [bias_name])
    if not pd.api.types.is_numeric_dtype(bias_series.dtype):
        raise InputError(
            f"the bias variable {bias_name!r} must be numeric or true/false", column=bias_name
        )
    for c in features:
        if _constant(X[c]):
            raise InputError(
                f"feature {c!r} has the same value in every row, so it cannot separate "
                "clusters; leave it out",
                column=c,
            )
    if _constant(bias_series):
        raise InputError(
            f"the bias variable {bias_name!r} has the same value in every row; there is no "
            "difference to find",
            column=bias_name,
        )
    return X, bias_name, bias_series, features, protected


def _constant(series: pd.Series) -> bool:
    values = series.to_numpy()
    return not (values != values[0]).any()


def _y_from_bias(bias: pd.Series, higher_is_better: bool) -> np.ndarray:
    values = bias.to_numpy()
    if values.dtype == bool:
        values = values.astype(np.int64)
    return values if higher_is_better else values * -1


# --------------------------------------------------------------------------- tests


def _welch(a: np.ndarray, b: np.ndarray, alternative: str, alpha: float):
    if a.size < 2 or b.size < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        res = stats.ttest_ind(a, b, equal_var=False, alternative=alternative)
        ci = stats.ttest_ind(a, b, equal_var=False).confidence_interval(1 - alpha)
    return float(res.statistic), float(res.pvalue), float(ci.low), float(ci.high)


def _chi2_or_fisher(table: np.ndarray) -> tuple[str, float | None, float]:
    expected = stats.contingency.expected_freq(table)
    if (expected >= _stats.MIN_EXPECTED_FOR_Z).all():
        chi2, p, _, _ = stats.chi2_contingency(table, correction=True)
        return "chi2", float(chi2), float(p)
    return "fisher", None, float(stats.fisher_exact(table)[1])


# --------------------------------------------------------------------------- main entry


def bias_scan(
    X: pd.DataFrame,
    bias: str | Sequence[float] | np.ndarray | pd.Series,
    *,
    seed: int,
    features: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    protected: Sequence[str] | None = None,
    higher_is_better: bool = False,
    max_iter: int = 3,
    min_cluster_size: int | None = None,
    min_cluster_fraction: float = 0.01,
    test_size: float = 0.2,
    margin: float = 1e-5,
    alpha: float = 0.05,
    k: int = disclosure.DEFAULT_K,
) -> ScanReport:
    """Unsupervised bias scan (HBAC) with a held-out test; no protected attribute needed.

    Stable entry point for other engines (the monitor calls it with "no hit" as the bias
    variable over enforcement-action features).

    Parameters
    ----------
    X:
        One row per decision (e.g. an enforcement action or a risk-model selection).
    bias:
        The bias variable: a column name of ``X`` or values aligned with its rows; binary
        (0/1, true/false) or numeric. By default **lower is better**, so 1 marks the bad
        outcome (an error, a selection, a check that found nothing).
    seed:
        Seeds the 80/20 split and every k-means / k-modes split (required: results must be
        reproducible).
    features:
        Columns used for clustering; default all columns except the bias and ``protected``.
    categorical:
        Which features are categorical; default: every non-numeric or true/false column.
    protected:
        Columns (e.g. a perceived origin or nationality) never used for clustering but
        described for cluster 0 afterwards (per value when text, true/false or at most 20
        distinct values; otherwise by the mean).
    higher_is_better:
        Set when a higher bias value is the good outcome (e.g. accuracy).
    max_iter, min_cluster_size, min_cluster_fraction, margin:
        HBAC parameters: split attempts; smallest cluster in training rows (default
        ``min_cluster_fraction`` x training rows, unrounded, as the reference tool); the least
        gain in score for a split to count.
    test_size:
        Share of rows held out for the tests (default 0.2).
    alpha:
        Significance level of the bias test and the Bonferroni-corrected feature tests.
    k:
        Small-cell threshold: counts below ``k`` (and values derived from them) are None.

    Returns
    -------
    ScanReport
        Clusters (0 = most deviating) with scores and sizes, the held-out bias test, feature
        and protected-attribute descriptions with tests, warnings, and ``labels`` per row.

    Raises
    ------
    InputError
        Missing values, constant features or bias variable, non-numeric bias variable,
        unknown columns, too few rows, or invalid parameters; the message names the column
        and rows.
    """
    X, bias_name, bias_series, features, protected = _check_inputs(X, bias, features, protected)
    if not 0.0 < test_size < 1.0:
        raise InputError(f"test_size must be between 0 and 1, got {test_size}")
    if max_iter < 1:
        raise InputError(f"max_iter must be at least 1, got {max_iter}")
    if not margin > 0:
        raise InputError(f"margin must be positive, got {margin}")
    n = len(X)
    train, test = split_indices(n, test_size, seed)
    if train.size < 2 or test.size < 2:
        raise InputError(
            f"the data has {n} rows; the scan needs at least 2 training and 2 test rows"
        )
    cats, nums = _classify(X, features, categorical)
    enc = _encode(X, cats, nums, train)
    min_size = (
        float(min_cluster_size)
        if min_cluster_size is not None
        else (min_cluster_fraction * train.size)
    )
    y = _y_from_bias(bias_series, higher_is_better)
    fit: HBACFit = fit_hbac(
        enc.matrix[train],
        y[train],
        method="kmodes" if enc.method == "kmodes" else "kmeans",
        max_iter=max_iter,
        min_cluster_size=min_size,
        margin=margin,
        seed=seed,
    )
    test_labels = fit.predict(enc.matrix[test])
    labels = np.zeros(n, dtype=np.uint32)
    labels[train] = fit.labels
    labels[test] = test_labels
    in_test = np.zeros(n, dtype=bool)
    in_test[test] = True

    raw = bias_series.to_numpy().astype(np.float64)
    binary = bool(np.isin(raw, (0.0, 1.0)).all())
    bad_value = 0.0 if higher_is_better else 1.0
    builder = _ReportBuilder(k=k, alpha=alpha)
    clusters, bias_test = builder.clusters_and_test(
        fit, raw, train, test, test_labels, binary, bad_value, higher_is_better
    )
    feature_rows = builder.describe(X, list(cats), list(nums), test, test_labels, "feature")
    # Protected columns are described per value when they are text, true/false or have at most
    # 20 values (e.g. a coded origin), otherwise by their mean.
    prot_cats = [
        c
        for c in protected
        if not pd.api.types.is_numeric_dtype(X[c].dtype)
        or X[c].dtype == bool
        or X[c].nunique() <= 20
    ]
    prot_nums = [c for c in protected if c not in prot_cats]
    prot_rows = builder.describe(X, prot_cats, prot_nums, test, test_labels, "protected")
    feature_rows, prot_rows = builder.finish(feature_rows, prot_rows)

    warn = list(builder.warnings)
    if fit.n_clusters == 1:
        warn.append(
            "No split met the conditions (minimum cluster size and score gain): the scan "
            "found one cluster only."
        )
    if bias_test.significant is False:
        warn.append(
            "The bias test is not significant: read the feature descriptions as exploration, "
            "not as evidence."
        )
    return ScanReport(
        schema_version=SCHEMA_VERSION,
        kind="bias-scan",
        bias_variable=bias_name,
        bias_kind="binary" if binary else "numeric",
        higher_is_better=higher_is_better,
        method=enc.method,
        features=tuple(features),
        categorical=cats,
        protected=tuple(protected),
        parameters={
            "seed": seed,
            "max_iter": max_iter,
            "min_cluster_size": min_size,
            "margin": margin,
            "test_size": test_size,
            "alpha": alpha,
            "split": "numpy RandomState(seed).permutation; first ceil(test_size*n) rows = test",
            "feature_correction": "bonferroni",
        },
        n_rows=n,
        n_train=int(train.size),
        n_test=int(test.size),
        n_clusters=fit.n_clusters,
        clusters=clusters,
        bias_test=bias_test,
        feature_tests=tuple(feature_rows),
        composition=tuple(prot_rows),
        warnings=tuple(warn),
        k=k,
        labels=labels,
        in_test=in_test,
    )


class _ReportBuilder:
    """Collects counts for the small-cell rule and turns raw statistics into report rows."""

    def __init__(self, k: int, alpha: float):
        self.k = k
        self.alpha = alpha
        self.cells = LinkedCounts(k=k)
        self.warnings: list[str] = []
        self._pending: list[dict[str, Any]] = []
        self._n_test_pos: dict[str, int] = {}

    def clusters_and_test(
        self, fit, raw, train, test, test_labels, binary, bad_value, higher_is_better
    ):
        K = fit.n_clusters
        ytr, yte = raw[train], raw[test]
        n_tr = np.bincount(fit.labels, minlength=K)
        n_te = np.bincount(test_labels, minlength=K)
        cells = self.cells
        tr_pos, _ = cells.add_list(n_tr)
        te_pos, _ = cells.add_list(n_te)
        ev_pos = None
        if binary:
            ev = np.bincount(test_labels, weights=(yte == bad_value), minlength=K).astype(int)
            ev_pos, ev_rows, _, _ = cells.add_table(np.column_stack([ev, n_te - ev]))
            for c in range(K):
                cells.relate([int(te_pos[c])], int(ev_rows[c]))
            rest_ev = cells.add_sum([int(ev_pos[c, 0]) for c in range(1, K)])
            rest_nev = cells.add_sum([int(ev_pos[c, 1]) for c in range(1, K)])
        rest_n = cells.add_sum([int(te_pos[c]) for c in range(1, K)])
        mask = cells.protect()
        pub = cells.published

        clusters = []
        for c in range(K):
            reasons: dict[str, str] = {}
            ntr, nte = pub(mask, tr_pos[c]), pub(mask, te_pos[c])
            m_tr = num(ytr[fit.labels == c].mean()) if ntr is not None else None
            m_te = num(yte[test_labels == c].mean()) if nte and n_te[c] else None
            if ntr is None:
                reasons["n_train"] = SUPPRESSED
            if nte is None:
                reasons["n_test"] = SUPPRESSED
            elif n_te[c] == 0:
                reasons["bias_mean_test"] = "no test rows in this cluster"
            extra: dict[str, Any] = {}
            if binary:
                e_pub = pub(mask, ev_pos[c, 0])
                ne_pub = pub(mask, ev_pos[c, 1])
                if e_pub is not None and ne_pub is not None and n_te[c] > 0:
                    lo, hi = _stats.wilson_interval(e_pub, e_pub + ne_pub, self.alpha)
                    extra = {
                        "events_test": e_pub,
                        "rate_test": num(e_pub / (e_pub + ne_pub)),
                        "rate_test_ci_low": num(lo[0]),
                        "rate_test_ci_high": num(hi[0]),
                    }
                else:
                    reasons["rate_test"] = (
                        SUPPRESSED if n_te[c] > 0 else "no test rows in this cluster"
                    )
                    extra = {"events_test": e_pub}
            clusters.append(
                ScanCluster(
                    label=c,
                    n_train=ntr,
                    n_test=nte,
                    score=num(fit.scores[c]) if ntr is not None else None,
                    bias_mean_train=m_tr,
                    bias_mean_test=m_te,
                    reasons=reasons,
                    **extra,
                )
            )
            if ntr is None:
                reasons.setdefault("score", SUPPRESSED)

        in0 = test_labels == 0
        n1, n2 = int(in0.sum()), int((~in0).sum())
        reasons = {}
        base = {
            "alpha": self.alpha,
            "cluster_n": pub(mask, te_pos[0]),
            "rest_n": pub(mask, rest_n) if K > 1 else None,
        }
        if n1 == 0 or n2 == 0:
            reason = "only one cluster" if K == 1 else "cluster 0 or the rest has no test rows"
            return tuple(clusters), self._empty_test(base, reason, binary)
        if binary:
            x1, x2 = int((yte[in0] == bad_value).sum()), int((yte[~in0] == bad_value).sum())
            shown = [
                pub(mask, ev_pos[0, 0]),
                pub(mask, ev_pos[0, 1]),
                pub(mask, rest_ev),
                pub(mask, rest_nev),
            ]
            if any(v is None for v in shown):
                return tuple(clusters), self._empty_test(base, SUPPRESSED, binary)
            zs, ps, exact = _stats.two_proportion_test(x1, n1, x2, n2, alternative="larger")
            lo, hi = _stats.newcombe_interval(x1, n1, x2, n2, self.alpha)
            p = float(ps[0])
            p1, p2 = x1 / n1, x2 / n2
            mde = _stats.minimal_detectable_difference(n1, n2, p2, self.alpha)
            test = BiasTest(
                test="fisher" if exact[0] else "z",
                alternative="larger",
                statistic=None if exact[0] else num(zs[0]),
                p_value=num(p),
                significant=bool(p < self.alpha),
                cluster_events=x1,
                cluster_value=num(p1),
                rest_events=x2,
                rest_value=num(p2),
                difference=num(p1 - p2),
                ci_low=num(lo[0]),
                ci_high=num(hi[0]),
                mde=num(mde[0]),
                reasons=reasons,
                **base,
            )
            return tuple(clusters), test
        if base["cluster_n"] is None or base["rest_n"] is None:
            return tuple(clusters), self._empty_test(base, SUPPRESSED, binary)
        alt = "less" if higher_is_better else "greater"
        res = _welch(yte[in0], yte[~in0], alt, self.alpha)
        if res is None:
            return tuple(clusters), self._empty_test(base, "fewer than 2 rows on a side", binary)
        t, p, lo, hi = res
        test = BiasTest(
            test="welch_t",
            alternative="smaller" if higher_is_better else "larger",
            statistic=num(t),
            p_value=num(p),
            significant=bool(p < self.alpha),
            cluster_events=None,
            cluster_value=num(yte[in0].mean()),
            rest_events=None,
            rest_value=num(yte[~in0].mean()),
            difference=num(yte[in0].mean() - yte[~in0].mean()),
            ci_low=num(lo),
            ci_high=num(hi),
            mde=None,
            reasons={"mde": "not computed for a numeric bias variable"},
            **base,
        )
        return tuple(clusters), test

    def _empty_test(self, base, reason, binary) -> BiasTest:
        return BiasTest(
            test=None,
            alternative="larger",
            statistic=None,
            p_value=None,
            significant=None,
            cluster_events=None,
            cluster_value=None,
            rest_events=None,
            rest_value=None,
            difference=None,
            ci_low=None,
            ci_high=None,
            mde=None,
            reasons={"p_value": reason},
            **base,
        )

    def describe(self, X, cats, nums, test, test_labels, role):
        """Raw statistics per feature value of cluster 0 against the rest (test rows)."""
        rows: list[dict[str, Any]] = []
        in0 = test_labels == 0
        n1, n2 = int(in0.sum()), int((~in0).sum())
        if n1 == 0 or n2 == 0:
            return rows
        for c in cats:
            values = X[c].to_numpy()[test]
            codes, uniques = pd.factorize(values, sort=True)
            table = np.zeros((2, len(uniques)), dtype=np.int64)
            np.add.at(table, (np.where(in0, 0, 1), codes), 1)
            cell_pos, row_pos, _, _ = self.cells.add_table(table)
            for j, u in enumerate(uniques):
                tab2 = np.array([[table[0, j], n1 - table[0, j]], [table[1, j], n2 - table[1, j]]])
                name, stat, p = _chi2_or_fisher(tab2)
                lo, hi = _stats.newcombe_interval(table[0, j], n1, table[1, j], n2, self.alpha)
                rows.append(
                    {
                        "feature": c,
                        "value": str(u),
                        "kind": "categorical",
                        "role": role,
                        "counts": (int(cell_pos[0, j]), int(cell_pos[1, j])),
                        "ns": (int(row_pos[0]), int(row_pos[1])),
                        "x": (int(table[0, j]), int(table[1, j])),
                        "n": (n1, n2),
                        "test": name,
                        "statistic": stat,
                        "p": p,
                        "diff": table[0, j] / n1 - table[1, j] / n2,
                        "lo": lo[0],
                        "hi": hi[0],
                    }
                )
        for c in nums:
            v = X[c].to_numpy(dtype=np.float64)[test]
            res = _welch(v[in0], v[~in0], "two-sided", self.alpha)
            row = {
                "feature": c,
                "value": None,
                "kind": "numeric",
                "role": role,
                "n": (n1, n2),
                "means": (v[in0].mean(), v[~in0].mean()),
            }
            if res is not None:
                t, p, lo, hi = res
                row.update(
                    test="welch_t",
                    statistic=t,
                    p=p,
                    lo=lo,
                    hi=hi,
                    diff=v[in0].mean() - v[~in0].mean(),
                )
            rows.append(row)
        return rows

    def finish(self, feature_rows, prot_rows):
        """Apply the small-cell rule and Bonferroni; return report rows."""
        mask = self.cells.protect()
        out: list[list[FeatureTest]] = []
        for group in (feature_rows, prot_rows):
            m = sum(1 for r in group if r.get("p") is not None)
            result = []
            for r in group:
                reasons: dict[str, str] = {}
                if r["kind"] == "categorical":
                    c0 = self.cells.published(mask, r["counts"][0])
                    c1 = self.cells.published(mask, r["counts"][1])
                    n0 = self.cells.published(mask, r["ns"][0])
                    nr = self.cells.published(mask, r["ns"][1])
                    ok = None not in (c0, c1, n0, nr)
                    ok = (
                        ok
                        and disclosure.suppress_derived(
                            True,
                            r["x"][0],
                            r["n"][0] - r["x"][0],
                            r["x"][1],
                            r["n"][1] - r["x"][1],
                            k=self.k,
                        )
                        is not None
                    )
                    cv = c0 / n0 if ok and n0 else None
                    rv = c1 / nr if ok and nr else None
                else:
                    c0 = c1 = None
                    n0 = disclosure.suppress_derived(r["n"][0], r["n"][0], k=self.k)
                    nr = disclosure.suppress_derived(r["n"][1], r["n"][1], k=self.k)
                    ok = n0 is not None and nr is not None
                    cv = r["means"][0] if ok else None
                    rv = r["means"][1] if ok else None
                p = r.get("p")
                if not ok:
                    reasons["p_value"] = SUPPRESSED
                elif p is None:
                    reasons["p_value"] = "fewer than 2 test rows on a side"
                p_adj = min(1.0, p * m) if (ok and p is not None) else None
                result.append(
                    FeatureTest(
                        feature=r["feature"],
                        value=r["value"],
                        kind=r["kind"],
                        role=r["role"],
                        cluster_count=c0,
                        cluster_n=n0,
                        cluster_value=num(cv),
                        rest_count=c1,
                        rest_n=nr,
                        rest_value=num(rv),
                        difference=num(r.get("diff")) if ok else None,
                        ci_low=num(r.get("lo")) if ok else None,
                        ci_high=num(r.get("hi")) if ok else None,
                        test=r.get("test") if ok else None,
                        statistic=num(r.get("statistic")) if ok else None,
                        p_value=num(p) if ok else None,
                        p_adjusted=num(p_adj),
                        significant=bool(p_adj < self.alpha) if p_adj is not None else None,
                        reasons=reasons,
                    )
                )
            out.append(result)
        return out[0], out[1]


# --------------------------------------------------------------------------- composition


@dataclass(frozen=True)
class CompositionRow:
    category: str
    count: int | None
    share: float | None
    ci_low: float | None
    ci_high: float | None
    reference_share: float
    ratio: float | None
    p_value: float | None
    p_adjusted: float | None
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CompositionComparison:
    """A cluster's composition (counts supplied by the user, e.g. from CBS) against
    reference shares (e.g. the population of Utrecht)."""

    n: int | None
    rows: tuple[CompositionRow, ...]
    chi2: float | None
    p_value: float | None
    correction: str
    alpha: float
    k: int

    def to_dict(self) -> dict[str, Any]:
        return to_jsonable(self)


def compare_composition(
    counts: Mapping[str, int],
    reference_shares: Mapping[str, float],
    *,
    alpha: float = 0.05,
    correction: str = "holm",
    k: int = disclosure.DEFAULT_K,
) -> CompositionComparison:
    """Compare a cluster's composition with aggregate reference figures.

    Use this when the protected attribute is not in the data: describe cluster 0 (its
    profile of feature values) to a statistics office, which counts the cluster's members per
    category (e.g. herkomst) under its own disclosure rules, and compare those counts with the
    population shares. Per category: share with Wilson interval, ratio to the reference share,
    exact two-sided binomial test (Clopper & Pearson 1934; scipy ``binomtest``), corrected over
    the categories (Holm or BH); overall: Pearson chi-square goodness of fit.
    """
    cats = list(counts)
    if not cats:
        raise InputError("composition counts are empty")
    missing = [c for c in cats if c not in reference_shares]
    if missing:
        raise InputError(f"no reference share for category {missing[0]!r}", column=missing[0])
    x = np.array([counts[c] for c in cats], dtype=np.int64)
    if (x < 0).any():
        raise InputError("composition counts must be non-negative")
    ref = np.array([float(reference_shares[c]) for c in cats])
    if (ref <= 0).any() or (ref > 1).any():
        raise InputError("reference shares must be between 0 (exclusive) and 1")
    n = int(x.sum())
    if n == 0:
        raise InputError("composition counts add up to zero")
    supp = disclosure.suppress_1d(x, k, with_total=True)
    lo, hi = _stats.wilson_interval(x, n, alpha)
    p = np.array([stats.binomtest(int(xi), n, ri).pvalue for xi, ri in zip(x, ref, strict=True)])
    p_adj = _stats.adjust_pvalues(p, correction)
    rows = []
    for i, c in enumerate(cats):
        hidden = supp.mask[i]
        rows.append(
            CompositionRow(
                category=str(c),
                count=supp.values[i],
                share=None if hidden else num(x[i] / n),
                ci_low=None if hidden else num(lo[i]),
                ci_high=None if hidden else num(hi[i]),
                reference_share=float(ref[i]),
                ratio=None if hidden else num(x[i] / n / ref[i]),
                p_value=None if hidden else num(p[i]),
                p_adjusted=None if hidden else num(p_adj[i]),
                reasons={"share": SUPPRESSED} if hidden else {},
            )
        )
    expected = n * ref / ref.sum()
    chi2 = float(((x - expected) ** 2 / expected).sum())
    gof_p = float(stats.chi2.sf(chi2, len(cats) - 1)) if len(cats) > 1 else None
    return CompositionComparison(
        n=supp.total,
        rows=tuple(rows),
        chi2=num(chi2),
        p_value=num(gof_p),
        correction=correction,
        alpha=alpha,
        k=k,
    )
