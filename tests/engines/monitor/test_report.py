"""The full report: schema, JSON safety, report-wide BH, small-cell rule, HTML."""

import json
import math
import re
from dataclasses import replace
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from gelijk.engines.errors import InputError
from gelijk.engines.monitor import (
    MonitorConfig,
    SimulationConfig,
    load_actions,
    render_html,
    run_report,
    simulate_actions,
)

from .conftest import KEY

SCHEMA = json.loads(
    (
        Path(__file__).resolve().parents[3]
        / "docs"
        / "report-schemas"
        / "monitor-report.schema.json"
    ).read_text()
)
FAST = MonitorConfig(threshold_warmup=100, threshold_draws=100, threshold_chains=2)


@pytest.fixture(scope="module")
def small_report():
    loaded = load_actions(
        simulate_actions(SimulationConfig(n_actions=12_000, seed=9, n_officers=30)),
        pseudonymisation_key=KEY,
    )
    steps = []
    report = run_report(loaded, FAST, progress=lambda s, d, t: steps.append((s, d, t)))
    return report, steps, loaded


def test_report_validates_against_the_json_schema(small_report):
    report, _, _ = small_report
    data = json.loads(report.to_json())
    jsonschema.validate(data, SCHEMA)
    assert [a["name"] for a in data["analyses"]] == list(FAST.analyses)


def test_report_json_has_no_nan_or_infinity(small_report):
    report, _, _ = small_report
    text = json.dumps(report.to_dict(), allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text


def test_q_values_are_benjamini_hochberg_over_the_whole_report(small_report):
    report, _, _ = small_report
    tested = [r for _, r in report.results() if r.p_value is not None]
    q = multipletests([r.p_value for r in tested], method="fdr_bh")[1]
    # Suppressed tests count too but their p is withheld, so compare where nothing is hidden.
    if not any(r.suppressed for _, r in report.results()):
        np.testing.assert_allclose([r.q_value for r in tested], q)
    assert all(r.q_value >= r.p_value - 1e-15 for r in tested)
    assert len({a for a, r in report.results() if r.p_value is not None}) >= 5


def test_progress_is_reported_for_every_analysis(small_report):
    _, steps, _ = small_report
    assert [s for s, _, _ in steps] == [*FAST.analyses, "done"]
    assert steps[-1][1] == steps[-1][2] == len(FAST.analyses)


def test_small_cells_are_withheld(small_report):
    _, _, loaded = small_report
    report = run_report(loaded, replace(FAST, k=400, analyses=("data_quality", "outcome_test")))
    results = [r for _, r in report.results()]
    hidden = [r for r in results if r.suppressed]
    assert hidden
    for r in hidden:
        assert (r.estimate, r.ci_low, r.p_value, r.q_value, r.n) == (None,) * 5
    shown = [r for r in results if not r.suppressed and r.measure == "hit_rate"]
    assert all(r.n >= 400 for r in shown)


def test_missing_group_column_and_unknown_reference_are_clear_errors(small_report):
    _, _, loaded = small_report
    with pytest.raises(InputError, match=r"perceived_origin.*pilot"):
        run_report(loaded, replace(FAST, group="perceived_origin"))
    with pytest.raises(InputError, match="reference level '99-100'"):
        run_report(loaded, replace(FAST, reference="99-100"))


def test_without_survey_the_survey_analysis_says_so(small_report):
    report, _, _ = small_report
    assert report.analysis("survey").status == "not_applicable"


def test_html_is_self_contained_dutch_with_a_table_for_every_chart(small_report):
    report, _, _ = small_report
    html = render_html(report)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="nl">' in html
    assert "<script" not in html and not re.search(r"""(src|href)=["']https?:""", html)
    figures = html.count("<figure>")
    assert figures >= 5
    assert html.count("Tabel bij deze grafiek") == figures
    assert html.count("<svg") >= figures
    assert "Belangrijkste uitkomsten" in html and "q-waarde" in html


def test_rates_and_intervals_are_finite_numbers(small_report):
    report, _, _ = small_report
    for _, r in report.results():
        for v in (r.estimate, r.ci_low, r.ci_high, r.mde):
            assert v is None or math.isfinite(v)
        if r.ci_low is not None and r.estimate is not None and "threshold" not in r.measure:
            assert r.ci_low <= r.estimate + 1e-12 <= r.ci_high + 2e-12
