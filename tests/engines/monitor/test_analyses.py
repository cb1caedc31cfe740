"""Each analysis finds an injected bias, and reports no bias where none was injected."""

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from gelijk.engines.monitor import (
    BiasKnobs,
    SimulationConfig,
    load_actions,
    load_survey,
    simulate_actions,
    simulate_survey,
)
from gelijk.engines.monitor.analyses import (
    action_rates,
    officer_benchmark,
    outcome_test,
    poisson_offset,
    population_rates,
    threshold_test,
    veil_of_darkness,
)
from gelijk.engines.monitor.analyses.officer_benchmark import dr_difference
from gelijk.engines.monitor.analyses.survey import run_survey, weighted_estimate
from gelijk.engines.monitor.simulate import SurveyConfig, truth
from gelijk.engines.pseudonym import pseudonymise

from .conftest import KEY, FrameAggregator, make_context


def _pick(analysis, **where):
    out = [r for r in analysis.results if all(getattr(r, k) == v for k, v in where.items())]
    assert out, f"no result for {where}"
    return out


@pytest.fixture(scope="module")
def ctx(biased_loaded):
    _, loaded = biased_loaded
    return make_context(loaded.aggregator(), "perceived_origin", "nl")


def test_population_rates_recover_the_stop_rate_ratio_per_resident():
    config = SimulationConfig(
        n_actions=50_000,
        seed=21,
        knobs=BiasKnobs(target_column="age_band", target_value="15-24", stop_rate_ratio=2.0),
    )
    loaded = load_actions(simulate_actions(config), pseudonymisation_key=KEY)
    a = population_rates.run(make_context(loaded.aggregator(), "age_band", "25-44"))
    r = _pick(a, measure="rate_ratio_standardised", scope="proactive", group="15-24")[0]
    assert r.ci_low < 2.0 < r.ci_high
    other = _pick(a, measure="rate_ratio_standardised", scope="proactive", group="45-64")[0]
    assert other.ci_low < 1.0 < other.ci_high
    reactive = _pick(a, measure="rate_ratio_standardised", scope="reactive", group="15-24")[0]
    assert reactive.ci_low < 1.0 < reactive.ci_high


def test_population_rates_without_denominators_say_so(ctx):
    a = population_rates.run(ctx)
    assert not any(r.measure == "rate_ratio" for r in a.results)
    assert any("geen bevolkingscijfer" in n for n in a.notes)
    eco = _pick(a, measure="ecological_rate_ratio_per_10pp", scope="all")
    assert {r.unit for r in eco} == {"all_districts", "without_binnenstad"}


def test_action_rates_find_the_harsher_fines(ctx):
    a = action_rates.run(ctx)
    r = next(
        x
        for x in _pick(a, measure="action_rate_ratio", scope="proactive", group="outside_europe")
        if x.extra["action_type"] == "fine"
    )
    # The knob multiplies P(fine | offence, no search) by 1.8; the lower search threshold of
    # the same fixture leaves fewer unsearched offences for the target, so the ratio of fine
    # shares is lower than 1.8 but clearly above 1.
    assert r.estimate > 1.2 and r.ci_low > 1 and r.p_value < 1e-6
    assert r.q_value is None  # q-values are set report-wide by run_report


def test_outcome_test_finds_lower_hit_rates_for_the_lower_threshold(ctx):
    a = outcome_test.run(ctx)
    pooled = next(
        r
        for r in _pick(a, measure="hit_rate_ratio", scope="proactive", group="outside_europe")
        if r.district_code is None
    )
    mh = _pick(a, measure="odds_ratio_mh", scope="proactive", group="outside_europe")[0]
    assert pooled.ci_high < 1 and mh.ci_high < 1
    assert mh.extra["simpson_paradox"] is False


def test_simpson_paradox_is_flagged_when_pooled_and_adjusted_disagree():
    # Within each wijk group B has the higher hit rate; pooled, A has (B is mostly met in the
    # wijk with few hits).
    cells = []
    for wijk, group, hits, n in [
        ("W1", "A", 80, 100),
        ("W1", "B", 9, 10),
        ("W2", "A", 2, 10),
        ("W2", "B", 30, 100),
    ]:
        cells.append((wijk, group, "search", 1, hits))
        cells.append((wijk, group, "search", 0, n - hits))
    frame = pd.DataFrame(cells, columns=["district_code", "g", "action_type", "hit", "n"])
    frame["initiative"] = "proactive"
    ctx = make_context(FrameAggregator(frame), "g", "A")
    a = outcome_test.run(ctx.__class__(**{**ctx.__dict__, "group": "g"}))
    mh = _pick(a, measure="odds_ratio_mh", scope="all", group="B")[0]
    pooled = _pick(a, measure="odds_ratio_pooled", scope="all", group="B")[0]
    assert pooled.estimate < 1 < mh.estimate
    assert mh.extra["simpson_paradox"] is True
    assert any("Simpson" in n for n in a.notes)


def test_veil_of_darkness_finds_the_daylight_selection(ctx, biased_loaded):
    config, _ = biased_loaded
    a = veil_of_darkness.run(ctx)
    true_or = truth(config)["vod_odds_ratio"]
    pro = _pick(a, measure="vod_odds_ratio_district", scope="proactive", group="outside_europe")[0]
    # The fixture also has biased officers, whose extra selection makes the pooled odds ratio
    # non-collapsible (pulled towards 1); the exact coverage check without them is in
    # test_calibration.py.
    assert pro.ci_high < 1
    assert true_or < pro.estimate < 1.3 * true_or
    assert _pick(a, measure="vod_odds_ratio_dst", scope="proactive", group="outside_europe")


class _GroupedCountsOnly:
    """The DuckDB aggregator without its optional ``twilight_counts``."""

    def __init__(self, agg):
        self._agg = agg

    def columns(self):
        return self._agg.columns()

    def grouped_counts(self, keys, filters=(), nonnull=()):
        return self._agg.grouped_counts(keys, filters, nonnull)


@pytest.mark.parametrize("group", ["perceived_origin", "age_band"])
def test_veil_of_darkness_backend_window_equals_the_grouped_count_path(biased_loaded, group):
    _, loaded = biased_loaded
    fast = make_context(loaded.aggregator(), group)
    # Months left out make the scopes' date sets differ from the full year.
    fast = fast.__class__(
        **{**fast.__dict__, "excluded_months": {group: (dt.date(2024, 6, 1), dt.date(2024, 12, 1))}}
    )
    slow = fast.__class__(**{**fast.__dict__, "agg": _GroupedCountsOnly(loaded.aggregator())})
    keys = ["dark", "minute", "district_code", group, "period"]
    got = veil_of_darkness.window_counts_by_scope(fast)
    want = veil_of_darkness.window_counts_by_scope(slow)
    for scope in ("all", "proactive", "reactive"):
        a = got[scope].sort_values(keys).reset_index(drop=True)
        b = want[scope].sort_values(keys).reset_index(drop=True)
        assert len(a) > 1000
        pd.testing.assert_frame_equal(a, b)
    assert veil_of_darkness.run(fast).to_dict() == veil_of_darkness.run(slow).to_dict()


def test_veil_of_darkness_backend_window_with_sparse_dates():
    # 120 actions in a year: the scopes have different dates, so different clock windows
    # (proactive starts a minute later than the others with this seed).
    config = SimulationConfig(n_actions=120, seed=5, n_officers=10)
    loaded = load_actions(
        simulate_actions(config),
        pseudonymisation_key=KEY,
        stopform_pilot=True,
        stopform_legal_basis="test DPIA",
    )
    fast = make_context(loaded.aggregator(), "perceived_origin", "nl")
    slow = fast.__class__(**{**fast.__dict__, "agg": _GroupedCountsOnly(loaded.aggregator())})
    keys = ["dark", "minute", "district_code", "perceived_origin", "period"]
    got = veil_of_darkness.window_counts_by_scope(fast)
    want = veil_of_darkness.window_counts_by_scope(slow)
    for scope in ("all", "proactive", "reactive"):
        a = got[scope].sort_values(keys).reset_index(drop=True)
        b = want[scope].sort_values(keys).reset_index(drop=True)
        assert len(a) > 5
        pd.testing.assert_frame_equal(a, b)


def test_veil_of_darkness_is_not_applicable_to_invisible_groups(ctx):
    other = ctx.__class__(**{**ctx.__dict__, "group": "resident"})
    assert veil_of_darkness.run(other).status == "not_applicable"


def test_poisson_offset_against_reactive_baseline_points_the_right_way(ctx):
    a = poisson_offset.run(ctx)
    r = _pick(a, measure="rate_ratio_reactive_baseline", scope="proactive", group="outside_europe")[
        0
    ]
    assert r.estimate > 1.3 and r.ci_low > 1


def test_officer_benchmark_flags_the_biased_officers(ctx, biased_loaded):
    config, _ = biased_loaded
    a = officer_benchmark.run(ctx)
    rows = [
        r
        for r in a.results
        if r.measure == "officer_difference"
        and r.scope == "proactive"
        and r.group == "outside_europe"
    ]
    z = sorted(rows, key=lambda r: -r.extra["z"])
    biased = {pseudonymise(i, KEY) for i in truth(config)["biased_officers"]}
    assert {r.unit for r in z[:2]} == biased
    assert all(r.p_value < 1e-4 for r in z[:2])
    # The biased officers are peers of everyone else and lift their benchmark, so the others
    # lean negative (Ridgeway & MacDonald's contamination); none is flagged for over-targeting.
    others = [r.extra["z"] for r in rows if r.unit not in biased]
    assert max(others) < 2.5


def test_doubly_robust_difference_equals_direct_standardisation_with_exact_propensity():
    rng = np.random.default_rng(0)
    unit = rng.integers(1, 30, size=(12, 2)).astype(float)
    total = unit + rng.integers(20, 200, size=(12, 2))
    n_u, n_all = unit.sum(1), total.sum(1)
    exact_p = n_u / n_all
    peer_share = (total[:, 0] - unit[:, 0]) / (n_all - n_u)
    direct = unit[:, 0].sum() / n_u.sum() - (n_u * peer_share).sum() / n_u.sum()
    for m in (np.full(12, 0.3), rng.uniform(0.1, 0.9, 12)):
        est = dr_difference(unit, total, m, exact_p)
        assert est["tau"] == pytest.approx(direct, rel=1e-10)


def test_threshold_test_finds_the_lower_bar(ctx):
    # Shorter chains than the report default keep the suite fast; the finding is large.
    short = ctx.__class__(
        **{**ctx.__dict__, "config": replace(ctx.config, threshold_warmup=150, threshold_draws=150)}
    )
    a = threshold_test.run(short)
    d = _pick(a, measure="threshold_difference", scope="proactive", group="outside_europe")[0]
    assert d.ci_high < 0 and d.p_value is None and d.mde > 0
    assert d.extra["posterior_prob_lower"] > 0.975


def test_survey_weighted_estimates_design_effect_and_gap(tmp_path):
    frame = simulate_survey(SurveyConfig(respondents=3000, waves=3, seed=4, gap=0.08, trend=0.02))
    frame.to_csv(tmp_path / "s.csv", index=False)
    survey = load_survey(tmp_path / "s.csv")
    part = survey.frame[survey.frame.self_reported_group == "nl"]
    e = weighted_estimate(part.q_unfair_treatment.to_numpy(float), part.weight.to_numpy(), True)
    assert e["mean"] == pytest.approx(np.average(part.q_unfair_treatment, weights=part.weight))
    w = part.weight.to_numpy()
    assert e["deff"] == pytest.approx(len(w) * (w**2).sum() / w.sum() ** 2)
    a = run_survey(survey, reference="nl", k=10)
    gap = next(
        r
        for r in a.results
        if r.measure == "difference"
        and r.unit == "all"
        and r.group == "outside_europe"
        and r.extra["answer"] == "q_unfair_treatment"
    )
    assert gap.ci_low < 0.08 < gap.ci_high and gap.p_value < 0.001
    trend = next(
        r
        for r in a.results
        if r.measure == "trend_per_wave"
        and r.group == "nl"
        and r.extra["answer"] == "q_unfair_treatment"
    )
    assert trend.ci_low < 0.02 < trend.ci_high
