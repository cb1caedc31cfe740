"""Group metrics on COMPAS against ProPublica's published truth tables and, side by side,
against Fairlearn and Aequitas; the Aequitas FPR-test defect; bad input; small cells."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (
    MetricFrame,
    count,
    false_negative_rate,
    false_positive_rate,
    selection_rate,
    true_negative_rate,
    true_positive_rate,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import precision_score
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from gelijk.engines import disclosure
from gelijk.engines.errors import InputError
from gelijk.engines.fairness import group_metrics

TOL = 1e-6


def _report(df, groups=("race",), reference="Caucasian", **kw):
    kw.setdefault("k", 1)
    return group_metrics(
        df,
        label="two_year_recid",
        prediction="pred",
        groups=list(groups),
        reference=reference,
        **kw,
    )


def _rows(report, attribute):
    return {g.group: g for g in report.groups if g.attribute == attribute}


# --------------------------------------------------------------------------- published figures


def test_variant_a_reproduces_propublica_truth_tables(compas_a):
    # ProPublica, "How We Analyzed the COMPAS Recidivism Algorithm" (2016), truth tables
    # (Low = not Medium/High): all defendants, black defendants, white defendants.
    r = _report(compas_a)
    published = {
        "all": (2681, 1282, 1216, 2035, 32.35, 37.40),
        "African-American": (990, 805, 532, 1369, 44.85, 27.99),
        "Caucasian": (1139, 349, 461, 505, 23.45, 47.72),
    }
    rows = _rows(r, "race") | {"all": r.overall}
    for who, (tn, fp, fn, tp, fpr, fnr) in published.items():
        g = rows[who]
        assert (g.tn, g.fp, g.fn, g.tp) == (tn, fp, fn, tp)
        assert round(100 * g.rates["fpr"].value, 2) == fpr
        assert round(100 * g.rates["fnr"].value, 2) == fnr


def test_variant_b_has_propublicas_filtered_row_count(compas_b):
    assert len(compas_b) == 6172
    r = _report(compas_b)
    assert r.overall.n == 6172


# --------------------------------------------------------------------------- fairlearn


@pytest.mark.parametrize("variant", ["compas_a", "compas_b"])
@pytest.mark.parametrize("groups", [("race",), ("sex",), ("race", "sex")])
def test_rates_agree_with_fairlearn(request, variant, groups):
    df = request.getfixturevalue(variant)
    ref = {"race": "Caucasian", "sex": "Male"}
    r = _report(df, groups=groups, reference=[ref[g] for g in groups], allow_undefined=True)
    mf = MetricFrame(
        metrics={
            "selection_rate": selection_rate,
            "tpr": true_positive_rate,
            "fpr": false_positive_rate,
            "fnr": false_negative_rate,
            "tnr": true_negative_rate,
            "precision": lambda yt, yp: precision_score(yt, yp, zero_division=np.nan),
            "count": count,
        },
        y_true=df["two_year_recid"],
        y_pred=df["pred"],
        sensitive_features=df[list(groups)],
    )
    attribute = " × ".join(groups)
    ours = _rows(r, attribute)
    assert len(ours) == len(mf.by_group)
    for key, row in mf.by_group.iterrows():
        label = " × ".join(key) if isinstance(key, tuple) else key
        g = ours[label]
        assert g.n == row["count"]
        for metric in ("selection_rate", "tpr", "fpr", "fnr", "tnr", "precision"):
            want = row[metric]
            rate = g.rates[metric]
            if rate.denominator == 0:
                # Undefined (e.g. TPR without label-positives): None with a reason here;
                # Fairlearn returns 0 (sklearn's zero_division) or nan.
                assert rate.value is None and rate.reason.startswith("no ")
                assert want == 0 or np.isnan(want)
            else:
                assert abs(rate.value - want) < TOL


# --------------------------------------------------------------------------- aequitas


def _aequitas(df, ref="Caucasian"):
    from aequitas.bias import Bias
    from aequitas.group import Group

    a = pd.DataFrame({"score": df["pred"], "label_value": df["two_year_recid"], "race": df["race"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        xtab, _ = Group().get_crosstabs(a)
        bdf = Bias().get_disparity_predefined_groups(
            xtab,
            original_df=a,
            ref_groups_dict={"race": ref},
            alpha=0.05,
            check_significance=True,
            mask_significance=False,
        )
    return bdf.set_index("attribute_value")


@pytest.mark.parametrize("variant", ["compas_a", "compas_b"])
def test_counts_rates_and_disparities_agree_with_aequitas(request, variant):
    df = request.getfixturevalue(variant)
    aeq = _aequitas(df)
    r = _report(df)
    ours = _rows(r, "race")
    names = {
        "selection_rate": "pprev",
        "tpr": "tpr",
        "tnr": "tnr",
        "fpr": "fpr",
        "fnr": "fnr",
        "precision": "precision",
        "fdr": "fdr",
        "for": "for",
        "npv": "npv",
    }
    for race, row in aeq.iterrows():
        g = ours[race]
        assert (g.tp, g.fp, g.fn, g.tn, g.n) == (
            row["tp"],
            row["fp"],
            row["fn"],
            row["tn"],
            row["group_size"],
        )
        assert g.label_positives == row["group_label_pos"]
        assert g.predicted_positives == row["pp"]
        assert abs(g.rates["prevalence"].value - row["prev"]) < TOL
        for ours_name, aeq_name in names.items():
            assert abs(g.rates[ours_name].value - row[aeq_name]) < TOL
    disparities = {(d.group, d.metric): d for d in r.disparities}
    for race, row in aeq.drop(index="Caucasian").iterrows():
        for ours_name, aeq_name in names.items():
            assert abs(disparities[race, ours_name].ratio - row[f"{aeq_name}_disparity"]) < TOL


def test_aequitas_fpr_significance_tests_the_fdr_and_ours_tests_the_fpr(compas_a):
    aeq = _aequitas(compas_a)
    # Aequitas's "fpr" significance is computed on predicted positives: it equals its FDR test.
    np.testing.assert_allclose(aeq["fpr_significance"], aeq["fdr_significance"])
    # Ours is the two-proportion test on label-negatives: FP out of FP + TN per group.
    r = _report(compas_a)
    rows = _rows(r, "race")
    d = next(x for x in r.disparities if x.group == "African-American" and x.metric == "fpr")
    g, ref = rows["African-American"], rows["Caucasian"]
    z, p = proportions_ztest([g.fp, ref.fp], [g.fp + g.tn, ref.fp + ref.tn])
    assert d.test == "z" and d.p_value == pytest.approx(p, rel=1e-9)
    # 44.8% against 23.5% of ~1,500 label-negatives each is far from chance (p ~ 1e-37);
    # Aequitas reports p = 0.05, the p-value for the FDR (39.3% vs 40.9%).
    assert d.p_value < 1e-30
    assert aeq.loc["African-American", "fpr_significance"] > 0.04


def _equal_fpr_data(rng, n=1500):
    frames = []
    for name, prev in (("A", 0.2), ("B", 0.5)):
        y = rng.random(n) < prev
        p = np.where(y, rng.random(n) < 0.7, rng.random(n) < 0.2)
        frames.append(
            pd.DataFrame({"race": name, "two_year_recid": y.astype(int), "pred": p.astype(int)})
        )
    return pd.concat(frames, ignore_index=True)


def test_by_simulation_only_our_fpr_test_holds_its_level_when_fprs_are_equal():
    """Two groups with the same FPR (0.2) and TPR (0.7) but different prevalence (0.2 vs 0.5):
    the FDRs differ, the FPRs do not, so a correct FPR test rejects about 5% of the time."""
    rng = np.random.default_rng(11)
    ours = [
        next(
            x for x in _report(_equal_fpr_data(rng), reference="B").disparities if x.metric == "fpr"
        ).p_value
        < 0.05
        for _ in range(200)
    ]
    assert 0.02 <= np.mean(ours) <= 0.09  # binomial(200, 0.05): 0.05 +/- 0.015
    aeq = [
        _aequitas(_equal_fpr_data(rng), ref="B").loc["A", "fpr_significance"] < 0.05
        for _ in range(12)
    ]
    assert all(aeq)  # Aequitas "finds" an FPR difference every time: it tests the FDR


# --------------------------------------------------------------------------- our statistics


def test_each_metric_is_tested_on_its_own_population(compas_a):
    r = _report(compas_a)
    rows = _rows(r, "race")
    g, ref = rows["Hispanic"], rows["Caucasian"]
    populations = {
        "selection_rate": (lambda x: x.tp + x.fp, lambda x: x.n),
        "fnr": (lambda x: x.fn, lambda x: x.tp + x.fn),
        "fpr": (lambda x: x.fp, lambda x: x.fp + x.tn),
        "precision": (lambda x: x.tp, lambda x: x.tp + x.fp),
        "for": (lambda x: x.fn, lambda x: x.fn + x.tn),
    }
    for metric, (num, den) in populations.items():
        d = next(x for x in r.disparities if x.group == "Hispanic" and x.metric == metric)
        _, p = proportions_ztest([num(g), num(ref)], [den(g), den(ref)])
        assert d.p_value == pytest.approx(p, rel=1e-9), metric
        assert d.n_group == den(g) and d.n_reference == den(ref)


def test_small_counts_use_fishers_exact_test(compas_a):
    r = _report(compas_a)
    d = next(x for x in r.disparities if x.group == "Native American" and x.metric == "fnr")
    rows = _rows(r, "race")
    g, ref = rows["Native American"], rows["Caucasian"]
    assert d.test == "fisher" and d.statistic is None
    table = [[g.fn, g.tp], [ref.fn, ref.tp]]
    assert d.p_value == pytest.approx(stats.fisher_exact(table)[1])


@pytest.mark.parametrize("correction", ["bh", "holm"])
def test_p_values_are_adjusted_over_the_whole_table(compas_a, correction):
    r = _report(
        compas_a,
        groups=("race", "sex"),
        reference=["Caucasian", "Male"],
        correction=correction,
        allow_undefined=True,
    )
    tested = [d for d in r.disparities if d.p_value is not None]
    want = multipletests(
        [d.p_value for d in tested], method="fdr_bh" if correction == "bh" else "holm"
    )[1]
    np.testing.assert_allclose([d.p_adjusted for d in tested], want, rtol=1e-12)
    assert {d.attribute for d in tested} == {"race", "sex", "race × sex"}


def test_band_verdicts(compas_a):
    r = _report(compas_a)
    for d in r.disparities:
        if d.ratio is None:
            assert d.verdict == "undefined"
        elif 0.8 <= d.ratio <= 1.25:
            assert d.verdict == "within_band"
        else:
            assert d.verdict == "outside_band"
    by = {(d.group, d.metric): d for d in r.disparities}
    assert by["African-American", "fpr"].verdict == "outside_band"  # 1.91
    assert by["Hispanic", "fpr"].verdict == "within_band"  # 0.92


def test_intervals_contain_their_estimates(compas_a):
    r = _report(
        compas_a, groups=("race", "sex"), reference=["Caucasian", "Male"], allow_undefined=True
    )
    for d in r.disparities:
        if d.ratio is not None and d.ci_low is not None:
            assert d.ci_low <= d.ratio <= d.ci_high
        if d.difference is not None:
            assert d.diff_ci_low <= d.difference <= d.diff_ci_high
    for g in r.groups:
        for rate in g.rates.values():
            if rate.value is not None:
                assert rate.ci_low <= rate.value <= rate.ci_high


def test_bootstrap_intervals_are_seeded(compas_a):
    a = _report(compas_a, interval="bootstrap", n_boot=500, seed=3)
    b = _report(compas_a, interval="bootstrap", n_boot=500, seed=3)
    assert [d.ci_low for d in a.disparities] == [d.ci_low for d in b.disparities]
    with pytest.raises(InputError, match="seed"):
        _report(compas_a, interval="bootstrap")


def test_score_with_threshold_equals_the_prediction_and_adds_calibration(compas_a):
    by_pred = _report(compas_a)
    by_score = group_metrics(
        compas_a,
        label="two_year_recid",
        score="decile_score",
        threshold=5,
        groups=["race"],
        reference="Caucasian",
        k=1,
    )
    assert [g.tp for g in by_pred.groups] == [g.tp for g in by_score.groups]
    assert by_pred.calibration == ()
    cal = [c for c in by_score.calibration if c.group == "African-American"]
    assert [c.band for c in cal] == [str(i) for i in range(1, 11)]
    black = compas_a[compas_a["race"] == "African-American"]
    want = black.groupby("decile_score")["two_year_recid"].agg(["size", "mean"])
    assert [c.n for c in cal] == want["size"].tolist()
    np.testing.assert_allclose([c.rate for c in cal], want["mean"], atol=TOL)
    assert sum(c.n for c in cal) == _rows(by_score, "race")["African-American"].n


def test_intersections_use_the_combined_reference(compas_a):
    r = _report(
        compas_a, groups=("race", "sex"), reference=["Caucasian", "Male"], allow_undefined=True
    )
    assert r.reference["race × sex"] == "Caucasian × Male"
    inter = [d for d in r.disparities if d.attribute == "race × sex"]
    assert inter and all(d.reference == "Caucasian × Male" for d in inter)
    counts = compas_a.groupby(["race", "sex"]).size()
    rows = _rows(r, "race × sex")
    for (race, sex), n in counts.items():
        assert rows[f"{race} × {sex}"].n == n


# --------------------------------------------------------------------------- baseline


def _selection_data(rng, ratio):
    """Population 30% A / 70% B; a random sample, and a risk selection that picks A `ratio`
    times as often as B."""
    n = 200_000
    group = np.where(rng.random(n) < 0.3, "A", "B")
    sample = rng.random(n) < 0.01
    p_sel = np.where(group == "A", 0.02 * ratio, 0.02)
    selected = ~sample & (rng.random(n) < p_sel)
    keep = sample | selected
    return pd.DataFrame(
        {
            "groep": group[keep],
            "steekproef": sample[keep].astype(int),
            "hit": (rng.random(keep.sum()) < 0.3).astype(int),
            "pred": (~sample[keep]).astype(int),
        }
    )


def test_random_sample_baseline_recovers_a_known_selection_ratio():
    rng = np.random.default_rng(4)
    df = _selection_data(rng, ratio=2.0)
    r = group_metrics(
        df,
        label="hit",
        prediction="pred",
        groups=["groep"],
        reference="B",
        random_sample="steekproef",
        k=10,
    )
    (row,) = r.baseline
    assert row.group == "A" and row.ci_low < 2.0 < row.ci_high
    assert row.selection_ratio == pytest.approx(2.0, rel=0.15)
    assert row.verdict == "outside_band" and row.p_adjusted < 0.001
    sel, smp = df[df.steekproef == 0], df[df.steekproef == 1]
    a, b = (sel.groep == "A").sum(), (smp.groep == "A").sum()
    c, d = (sel.groep == "B").sum(), (smp.groep == "B").sum()
    assert row.selection_ratio == pytest.approx(a * d / (b * c))
    assert row.representation_ratio == pytest.approx((a / len(sel)) / (b / len(smp)))


def test_random_sample_baseline_without_bias_is_within_band():
    rng = np.random.default_rng(5)
    df = _selection_data(rng, ratio=1.0)
    r = group_metrics(
        df,
        label="hit",
        prediction="pred",
        groups=["groep"],
        reference="B",
        random_sample="steekproef",
    )
    (row,) = r.baseline
    assert row.ci_low < 1.0 < row.ci_high and row.verdict == "within_band"


# --------------------------------------------------------------------------- small cells


def test_small_cell_rule_hides_small_counts_and_what_follows_from_them(compas_a):
    r = group_metrics(
        compas_a,
        label="two_year_recid",
        score="decile_score",
        threshold=5,
        groups=["race", "sex"],
        reference=["Caucasian", "Male"],
        k=10,
        allow_undefined=True,
    )
    data = r.to_dict()
    json.dumps(data, allow_nan=False)
    counts = (
        "n",
        "tp",
        "fp",
        "fn",
        "tn",
        "label_positives",
        "label_negatives",
        "predicted_positives",
        "predicted_negatives",
    )
    for g in [*data["groups"], data["overall"]]:
        for key in counts:
            assert g[key] is None or g[key] == 0 or g[key] >= 10, (g["group"], key)
    for c in data["calibration"]:
        for key in ("n", "positives"):
            assert c[key] is None or c[key] == 0 or c[key] >= 10
    rows = _rows(r, "race")
    na = rows["Native American"]  # 5 / 3 / 1 / 9: every cell is small
    assert (na.tp, na.fp, na.fn, na.tn) == (None, None, None, None)
    assert na.rates["fpr"].value is None and na.rates["fpr"].reason.startswith("suppressed")
    d = next(x for x in r.disparities if x.group == "Native American" and x.metric == "fpr")
    assert d.ratio is None and d.p_value is None and d.verdict == "undefined"
    # The overall figures stay published, and the race table passes the disclosure audit.
    assert r.overall.fn == 1216 and r.overall.tn == 2681
    order = ["tn", "fp", "fn", "tp"]
    published = disclosure.Suppression2D(
        mask=np.array([[getattr(g, c) is None for c in order] for g in rows.values()]),
        values=[[getattr(g, c) for c in order] for g in rows.values()],
        row_totals=[g.n for g in rows.values()],
        col_totals=[getattr(r.overall, c) for c in order],
        grand_total=r.overall.n,
        with_margins=True,
        k=10,
    )
    assert disclosure.audit(published).protected


def test_small_cell_rule_protects_intersections_given_the_single_columns(compas_a):
    r = _report(
        compas_a,
        groups=("race", "sex"),
        reference=["Caucasian", "Male"],
        k=10,
        allow_undefined=True,
    )
    single = _rows(r, "race")
    inter = _rows(r, "race × sex")
    for race, g in single.items():
        parts = [inter[f"{race} × {s}"] for s in ("Female", "Male") if f"{race} × {s}" in inter]
        for cell in ("tp", "fp", "fn", "tn", "n"):
            hidden = [p for p in parts if getattr(p, cell) is None]
            # A published single-column count never pins down one hidden intersection count.
            if getattr(g, cell) is not None:
                assert len(hidden) != 1, (race, cell)


# --------------------------------------------------------------------------- bad input


def test_non_binary_label_names_column_and_rows(compas_a):
    df = compas_a.copy()
    df.loc[[3, 8], "two_year_recid"] = 2
    with pytest.raises(InputError, match="binary") as err:
        _report(df)
    assert err.value.column == "two_year_recid" and err.value.rows == [4, 9]


def test_reference_group_that_does_not_occur(compas_a):
    with pytest.raises(InputError, match="does not occur") as err:
        _report(compas_a, reference="Martian")
    assert err.value.column == "race" and "Caucasian" in str(err.value)


@pytest.mark.parametrize("threshold", [0, 1, 11])
def test_threshold_outside_the_score_range(compas_a, threshold):
    with pytest.raises(InputError, match="outside the score range") as err:
        group_metrics(
            compas_a,
            label="two_year_recid",
            score="decile_score",
            threshold=threshold,
            groups=["race"],
            reference="Caucasian",
        )
    assert err.value.column == "decile_score"


def test_group_with_zero_negatives(compas_a):
    df = compas_a[~((compas_a["race"] == "Asian") & (compas_a["two_year_recid"] == 0))]
    df = df.reset_index(drop=True)
    with pytest.raises(InputError, match="no label-negatives") as err:
        _report(df)
    asian_rows = (np.flatnonzero(df["race"] == "Asian") + 1).tolist()
    assert err.value.column == "race" and err.value.rows == asian_rows
    r = _report(df, allow_undefined=True)
    asian = _rows(r, "race")["Asian"]
    assert asian.rates["fpr"].value is None
    assert asian.rates["fpr"].reason == "no label-negatives (label = 0)"
    d = next(x for x in r.disparities if x.group == "Asian" and x.metric == "fpr")
    assert d.verdict == "undefined" and "no label-negatives" in d.reasons["ratio"]
    json.dumps(r.to_dict(), allow_nan=False)


@pytest.mark.parametrize("column", ["race", "two_year_recid", "pred"])
def test_missing_values_name_column_and_rows(compas_a, column):
    df = compas_a.copy()
    df[column] = df[column].astype(object)
    df.loc[[0, 6], column] = None
    with pytest.raises(InputError, match="missing values") as err:
        _report(df)
    assert err.value.column == column and err.value.rows == [1, 7]


def test_other_parameter_errors(compas_a):
    with pytest.raises(InputError, match="either a prediction"):
        group_metrics(compas_a, label="two_year_recid", groups=["race"])
    with pytest.raises(InputError, match="not found"):
        _report(compas_a, groups=("ras",))
    with pytest.raises(InputError, match="one reference value per group column"):
        _report(compas_a, groups=("race", "sex"), reference="Caucasian")
    with pytest.raises(InputError, match="unknown metric"):
        _report(compas_a, metrics=["accuracy"])


# --------------------------------------------------------------------------- invariants


@st.composite
def _decisions(draw):
    n = draw(st.integers(20, 400))
    groups = draw(st.lists(st.sampled_from("ABCDE"), min_size=n, max_size=n))
    sexes = draw(st.lists(st.sampled_from("mv"), min_size=n, max_size=n))
    label = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    pred = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    return pd.DataFrame({"g": groups, "s": sexes, "two_year_recid": label, "pred": pred})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(df=_decisions(), k=st.sampled_from([1, 5, 10]))
def test_published_counts_obey_the_small_cell_rule(df, k):
    ref = [df["g"].value_counts().idxmax(), df["s"].value_counts().idxmax()]
    r = group_metrics(
        df,
        label="two_year_recid",
        prediction="pred",
        groups=["g", "s"],
        reference=ref,
        allow_undefined=True,
        k=k,
    )
    data = r.to_dict()
    json.dumps(data, allow_nan=False)
    cells = ("tn", "fp", "fn", "tp")
    rows = [*data["groups"], data["overall"]]
    for g in rows:
        for key in (*cells, "n", "label_positives", "predicted_positives"):
            assert g[key] is None or g[key] == 0 or g[key] >= k
        # No row gives away a single hidden cell through its published total.
        if g["n"] is not None:
            assert sum(g[c] is None for c in cells) != 1
        for rate in g["rates"].values():
            assert rate["value"] is None or 0 <= rate["value"] <= 1
    for attribute in ("g", "s"):
        table = [g for g in data["groups"] if g["attribute"] == attribute]
        published = disclosure.Suppression2D(
            mask=np.array([[g[c] is None for c in cells] for g in table]),
            values=[[g[c] for c in cells] for g in table],
            row_totals=[g["n"] for g in table],
            col_totals=[data["overall"][c] for c in cells],
            grand_total=data["overall"]["n"],
            with_margins=True,
            k=k,
        )
        assert disclosure.audit(published).protected
    # Counts that are published add up where the whole column is published.
    for c in cells:
        values = [g[c] for g in data["groups"] if g["attribute"] == "g"]
        if None not in values and data["overall"][c] is not None:
            assert sum(values) == data["overall"][c]
