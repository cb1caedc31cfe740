"""Benchmark of the bias-audit engine against the reference libraries, on the same data in the
same run, with identical results asserted.

1. Group metrics: ``group_metrics`` (every group column, the intersection, intervals, tests,
   corrections, small-cell rule) on 10M rows x 3 group columns, against Fairlearn's
   ``MetricFrame`` for the intersection of the three columns with selection rate, TPR, FPR and
   FNR. The rates of every intersection group must agree to 1e-12. Target: >= 5x faster.
2. Bias scan: ``bias_scan`` on 1M rows of categorical data against unsupervised-bias-detection
   0.2.6 (``train_test_split`` + ``BiasAwareHierarchicalKModes(random_state=seed)``, as its
   COMPAS notebook): the same clusters, scores and test-set labels. Target: >= 3x faster.
   For information also the numeric (k-means) variant, where both sides spend their time in
   the same scikit-learn ``KMeans``.

Usage: ``python bench/bench_fairness.py [--rows N] [--scan-rows N] [--only metrics|scan]``.
Wall time and peak memory (``_harness.measure``, forked child) go to bench/results/fairness.*.
"""

from __future__ import annotations

import argparse
import json
import warnings

import numpy as np
import pandas as pd
from _harness import RESULTS, machine, measure, write_result

SEED = 2026
SECTIONS = ("metrics", "scan_categorical", "scan_numeric")
GROUPS = ["wijk", "leeftijd", "geslacht"]
REFERENCE = ["Noordoost", "25-44", "vrouw"]


# --------------------------------------------------------------------------- data


def metrics_data(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    wijken = [
        "West",
        "Noordwest",
        "Overvecht",
        "Noordoost",
        "Oost",
        "Binnenstad",
        "Zuid",
        "Zuidwest",
        "Leidsche Rijn",
        "Vleuten-De Meern",
    ]
    df = pd.DataFrame(
        {
            "wijk": pd.Categorical.from_codes(rng.integers(0, 10, n), wijken),
            "leeftijd": pd.Categorical.from_codes(
                rng.integers(0, 4, n), ["<25", "25-44", "45-64", "65+"]
            ),
            "geslacht": pd.Categorical.from_codes(rng.integers(0, 2, n), ["man", "vrouw"]),
        }
    )
    young = df["leeftijd"].cat.codes.to_numpy() == 0
    label = rng.random(n) < 0.3
    p_select = np.where(label, 0.7, np.where(young, 0.35, 0.2))
    df["hit"] = label.astype(np.int8)
    df["selected"] = (rng.random(n) < p_select).astype(np.int8)
    return df


def scan_data(n: int, numeric: bool = False) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(SEED + 1)
    if numeric:
        X = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(3)})
        profile = (X["x0"] > 0.8) & (X["x1"] < 0)
    else:
        X = pd.DataFrame(
            {
                "wijk": rng.integers(0, 10, n),
                "tijd": rng.integers(0, 3, n),
                "soort": rng.integers(0, 6, n),
                "leeftijd": rng.integers(0, 4, n),
                "geslacht": rng.integers(0, 2, n),
                "eerder": rng.integers(0, 2, n),
            }
        ).astype(np.int64)
        profile = (X["wijk"] == 2) & (X["leeftijd"] == 0)
    no_hit = (rng.random(n) < np.where(profile, 0.75, 0.4)).astype(np.int64)
    return X, no_hit


# --------------------------------------------------------------------------- metrics


def ours_metrics(df: pd.DataFrame) -> dict:
    from gelijk.engines.fairness import group_metrics

    r = group_metrics(
        df, label="hit", prediction="selected", groups=GROUPS, reference=REFERENCE, k=1
    )
    inter = " × ".join(GROUPS)
    return {
        "groups": len(r.groups),
        "disparities": len(r.disparities),
        "rates": {
            g.group: {m: g.rates[m].value for m in ("selection_rate", "tpr", "fpr", "fnr")}
            | {"n": g.n}
            for g in r.groups
            if g.attribute == inter
        },
    }


def fairlearn_metrics(df: pd.DataFrame) -> dict:
    from fairlearn.metrics import (
        MetricFrame,
        count,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mf = MetricFrame(
            metrics={
                "selection_rate": selection_rate,
                "tpr": true_positive_rate,
                "fpr": false_positive_rate,
                "fnr": false_negative_rate,
                "n": count,
            },
            y_true=df["hit"],
            y_pred=df["selected"],
            sensitive_features=df[GROUPS],
        )
    return {
        " × ".join(str(k) for k in key): {m: float(v) for m, v in row.items()}
        for key, row in mf.by_group.iterrows()
    }


def bench_metrics(rows: int) -> dict:
    df = metrics_data(rows)
    ours = measure(ours_metrics, df)
    ref = measure(fairlearn_metrics, df)
    got, want = ours["value"]["rates"], ref["value"]
    assert set(got) == set(want), "different groups"
    worst = 0.0
    for g, row in want.items():
        assert got[g]["n"] == row["n"]
        for m in ("selection_rate", "tpr", "fpr", "fnr"):
            worst = max(worst, abs(got[g][m] - row[m]))
    assert worst <= 1e-12, f"rates differ by {worst}"
    ratio = ref["wall_s"] / ours["wall_s"]
    payload = {
        "rows": rows,
        "group_columns": GROUPS,
        "groups_in_report": ours["value"]["groups"],
        "disparities_in_report": ours["value"]["disparities"],
        "intersection_groups_compared": len(want),
        "max_abs_difference": worst,
        "ours": {k: ours[k] for k in ("wall_s", "peak_rss_mb")},
        "fairlearn_metricframe": {k: ref[k] for k in ("wall_s", "peak_rss_mb")},
        "speedup": round(ratio, 1),
        "target_speedup": 5,
        "passed": ratio >= 5,
    }
    lines = [
        f"## Group metrics, {rows:,} rows x 3 group columns",
        "",
        "| | wall (s) | peak RSS (MB) |",
        "|---|---|---|",
        f"| gelijk `group_metrics` (3 columns + intersection, intervals, tests, "
        f"small cells) | {ours['wall_s']} | {ours['peak_rss_mb']} |",
        f"| Fairlearn `MetricFrame` (intersection; selection rate, TPR, FPR, FNR) | "
        f"{ref['wall_s']} | {ref['peak_rss_mb']} |",
        "",
        f"Speed-up {ratio:.1f}x (target >= 5x). {len(want)} intersection groups compared; "
        f"largest difference in a rate {worst:.1e}.",
        "",
    ]
    return payload | {"summary": lines, "when": machine()["when"]}


# --------------------------------------------------------------------------- scan


def ours_scan(X, bias, categorical) -> dict:
    from gelijk.engines.fairness import bias_scan

    r = bias_scan(X, bias, seed=SEED, categorical=categorical, k=1)
    return {"scores": [c.score for c in r.clusters], "labels": r.labels, "n_clusters": r.n_clusters}


def reference_scan(X, bias, numeric: bool) -> dict:
    from sklearn.model_selection import train_test_split
    from unsupervised_bias_detection.cluster import (
        BiasAwareHierarchicalKMeans,
        BiasAwareHierarchicalKModes,
    )

    idx = np.arange(len(X))
    train, test = train_test_split(idx, test_size=0.2, random_state=SEED)
    Xn = X.to_numpy(dtype=np.float64)
    y = bias * -1
    cls = BiasAwareHierarchicalKMeans if numeric else BiasAwareHierarchicalKModes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = cls(
            bahc_max_iter=3, bahc_min_cluster_size=0.01 * train.size, random_state=SEED
        ).fit(Xn[train], y[train])
        test_labels = model.predict(Xn[test])
    labels = np.zeros(len(X), dtype=np.uint32)
    labels[train] = model.labels_
    labels[test] = test_labels
    return {"scores": list(model.scores_), "labels": labels, "n_clusters": model.n_clusters_}


def bench_scan(rows: int, numeric: bool) -> dict:
    X, bias = scan_data(rows, numeric=numeric)
    categorical = [] if numeric else list(X.columns)
    ours = measure(ours_scan, X, bias, categorical)
    ref = measure(reference_scan, X, bias, numeric)
    o, r = ours["value"], ref["value"]
    assert o["n_clusters"] == r["n_clusters"], "different number of clusters"
    assert o["scores"] == [float(s) for s in r["scores"]], "different scores"
    assert np.array_equal(o["labels"], r["labels"]), "different cluster labels"
    ratio = ref["wall_s"] / ours["wall_s"]
    kind = "numeric (k-means)" if numeric else "categorical (k-modes)"
    payload = {
        "rows": rows,
        "data": kind,
        "n_clusters": o["n_clusters"],
        "scores": o["scores"],
        "identical_labels_and_scores": True,
        "ours": {k: ours[k] for k in ("wall_s", "peak_rss_mb")},
        "unsupervised_bias_detection": {k: ref[k] for k in ("wall_s", "peak_rss_mb")},
        "speedup": round(ratio, 2),
        "target_speedup": None if numeric else 3,
        "passed": None if numeric else ratio >= 3,
    }
    lines = [
        f"## Bias scan, {rows:,} rows, {kind}",
        "",
        "| | wall (s) | peak RSS (MB) |",
        "|---|---|---|",
        f"| gelijk `bias_scan` (split, fit, predict, tests, small cells) | {ours['wall_s']} | "
        f"{ours['peak_rss_mb']} |",
        f"| unsupervised-bias-detection 0.2.6 (split, fit, predict) | {ref['wall_s']} | "
        f"{ref['peak_rss_mb']} |",
        "",
        f"Speed-up {ratio:.2f}x"
        + (" (target >= 3x)" if not numeric else " (both use scikit-learn KMeans; no target)")
        + f". Identical: {o['n_clusters']} clusters, scores and all {rows:,} labels.",
        "",
    ]
    return payload | {"summary": lines, "when": machine()["when"]}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_fairness")
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--scan-rows", type=int, default=1_000_000)
    parser.add_argument("--only", choices=("metrics", "scan"))
    args = parser.parse_args(argv)
    # Import both sides before measuring, so that the timings are the computations only.
    import fairlearn.metrics  # noqa: F401
    import unsupervised_bias_detection.cluster  # noqa: F401
    from sklearn.model_selection import train_test_split  # noqa: F401

    import gelijk.engines.fairness  # noqa: F401

    # With --only, the other sections of an earlier run are kept.
    previous = RESULTS / "fairness.json"
    payload: dict = {}
    if args.only and previous.exists():
        old = json.loads(previous.read_text())
        payload = {k: v for k, v in old.items() if k in SECTIONS}
    if args.only in (None, "metrics"):
        payload["metrics"] = bench_metrics(args.rows)
    if args.only in (None, "scan"):
        payload["scan_categorical"] = bench_scan(args.scan_rows, numeric=False)
        payload["scan_numeric"] = bench_scan(args.scan_rows, numeric=True)
    lines = [line for key in SECTIONS if key in payload for line in payload[key]["summary"]]
    write_result("fairness", payload, lines)
    print("\n".join(lines))
    failed = [k for k, v in payload.items() if v.get("passed") is False]
    return 1 if failed else 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
