"""Group metrics for a binary decision: rates per group, disparities against a reference group
with intervals and correct tests, the 0.8-1.25 band verdict, calibration by score band and
the comparison with a random-sample baseline.

Every metric is a proportion ``x / n`` of one confusion-matrix cell over one population:

================  ===========================  ====================================
metric            x (cell)                     n (population tested)
================  ===========================  ====================================
selection_rate    TP + FP (predicted positive)  everyone
prevalence        TP + FN (label positive)      everyone
tpr               TP                            label-positives (TP + FN)
fnr               FN                            label-positives
fpr               FP                            label-negatives (FP + TN)
tnr               TN                            label-negatives
precision         TP                            predicted positives (TP + FP)
fdr               FP                            predicted positives
for               FN                            predicted negatives (FN + TN)
npv               TN                            predicted negatives
================  ===========================  ====================================

A disparity compares a group's ``x1/n1`` with the reference group's ``x2/n2`` on that metric's
own population (so the FPR test uses label-negatives only, unlike Aequitas's
``fpr_significance``, which samples predicted positives and so tests the FDR): ratio with the
Katz log interval, difference with Newcombe's hybrid score interval (or a seeded percentile
bootstrap), two-proportion z-test or Fisher's exact test by Cochran's rule, and Holm or
Benjamini-Hochberg adjustment over the whole disparity table. Verdict: ``within_band`` when
0.8 <= ratio <= 1.25 (Aequitas, tau = 0.8), ``outside_band`` otherwise, ``undefined`` when the
ratio is. Formulas and sources: :mod:`gelijk.engines.fairness._stats` and
docs/methods/fairness.md.

Counting is one ``numpy.bincount`` per group column over integer group codes, so ten million
rows take about a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gelijk.engines import disclosure
from gelijk.engines.errors import InputError
from gelijk.engines.fairness import _stats
from gelijk.engines.fairness._cells import LinkedCounts
from gelijk.engines.fairness._common import (
    SUPPRESSED,
    binary_column,
    num,
    require_columns,
    require_frame,
    require_no_missing,
    rows_where,
    to_jsonable,
)

__all__ = [
    "DISPARITY_METRICS",
    "METRICS",
    "BaselineRow",
    "CalibrationRow",
    "Disparity",
    "GroupMetrics",
    "MetricsReport",
    "Rate",
    "group_metrics",
]

SCHEMA_VERSION = "1.0"

# Cell order in the count tables: index = 2 * label + prediction.
TN, FP, FN, TP = 0, 1, 2, 3

#: metric -> (cells counted in x, cells forming the population n)
METRICS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "selection_rate": ((TP, FP), (TN, FP, FN, TP)),
    "prevalence": ((TP, FN), (TN, FP, FN, TP)),
    "tpr": ((TP,), (TP, FN)),
    "fnr": ((FN,), (TP, FN)),
    "fpr": ((FP,), (FP, TN)),
    "tnr": ((TN,), (FP, TN)),
    "precision": ((TP,), (TP, FP)),
    "fdr": ((FP,), (TP, FP)),
    "for": ((FN,), (FN, TN)),
    "npv": ((TN,), (FN, TN)),
}
#: Metrics compared between groups by default (prevalence is a property of the data).
DISPARITY_METRICS = (
    "selection_rate",
    "tpr",
    "fnr",
    "fpr",
    "tnr",
    "precision",
    "fdr",
    "for",
    "npv",
)
_POPULATION_NAMES = {
    (TN, FP, FN, TP): "rows",
    (TP, FN): "label-positives (label = 1)",
    (FP, TN): "label-negatives (label = 0)",
    (TP, FP): "predicted positives",
    (FN, TN): "predicted negatives",
}
INTERSECTION_SEP = " × "


@dataclass(frozen=True)
class Rate:
    """A proportion with its Wilson interval; None with a reason when undefined or hidden."""

    value: float | None
    ci_low: float | None
    ci_high: float | None
    numerator: int | None
    denominator: int | None
    reason: str | None = None


@dataclass(frozen=True)
class GroupMetrics:
    """Counts and rates of one group (or of all rows: attribute ``"all"``)."""

    attribute: str
    group: str
    values: dict[str, str]
    n: int | None
    tp: int | None
    fp: int | None
    fn: int | None
    tn: int | None
    label_positives: int | None
    label_negatives: int | None
    predicted_positives: int | None
    predicted_negatives: int | None
    rates: dict[str, Rate]
    small_group: bool
    is_reference: bool


@dataclass(frozen=True)
class Disparity:
    """One group against the reference on one metric. ``ci_low``/``ci_high`` bound the ratio
    (Katz log or bootstrap); ``diff_ci_low``/``diff_ci_high`` bound the difference."""

    attribute: str
    group: str
    reference: str
    metric: str
    population: str
    group_value: float | None
    reference_value: float | None
    n_group: int | None
    n_reference: int | None
    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    difference: float | None
    diff_ci_low: float | None
    diff_ci_high: float | None
    test: str | None
    statistic: float | None
    p_value: float | None
    p_adjusted: float | None
    significant: bool | None
    mde: float | None
    verdict: str
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CalibrationRow:
    """Observed label rate of a group within one score band, against the reference group."""

    attribute: str
    group: str
    band: str
    band_low: float
    band_high: float
    n: int | None
    positives: int | None
    mean_score: float | None
    rate: float | None
    ci_low: float | None
    ci_high: float | None
    difference: float | None
    diff_ci_low: float | None
    diff_ci_high: float | None
    p_value: float | None
    p_adjusted: float | None
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BaselineRow:
    """A group's share among the risk-based selection against its share in the random sample.

    ``selection_ratio`` estimates P(selected | group) / P(selected | reference) as the cross
    ratio (a d) / (b c) of the 2x2 table group/reference x selected/random sample, with
    Woolf's log interval; ``representation_ratio`` is share selected / share in the sample.
    """

    attribute: str
    group: str
    reference: str
    selected: int | None
    sampled: int | None
    selected_share: float | None
    selected_share_ci_low: float | None
    selected_share_ci_high: float | None
    sample_share: float | None
    sample_share_ci_low: float | None
    sample_share_ci_high: float | None
    representation_ratio: float | None
    selection_ratio: float | None
    ci_low: float | None
    ci_high: float | None
    test: str | None
    p_value: float | None
    p_adjusted: float | None
    verdict: str
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricsReport:
    """Result of :func:`group_metrics`. Every count has passed the small-cell rule (``k``);
    values that are undefined or hidden are None with a reason."""

    schema_version: str
    kind: str
    label: str
    prediction: str | None
    score: str | None
    threshold: float | None
    group_columns: tuple[str, ...]
    reference: dict[str, str]
    random_sample: str | None
    n_rows: int
    parameters: dict[str, Any]
    overall: GroupMetrics
    groups: tuple[GroupMetrics, ...]
    disparities: tuple[Disparity, ...]
    calibration: tuple[CalibrationRow, ...]
    baseline: tuple[BaselineRow, ...]
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (no NaN/inf)."""
        return to_jsonable(self)


# --------------------------------------------------------------------------- input


@dataclass
class _Attribute:
    name: str
    columns: tuple[str, ...]
    codes: np.ndarray
    labels: list[str]
    values: list[dict[str, str]]
    reference: int | None
    single: bool
    parts: list[np.ndarray] = field(default_factory=list)


def _codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        cats = [str(c) for c in series.cat.categories]
        used = np.bincount(codes, minlength=len(cats)) > 0
        if used.all():
            return codes.astype(np.int64), cats
        remap = np.cumsum(used) - 1
        return remap[codes].astype(np.int64), [c for c, u in zip(cats, used, strict=True) if u]
    codes, uniques = pd.factorize(series, sort=True)
    return codes.astype(np.int64), [str(u) for u in uniques]


def _resolve_reference(reference, group_columns: Sequence[str]) -> dict[str, str | None]:
    if reference is None:
        return dict.fromkeys(group_columns)
    if isinstance(reference, Mapping):
        unknown = [c for c in reference if c not in group_columns]
        if unknown:
            raise InputError(
                f"reference given for {unknown[0]!r}, which is not a group column",
                column=unknown[0],
            )
        return {c: (None if reference.get(c) is None else str(reference[c])) for c in group_columns}
    values = [reference] if isinstance(reference, str) else [str(v) for v in reference]
    if len(values) != len(group_columns):
        raise InputError(
            f"give one reference value per group column ({len(group_columns)}: "
            f"{', '.join(group_columns)}), got {len(values)}"
        )
    return dict(zip(group_columns, values, strict=True))


def _prediction(df, prediction, score, threshold) -> tuple[np.ndarray, np.ndarray | None]:
    if (prediction is None) == (score is None):
        raise InputError("give either a prediction column or a score column with a threshold")
    if prediction is not None:
        return binary_column(df[prediction], "prediction"), None
    if threshold is None:
        raise InputError("a score column needs a threshold (positive means score >= threshold)")
    require_no_missing(df, [score])
    if not pd.api.types.is_numeric_dtype(df[score].dtype) or df[score].dtype == bool:
        raise InputError(f"the score column {score!r} must be numeric", column=score)
    s = df[score].to_numpy(dtype=np.float64)
    lo, hi = float(s.min()), float(s.max())
    if not lo < float(threshold) <= hi:
        raise InputError(
            f"threshold {threshold} is outside the score range: scores run from {lo:g} to "
            f"{hi:g}, and a positive prediction means score >= threshold, so every row would "
            "get the same prediction",
            column=score,
        )
    return (s >= float(threshold)).astype(np.int8), s


def _attributes(df, group_columns, refs, intersections) -> list[_Attribute]:
    attrs = []
    for col in group_columns:
        codes, labels = _codes(df[col])
        ref = refs[col]
        if ref is None:
            ref_code = int(np.argmax(np.bincount(codes, minlength=len(labels))))
        elif ref in labels:
            ref_code = labels.index(ref)
        else:
            shown = ", ".join(repr(v) for v in labels[:20])
            raise InputError(
                f"reference group {ref!r} does not occur in column {col!r}; values are: {shown}",
                column=col,
            )
        attrs.append(
            _Attribute(
                name=col,
                columns=(col,),
                codes=codes,
                labels=labels,
                values=[{col: v} for v in labels],
                reference=ref_code,
                single=True,
            )
        )
    if intersections and len(attrs) > 1:
        combined = np.zeros(len(df), dtype=np.int64)
        for a in attrs:
            combined = combined * len(a.labels) + a.codes
        uniq, inverse = np.unique(combined, return_inverse=True)
        parts_codes = []
        rest = uniq.copy()
        for a in reversed(attrs):
            parts_codes.append(rest % len(a.labels))
            rest = rest // len(a.labels)
        parts_codes.reverse()
        labels = [
            INTERSECTION_SEP.join(
                a.labels[int(p[i])] for a, p in zip(attrs, parts_codes, strict=True)
            )
            for i in range(uniq.size)
        ]
        values = [
            {a.name: a.labels[int(p[i])] for a, p in zip(attrs, parts_codes, strict=True)}
            for i in range(uniq.size)
        ]
        ref_vals = [a.labels[a.reference] for a in attrs]
        ref_label = INTERSECTION_SEP.join(ref_vals)
        attrs.append(
            _Attribute(
                name=INTERSECTION_SEP.join(group_columns),
                columns=tuple(group_columns),
                codes=inverse.reshape(-1).astype(np.int64),
                labels=labels,
                values=values,
                reference=labels.index(ref_label) if ref_label in labels else None,
                single=False,
                parts=parts_codes,
            )
        )
    return attrs


def _cell_table(codes: np.ndarray, cell: np.ndarray, n_groups: int) -> np.ndarray:
    return np.bincount(codes * 4 + cell, minlength=n_groups * 4).reshape(n_groups, 4)


# --------------------------------------------------------------------------- main entry


def group_metrics(
    df: pd.DataFrame,
    *,
    label: str,
    groups: Sequence[str],
    prediction: str | None = None,
    score: str | None = None,
    threshold: float | None = None,
    reference: str | Sequence[str] | Mapping[str, str] | None = None,
    metrics: Sequence[str] = DISPARITY_METRICS,
    intersections: bool = True,
    alpha: float = 0.05,
    correction: str = "bh",
    band: tuple[float, float] = (0.8, 1.25),
    interval: str = "score",
    n_boot: int = 2000,
    seed: int | None = None,
    min_group_size: int = 30,
    score_bands: Sequence[float] | None = None,
    random_sample: str | None = None,
    allow_undefined: bool = False,
    k: int = disclosure.DEFAULT_K,
) -> MetricsReport:
    """Confusion-matrix metrics per group, disparities against a reference group, tests.

    Parameters
    ----------
    df:
        One row per decision.
    label:
        Binary outcome column (0/1 or true/false); 1 = the event (e.g. an offence found).
    groups:
        Group columns. Each is analysed alone, and (with ``intersections``) their
        combination (e.g. ``race × sex``).
    prediction / score, threshold:
        Either a binary decision column, or a numeric score with a threshold; a score at or
        above the threshold counts as a positive decision. With a score, calibration by score
        band is added.
    reference:
        Reference group: one value per group column (a string for one column, a sequence in
        column order, or a mapping column -> value). None: the largest group. The
        intersection's reference is the combination of the column references.
    metrics:
        Metrics compared between groups (names in :data:`METRICS`).
    alpha, correction:
        Test level and the adjustment over the whole disparity table (``"bh"``
        Benjamini-Hochberg, the project default, or ``"holm"``).
    band:
        Ratios inside ``[band[0], band[1]]`` are ``within_band``.
    interval, n_boot, seed:
        ``"score"`` (Newcombe for differences, Katz log for ratios) or ``"bootstrap"``
        (seeded percentile bootstrap; ``seed`` required).
    min_group_size:
        Groups (or metric populations) smaller than this get a warning.
    score_bands:
        Band edges for calibration; default each distinct score when there are at most 20,
        otherwise deciles of the score.
    random_sample:
        Binary column: 1 = the row comes from the random sample (aselecte steekproef), 0 =
        from the risk-based selection. Adds the baseline comparison per group.
    allow_undefined:
        A group (of a single column) without label-negatives or label-positives is an error
        unless this is set; then its FPR/TNR or TPR/FNR are None with a reason.
    k:
        Small-cell threshold for every published count (``1`` publishes everything).

    Raises
    ------
    InputError
        Non-binary label or prediction, unknown columns, missing values, a reference group
        that does not occur, a threshold outside the score range, a group without
        label-negatives (or positives), invalid parameters.
    """
    df = require_frame(df)
    groups = list(groups)
    if not groups:
        raise InputError("give at least one group column")
    cols = [label, *groups]
    cols += [c for c in (prediction, score, random_sample) if c is not None]
    require_columns(df, cols, "input")
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise InputError(f"unknown metric {unknown[0]!r}; choose from {', '.join(METRICS)}")
    if interval not in ("score", "bootstrap"):
        raise InputError(f"interval must be 'score' or 'bootstrap', got {interval!r}")
    if interval == "bootstrap" and seed is None:
        raise InputError("the bootstrap needs a seed")
    if correction not in ("holm", "bh"):
        raise InputError(f"correction must be 'holm' or 'bh', got {correction!r}")
    if not 0 < alpha < 1:
        raise InputError(f"alpha must be between 0 and 1, got {alpha}")
    if not 0 < band[0] <= 1 <= band[1]:
        raise InputError(f"the band must contain 1, got {band}")
    require_no_missing(df, groups)
    y = binary_column(df[label], "label")
    pred, scores = _prediction(df, prediction, score, threshold)
    sample = binary_column(df[random_sample], "random-sample flag") if random_sample else None
    refs = _resolve_reference(reference, groups)
    attrs = _attributes(df, groups, refs, intersections)
    cell = (2 * y + pred).astype(np.int64)
    tables = [_cell_table(a.codes, cell, len(a.labels)) for a in attrs]
    _check_undefined(attrs, tables, allow_undefined)

    # All published counts are registered first and protected in one pass, because the
    # tables are linked (see _cells); the report rows are built from the protected values.
    b = _Builder(k=k, alpha=alpha, min_group_size=min_group_size)
    b.register_confusion(attrs, tables)
    calib = (
        b.register_calibration(attrs, tables, scores, y, score_bands)
        if scores is not None
        else None
    )
    base = b.register_baseline(attrs, sample) if sample is not None else None
    b.protect()

    published = b.group_rows(attrs, tables)
    raw = _disparities(attrs, tables, published, metrics, alpha, interval, n_boot, seed, b)
    p_adj = _stats.adjust_pvalues(
        np.array([np.nan if d["p"] is None else d["p"] for d in raw]), correction
    )
    disparities = tuple(
        _finish_disparity(d, pa, alpha, band) for d, pa in zip(raw, p_adj, strict=True)
    )
    calibration = b.calibration_rows(calib, correction) if calib is not None else ()
    baseline = b.baseline_rows(base, correction, band) if base is not None else ()
    warnings = list(b.warnings)
    if intersections and len(attrs) > len(groups) and attrs[-1].reference is None:
        warnings.append(
            "The combination of the reference groups does not occur, so the intersections "
            "have no disparities."
        )
    return MetricsReport(
        schema_version=SCHEMA_VERSION,
        kind="bias-metrics",
        label=label,
        prediction=prediction,
        score=score,
        threshold=None if threshold is None else float(threshold),
        group_columns=tuple(groups),
        reference={a.name: a.labels[a.reference] for a in attrs if a.reference is not None},
        random_sample=random_sample,
        n_rows=len(df),
        parameters={
            "alpha": alpha,
            "correction": correction,
            "band": list(band),
            "interval": interval,
            "n_boot": n_boot if interval == "bootstrap" else None,
            "seed": seed,
            "min_group_size": min_group_size,
            "metrics": list(metrics),
            "intersections": intersections,
            "k": k,
            "test_rule": "z-test when all expected counts >= 5, else Fisher's exact test",
        },
        overall=b.overall,
        groups=tuple(g for per_attr in published for g in per_attr),
        disparities=disparities,
        calibration=calibration,
        baseline=baseline,
        warnings=tuple(warnings),
    )


def _check_undefined(attrs, tables, allow_undefined) -> None:
    if allow_undefined:
        return
    for a, t in zip(attrs, tables, strict=True):
        if not a.single:
            continue
        for g, label in enumerate(a.labels):
            for cells, what, metric in (
                ((FP, TN), "label-negatives (label = 0)", "false-positive rate"),
                ((TP, FN), "label-positives (label = 1)", "true-positive rate"),
            ):
                if t[g, list(cells)].sum() == 0:
                    raise InputError(
                        f"group {label!r} in column {a.name!r} has no {what}, so its {metric} "
                        "is undefined; pass allow_undefined (--allow-undefined) to report it "
                        "as undefined",
                        rows=rows_where(a.codes == g),
                        column=a.name,
                    )


# --------------------------------------------------------------------------- small cells

_SUMS = (
    ("label_positives", (TP, FN)),
    ("label_negatives", (FP, TN)),
    ("predicted_positives", (TP, FP)),
    ("predicted_negatives", (FN, TN)),
)


@dataclass
class _CalibrationCells:
    bands: list[tuple[float, float, str]]
    per_attr: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


@dataclass
class _BaselineCells:
    per_attr: list[tuple[np.ndarray, np.ndarray, np.ndarray]]


class _Builder:
    """Registers every count of the report, protects them together, then builds the rows."""

    def __init__(self, k: int, alpha: float, min_group_size: int):
        self.k = k
        self.alpha = alpha
        self.min_group_size = min_group_size
        self.cells = LinkedCounts(k=k)
        self.warnings: list[str] = []
        self.overall: GroupMetrics | None = None
        self.mask = np.zeros(0, dtype=bool)
        self.cell_pos: list[np.ndarray] = []
        self.n_pos: list[np.ndarray] = []
        self.sum_pos: list[list[dict[str, int]]] = []
        self.overall_pos: tuple[np.ndarray, int, dict[str, int]] | None = None

    def value(self, pos: int) -> int | None:
        return None if self.mask[pos] else self.cells.values[pos]

    def shown(self, *positions) -> bool:
        return not any(self.mask[int(p)] for p in positions)

    def protect(self) -> None:
        self.mask = self.cells.protect()

    # -- registration ---------------------------------------------------------------------

    def register_confusion(self, attrs, tables) -> None:
        self.attrs = attrs
        cells = self.cells
        first_cols = first_grand = None
        for a, t in zip(attrs, tables, strict=True):
            if a.single:
                pos, row_tot, col_tot, grand = cells.add_table(t)
                if first_cols is None:
                    first_cols, first_grand = col_tot, grand
                else:
                    # The overall counts appear in every table: hidden everywhere or nowhere.
                    for j in range(4):
                        cells.relate([int(col_tot[j])], int(first_cols[j]))
                    cells.relate([int(grand)], int(first_grand))
            else:
                # Intersections: their column totals are the overall counts, published above.
                pos, row_tot = cells.add_table_under(t, first_cols)
            self.cell_pos.append(pos)
            self.n_pos.append(row_tot)
        # Intersection rows add up to the rows of each single column.
        for ai, a in enumerate(attrs):
            for pi, part in enumerate(a.parts):
                for v in np.unique(part):
                    members = np.flatnonzero(part == v)
                    for j in range(4):
                        cells.relate(
                            self.cell_pos[ai][members, j].tolist(), int(self.cell_pos[pi][v, j])
                        )
                    cells.relate(self.n_pos[ai][members].tolist(), int(self.n_pos[pi][v]))
        for pos in self.cell_pos:
            self.sum_pos.append(
                [
                    {name: cells.add_sum([int(pos[g, c]) for c in cs]) for name, cs in _SUMS}
                    for g in range(pos.shape[0])
                ]
            )
        overall_sums = {name: cells.add_sum([int(first_cols[c]) for c in cs]) for name, cs in _SUMS}
        self.overall_pos = (first_cols, int(first_grand), overall_sums)

    def register_calibration(self, attrs, tables, scores, y, edges) -> _CalibrationCells:
        band_idx, bands = _bands(scores, edges)
        n_bands = len(bands)
        per_attr = []
        first_bands = None
        # Calibration is reported per group column; intersections x bands would be too thin.
        for ai, a in enumerate(attrs):
            if not a.single:
                continue
            n_groups = len(a.labels)
            key = a.codes * n_bands + band_idx
            n = np.bincount(key, minlength=n_groups * n_bands).reshape(n_groups, n_bands)
            pos = np.bincount(key, weights=y, minlength=n_groups * n_bands)
            pos = pos.reshape(n_groups, n_bands).astype(np.int64)
            ssum = np.bincount(key, weights=scores, minlength=n_groups * n_bands)
            # Bands x groups, under the groups' label-positive and label-negative counts; a
            # count with a small term (e.g. FN < k) is certainly hidden.
            sums = self.sum_pos[ai]
            conf = tables[ai]
            small = (conf > 0) & (conf < self.k)
            pos_t, pos_band = self.cells.add_table_under(
                pos.T,
                np.array([sums[g]["label_positives"] for g in range(n_groups)]),
                small[:, [TP, FN]].any(axis=1),
            )
            neg_t, neg_band = self.cells.add_table_under(
                (n - pos).T,
                np.array([sums[g]["label_negatives"] for g in range(n_groups)]),
                small[:, [FP, TN]].any(axis=1),
            )
            pos_cells, neg_cells = pos_t.T, neg_t.T
            # Band totals are the same for every group column.
            if first_bands is None:
                first_bands = (pos_band, neg_band)
            else:
                for here, there in ((pos_band, first_bands[0]), (neg_band, first_bands[1])):
                    for j in range(n_bands):
                        self.cells.relate([int(here[j])], int(there[j]))
            per_attr.append((n, pos, ssum.reshape(n_groups, n_bands), pos_cells, neg_cells))
        return _CalibrationCells(bands=bands, per_attr=per_attr)

    def register_baseline(self, attrs, sample) -> _BaselineCells:
        per_attr = []
        for a in attrs:
            n_groups = len(a.labels)
            sel = np.bincount(a.codes[sample == 0], minlength=n_groups)
            smp = np.bincount(a.codes[sample == 1], minlength=n_groups)
            pos, _, _, _ = self.cells.add_table(np.column_stack([sel, smp]))
            per_attr.append((sel, smp, pos))
        return _BaselineCells(per_attr=per_attr)

    # -- rows -----------------------------------------------------------------------------

    def group_rows(self, attrs, tables) -> list[list[GroupMetrics]]:
        out = []
        for ai, (a, t) in enumerate(zip(attrs, tables, strict=True)):
            out.append(
                [
                    self._group_row(
                        attribute=a.name,
                        group=a.labels[g],
                        values=a.values[g],
                        counts=t[g],
                        cell_pos=self.cell_pos[ai][g],
                        n_pos=int(self.n_pos[ai][g]),
                        sum_pos=self.sum_pos[ai][g],
                        is_reference=g == a.reference,
                    )
                    for g in range(len(a.labels))
                ]
            )
        first_cols, grand, sums = self.overall_pos
        self.overall = self._group_row(
            attribute="all",
            group="all",
            values={},
            counts=tables[0].sum(axis=0),
            cell_pos=first_cols,
            n_pos=grand,
            sum_pos=sums,
            is_reference=False,
        )
        return out

    def _group_row(
        self, *, attribute, group, values, counts, cell_pos, n_pos, sum_pos, is_reference
    ) -> GroupMetrics:
        rates = {}
        for metric, (xs, ns) in METRICS.items():
            x = int(counts[list(xs)].sum())
            n = int(counts[list(ns)].sum())
            small = disclosure.suppress_derived(True, x, n - x, k=self.k) is None
            if n == 0:
                rates[metric] = Rate(None, None, None, 0, 0, f"no {_POPULATION_NAMES[ns]}")
            elif small or not self.shown(*(cell_pos[c] for c in ns)):
                rates[metric] = Rate(None, None, None, None, None, SUPPRESSED)
            else:
                lo, hi = _stats.wilson_interval(x, n, self.alpha)
                rates[metric] = Rate(num(x / n), num(lo[0]), num(hi[0]), x, n)
        small_group = int(counts.sum()) < self.min_group_size
        if small_group and attribute != "all":
            self.warnings.append(
                f"Group {group!r} ({attribute}) has fewer than {self.min_group_size} rows; "
                "its rates are uncertain (see the intervals)."
            )
        return GroupMetrics(
            attribute=attribute,
            group=group,
            values=values,
            n=self.value(n_pos),
            tp=self.value(int(cell_pos[TP])),
            fp=self.value(int(cell_pos[FP])),
            fn=self.value(int(cell_pos[FN])),
            tn=self.value(int(cell_pos[TN])),
            label_positives=self.value(sum_pos["label_positives"]),
            label_negatives=self.value(sum_pos["label_negatives"]),
            predicted_positives=self.value(sum_pos["predicted_positives"]),
            predicted_negatives=self.value(sum_pos["predicted_negatives"]),
            rates=rates,
            small_group=small_group,
            is_reference=is_reference,
        )

    def calibration_rows(self, calib: _CalibrationCells, correction: str):
        return _calibration_rows(self, calib, correction)

    def baseline_rows(self, base: _BaselineCells, correction: str, band):
        return _baseline_rows(self, base, correction, band)


# --------------------------------------------------------------------------- disparities


def _disparities(attrs, tables, published, metrics, alpha, interval, n_boot, seed, b):
    rows = []
    for ai, (a, t) in enumerate(zip(attrs, tables, strict=True)):
        others = [g for g in range(len(a.labels)) if g != a.reference]
        if a.reference is None or not others:
            continue
        idx = np.array(others)
        for metric in metrics:
            xs, ns = METRICS[metric]
            x = t[:, list(xs)].sum(axis=1)
            n = t[:, list(ns)].sum(axis=1)
            x1, n1 = x[idx], n[idx]
            x2 = np.full(idx.size, x[a.reference])
            n2 = np.full(idx.size, n[a.reference])
            p1, p2 = _stats.rate(x1, n1), _stats.rate(x2, n2)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(p2 > 0, p1 / np.where(p2 > 0, p2, 1.0), np.nan)
            if interval == "bootstrap":
                d_lo, d_hi, r_lo, r_hi = _stats.bootstrap_intervals(
                    x1, n1, x2, n2, n_boot=n_boot, seed=seed, alpha=alpha
                )
            else:
                d_lo, d_hi = _stats.newcombe_interval(x1, n1, x2, n2, alpha)
                r_lo, r_hi = _stats.katz_log_interval(x1, n1, x2, n2, alpha)
            stat, pval, exact = _stats.two_proportion_test(x1, n1, x2, n2)
            mde = _stats.minimal_detectable_difference(n1, n2, p2, alpha)
            ref_rate = published[ai][a.reference].rates[metric]
            for i, g in enumerate(others):
                base = {
                    "attribute": a.name,
                    "group": a.labels[g],
                    "reference": a.labels[a.reference],
                    "metric": metric,
                    "population": _POPULATION_NAMES[ns],
                }
                missing = [
                    f"{who} rate: {r.reason}"
                    for who, r in (
                        ("group", published[ai][g].rates[metric]),
                        ("reference", ref_rate),
                    )
                    if r.value is None
                ]
                if missing:
                    rows.append({"base": base, "p": None, "missing": "; ".join(missing)})
                    continue
                rows.append(
                    {
                        "base": base,
                        "values": (p1[i], p2[i], int(n1[i]), int(n2[i])),
                        "ratio": ratio[i],
                        "ci": (r_lo[i], r_hi[i]),
                        "diff": p1[i] - p2[i],
                        "dci": (d_lo[i], d_hi[i]),
                        "test": "fisher" if exact[i] else "z",
                        "stat": None if exact[i] else stat[i],
                        "p": float(pval[i]),
                        "mde": mde[i],
                    }
                )
                if a.single and min(int(n1[i]), int(n2[i])) < b.min_group_size:
                    b.warnings.append(
                        f"{metric} of {a.labels[g]!r} against {a.labels[a.reference]!r} "
                        f"({a.name}) rests on fewer than {b.min_group_size} "
                        f"{_POPULATION_NAMES[ns]}."
                    )
    return rows


def _verdict(ratio: float | None, band: tuple[float, float]) -> str:
    if ratio is None:
        return "undefined"
    return "within_band" if band[0] <= ratio <= band[1] else "outside_band"


def _finish_disparity(d: dict[str, Any], p_adj: float, alpha: float, band) -> Disparity:
    if "missing" in d:
        none = dict.fromkeys(
            (
                "group_value",
                "reference_value",
                "n_group",
                "n_reference",
                "ratio",
                "ci_low",
                "ci_high",
                "difference",
                "diff_ci_low",
                "diff_ci_high",
                "test",
                "statistic",
                "p_value",
                "p_adjusted",
                "significant",
                "mde",
            )
        )
        return Disparity(**d["base"], **none, verdict="undefined", reasons={"ratio": d["missing"]})
    ratio = num(d["ratio"])
    reasons = {}
    if ratio is None:
        reasons["ratio"] = "the reference rate is 0"
    ci_low, ci_high = num(d["ci"][0]), num(d["ci"][1])
    if ci_low is None or ci_high is None:
        reasons["ci_low"] = "the ratio interval is undefined (empty group or unbounded)"
    gv, rv, n1, n2 = d["values"]
    return Disparity(
        **d["base"],
        group_value=num(gv),
        reference_value=num(rv),
        n_group=n1,
        n_reference=n2,
        ratio=ratio,
        ci_low=ci_low,
        ci_high=ci_high,
        difference=num(d["diff"]),
        diff_ci_low=num(d["dci"][0]),
        diff_ci_high=num(d["dci"][1]),
        test=d["test"],
        statistic=num(d["stat"]),
        p_value=num(d["p"]),
        p_adjusted=num(p_adj),
        significant=bool(p_adj < alpha),
        mde=num(d["mde"]),
        verdict=_verdict(ratio, band),
        reasons=reasons,
    )


# --------------------------------------------------------------------------- calibration


def _bands(scores: np.ndarray, edges: Sequence[float] | None) -> tuple[np.ndarray, list]:
    """Band index per row and (low, high, label) per band."""
    if edges is None:
        distinct = np.unique(scores)
        if distinct.size <= 20:
            return np.searchsorted(distinct, scores), [
                (float(v), float(v), f"{v:g}") for v in distinct
            ]
        edges = np.unique(np.quantile(scores, np.linspace(0, 1, 11)))
    edges = np.asarray(sorted(edges), dtype=np.float64)
    if edges.size < 2:
        raise InputError("give at least two score band edges")
    if scores.min() < edges[0] or scores.max() > edges[-1]:
        raise InputError(
            f"score bands {edges[0]:g}..{edges[-1]:g} do not cover all scores "
            f"({scores.min():g}..{scores.max():g})"
        )
    last = edges.size - 2
    idx = np.clip(np.searchsorted(edges, scores, side="right") - 1, 0, last)
    bands = [
        (
            float(edges[i]),
            float(edges[i + 1]),
            f"[{edges[i]:g}, {edges[i + 1]:g}{']' if i == last else ')'}",
        )
        for i in range(last + 1)
    ]
    return idx, bands


def _calibration_rows(b: _Builder, calib: _CalibrationCells, correction: str):
    raw = []
    singles = [a for a in b.attrs if a.single]
    for a, (n, pos, ssum, pos_cells, neg_cells) in zip(singles, calib.per_attr, strict=True):
        ref = a.reference
        for g in range(len(a.labels)):
            for j, (low, high, name) in enumerate(calib.bands):
                entry = {
                    "base": {
                        "attribute": a.name,
                        "group": a.labels[g],
                        "band": name,
                        "band_low": low,
                        "band_high": high,
                    },
                    "shown": b.shown(pos_cells[g, j], neg_cells[g, j]),
                    "n": int(n[g, j]),
                    "x": int(pos[g, j]),
                    "mean": ssum[g, j] / n[g, j] if n[g, j] else None,
                    "p": None,
                }
                comparable = (
                    entry["shown"]
                    and ref is not None
                    and g != ref
                    and b.shown(pos_cells[ref, j], neg_cells[ref, j])
                    and n[g, j] > 0
                    and n[ref, j] > 0
                )
                if comparable:
                    args = (pos[g, j], n[g, j], pos[ref, j], n[ref, j])
                    _, pv, _ = _stats.two_proportion_test(*args)
                    lo, hi = _stats.newcombe_interval(*args, b.alpha)
                    entry["p"] = float(pv[0])
                    entry["d"] = (pos[g, j] / n[g, j] - pos[ref, j] / n[ref, j], lo[0], hi[0])
                raw.append(entry)
    p_adj = _stats.adjust_pvalues(
        np.array([np.nan if e["p"] is None else e["p"] for e in raw]), correction
    )
    rows = []
    for e, pa in zip(raw, p_adj, strict=True):
        reasons: dict[str, str] = {}
        values: dict[str, Any] = dict.fromkeys(
            (
                "n",
                "positives",
                "mean_score",
                "rate",
                "ci_low",
                "ci_high",
                "difference",
                "diff_ci_low",
                "diff_ci_high",
                "p_value",
                "p_adjusted",
            )
        )
        if not e["shown"]:
            reasons["rate"] = SUPPRESSED
        else:
            values.update(n=e["n"], positives=e["x"], mean_score=num(e["mean"]))
            if e["n"] == 0:
                reasons["rate"] = "no rows in this band"
            else:
                lo, hi = _stats.wilson_interval(e["x"], e["n"], b.alpha)
                values.update(rate=num(e["x"] / e["n"]), ci_low=num(lo[0]), ci_high=num(hi[0]))
            if "d" in e:
                d, lo_d, hi_d = e["d"]
                values.update(
                    difference=num(d),
                    diff_ci_low=num(lo_d),
                    diff_ci_high=num(hi_d),
                    p_value=num(e["p"]),
                    p_adjusted=num(pa),
                )
            else:
                reasons["p_value"] = "reference group, or no comparison possible in this band"
        rows.append(CalibrationRow(**e["base"], **values, reasons=reasons))
    return tuple(rows)


# --------------------------------------------------------------------------- baseline


def _baseline_rows(b: _Builder, base: _BaselineCells, correction: str, band):
    z = _stats.z_value(b.alpha)
    raw = []
    for a, (sel, smp, pos) in zip(b.attrs, base.per_attr, strict=True):
        ref = a.reference
        if ref is None:
            continue
        n_sel, n_smp = int(sel.sum()), int(smp.sum())
        lo_s, hi_s = _stats.wilson_interval(sel, n_sel, b.alpha)
        lo_r, hi_r = _stats.wilson_interval(smp, n_smp, b.alpha)
        for g in range(len(a.labels)):
            if g == ref:
                continue
            head = {"attribute": a.name, "group": a.labels[g], "reference": a.labels[ref]}
            if not b.shown(pos[g, 0], pos[g, 1], pos[ref, 0], pos[ref, 1]):
                raw.append({"base": head, "p": None})
                continue
            cells = [float(v) for v in (sel[g], smp[g], sel[ref], smp[ref])]
            if 0.0 in cells:  # Haldane-Anscombe correction, for the interval only
                cells = [c + 0.5 for c in cells]
            ca, cb, cc, cd = cells
            log_or = np.log(ca * cd / (cb * cc))
            se = np.sqrt(1 / ca + 1 / cb + 1 / cc + 1 / cd)
            denom = smp[g] * sel[ref]
            _, pv, exact = _stats.two_proportion_test(
                sel[g], sel[g] + smp[g], sel[ref], sel[ref] + smp[ref]
            )
            raw.append(
                {
                    "base": head,
                    "counts": (int(sel[g]), int(smp[g])),
                    "sel_share": (sel[g] / n_sel, lo_s[g], hi_s[g]),
                    "smp_share": (smp[g] / n_smp, lo_r[g], hi_r[g]),
                    "rep": (sel[g] / n_sel) / (smp[g] / n_smp) if smp[g] else None,
                    "ratio": sel[g] * smp[ref] / denom if denom else None,
                    "ci": (np.exp(log_or - z * se), np.exp(log_or + z * se)),
                    "test": "fisher" if exact[0] else "z",
                    "p": float(pv[0]),
                }
            )
    p_adj = _stats.adjust_pvalues(
        np.array([np.nan if e["p"] is None else e["p"] for e in raw]), correction
    )
    rows = []
    for e, pa in zip(raw, p_adj, strict=True):
        values: dict[str, Any] = dict.fromkeys(
            (
                "selected",
                "sampled",
                "selected_share",
                "selected_share_ci_low",
                "selected_share_ci_high",
                "sample_share",
                "sample_share_ci_low",
                "sample_share_ci_high",
                "representation_ratio",
                "selection_ratio",
                "ci_low",
                "ci_high",
                "test",
                "p_value",
                "p_adjusted",
            )
        )
        reasons: dict[str, str] = {}
        if e["p"] is None:
            reasons["selection_ratio"] = SUPPRESSED
        else:
            ratio = num(e["ratio"])
            if ratio is None:
                reasons["selection_ratio"] = "the group or the reference is absent from a sample"
            values.update(
                selected=e["counts"][0],
                sampled=e["counts"][1],
                selected_share=num(e["sel_share"][0]),
                selected_share_ci_low=num(e["sel_share"][1]),
                selected_share_ci_high=num(e["sel_share"][2]),
                sample_share=num(e["smp_share"][0]),
                sample_share_ci_low=num(e["smp_share"][1]),
                sample_share_ci_high=num(e["smp_share"][2]),
                representation_ratio=num(e["rep"]),
                selection_ratio=ratio,
                ci_low=num(e["ci"][0]),
                ci_high=num(e["ci"][1]),
                test=e["test"],
                p_value=num(e["p"]),
                p_adjusted=num(pa),
            )
        rows.append(
            BaselineRow(
                **e["base"],
                **values,
                verdict=_verdict(values["selection_ratio"], band),
                reasons=reasons,
            )
        )
    return tuple(rows)
