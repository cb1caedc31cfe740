"""The demo: a simulated year imported through the app's own service, a survey and a finished
run that shows the injected disparity; a second seed adds nothing."""

from __future__ import annotations

import pytest

from gelijk.monitor.models import AnalysisRun, DataImport, RunAnalysis

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_shows_the_disparity(refdata, settings):
    from gelijk.core.demo import seed_all

    settings.GELIJK_MONITOR_DEMO_ACTIONS = 5000
    first = seed_all(2026, only=["core", "monitor"])["monitor"]
    assert first == {"imports": 2, "actions": 5000, "runs": 1}
    again = seed_all(2026, only=["core", "monitor"])["monitor"]
    assert again == {"imports": 2, "runs": 1}
    assert DataImport.objects.count() == 2 and AnalysisRun.objects.count() == 1
    run = AnalysisRun.objects.get()
    assert run.status == "done" and run.trigger == "demo"
    assert run.survey_import is not None
    rates = RunAnalysis.objects.get(run=run, name="population_rates").payload["results"]
    young = next(
        r
        for r in rates
        if r["measure"] == "rate_ratio_standardised"
        and r["scope"] == "proactive"
        and r["group"] == "15-24"
    )
    assert young["estimate"] > 1.3 and young["q_value"] < 0.05
