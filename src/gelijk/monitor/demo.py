"""Demo data: a simulated year (2025) of Utrecht enforcement actions with a modest injected
disparity, a survey with two waves, both imported through the app's own import service, and a
finished analysis run — so the demo shows what the monitor finds.

Size: ``GELIJK_MONITOR_DEMO_ACTIONS`` (default 60,000 actions; importing them into SQLite takes
a few seconds, the analysis run about a minute on two cores). Injected (proactive actions only,
as the simulator does): people aged 15–24 are stopped 1.6 times as often per resident as
others in the same wijk, and the most active proactive officer selects them three times as
often again. The survey has a 6-point gap in reported unfair treatment for residents with a
non-European background.

Idempotent: when the demo import exists, nothing is added.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from gelijk.core import demo

DEMO_YEAR = 2025
ACTIONS_FILE = "demo-handhavingsacties-2025.csv"
SURVEY_FILE = "demo-ervaringsenquete-2025.csv"
RUNNER = "analist"


def knobs():
    from gelijk.engines.monitor import BiasKnobs

    return BiasKnobs(
        target_column="age_band",
        target_value="15-24",
        stop_rate_ratio=1.6,
        biased_officers=1,
        biased_officer_ratio=3.0,
    )


def simulation(seed: int, n_actions: int):
    import datetime as dt

    from gelijk.engines.monitor import SimulationConfig

    return SimulationConfig(
        n_actions=n_actions,
        seed=seed,
        start=dt.date(DEMO_YEAR, 1, 1),
        days=365,
        include_perceived_origin=False,
        visitor_share=0.3,
        knobs=knobs(),
    )


@demo.register("monitor", order=50)
def seed(seed: int) -> dict:
    import datetime as dt

    from gelijk.engines.monitor import SurveyConfig, simulate_survey, write_actions
    from gelijk.monitor.models import AnalysisRun, DataImport
    from gelijk.monitor.services import imports, runs

    existing = DataImport.objects.filter(source=DataImport.Source.DEMO, file_name=ACTIONS_FILE)
    if existing.filter(status=DataImport.Status.DONE).exists():
        return {
            "imports": DataImport.objects.filter(source=DataImport.Source.DEMO).count(),
            "runs": AnalysisRun.objects.filter(trigger=AnalysisRun.Trigger.DEMO).count(),
        }
    from gelijk.core.roles import sync_roles

    sync_roles()  # the role groups must hold the monitor's permissions before it acts
    user = get_user_model().objects.filter(username=RUNNER).first()
    if user is None:
        raise RuntimeError("the monitor demo needs the core demo user 'analist'; run the core demo")
    n_actions = settings.GELIJK_MONITOR_DEMO_ACTIONS
    with tempfile.TemporaryDirectory() as tmp:
        actions_path = Path(tmp) / ACTIONS_FILE
        write_actions(simulation(seed, n_actions), actions_path)
        survey_path = Path(tmp) / SURVEY_FILE
        simulate_survey(SurveyConfig(respondents=1200, waves=2, seed=seed, gap=0.06)).to_csv(
            survey_path, index=False
        )
        done = []
        for kind, path in (("actions", actions_path), ("survey", survey_path)):
            with path.open("rb") as fh:
                imp = imports.import_start(
                    user=user,
                    kind=kind,
                    upload=imports.Upload(path.name, fh, path.stat().st_size),
                    source=DataImport.Source.DEMO,
                    enqueue=False,
                    survey_period=(dt.date(DEMO_YEAR, 1, 1), dt.date(DEMO_YEAR, 12, 31)),
                )
            imp = imports.import_run(imp.pk)
            if imp.status != DataImport.Status.DONE:
                raise RuntimeError(f"demo import failed: {imp.error_message}")
            done.append(imp)
    run = runs.run_create(
        user=user,
        start=done[0].period_start,
        end=done[0].period_end,
        group="age_band",
        reference="25-44",
        trigger=AnalysisRun.Trigger.DEMO,
    )
    run = runs.run_execute(run.pk)
    if run.status != AnalysisRun.Status.DONE:
        raise RuntimeError(f"demo analysis failed: {run.error_message}")
    return {"imports": len(done), "actions": done[0].rows_stored, "runs": 1}
