"""Analysis runs: pinned to their imports, refused without data, one at a time, the stored
report equal to the engine's own report on the same rows, the injected disparity found."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from gelijk.core.models import AuditEntry, ProcessingRecord
from gelijk.monitor.models import Action, AnalysisRun, DataImport, RunAnalysis, RunCell
from gelijk.monitor.services import runs as service
from gelijk.monitor.services.exports import report_dict
from gelijk.monitor.services.imports import MonitorError
from tests.monitor.conftest import FAST

pytestmark = pytest.mark.django_db


def _close(a, b, path="report"):
    """Equal JSON values, floats to 1e-9 relative (summation order may differ)."""
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    else:
        assert a == b, path


def test_stored_report_equals_the_engines_report_on_the_same_rows(
    imported, actions_file, analist, settings
):
    from gelijk.engines.monitor import MonitorConfig, load_actions, run_report

    path = actions_file(2500, seed=31, stop_rate_ratio=2.0)
    imp = imported(path)
    run = service.run_request(
        user=analist, start=imp.period_start, end=imp.period_end, group="sex", reference="male"
    )
    assert run.status == "done", run.error_message
    loaded = load_actions(str(path), pseudonymisation_key=settings.GELIJK_PSEUDONYMISATION_KEY)
    expected = run_report(
        loaded,
        MonitorConfig(group="sex", reference="male", k=settings.GELIJK_SMALL_CELL_K, analyses=FAST),
    ).to_dict()
    stored = report_dict(run)
    assert [a["name"] for a in stored["analyses"]] == [a["name"] for a in expected["analyses"]]
    _close(stored["analyses"], expected["analyses"])
    _close(stored["config"], expected["config"])
    assert stored["input"]["imports"] == [imp.pk]


def test_the_injected_disparity_is_found(finished_run):
    run = finished_run()
    payload = RunAnalysis.objects.get(run=run, name="population_rates").payload
    young = [
        r
        for r in payload["results"]
        if r["measure"] == "rate_ratio_standardised"
        and r["scope"] == "proactive"
        and r["group"] == "15-24"
    ]
    assert len(young) == 1
    assert young[0]["estimate"] > 1.8 and young[0]["q_value"] < 0.05
    assert young[0]["ci_low"] > 1
    reactive = [
        r
        for r in payload["results"]
        if r["measure"] == "rate_ratio_standardised"
        and r["scope"] == "reactive"
        and r["group"] == "15-24"
    ]
    assert reactive[0]["ci_low"] < 1.3  # no bias is injected in reactive actions


def test_run_pins_every_import_of_the_period_and_counts_each_action_once(
    imported, actions_file, analist
):
    spring = imported(
        actions_file(800, seed=1, name="voorjaar.csv", start=dt.date(2025, 3, 1), days=60)
    )
    # The simulator numbers every file from A000000001; give the second delivery its own ids.
    import pandas as pd

    path = actions_file(700, seed=2, name="zomer.csv", start=dt.date(2025, 6, 1), days=60)
    frame = pd.read_csv(path, dtype=str)
    frame["action_id"] = "Z" + frame["action_id"].str[1:]
    frame.to_csv(path, index=False)
    summer = imported(path)
    assert summer.status == "done", summer.error_message
    run = service.run_request(
        user=analist, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), group="age_band"
    )
    assert set(run.imports.values_list("pk", flat=True)) == {spring.pk, summer.pk}
    assert run.n_actions == 1500
    assert sum(RunCell.objects.filter(run=run).values_list("n", flat=True)) == 1500
    only_spring = service.run_request(
        user=analist, start=dt.date(2025, 3, 1), end=dt.date(2025, 4, 30), group="age_band"
    )
    assert list(only_spring.imports.values_list("pk", flat=True)) == [spring.pk]
    assert only_spring.n_actions == 800


def test_a_run_uses_the_survey_of_its_own_period(imported, actions_file, analist, survey_file):
    from gelijk.monitor.services.imports import import_start
    from tests.monitor.conftest import upload

    imported(actions_file(300, seed=1))  # 2025

    def survey(seed: int, start: dt.date, end: dt.date | None):
        imp = import_start(
            user=analist,
            kind="survey",
            upload=upload(survey_file(seed=seed, name=f"enquete-{seed}.csv")),
            survey_period=(start, end) if end else None,
        )
        assert imp.status == "done", imp.error_message
        return imp

    undated = survey(1, None, None)
    of_2024 = survey(2, dt.date(2024, 2, 1), dt.date(2024, 11, 30))
    spring_2025 = survey(3, dt.date(2025, 3, 1), dt.date(2025, 5, 31))
    autumn_2025 = survey(4, dt.date(2025, 9, 1), dt.date(2025, 10, 31))
    # Imported last, but about a later year: it cannot describe 2025.
    survey(5, dt.date(2026, 3, 1), dt.date(2026, 4, 30))

    def chosen(start: dt.date, end: dt.date):
        run = service.run_create(user=analist, start=start, end=end, group="age_band")
        AnalysisRun.objects.filter(pk=run.pk).update(busy=None, status="failed")
        return run.survey_import

    # Several overlap: the newest of those, not simply the last one imported.
    assert chosen(dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == autumn_2025
    assert chosen(dt.date(2025, 1, 1), dt.date(2025, 6, 30)) == spring_2025
    # None overlaps: the newest from before the period.
    assert chosen(dt.date(2025, 6, 1), dt.date(2025, 8, 31)) == spring_2025
    assert chosen(dt.date(2025, 1, 1), dt.date(2025, 1, 31)) == of_2024
    DataImport.objects.filter(pk=of_2024.pk).update(
        period_start=dt.date(2025, 12, 1), period_end=dt.date(2025, 12, 31)
    )
    # Only later dated surveys: the one without a known period is the last resort.
    assert chosen(dt.date(2025, 1, 1), dt.date(2025, 1, 31)) == undated


def test_a_replaced_import_is_not_pinned(imported, actions_file, analist):
    old = imported(actions_file(300, seed=1, name="a.csv"))
    new = imported(actions_file(300, seed=2, name="b.csv"), replace_overlapping=True)
    run = service.run_request(
        user=analist, start=new.period_start, end=new.period_end, group="age_band"
    )
    assert list(run.imports.values_list("pk", flat=True)) == [new.pk]
    assert run.n_actions == 300
    assert old.pk not in set(run.imports.values_list("pk", flat=True))


def test_a_period_without_data_is_refused_with_a_clear_message(imported, analist):
    imported()
    with pytest.raises(MonitorError) as refused:
        service.run_request(
            user=analist, start=dt.date(2023, 1, 1), end=dt.date(2023, 3, 31), group="age_band"
        )
    assert "geen handhavingsacties van 1 januari 2023 tot en met 31 maart 2023" in (
        refused.value.message
    )
    assert not AnalysisRun.objects.exists()


def test_a_reversed_period_and_an_unknown_group_are_refused(imported, analist):
    imported()
    with pytest.raises(MonitorError, match="begindatum ligt na de einddatum"):
        service.run_request(
            user=analist, start=dt.date(2025, 5, 1), end=dt.date(2025, 1, 1), group="age_band"
        )
    with pytest.raises(MonitorError, match="groepskenmerk"):
        service.run_request(
            user=analist,
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 5, 1),
            group="perceived_origin",
        )


def test_no_run_while_an_import_is_running(imported, analist):
    imp = imported()
    DataImport.objects.create(
        kind="actions",
        source="api",
        file_name="nacht.csv",
        file_format="csv",
        sha256="3" * 64,
        created_at=timezone.now(),
        heartbeat_at=timezone.now(),
        status="running",
    )
    with pytest.raises(MonitorError) as refused:
        service.run_request(
            user=analist, start=imp.period_start, end=imp.period_end, group="age_band"
        )
    assert refused.value.busy and "nacht.csv" in refused.value.message


def test_one_run_at_a_time(imported, analist):
    imp = imported()
    AnalysisRun.objects.create(
        period_start=imp.period_start,
        period_end=imp.period_end,
        group="age_band",
        trigger="manual",
        created_at=timezone.now(),
        status="running",
    )
    with pytest.raises(MonitorError) as refused:
        service.run_request(
            user=analist, start=imp.period_start, end=imp.period_end, group="age_band"
        )
    assert refused.value.busy
    with pytest.raises(IntegrityError), transaction.atomic():
        AnalysisRun.objects.create(
            period_start=imp.period_start,
            period_end=imp.period_end,
            group="sex",
            trigger="manual",
            created_at=timezone.now(),
        )


def test_a_group_with_one_level_fails_the_run_in_dutch(imported, actions_file, analist):
    import pandas as pd

    path = actions_file(300, seed=4)
    frame = pd.read_csv(path, dtype=str)
    frame["sex"] = "female"
    frame.to_csv(path, index=False)
    imp = imported(path)
    run = service.run_request(user=analist, start=imp.period_start, end=imp.period_end, group="sex")
    assert run.status == "failed" and run.busy is None
    assert "maar één waarde" in run.error_message
    assert not RunAnalysis.objects.filter(run=run).exists()


def test_cells_match_the_stored_actions_and_the_run_is_logged(finished_run):
    run = finished_run()
    cells = list(RunCell.objects.filter(run=run))
    actions = Action.objects.filter(data_import__in=run.imports.all())
    assert sum(c.n for c in cells) == actions.count() == run.n_actions
    searched = actions.filter(action_type__in=["search", "seizure"])
    assert sum(c.n_outcome for c in cells) == searched.count()
    assert sum(c.n_outcome_hit for c in cells) == searched.filter(hit=1).count()
    proactive_young = actions.filter(initiative="proactive", age_band="15-24").count()
    assert (
        sum(c.n for c in cells if c.initiative == "proactive" and c.group_value == "15-24")
        == proactive_young
    )
    # The run is audited, and each officer it processed is in the processing log.
    assert AuditEntry.objects.filter(
        object_type="monitor.AnalysisRun", object_id=str(run.pk), action="change"
    ).exists()
    officers = set(run.officer_teams)
    assert officers
    logged = set(
        ProcessingRecord.objects.filter(
            activity="monitor_analysis", trace_id=f"monitor-run-{run.pk}"
        ).values_list("subject", flat=True)
    )
    assert logged == officers
    assert set(run.officer_teams.values()) <= {"THOR", "THBO"}


def test_scheduled_run_covers_the_last_full_months(imported, settings):
    imp = imported()
    settings.GELIJK_MONITOR_SCHEDULED_MONTHS = 12
    run = service.run_scheduled(today=dt.date(2026, 1, 15))
    assert (run.period_start, run.period_end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert run.trigger == "scheduled" and run.status == "done", run.error_message
    assert list(run.imports.values_list("pk", flat=True)) == [imp.pk]


def test_scheduled_run_without_data_is_recorded_as_failed(refdata, settings):
    settings.GELIJK_MONITOR_SCHEDULED_MONTHS = 1
    run = service.run_scheduled(today=dt.date(2026, 3, 2))
    assert (run.period_start, run.period_end) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert run.status == "failed" and run.busy is None
    assert "geen handhavingsacties" in run.error_message


def test_scheduled_run_refuses_a_partly_covered_period(imported, actions_file, settings):
    imported(actions_file(500, start=dt.date(2025, 1, 1), days=180))
    settings.GELIJK_MONITOR_SCHEDULED_MONTHS = 12
    run = service.run_scheduled(today=dt.date(2026, 1, 15))
    assert run.status == "failed" and not run.imports.exists()
    assert "maar een deel van die periode" in run.error_message
    assert "29 juni 2025" in run.error_message or "30 juni 2025" in run.error_message


def test_monthly_job_is_scheduled_on_the_first():
    from gelijk.core.scheduler import JOBS

    job = JOBS["monitor-monthly-analysis"]
    assert job.monthly_day == 1 and job.task_path == "gelijk.monitor.tasks.monthly_analysis"


@pytest.mark.parametrize(
    ("today", "months", "expected"),
    [
        (dt.date(2026, 1, 1), 1, (dt.date(2025, 12, 1), dt.date(2025, 12, 31))),
        (dt.date(2026, 3, 31), 3, (dt.date(2025, 12, 1), dt.date(2026, 2, 28))),
        (dt.date(2024, 3, 1), 2, (dt.date(2024, 1, 1), dt.date(2024, 2, 29))),
    ],
)
def test_previous_months(today, months, expected):
    assert service.previous_months(today, months) == expected


def test_perceived_origin_runs_in_the_pilot(imported, tmp_path, analist, settings):
    from gelijk.engines.monitor import write_actions
    from tests.monitor.conftest import simulation

    settings.GELIJK_STOPFORM_PILOT = "DPIA stopformulier 2026-01"
    config = simulation(1500, seed=9)
    config = type(config)(
        **{
            **config.__dict__,
            "include_perceived_origin": True,
            "knobs": type(config.knobs)(target_column="perceived_origin", stop_rate_ratio=2.0),
        }
    )
    path = tmp_path / "pilot.csv"
    write_actions(config, path)
    imp = imported(path)
    run = service.run_request(
        user=analist,
        start=imp.period_start,
        end=imp.period_end,
        group="perceived_origin",
        reference="nl",
    )
    assert run.status == "done", run.error_message
    assert set(run.levels) == {"nl", "europe", "outside_europe"}
    assert run.report_meta["input"]["stopform_pilot"] is True


def test_full_run_with_the_threshold_test(imported, actions_file, analist, settings):
    settings.GELIJK_MONITOR_ANALYSES = []
    imp = imported(actions_file(2000, seed=12))
    run = service.run_request(
        user=analist, start=imp.period_start, end=imp.period_end, group="age_band"
    )
    assert run.status == "done", run.error_message
    names = list(run.analyses.values_list("name", flat=True))
    assert "threshold_test" in names and len(names) == 10
    assert "<html" in AnalysisRun.objects.get(pk=run.pk).report_html.lower()
